"""Question XML checks (reference §5.1-5.3) and Answer XML generation (§5.4)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from xml.sax.saxutils import escape

from deployer.emulator.exceptions import ParameterValidationError, invalid

SCHEMAS = "http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/"
EXTERNAL_NS = SCHEMAS + "2006-07-14/ExternalQuestion.xsd"
HTML_NS = SCHEMAS + "2011-11-11/HTMLQuestion.xsd"
FORM_NSS = (SCHEMAS + "2017-11-06/QuestionForm.xsd", SCHEMAS + "2005-10-01/QuestionForm.xsd")
ANSWERS_NS = SCHEMAS + "2005-10-01/QuestionFormAnswers.xsd"
MAX_QUESTION_BYTES = 65_535
RESERVED_FIELDS = frozenset({"assignmentId", "hitId", "turkSubmitTo", "workerId"})
HTML5_ERROR = (
    "There was an error parsing the HTML5 data in your request.  Please make sure the data is "
    "well-formed and validates as HTML5. Details: "
)
VOID = frozenset(
    ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
     "source", "track", "wbr")
)
OPTIONAL_END = frozenset(
    ("html", "head", "body", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th",
     "thead", "tbody", "tfoot", "colgroup", "rt", "rp")
)


def check_question(question: str) -> None:
    if len(question.encode("utf-8")) > MAX_QUESTION_BYTES:
        raise invalid("Question", "<too long>", "Question must be at most 65535 bytes.")
    try:
        root = ET.fromstring(question.strip().encode("utf-8"))
    except ET.ParseError as error:
        raise invalid("Question", question, f"The XML is not well-formed: {error}.") from None
    match root.tag:
        case tag if tag == f"{{{EXTERNAL_NS}}}ExternalQuestion":
            _check_external(root)
        case tag if tag == f"{{{HTML_NS}}}HTMLQuestion":
            _check_html_question(root)
        case tag if tag in {f"{{{ns}}}QuestionForm" for ns in FORM_NSS}:
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
    if not height.isdigit():
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
    for question in questions:
        _child(question, "QuestionIdentifier")


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
        if tag in VOID:
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


def answer_xml(fields: dict[str, str]) -> str:
    """QuestionFormAnswers exactly as MTurk returns it: one line, ASCII, character references."""
    parts = [f'<?xml version="1.0" encoding="ASCII"?><QuestionFormAnswers xmlns="{ANSWERS_NS}">']
    for name, value in fields.items():
        if name in RESERVED_FIELDS:
            continue
        parts.append(
            f"<Answer><QuestionIdentifier>{_ascii(name)}</QuestionIdentifier>"
            f"<FreeText>{_ascii(value)}</FreeText></Answer>"
        )
    parts.append("</QuestionFormAnswers>")
    return "".join(parts)


def _ascii(text: str) -> str:
    return escape(text).encode("ascii", "xmlcharrefreplace").decode("ascii")
