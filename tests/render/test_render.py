"""The three renderings of a plan: golden files for worked plans, plus the rules they follow.

UPDATE_GOLDEN=1 rewrites tests/golden/ from the current output (review the diff, then commit).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from factories import (
    DAY,
    NOW,
    deployed,
    lock,
    observed,
    record,
    run,
    seen,
    study,
)

from deployer.core.plan import Plan
from deployer.core.records import EnvLock
from deployer.providers.mturk.study import MASTERS, Requirement
from deployer.render import render_json, render_markdown, render_text
from deployer.render.markdown import COMMENT_LIMIT

GOLDEN = Path(__file__).parent / "golden"
BALANCE = Decimal("10000.00")


def new_plan() -> Plan:
    """A first apply in sandbox: a study split into batches of 9, and a Masters study."""
    emotion = study(assignments=25, max_assignments_per_hit=9)
    experts = study("experts", assignments=5, reward=Decimal("2.00"),
                    qualifications=(Requirement(MASTERS, "Exists"),))
    return run([emotion, experts], lock(environment="sandbox"), observed(balance=BALANCE),
               environment="sandbox")


def changes_plan() -> Plan:
    """A working day: grow across 10, a new question, a new reward, drift, removal, a crash."""
    emotion = study(assignments=5)
    pilot = study("pilot", assignments=6)
    survey = study("survey", assignments=4)
    removed = study("oldpilot", assignments=3)
    rerun = study("rerun", assignments=2)
    ratings = study("ratings", assignments=4)
    records = {
        "emotion": record(emotion), "pilot": record(pilot), "survey": record(survey),
        "oldpilot": record(removed), "rerun": record(rerun),
        "ratings": record(ratings, status="pending"),
    }
    hits = [
        seen(emotion, records["emotion"]),
        seen(pilot, records["pilot"], pending=1, submitted=2),
        seen(survey, records["survey"], expires_at=NOW - timedelta(hours=3)),
        seen(removed, records["oldpilot"]),
        seen(ratings, record(ratings)),  # created, but the apply stopped before recording it
    ]
    studies = [
        replace(emotion, assignments=12, lifetime=10 * 86400),
        replace(pilot, question=pilot.question.replace("emotion.example", "pilot.example")),
        replace(survey, reward=Decimal("0.60")),
        rerun,
        ratings,
    ]
    return run(studies, lock(*records.values()), observed(*hits, balance=BALANCE))


def no_changes_plan() -> Plan:
    """Converged, with an expiry someone extended by hand: verdict first, drift below."""
    s = study()
    r = record(s)
    later = (r.expires_at or NOW) + 2 * DAY
    return run([s], lock(r), observed(seen(s, r, expires_at=later), balance=BALANCE))


def refused_plan() -> Plan:
    """Production: one study never tried in sandbox and over budget, one not opted in."""
    emotion = study(assignments=10, production=True, budget=Decimal("5.00"))
    pilot = study("pilot")
    sandbox = EnvLock("mturk", "sandbox", "lineage-s",
                      applied=(("emotion", ("0000000000000000",)),))
    return run([emotion, pilot], lock(environment="production", sandbox=sandbox),
               observed(balance=Decimal("3.00")), environment="production")


PLANS = {
    "new": new_plan,
    "changes": changes_plan,
    "no_changes": no_changes_plan,
    "refused": refused_plan,
}


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} is missing: run with UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(PLANS))
def test_golden_text(name: str) -> None:
    check_golden(f"{name}.txt", render_text(PLANS[name](), color=False))


@pytest.mark.parametrize("name", sorted(PLANS))
def test_golden_markdown(name: str) -> None:
    check_golden(f"{name}.md", render_markdown(PLANS[name]()))


@pytest.mark.parametrize("name", sorted(PLANS))
def test_golden_json(name: str) -> None:
    check_golden(f"{name}.json", render_json(PLANS[name]()))


def test_golden_color_text() -> None:
    check_golden("changes.color.txt", render_text(changes_plan(), color=True))


# --- text --------------------------------------------------------------------------------------


def test_text_names_the_environment_and_ends_with_summary_and_money() -> None:
    text = render_text(new_plan(), color=False)
    assert text.startswith("deploy will perform the following actions in SANDBOX:")
    lines = text.rstrip("\n").split("\n")
    assert lines[-2] == "Plan: 4 to create, 0 to change, 0 to expire."
    assert lines[-1] == "Estimated spend: +$27.50 (rewards + MTurk fees)"


def test_text_legend_lists_only_the_symbols_used() -> None:
    text = render_text(new_plan(), color=False)
    assert "  + create" in text
    assert "update in place" not in text and "-/+" not in text


def test_text_marks_the_field_that_forces_replacement_and_says_what_changed() -> None:
    text = render_text(changes_plan(), color=False)
    assert ("      question:  # forces replacement\n"
            "        - external_url: https://emotion.example.org/\n"
            "        + external_url: https://pilot.example.org/\n") in text
    assert "  # pilot/b1 must be replaced" in text


def test_text_counts_replace_as_create_and_expire_and_adopt_first() -> None:
    text = render_text(changes_plan(), color=False)
    assert "Plan: 1 to adopt, 3 to create, 3 to change, 2 to expire, 1 to forget." in text


def test_no_changes_prints_the_verdict_first_then_drift() -> None:
    text = render_text(no_changes_plan(), color=False)
    assert text.startswith("No changes. The studies match what is on MTurk in LOCAL.\n")
    assert text.index("Note: Objects have changed outside of deploy") > 0
    assert "Plan:" not in text


def test_errors_without_actions_are_not_no_changes() -> None:
    s = study()
    text = render_text(run([replace(s, assignments=5)], *deployed(s)), color=False)
    assert text.startswith("Planning failed in LOCAL")
    assert "Error: emotion: studies/emotion.yaml asks for 5 assignments" in text
    assert "This plan cannot be applied" in text


def test_colour_only_when_asked() -> None:
    plan = changes_plan()
    assert "\x1b[" not in render_text(plan, color=False)
    coloured = render_text(plan, color=True)
    assert "\x1b[32m  +\x1b[0m" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == render_text(plan, color=False)


# --- markdown ----------------------------------------------------------------------------------


def test_markdown_puts_the_review_card_before_the_folded_plan() -> None:
    md = render_markdown(refused_plan())
    folded = md.index("<details>")
    assert md.index("**Errors**") < folded
    assert md.index("never applied in sandbox") < folded
    assert md.index("| study | what changes | adds | committed / budget |") < folded
    assert "| `emotion` | 1 to create | +$7.00 | $7.00 / $5.00 ($2.00 over) |" in md
    assert md.index("Account balance: $3.00.") < folded
    assert "```diff" in md[folded:]
    assert md.rstrip().endswith("</details>")


def many_studies_plan(studies: int = 40, hits: int = 40) -> Plan:
    """Many studies whose HITs are each extended to a different expiry: nothing groups."""
    made = [study(f"s{n:02}", assignments=hits, max_assignments_per_hit=1)
            for n in range(studies)]
    records = [record(s, b + 1, size=1, created_at=NOW - DAY - b * timedelta(minutes=7))
               for s in made for b in range(hits)]
    hits_seen = [seen(next(s for s in made if s.name == r.study), r) for r in records]
    longer = [replace(s, lifetime=10 * 86400) for s in made]
    return run(longer, lock(*records), observed(*hits_seen, balance=BALANCE))


def test_a_comment_over_the_limit_cuts_details_per_study_never_a_study() -> None:
    plan = many_studies_plan()
    assert len(render_text(plan, color=False)) > COMMENT_LIMIT
    md = render_markdown(plan)
    assert len(md) <= COMMENT_LIMIT
    assert md.count("```") == 2 and md.count("<details>") == md.count("</details>") == 1
    assert "cut to fit a comment" in md
    for n in range(40):
        assert f"| `s{n:02}` | expires_at changed" not in md  # expiries are not "what changes"
        assert f"| `s{n:02}` | 40 to change | +$0.00 |" in md
        assert re.search(rf"^ {{3}}# \.\.\. \d+ more actions of s{n:02} not shown here; "
                         r"`deploy plan --env local` shows them all$", md, re.MULTILINE)
    assert "Plan: 0 to create, 1600 to change, 0 to expire." in md


# --- json --------------------------------------------------------------------------------------


def test_json_is_versioned_with_money_as_strings() -> None:
    doc = json.loads(render_json(changes_plan()))
    assert doc["format_version"] == "1.3"
    assert doc["environment"] == "local" and doc["applyable"] and doc["has_changes"]
    assert doc["summary"] == {"adopt": 1, "create": 3, "change": 3, "expire": 2, "pause": 0,
                              "forget": 1, "approve": 0, "reject": 0, "pay": 0, "dispose": 0,
                              "grant": 0, "revoke": 0, "block": 0, "unblock": 0}
    assert doc["balance"] == "10000.00" and isinstance(doc["added_cost"], str)
    replaced = next(a for a in doc["actions"] if a["kind"] == "replace")
    assert replaced["actions"] == ["expire", "create"]
    assert replaced["replace_paths"] == ["question"]
    assert all(isinstance(a["cost"], str) for a in doc["actions"])


def test_json_of_a_refused_plan_is_not_applyable() -> None:
    doc = json.loads(render_json(refused_plan()))
    assert doc["applyable"] is False
    assert [e["address"] for e in doc["errors"]] == ["emotion", "emotion", ""]


def test_nothing_in_scope_says_why_instead_of_claiming_a_match() -> None:
    from factories import lock, run, study

    production = run([study()], lock(environment="production"), environment="production")
    assert render_text(production, color=False).startswith(
        "No changes: no study is enabled for PRODUCTION (add `production: true` to one).\n")
    empty = run([], lock())
    assert render_markdown(empty).startswith(
        "### deploy plan for `LOCAL`\n\n**No changes:** there is no study to deploy in LOCAL")
