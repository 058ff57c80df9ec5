"""Turn a study's `question` into the Question XML that MTurk receives, checking it first.

MTurk rejects bad questions only when a HIT is created, with terse messages; every check it
is known to make (https, namespaces, well-formed markup, 64 KB) is made here instead, located
in the study file or in the referenced file.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deployer.providers.mturk.spec.html import check_html
from deployer.spec.document import Document
from deployer.spec.files import Unreadable, printable, read_limited
from deployer.spec.problems import Problem, has_errors, locate

_BASE = "http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/"
EXTERNAL_NS = _BASE + "2006-07-14/ExternalQuestion.xsd"
HTML_NS = _BASE + "2011-11-11/HTMLQuestion.xsd"
NAMESPACES = {
    "ExternalQuestion": (EXTERNAL_NS,),
    "HTMLQuestion": (HTML_NS,),
    "QuestionForm": (_BASE + "2017-11-06/QuestionForm.xsd", _BASE + "2005-10-01/QuestionForm.xsd"),
}
MAX_QUESTION_BYTES = 65_535
# A referenced file is read up to twice MTurk's limit: enough to say by how much it is over,
# never so much that a device or a huge file can exhaust memory.
MAX_FILE_BYTES = 2 * (MAX_QUESTION_BYTES + 1)
XML_FIELD = "question.xml_file"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


@dataclass(frozen=True)
class Rendered:
    xml: str  # what CreateHIT sends as Question
    files: tuple[bytes, ...]  # the referenced files, for the study's digest


def render_question(doc: Document, study_file: Path) -> tuple[Rendered | None, list[Problem]]:
    """The Question XML for a schema-valid `question`, or the problems that prevent it."""
    spec: dict[str, Any] = doc.data["question"]
    height = int(spec.get("frame_height", 0))
    rendered: Rendered | None
    problems: list[Problem]
    if "external_url" in spec:
        rendered, problems = Rendered(_external(spec["external_url"], height), ()), []
    elif "html_file" in spec:
        rendered, problems = _from_html(doc, study_file, spec["html_file"], height)
    else:
        rendered, problems = _from_xml(doc, study_file, spec["xml_file"])
        if "frame_height" in spec:
            problems.append(doc.problem(
                ("question", "frame_height"),
                "an xml_file sets its own <FrameHeight>; remove frame_height", on_key=True,
            ))
    if rendered is not None and len(rendered.xml.encode("utf-8")) > MAX_QUESTION_BYTES:
        size = len(rendered.xml.encode("utf-8"))
        problems.append(doc.problem(
            ("question",), f"the Question XML is {size:,} bytes; MTurk accepts at most "
            f"{MAX_QUESTION_BYTES:,}; move images, scripts and styles to files served over https",
        ))
    return (rendered if not has_errors(problems) else None), problems


def _escape(text: str) -> str:
    """Text as XML character data: what xml.sax.saxutils.escape does, without importing
    urllib.request, http.client and ssl with it (about 10 ms of every `deploy validate`)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _external(url: str, height: int) -> str:
    return (
        f'{_DECLARATION}<ExternalQuestion xmlns="{EXTERNAL_NS}">\n'
        f"  <ExternalURL>{_escape(url)}</ExternalURL>\n"
        f"  <FrameHeight>{height}</FrameHeight>\n"
        "</ExternalQuestion>\n"
    )


def html_question(content: str, height: int = 0) -> str:
    return (
        f'{_DECLARATION}<HTMLQuestion xmlns="{HTML_NS}">\n'
        f"  <HTMLContent><![CDATA[{content}]]></HTMLContent>\n"
        f"  <FrameHeight>{height}</FrameHeight>\n"
        "</HTMLQuestion>\n"
    )


def _from_html(
    doc: Document, study_file: Path, name: str, height: int
) -> tuple[Rendered | None, list[Problem]]:
    loaded = _read_text(doc, study_file, ("question", "html_file"), name)
    if isinstance(loaded, Problem):
        return None, [loaded]
    raw, text, shown = loaded
    problems = check_html(text, shown)
    if "]]>" in text:
        line, column = locate(text, text.index("]]>"))
        problems.append(Problem(
            shown, line, column, "error", "question.html_file",
            "contains ]]>, which would end the CDATA section MTurk reads the page from; "
            "write it as ]]&gt; or split it",
        ))
    return Rendered(html_question(text, height), (raw,)), problems


def _from_xml(
    doc: Document, study_file: Path, name: str
) -> tuple[Rendered | None, list[Problem]]:
    loaded = _read_text(doc, study_file, ("question", "xml_file"), name)
    if isinstance(loaded, Problem):
        return None, [loaded]
    raw, text, shown = loaded
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as error:
        line, column = error.position
        message = str(error).split(":")[0]
        if _bare_ampersand(text, line, column):
            message += "; write & as &amp;"
        return None, [Problem(shown, line, column + 1, "error", XML_FIELD,
                              f"is not well-formed XML: {message}")]
    problems = _check_root(root, text, shown)
    if not problems and root.tag.endswith("}HTMLQuestion"):
        problems = _check_html_content(root, text, shown)
    return Rendered(text, (raw,)), problems


def _bare_ampersand(text: str, line: int, column: int) -> bool:
    """Whether XML stopped at an & that starts no entity, as in an unescaped URL."""
    lines = text.splitlines()
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    amp = source.rfind("&", 0, column + 1)
    return amp >= 0 and ";" not in source[amp:column + 1]


def _check_html_content(root: ET.Element, text: str, shown: str) -> list[Problem]:
    """The page inside <HTMLContent> gets the same checks as an html_file."""
    namespace = root.tag[1:].partition("}")[0]
    content = root.findtext(f"{{{namespace}}}HTMLContent") or ""
    start = text.find("<HTMLContent")
    cdata = text.find("<![CDATA[", start)
    tag_end = text.find(">", start) + 1
    at = cdata + len("<![CDATA[") if cdata >= 0 and not text[tag_end:cdata].strip() \
        else tag_end
    return check_html(content, shown, XML_FIELD, locate(text, at))


def _check_root(root: ET.Element, text: str, shown: str) -> list[Problem]:
    namespace, _, local = root.tag[1:].partition("}") if root.tag.startswith("{") \
        else ("", "", root.tag)
    line, column = locate(text, max(0, text.find(local)))

    def problem(message: str) -> list[Problem]:
        return [Problem(shown, line, column, "error", XML_FIELD, message)]

    if local not in NAMESPACES:
        return problem(f"the root element is <{local}>; MTurk accepts ExternalQuestion, "
                       "HTMLQuestion or QuestionForm")
    if namespace not in NAMESPACES[local]:
        found = f'"{namespace}"' if namespace else "no namespace"
        return problem(f'<{local}> needs xmlns="{NAMESPACES[local][0]}" (found {found})')
    if local == "QuestionForm":
        if root.find(f"{{{namespace}}}Question") is None:
            return problem("<QuestionForm> needs at least one <Question>")
        return []
    height = root.findtext(f"{{{namespace}}}FrameHeight")
    if height is None:
        return problem(f"<{local}> needs a <FrameHeight> (0 fits the worker's window)")
    if not height.strip().isdigit():
        return problem(f'<FrameHeight> must be a whole number of pixels, like 0 or 800 '
                       f'(found "{height.strip()}")')
    if local == "ExternalQuestion":
        url = (root.findtext(f"{{{namespace}}}ExternalURL") or "").strip()
        if not url.startswith("https://"):
            return problem(f'<ExternalURL> must be an https:// address (found "{url}")')
    elif root.find(f"{{{namespace}}}HTMLContent") is None:
        return problem("<HTMLQuestion> needs an <HTMLContent> element")
    return []


def _read_text(
    doc: Document, study_file: Path, at: tuple[str, str], name: str
) -> tuple[bytes, str, str] | Problem:
    """(bytes, text, path as shown) of a file named relative to the study file."""
    path = study_file.parent / name
    shown = printable(str(Path(doc.path).parent / name))
    try:
        raw = read_limited(path, MAX_FILE_BYTES)
    except Unreadable as error:
        why = str(error)
        if why == "not found":
            why += " (the path is relative to the study file)"
        elif why.startswith("is larger"):
            why += f"; MTurk accepts a question of at most {MAX_QUESTION_BYTES:,} bytes"
        return doc.problem(at, f"{shown} {why}")
    try:
        return raw, raw.decode("utf-8-sig"), shown
    except UnicodeDecodeError:
        return doc.problem(at, f"{shown} is not UTF-8 text; save it as UTF-8")



