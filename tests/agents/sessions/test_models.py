"""Titles from first questions."""

from __future__ import annotations

from agents.sessions import MAX_TITLE_CHARS, UNTITLED, title_from_question


def test_a_short_question_is_its_own_title_with_whitespace_collapsed() -> None:
    assert title_from_question("  Why is\n spoke-a   degraded? ") == "Why is spoke-a degraded?"


def test_a_long_question_is_cut_at_a_word_with_an_ellipsis() -> None:
    question = "Which GPU nodes on spoke-a threw XID 79 errors during the last six hours and what were they running?"
    title = title_from_question(question)
    assert len(title) <= MAX_TITLE_CHARS
    assert title.endswith("…")
    assert question.startswith(title[:-1])
    assert title == question[:76] + "…"  # "... six hours and", not "... and wh"


def test_a_long_word_without_spaces_is_cut_at_the_limit() -> None:
    title = title_from_question("x" * 200)
    assert title == "x" * (MAX_TITLE_CHARS - 1) + "…"


def test_an_empty_question_gives_the_untitled_title() -> None:
    assert title_from_question(" \n ") == UNTITLED
