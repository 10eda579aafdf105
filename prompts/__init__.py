"""Prompts — placeholder package; filled by later issues."""
