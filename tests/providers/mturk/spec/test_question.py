"""The question: rendering to Question XML, and every check MTurk would make at CreateHIT."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from spec_helpers import BASE, edit, lines, load, write

EXTERNAL_NS = ("http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/"
               "2006-07-14/ExternalQuestion.xsd")
HTML_NS = ("http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/"
           "2011-11-11/HTMLQuestion.xsd")
FORM_NS = ("http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/"
           "2017-11-06/QuestionForm.xsd")
FORM = '<form><input type="hidden" name="assignmentId" value=""></form>'
DOCTYPE = "<!DOCTYPE html>\n"


def question(*entries: str) -> str:
    """BASE with its question replaced by the given lines (indented under question:)."""
    text = edit(BASE, "  external_url", "")
    return text + "".join(f"  {e}\n" for e in entries)


def test_external_url_is_escaped_into_an_external_question(tmp_path: Path) -> None:
    loaded = load(tmp_path, question("external_url: https://a.org/s?x=1&y=<2>",
                                     "frame_height: 600"))
    assert loaded.studies[0].question == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<ExternalQuestion xmlns="{EXTERNAL_NS}">\n'
        "  <ExternalURL>https://a.org/s?x=1&amp;y=&lt;2&gt;</ExternalURL>\n"
        "  <FrameHeight>600</FrameHeight>\n"
        "</ExternalQuestion>\n"
    )


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        (("external_url: http://a.org/s",), "pilot.yaml:9:17: error: question.external_url: "
         "MTurk only shows https pages; use an https:// address"),
        (("external_url: a.org/s",), 'pilot.yaml:9:17: error: question.external_url: "a.org/s":'
         " write a full https:// address without spaces"),
        (("frame_height: 0",), "pilot.yaml:9:3: error: question: missing; add external_url, "
         "html_file or xml_file"),
        (("external_url: https://a.org", "html_file: a.html"), "pilot.yaml:10:3: error: "
         "question.html_file: give only one of external_url, html_file or xml_file; found "
         "external_url and html_file"),
        (("external_url: https://a.org", "frame_height: -1"), "pilot.yaml:10:17: error: "
         "question.frame_height: is -1; the minimum is 0"),
        (("externl_url: https://a.org",), 'pilot.yaml:9:3: error: question.externl_url: unknown '
         'field; did you mean "external_url"?'),
    ],
)
def test_question_shape(tmp_path: Path, entries: tuple[str, ...], expected: str) -> None:
    assert lines(load(tmp_path, question(*entries)), tmp_path) == [expected]


def test_question_must_be_a_mapping(tmp_path: Path) -> None:
    text = edit(edit(BASE, "  external_url", ""), "question", "question: https://a.org")
    assert lines(load(tmp_path, text), tmp_path) == [
        "pilot.yaml:8:11: error: question: expected a mapping (key: value lines), found the "
        'text "https://a.org"'
    ]


# --- html_file -------------------------------------------------------------------------------


def test_html_file_becomes_an_html_question(tmp_path: Path) -> None:
    page = f"<!DOCTYPE html>\n<html><body><p>Hi<p>There<br>{FORM}</body></html>\n"
    write(tmp_path, page, "page.html")
    loaded = load(tmp_path, question("html_file: page.html", "frame_height: 450"))
    assert lines(loaded, tmp_path) == []
    assert loaded.studies[0].question == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<HTMLQuestion xmlns="{HTML_NS}">\n'
        f"  <HTMLContent><![CDATA[{page}]]></HTMLContent>\n"
        "  <FrameHeight>450</FrameHeight>\n"
        "</HTMLQuestion>\n"
    )


def test_studies_sharing_a_page_each_get_its_problems_once(tmp_path: Path) -> None:
    """The page is checked once and the answer reused; each study still gets its own list."""
    write(tmp_path, f"<!DOCTYPE html>\n<div>]]>{FORM}\n", "page.html")
    write(tmp_path, question("html_file: page.html"), "second.yaml")
    loaded = load(tmp_path, question("html_file: page.html"))
    assert lines(loaded, tmp_path) == 2 * [
        "page.html:2:1: error: question.html_file: <div> is never closed",
    ] + 2 * [
        "page.html:2:6: error: question.html_file: contains ]]>, which would end the CDATA "
        "section MTurk reads the page from; write it as ]]&gt; or split it",
    ]


def test_html_file_paths_are_relative_to_the_study_file(tmp_path: Path) -> None:
    write(tmp_path / "pages", DOCTYPE + FORM, "page.html")
    loaded = load(tmp_path, question("html_file: pages/page.html"))
    assert lines(loaded, tmp_path) == []


def test_missing_html_file(tmp_path: Path) -> None:
    loaded = load(tmp_path, question("html_file: nope.html"))
    assert lines(loaded, tmp_path) == [
        "pilot.yaml:9:14: error: question.html_file: nope.html not found "
        "(the path is relative to the study file)"
    ]


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (f"<div>\n  <span>{FORM}</div>\n", "page.html:3:3: error: question.html_file: <span> "
         "is not closed before </div> on line 3"),
        (f"{FORM}</section>", "page.html:2:64: error: question.html_file: </section> has no "
         "matching <section>"),
        (f"<main>\n{FORM}\n", "page.html:2:1: error: question.html_file: <main> is never "
         "closed"),
        (f"{FORM}<script>if (a ]]> b) {{}}</script>", "page.html:2:78: error: "
         "question.html_file: contains ]]>, which would end the CDATA section MTurk reads the "
         "page from; write it as ]]&gt; or split it"),
        ("<form><textarea name=answer></textarea></form>", 'page.html:1:1: error: '
         'question.html_file: has no form field named "assignmentId" (nor a <crowd-form>); '
         'MTurk refuses every submission without it: add <input type="hidden" '
         'name="assignmentId"> to the form (studies/survey.html shows how)'),
    ],
)
def test_html_checks_point_into_the_html_file(tmp_path: Path, page: str, expected: str) -> None:
    write(tmp_path, DOCTYPE + page, "page.html")
    loaded = load(tmp_path, question("html_file: page.html"))
    assert lines(loaded, tmp_path) == [expected]


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (f"<html>{FORM}</html>", "page.html:1:1: error: question.html_file: the page must "
         "start with <!DOCTYPE html>"),
        (f"<p>hi</p>\n<!DOCTYPE html>{FORM}", "page.html:1:1: error: question.html_file: the "
         "page must start with <!DOCTYPE html>"),
        ("", "page.html:1:1: error: question.html_file: the page is empty; write the HTML page "
         "workers should see, starting with <!DOCTYPE html>"),
        (" \n\n", "page.html:1:1: error: question.html_file: the page is empty; write the HTML "
         "page workers should see, starting with <!DOCTYPE html>"),
    ],
)
def test_html_file_must_start_with_a_doctype(tmp_path: Path, page: str, expected: str) -> None:
    write(tmp_path, page, "page.html")
    loaded = load(tmp_path, question("html_file: page.html"))
    assert lines(loaded, tmp_path) == [expected]
    assert loaded.studies == ()


@pytest.mark.parametrize("start", ["<!doctype html>", "\n  <!-- survey v2 -->\n<!DOCTYPE HTML>"])
def test_a_doctype_after_space_and_comments_is_fine(tmp_path: Path, start: str) -> None:
    write(tmp_path, start + FORM, "page.html")
    assert lines(load(tmp_path, question("html_file: page.html")), tmp_path) == []


def test_crowd_form_carries_the_assignment_id_itself(tmp_path: Path) -> None:
    write(tmp_path, DOCTYPE + "<crowd-form><crowd-input name=a></crowd-input></crowd-form>",
          "page.html")
    assert lines(load(tmp_path, question("html_file: page.html")), tmp_path) == []


def test_html_file_must_be_utf8(tmp_path: Path) -> None:
    write(tmp_path, b"<p>caf\xe9</p>", "page.html")
    assert lines(load(tmp_path, question("html_file: page.html")), tmp_path) == [
        "pilot.yaml:9:14: error: question.html_file: page.html is not UTF-8 text; "
        "save it as UTF-8"
    ]


def test_question_xml_over_64_kb_is_refused(tmp_path: Path) -> None:
    page = DOCTYPE + FORM + "<p>" + "x" * 65_584 + "</p>"
    write(tmp_path, page, "page.html")
    wrapper = len('<?xml version="1.0" encoding="UTF-8"?>\n<HTMLQuestion xmlns=""></HTMLQuestion>'
                  "\n  <HTMLContent><![CDATA[]]></HTMLContent>\n  <FrameHeight>0</FrameHeight>\n"
                  "\n") + len(HTML_NS)
    assert wrapper + len(page) == 65_914
    assert lines(load(tmp_path, question("html_file: page.html")), tmp_path) == [
        "pilot.yaml:9:3: error: question: the Question XML is 65,914 bytes; MTurk accepts at "
        "most 65,535; move images, scripts and styles to files served over https"
    ]


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("html_file: /dev/zero", "pilot.yaml:9:14: error: question.html_file: /dev/zero is a "
         "device, not a file"),
        ('html_file: "a\\0b.html"', "pilot.yaml:9:14: error: question.html_file: a\\x00b.html "
         "cannot be read: its name contains a NUL character"),
        ('html_file: "a\\ud800b.html"', "pilot.yaml:9:14: error: question.html_file: contains "
         "half of a UTF-16 surrogate pair (an escape like \\ud800) without the other half, "
         "which is not a character; remove it"),
        ("xml_file: pages", "pilot.yaml:9:13: error: question.xml_file: pages is a directory, "
         "not a file"),
    ],
)
def test_question_files_that_cannot_be_read_are_problems(tmp_path: Path, entry: str,
                                                         expected: str) -> None:
    (tmp_path / "pages").mkdir()
    problems = lines(load(tmp_path, question(entry)), tmp_path)
    assert problems == [expected]
    "\n".join(problems).encode("utf-8")  # printable on any terminal


def test_a_named_pipe_as_question_file_is_refused_without_waiting(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "page.html")
    assert lines(load(tmp_path, question("html_file: page.html")), tmp_path) == [
        "pilot.yaml:9:14: error: question.html_file: page.html is a named pipe, not a file"]


def test_a_question_file_far_over_the_limit_is_not_read(tmp_path: Path) -> None:
    write(tmp_path, DOCTYPE + FORM + "x" * 140_000, "page.html")
    assert lines(load(tmp_path, question("html_file: page.html")), tmp_path) == [
        "pilot.yaml:9:14: error: question.html_file: page.html is larger than 131,072 bytes, "
        "the most deploy reads; MTurk accepts a question of at most 65,535 bytes"]


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        ("<!--" * 15_000, "page.html:2:64: error: question.html_file: this comment never ends "
         "(no closing -->); close it"),
        ("<a b=" * 12_000, "page.html:2:64: error: question.html_file: this tag never ends (no "
         "closing >); close it"),
        ("<![<![", "page.html:2:67: error: question.html_file: cannot be read as HTML from here "
         "(a malformed <! declaration); fix or remove it"),
    ],
    ids=["comments", "attributes", "declaration"],
)
def test_pages_that_trip_the_html_parser_are_problems_found_quickly(
        tmp_path: Path, tail: str, expected: str) -> None:
    """Each of these took the standard library's parser 2 to 20 seconds, or a traceback."""
    write(tmp_path, DOCTYPE + FORM + tail, "page.html")
    problems = lines(load(tmp_path, question("html_file: page.html")), tmp_path)
    assert expected in problems


# --- xml_file --------------------------------------------------------------------------------


def test_xml_file_is_sent_as_it_is(tmp_path: Path) -> None:
    xml = (f'<?xml version="1.0" encoding="UTF-8"?>\n<ExternalQuestion xmlns="{EXTERNAL_NS}">\n'
           "  <ExternalURL>https://a.netlify.app/?a=1&amp;b=2</ExternalURL>\n"
           "  <FrameHeight>0</FrameHeight>\n</ExternalQuestion>\n")
    write(tmp_path, xml, "q.xml")
    loaded = load(tmp_path, question("xml_file: q.xml"))
    assert lines(loaded, tmp_path) == []
    assert loaded.studies[0].question == xml


@pytest.mark.parametrize("version", ["2017-11-06", "2005-10-01"])
def test_question_form_versions(tmp_path: Path, version: str) -> None:
    ns = f"http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/{version}/QuestionForm.xsd"
    write(tmp_path, f'<QuestionForm xmlns="{ns}"><Question/></QuestionForm>', "q.xml")
    assert lines(load(tmp_path, question("xml_file: q.xml")), tmp_path) == []


@pytest.mark.parametrize(
    ("xml", "expected"),
    [
        # The notebook's template, as people copy it.
        ('<?xml version="1.0" encoding="UTF-8"?>\n<ExternalQuestion xmlns="">\n'
         "  <ExternalURL>YOUR URL HERE</ExternalURL>\n</ExternalQuestion>\n",
         f'q.xml:2:2: error: question.xml_file: <ExternalQuestion> needs xmlns="{EXTERNAL_NS}" '
         "(found no namespace)"),
        (f'<ExternalQuestion xmlns="{EXTERNAL_NS}">\n  <ExternalURL>http://a.org</ExternalURL>\n'
         "  <FrameHeight>0</FrameHeight>\n</ExternalQuestion>",
         'q.xml:1:2: error: question.xml_file: <ExternalURL> must be an https:// address '
         '(found "http://a.org")'),
        (f'<ExternalQuestion xmlns="{EXTERNAL_NS}"><ExternalURL>https://a.org</ExternalURL>'
         "</ExternalQuestion>",
         "q.xml:1:2: error: question.xml_file: <ExternalQuestion> needs a <FrameHeight> "
         "(0 fits the worker's window)"),
        (f'<HTMLQuestion xmlns="{HTML_NS}"><FrameHeight>0</FrameHeight></HTMLQuestion>',
         "q.xml:1:2: error: question.xml_file: <HTMLQuestion> needs an <HTMLContent> element"),
        (f'<HTMLQuestion xmlns="{EXTERNAL_NS}"/>',
         f'q.xml:1:2: error: question.xml_file: <HTMLQuestion> needs xmlns="{HTML_NS}" '
         f'(found "{EXTERNAL_NS}")'),
        ("<Survey/>", "q.xml:1:2: error: question.xml_file: the root element is <Survey>; "
         "MTurk accepts ExternalQuestion, HTMLQuestion or QuestionForm"),
        ("<ExternalQuestion>\n  <ExternalURL>https://a.org?a=1&b=2</ExternalURL>\n",
         "q.xml:2:35: error: question.xml_file: is not well-formed XML: not well-formed "
         "(invalid token); write & as &amp;"),
        ("<ExternalQuestion>\n  <ExternalURL>https://a.org?a=1</ExternalURL>\n<",
         "q.xml:3:1: error: question.xml_file: is not well-formed XML: unclosed token"),
        (f'<QuestionForm xmlns="{FORM_NS}"><Overview/></QuestionForm>',
         "q.xml:1:2: error: question.xml_file: <QuestionForm> needs at least one <Question>"),
        (f'<ExternalQuestion xmlns="{EXTERNAL_NS}"><ExternalURL>https://a.org</ExternalURL>'
         "<FrameHeight>tall</FrameHeight></ExternalQuestion>",
         'q.xml:1:2: error: question.xml_file: <FrameHeight> must be a whole number of pixels, '
         'like 0 or 800 (found "tall")'),
        (f'<HTMLQuestion xmlns="{HTML_NS}">\n  <HTMLContent><![CDATA[<p>{FORM}]]></HTMLContent>\n'
         "  <FrameHeight>0</FrameHeight>\n</HTMLQuestion>",
         "q.xml:2:25: error: question.xml_file: the page must start with <!DOCTYPE html>"),
        (f'<HTMLQuestion xmlns="{HTML_NS}">\n  <HTMLContent><![CDATA[<!DOCTYPE html>\n'
         f"<div>{FORM}]]></HTMLContent>\n  <FrameHeight>0</FrameHeight>\n</HTMLQuestion>",
         "q.xml:3:1: error: question.xml_file: <div> is never closed"),
        (f'<HTMLQuestion xmlns="{HTML_NS}">\n  <HTMLContent> </HTMLContent>'
         "<FrameHeight>0</FrameHeight></HTMLQuestion>",
         "q.xml:2:16: error: question.xml_file: the page is empty; write the HTML page workers "
         "should see, starting with <!DOCTYPE html>"),
    ],
)
def test_xml_file_checks(tmp_path: Path, xml: str, expected: str) -> None:
    write(tmp_path, xml, "q.xml")
    assert lines(load(tmp_path, question("xml_file: q.xml")), tmp_path) == [expected]


def test_frame_height_does_not_apply_to_xml_file(tmp_path: Path) -> None:
    ns = "http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2017-11-06/QuestionForm.xsd"
    write(tmp_path, f'<QuestionForm xmlns="{ns}"><Question/></QuestionForm>', "q.xml")
    loaded = load(tmp_path, question("xml_file: q.xml", "frame_height: 400"))
    assert lines(loaded, tmp_path) == [
        "pilot.yaml:10:3: error: question.frame_height: an xml_file sets its own "
        "<FrameHeight>; remove frame_height"
    ]
