"""Prompt templates (jinja2, strict undefined) and the function that renders them."""

from prompts.loader import PROMPTS_DIR, PromptError, prompt_path, render_prompt, template_name

__all__ = ["PROMPTS_DIR", "PromptError", "prompt_path", "render_prompt", "template_name"]
