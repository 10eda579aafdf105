"""Redaction of secret-looking values in free text (log lines, examples) before any tool returns it.

Deliberately simple and errs on the side of hiding: ``Bearer <token>`` / ``Basic <base64>``, ``user:password@`` in
URLs, and the value after any key that names a password, secret, token or API key (``password=...``,
``"db_password": "..."``, ``token: ...``, ``X-Api-Key=...``) become ``***``; so do the caller's own known secrets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tools.targets import redact

__all__ = ["redact_line"]

_KEY = r"[\w.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)[\w.-]*"
_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]{6,}"), r"\1 ***"),
    (re.compile(r"(?i)\b(basic)\s+[A-Za-z0-9+/]{8,}={0,2}"), r"\1 ***"),
    (re.compile(r"(?i)(\w+://[^/\s:@]+:)[^/\s@]+@"), r"\1***@"),
    (
        re.compile(rf"""(?i)(\b{_KEY}["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;&"'}}]+)"""),
        r"\1***",
    ),
)


def redact_line(line: str, secrets: Iterable[str] = ()) -> tuple[str, int]:
    """``line`` with secret-looking values replaced by ``***``, and how many replacements were made."""
    total = 0
    for pattern, replacement in _RULES:
        line, count = pattern.subn(replacement, line)
        total += count
    scrubbed = redact(line, secrets)
    if scrubbed != line:
        total += 1
    return scrubbed, total
