"""Question XML checks (reference §5.1-5.3), and the Field a worker fills in (forms.py)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html.parser import HTMLParser

from deployer.emulators.mturk.exceptions import ParameterValidationError, invalid

SCHEMAS = "http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/"
EXTERNAL_NS = SCHEMAS + "2006-07-14/ExternalQuestion.xsd"
HTML_NS = SCHEMAS + "2011-11-11/HTMLQuestion.xsd"
FORM_NSS = (SCHEMAS + "2017-11-06/QuestionForm.xsd", SCHEMAS + "2005-10-01/QuestionForm.xsd")
ANSWERS_NS = SCHEMAS + "2005-10-01/QuestionFormAnswers.xsd"
MAX_QUESTION_BYTES = 65_535
RESERVED_FIELDS = frozenset({"assignmentId", "hitId", "turkSubmitTo", "workerId"})
# Characters XML 1.0 cannot carry at all, not even as &#...; references.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
DIGITS = re.compile(r"[0-9]+")
HTML5_ERROR = (
    "There was an error parsing the HTML5 data in your request.  Please make sure the data is "
    "well-formed and validates as HTML5. Details: "
)
VOID = frozenset(
    ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
     "source", "track", "wbr")
)
# An HTML5 parser turns a stray </p> into an empty <p></p> (and </br> into <br>), and MTurk
# created HITs with them (Dallinger's compensation HIT ends "...</p></form>" with no <p> open).
IMPLIED_BY_END_TAG = frozenset(("p", "br"))
OPTIONAL_END = frozenset(
    ("html", "head", "body", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th",
     "thead", "tbody", "tfoot", "colgroup", "rt", "rp")
)


@dataclass(frozen=True)
class Field:
    """One thing a worker fills in: a QuestionForm question or a named form control."""

    name: str
    kind: str  # text | number | choice | choices | checkbox | fixed | file
    options: tuple[str, ...] = ()  # the values a choice takes
    label: str = ""
    required: bool = False
    option_labels: tuple[str, ...] = ()
    low: int | None = None  # number range, or how many choices at least / at most
    high: int | None = None
    value: str = ""  # a hidden input's or checkbox's value, or a default text


def _parse(name: str, xml: str) -> ET.Element:
    if len(xml.encode("utf-8")) > MAX_QUESTION_BYTES:
        raise invalid(name, "<too long>", f"{name} must be at most 65535 bytes.")
    try:
        return ET.fromstring(xml.strip().encode("utf-8"))
    except ET.ParseError as error:
        raise invalid(name, xml, f"The XML is not well-formed: {error}.") from None


def _is_form(root: ET.Element) -> bool:
    return root.tag in {f"{{{ns}}}QuestionForm" for ns in FORM_NSS}


def check_test(test: str) -> None:
    """A qualification test: QuestionForm is the only format allowed (reference §5.3)."""
    root = _parse("Test", test)
    if not _is_form(root):
        raise invalid("Test", test, "A qualification test must be a QuestionForm in its "
                                    "schema namespace.")
    _check_form(root)


def check_question(question: str) -> None:
    root = _parse("Question", question)
    match root.tag:
        case tag if tag == f"{{{EXTERNAL_NS}}}ExternalQuestion":
            _check_external(root)
        case tag if tag == f"{{{HTML_NS}}}HTMLQuestion":
            _check_html_question(root)
        case _ if _is_form(root):
            _check_form(root)
        case _:
            raise invalid(
                "Question", question,
                "The root element must be ExternalQuestion, HTMLQuestion or QuestionForm "
                "in its schema namespace.",
            )


def _child(root: ET.Element, name: str) -> str:
    ns = root.tag[1:].split("}")[0]
    found = root.find(f"{{{ns}}}{name}")
    if found is None or found.text is None or not found.text.strip():
        raise invalid(name, None, f"{name} is required.")
    return found.text.strip()


def _check_frame_height(root: ET.Element) -> None:
    height = _child(root, "FrameHeight")
    if not DIGITS.fullmatch(height):  # str.isdigit() would take "٣" or "²"
        raise invalid("FrameHeight", height)


def _check_external(root: ET.Element) -> None:
    url = _child(root, "ExternalURL")
    if not url.lower().startswith("https://"):
        raise invalid("ExternalURL", url, "This URL must use the HTTPS protocol..")
    _check_frame_height(root)


def _check_html_question(root: ET.Element) -> None:
    content = _child(root, "HTMLContent")
    _check_frame_height(root)
    problem = html5_problem(content)
    if problem:
        raise ParameterValidationError(HTML5_ERROR + problem)


def _check_form(root: ET.Element) -> None:
    ns = root.tag[1:].split("}")[0]
    questions = root.findall(f"{{{ns}}}Question")
    if not questions:
        raise invalid("Question", "QuestionForm", "A QuestionForm needs at least one Question.")
    seen: set[str] = set()
    for question in questions:
        identifier = _child(question, "QuestionIdentifier")
        if identifier in seen:
            raise invalid("QuestionIdentifier", identifier,
                          "Each Question of a QuestionForm needs its own QuestionIdentifier.")
        seen.add(identifier)
        for part in ("QuestionContent", "AnswerSpecification"):
            if question.find(f"{{{ns}}}{part}") is None:
                raise invalid(part, None, f"Question {identifier} needs a {part}.")
        upload = question.find(f"{{{ns}}}AnswerSpecification/{{{ns}}}FileUploadAnswer")
        if upload is not None and ns == FORM_NSS[0]:
            raise invalid("AnswerSpecification", "FileUploadAnswer",
                          "The 2017-11-06 QuestionForm schema has no FileUploadAnswer.")


class _Balance(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.doctype = False
        self.started = False
        self.problems: list[str] = []

    def _where(self) -> str:
        line, col = self.getpos()
        return f"line {line}, column {col + 1}"

    def handle_decl(self, decl: str) -> None:
        self.doctype = self.doctype or decl.lower().startswith("doctype")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.doctype and not self.started:
            self.problems.append(f"{self._where()}: Start tag seen without seeing a doctype first.")
        self.started = True
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID or (tag in IMPLIED_BY_END_TAG and tag not in self.open):
            return
        if tag not in self.open:
            self.problems.append(f"{self._where()}: Stray end tag “{tag}”.")
            return
        while self.open and self.open[-1] != tag:
            dropped = self.open.pop()
            if dropped not in OPTIONAL_END:
                self.problems.append(f"{self._where()}: Unclosed element “{dropped}”.")
        self.open.pop()


def html5_problem(content: str) -> str:
    """A validator-style message for the first problems found, or '' when the HTML is fine."""
    parser = _Balance()
    parser.feed(content)
    parser.close()
    if not parser.doctype:
        parser.problems.insert(0, "line 1, column 1: Missing doctype (expected <!DOCTYPE html>).")
    unclosed = [tag for tag in parser.open if tag not in OPTIONAL_END]
    parser.problems.extend(f"end of file: Unclosed element “{tag}”." for tag in unclosed)
    return " ".join(parser.problems[:5])
