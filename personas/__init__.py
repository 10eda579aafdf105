"""Personas — placeholder package; filled by later issues."""
