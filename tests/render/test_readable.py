"""Plans that scale and show what matters (issue 12, items 4 and 5)."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal

from factories import DAY, NOW, lock, observed, record, run, seen, study

from deployer.core.plan import Note
from deployer.providers.mturk.study import LOCALE_TYPE, PERCENT_APPROVED_TYPE, Locale, Requirement
from deployer.render import render_json, render_markdown, render_text

HTML = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<HTMLQuestion xmlns="http://mechanicalturk.'
    'amazonaws.com/AWSMechanicalTurkDataSchemas/2011-11-11/HTMLQuestion.xsd">\n'
    "  <HTMLContent><![CDATA[{page}]]></HTMLContent>\n  <FrameHeight>0</FrameHeight>\n"
    "</HTMLQuestion>\n"
)
PAGE = "<!DOCTYPE html>\n<p>How often do you watch videos?</p>\n<form></form>\n"


def test_three_hundred_like_creates_are_one_block_but_three_hundred_json_actions() -> None:
    norming = study("norming", assignments=2700, max_assignments_per_hit=9)
    plan = run([norming])
    text = render_text(plan, color=False)
    assert "  + norming/b1..b300  300 HITs of 9\n" in text
    assert "      cost:            +$5.40 each, +$1,620.00 in all\n" in text
    assert len(text.splitlines()) < 40
    assert "+  + norming/b1..b300  300 HITs of 9" in render_markdown(plan)
    assert len(json.loads(render_json(plan))["actions"]) == 300


def test_requirements_added_and_removed_are_listed_whole() -> None:
    us = Requirement(LOCALE_TYPE, "In", locale_values=(Locale("US"),))
    many = Requirement(LOCALE_TYPE, "In", locale_values=tuple(
        Locale(code) for code in ("US", "CA", "GB", "AU", "NZ", "IE", "DE", "FR", "NL", "SE")))
    approved = Requirement(PERCENT_APPROVED_TYPE, "GreaterThanOrEqualTo", (95,))
    s = study(qualifications=(us, approved))
    r = record(s)
    plan = run([replace(s, qualifications=(many, approved))], lock(r),
               observed(seen(s, r)))
    text = render_text(plan, color=False)
    assert ("      qualifications:\n"
            "        - Locale In US\n"
            "        + Locale In US,CA,GB,AU,NZ,IE,DE,FR,NL,SE\n") in text
    assert "..." not in text


def test_a_replace_says_nothing_of_what_did_not_change_and_who_keeps_the_old_reward() -> None:
    s = study()
    r = record(s)
    plan = run([replace(s, reward=Decimal("0.75"))], lock(r),
               observed(seen(s, r, pending=2)))
    text = render_text(plan, color=False)
    assert "-/+ emotion/b1" in text
    assert "max_assignments: 9 -> 7" in text
    moved = replace(s, question=s.question.replace("emotion.example", "emotion2.example"))
    untouched = render_text(run([moved], lock(r), observed(seen(s, r))), color=False)
    assert "-/+ emotion/b1" in untouched and "max_assignments" not in untouched  # 9 -> 9
    assert "the 2 assignments already accepted keep the old reward, $0.50" in text


def test_an_html_question_change_shows_the_file_and_a_short_diff() -> None:
    s = study("survey", question=HTML.format(page=PAGE), question_file="survey.html")
    r = record(s)
    edited = PAGE.replace("How often do you watch videos?", "How often do you watch films?")
    plan = run([replace(s, question=HTML.format(page=edited))], lock(r),
               observed(seen(s, r, pending=1)))
    text = render_text(plan, color=False)
    assert ("      question:  # forces replacement\n"
            "          html_file: survey.html changed\n"
            "        @@ -1,3 +1,3 @@\n"
            "          <!DOCTYPE html>\n"
            "        - <p>How often do you watch videos?</p>\n"
            "        + <p>How often do you watch films?</p>\n"
            "          <form></form>\n") in text
    md = render_markdown(plan)
    assert "-        - <p>How often do you watch videos?</p>" in md
    assert "+        + <p>How often do you watch films?</p>" in md


def test_a_replace_is_orange_and_its_attributes_are_marked_in_the_comment() -> None:
    s = study()
    r = record(s)
    plan = run([replace(s, reward=Decimal("0.75"))], lock(r), observed(seen(s, r, pending=1)))
    md = render_markdown(plan)
    assert "!-/+ emotion/b1" in md
    assert '!      reward:          "0.50" -> "0.75"' in md
    assert '| `emotion` | reward "0.50" -> "0.75"; 1 to create, 1 to expire |' in md


def test_a_hint_shared_by_many_notes_is_given_once() -> None:
    plan = run([study()])
    noisy = replace(plan, warnings=tuple(
        Note(f"emotion/b{n}", f"HIT 3X{n} carries another batch's annotation",
             "expire it by hand if it is a leftover duplicate") for n in range(1, 7)))
    md = render_markdown(noisy)
    assert md.count("expire it by hand if it is a leftover duplicate") == 2  # card + plan
    text = render_text(noisy, color=False)
    assert text.count("expire it by hand if it is a leftover duplicate") == 1


def test_long_reasons_wrap_in_the_comment() -> None:
    s = study(assignments=5)
    grown = run([replace(s, assignments=12)], lock(record(s)),
                observed(seen(s, record(s))))
    md = render_markdown(grown)
    comments = [line for line in md[md.index("```diff"):].splitlines()
                if line[1:].startswith("  # ")]
    assert len(comments) > 3 and max(len(line) for line in comments) <= 101
    assert "  # (created with 5) to 10 or more assignments" in md  # a wrapped reason


def test_a_study_removed_long_ago_leaves_the_cost_table() -> None:
    gone = study("oldpilot")
    r = record(gone, status="expired", created_at=NOW - 30 * DAY)
    expired = seen(gone, r, submitted=9, expires_at=NOW - 20 * DAY)
    plan = run([study()], lock(r), observed(expired))
    assert [c.study for c in plan.costs] == ["emotion"]
