"""A question change in a reviewer's words: the old and new external_url, or the page's file
name and a short diff, instead of two hashes.

The old side is read from the Question XML MTurk holds for the HIT; the new from the study.
"""

from __future__ import annotations

import difflib
import hashlib
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from deployer.providers.mturk.plan.payloads import Edit

DIFF_LINES = 12  # a short diff: the rest is in `git diff`
LONGEST_LINE = 100


@dataclass(frozen=True)
class Question:
    kind: str  # ExternalQuestion | HTMLQuestion | QuestionForm | "" (unreadable)
    body: str  # the URL, the page, or the whole XML
    frame_height: str = ""


def read(xml: str) -> Question:
    try:
        root = ET.fromstring(xml.encode("utf-8"))
    except ET.ParseError:
        return Question("", xml)
    namespace, _, kind = root.tag[1:].partition("}") if root.tag.startswith("{") \
        else ("", "", root.tag)
    ns = f"{{{namespace}}}" if namespace else ""
    height = (root.findtext(f"{ns}FrameHeight") or "").strip()
    if kind == "ExternalQuestion":
        return Question(kind, (root.findtext(f"{ns}ExternalURL") or "").strip(), height)
    if kind == "HTMLQuestion":
        return Question(kind, root.findtext(f"{ns}HTMLContent") or "", height)
    return Question(kind, xml)


def question_edit(old_xml: str, new_xml: str, old_fingerprint: str, new_fingerprint: str,
                  source: str) -> Edit:
    """The `question` edit of a replace; `source` is the study's html_file or xml_file."""
    old, new = read(old_xml), read(new_xml)
    return Edit("question", f"sha256:{old_fingerprint}", f"sha256:{new_fingerprint}",
                forces_replacement=True, detail=detail(old, new, source))


def detail(old: Question, new: Question, source: str) -> tuple[str, ...]:
    if old.kind == new.kind == "ExternalQuestion":
        lines = [] if old.body == new.body else [f"- external_url: {old.body}",
                                                 f"+ external_url: {new.body}"]
        return (*lines, *_height(old, new))
    if new.kind == "ExternalQuestion" or old.kind == "ExternalQuestion":
        return (f"- {_label(old, '')}", f"+ {_label(new, source)}")
    head = f"  {_label(new, source)} changed" if old.kind == new.kind else \
        f"  {_label(old, '')} -> {_label(new, source)}"
    return (head, *_diff(old.body, new.body), *_height(old, new))


def _label(question: Question, source: str) -> str:
    if question.kind == "ExternalQuestion":
        return f"external_url: {question.body}"
    name = {"HTMLQuestion": "html_file", "QuestionForm": "xml_file"}.get(question.kind, "xml")
    digest = hashlib.sha256(question.body.encode("utf-8")).hexdigest()[:8]
    return f"{name}: {source}" if source else f"{question.kind or 'question'} ({digest})"


def _height(old: Question, new: Question) -> list[str]:
    if old.frame_height == new.frame_height:
        return []
    return [f"- frame_height: {old.frame_height}", f"+ frame_height: {new.frame_height}"]


def _diff(old: str, new: str) -> list[str]:
    """The changed lines (with one line of context), at most DIFF_LINES of them."""
    lines = [_cut(line) for line in difflib.unified_diff(
        old.splitlines(), new.splitlines(), lineterm="", n=1)][2:]  # no ---/+++ headers
    shown = [line if line.startswith("@@") else f"{line[:1] or ' '} {line[1:]}"
             for line in lines[:DIFF_LINES]]
    if len(lines) > DIFF_LINES:
        shown.append(f"  ... {len(lines) - DIFF_LINES} more diff lines (see git diff)")
    return shown


def _cut(line: str) -> str:
    return line if len(line) <= LONGEST_LINE else line[: LONGEST_LINE - 3] + "..."
