"""What a chat session looks like to callers: :class:`ChatSession`, and the rule that turns a question into a title.

A :class:`ChatSession` is an immutable snapshot of one row of the session table; the conversation itself lives in
the LangGraph checkpointer under ``thread_id = session.id``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["DEFAULT_MAX_MESSAGES", "DEFAULT_TTL_S", "MAX_TITLE_CHARS", "UNTITLED", "ChatSession", "title_from_question"]

# A session lives a day after its last message unless the caller asks otherwise.
DEFAULT_TTL_S = 86_400
# Past this many messages a conversation no longer fits a model's context window usefully; start afresh.
DEFAULT_MAX_MESSAGES = 100
# Titles are shown in one line of a session list.
MAX_TITLE_CHARS = 80
UNTITLED = "Untitled session"


@dataclass(frozen=True, slots=True)
class ChatSession:
    """One chat session's metadata as stored (times are timezone-aware UTC).

    ``expires_at`` moves to ``ttl_s`` seconds after the last recorded message; ``message_count`` counts every
    message of the conversation (human, AI and tool) recorded with ``SessionStore.record_messages``.
    """

    id: str
    owner: str
    title: str
    persona: str | None
    clusters: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    expires_at: datetime
    message_count: int
    ttl_s: int


def title_from_question(question: str) -> str:
    """A one-line title (at most :data:`MAX_TITLE_CHARS` characters) from the first question of a session.

    Whitespace runs become single spaces; a longer question is cut at a word boundary when one is near and ends
    with an ellipsis. An empty question gives :data:`UNTITLED`.
    """
    text = " ".join(question.split())
    if not text:
        return UNTITLED
    if len(text) <= MAX_TITLE_CHARS:
        return text
    cut = text[: MAX_TITLE_CHARS - 1]
    space = cut.rfind(" ")
    # Prefer a whole last word, unless that would throw away most of the line.
    if space >= MAX_TITLE_CHARS // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"
