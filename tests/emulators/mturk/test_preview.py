"""The local preview: a HIT as a worker sees it before accepting (`/_emulator/preview`), and an
HTMLQuestion's page as MTurk serves it in the preview's frame (`/_emulator/task`)."""

from __future__ import annotations

import html
import re

from .conftest import QUESTION, Env, question_form
from .test_simulated_answers import FORM, HTML_QUESTION


def _frame(page: str) -> str:
    found = re.search(r'<iframe src="([^"]+)"', page)
    assert found, page
    return html.unescape(found.group(1))


def test_an_external_question_is_framed_with_the_preview_parameters(env: Env) -> None:
    hit = env.hit(Title="Rate <the> clip")  # ExternalURL https://example.org/task?a=1&b=2
    status, page = env.side(f"/_emulator/preview?groupId={hit['HITGroupId']}")
    assert status == 200
    assert "Rate &lt;the&gt; clip" in page and "$0.50" in page and hit["HITId"] in page
    assert _frame(page) == ("https://example.org/task?a=1&b=2&assignmentId="
                            f"ASSIGNMENT_ID_NOT_AVAILABLE&hitId={hit['HITId']}")
    assert env.side(f"/_emulator/preview?hitId={hit['HITId']}")[1] == page


def test_the_group_preview_shows_a_hit_that_can_still_be_accepted(env: Env) -> None:
    full = env.hit(MaxAssignments=1)
    open_ = env.hit(MaxAssignments=1)
    env.emu.workers.accept(env.worker(), full["HITId"])
    page = env.side(f"/_emulator/preview?groupId={full['HITGroupId']}")[1]
    assert f"hitId={open_['HITId']}" in _frame(page)
    assert "<dt>HITs available</dt><dd>1</dd>" in page


def test_an_html_question_is_framed_and_served_as_written(env: Env) -> None:
    hit = env.hit(Question=HTML_QUESTION)
    page = env.side(f"/_emulator/preview?groupId={hit['HITGroupId']}")[1]
    src = _frame(page)
    assert src == f"/_emulator/task?hitId={hit['HITId']}&assignmentId=ASSIGNMENT_ID_NOT_AVAILABLE"
    status, task = env.side(src)
    assert status == 200 and '<input type="radio" name="mood" value="calm">' in task
    assert task.startswith("<!DOCTYPE html>")


def test_a_question_form_is_drawn_readably(env: Env) -> None:
    overview = question_form(QUESTION.format("why")).replace(
        "<Question>", "<Overview><Title>Colours</Title><Text>Look closely.</Text></Overview>"
                      "<Question>", 1)
    page = env.side(f"/_emulator/preview?hitId={env.hit(Question=overview)['HITId']}")[1]
    assert "<h2>Colours</h2><p>Look closely.</p>" in page
    assert "<legend>why</legend><p>Why?</p><textarea" in page
    page = env.side(f"/_emulator/preview?hitId={env.hit(Question=FORM)['HITId']}")[1]
    assert '<input type="checkbox" name="colours" value="red" disabled> Red' in page
    assert '<input type="number" name="score" min="1" max="7" disabled>' in page
    assert "<legend>colours *</legend>" in page  # required


def test_nothing_to_preview_is_a_404_page(env: Env) -> None:
    status, page = env.side("/_emulator/preview?groupId=NOPE")
    assert status == 404 and "No HITs in NOPE" in page
    assert env.side("/_emulator/task?hitId=NOPE")[0] == 404
    assert env.side(f"/_emulator/task?hitId={env.hit()['HITId']}")[0] == 404  # external page
