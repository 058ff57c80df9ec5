"""What the README says first: MTurk's closure, and what still works without an account."""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).parents[1] / "README.md"


def first_paragraph() -> str:
    text = README.read_text(encoding="utf-8")
    body = text.split("\n\n", 1)[1]  # after the title
    return " ".join(body.split("\n\n", 1)[0].split())


def test_the_first_paragraph_states_the_closure_and_that_local_works_without_an_account() -> None:
    first = first_paragraph()
    assert "closed to new customers on 2026-07-30" in first
    assert "permanent closure for 2026-09-30" in first
    assert "`local`" in first and "no AWS account" in first


def test_no_claim_to_be_the_only_tool_with_a_record_in_git() -> None:
    text = " ".join(README.read_text(encoding="utf-8").split())
    assert "only one with a real plan" not in text
    assert "amti also keeps HIT definitions in version control" in text
