"""Check that an HTMLQuestion page is well-formed enough for MTurk's HTML5 parser.

MTurk rejects malformed pages only when the HIT is created; a missing doctype and unbalanced
tags are the usual causes, so they are found here with their line and column.
"""

from __future__ import annotations

import functools
import re
from html.parser import HTMLParser

from deployer.spec.problems import Pos, Problem

FIELD = "question.html_file"
# Elements that never have an end tag.
_VOID_TAGS = "area base br col embed hr img input keygen link meta param source track wbr"
_VOID = frozenset(_VOID_TAGS.split())
# Elements whose end tag HTML lets you leave out; an ancestor's end tag closes them.
_OPTIONAL_END_TAGS = (
    "html head body p li dt dd option optgroup tr td th thead tbody tfoot colgroup caption "
    "rb rt rtc rp"
)
_OPTIONAL_END = frozenset(_OPTIONAL_END_TAGS.split())
# What may come before the doctype: white space and comments.
_DOCTYPE = re.compile(r"^(?:\s|<!--.*?-->)*<!doctype\s+html\s*>", re.IGNORECASE | re.DOTALL)


def check_html(
    text: str, shown: str, field: str = FIELD, origin: Pos = (1, 1)
) -> list[Problem]:
    """Errors for an empty page, a missing doctype, unbalanced tags and a page where
    nothing can carry the assignmentId. `origin` is where the page starts in the file
    `shown` (not line 1 for the HTMLContent of a Question XML file)."""
    return list(_checked(text, shown, field, origin))


@functools.lru_cache(maxsize=32)
def _checked(text: str, shown: str, field: str, origin: Pos) -> tuple[Problem, ...]:
    """check_html, once per page: the studies of a project often share one page, and parsing
    it is most of the time validating an HTML study takes."""
    if not text.strip():
        return (Problem(shown, *origin, "error", field,
                        "the page is empty; write the HTML page workers should see, "
                        "starting with <!DOCTYPE html>"),)
    checker = _Checker(shown, field, origin)
    if not _DOCTYPE.match(text):
        checker.report(1, 1, "the page must start with <!DOCTYPE html>")
    try:
        checker.feed(text)
        checker.close()
    except AssertionError:  # how the stdlib parser refuses some declarations, such as `<![x`
        line, offset = checker.getpos()
        checker.report(line, offset + 1, "cannot be read as HTML from here (a malformed <! "
                       "declaration); fix or remove it")
    problems = checker.problems
    if not checker.submits:
        problems.append(Problem(
            shown, *origin, "error", field,
            'has no form field named "assignmentId" (nor a <crowd-form>); MTurk refuses every '
            'submission without it: add <input type="hidden" name="assignmentId"> to the form '
            "(studies/survey.html shows how)",
        ))
    return tuple(problems)


class _Checker(HTMLParser):
    def __init__(self, shown: str, field: str, origin: Pos) -> None:
        super().__init__(convert_charrefs=True)
        self.shown = shown
        self.field = field
        self.origin = origin
        self.open: list[tuple[str, int, int]] = []  # tag, line, column
        self.problems: list[Problem] = []
        self.submits = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._note_submit(tag, attrs)
        if tag not in _VOID:
            line, offset = self.getpos()
            self.open.append((tag, line, offset + 1))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._note_submit(tag, attrs)  # `<div/>`: treated as opened and closed

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        line, offset = self.getpos()
        if tag not in (name for name, _, _ in self.open):
            self.report(line, offset + 1, f"</{tag}> has no matching <{tag}>")
            return
        while self.open:
            name, opened, column = self.open.pop()
            if name == tag:
                return
            if name not in _OPTIONAL_END:
                self.report(opened, column, f"<{name}> is not closed before </{tag}> "
                            f"on line {line}")

    def close(self) -> None:
        # What feed() left unparsed starting with "<" is a tag, comment or declaration that
        # never ends: reported here, because the stdlib parser would re-scan the rest of the
        # page for every character of it (minutes for a hostile 64 KB page).
        if self.rawdata.startswith("<"):
            line, offset = self.getpos()
            what = "comment" if self.rawdata.startswith("<!--") else "tag"
            self.report(line, offset + 1, f"this {what} never ends (no closing "
                        f"{'-->' if what == 'comment' else '>'}); close it")
            self.rawdata = ""
        super().close()
        for name, line, column in self.open:
            if name not in _OPTIONAL_END:
                self.report(line, column, f"<{name}> is never closed")
        self.open = []

    def _note_submit(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "crowd-form" or ("name", "assignmentId") in attrs:
            self.submits = True

    def report(self, line: int, column: int, message: str) -> None:
        """A problem at a line and column of the page, placed in its file."""
        first, offset = self.origin
        where = (first + line - 1, column + offset - 1 if line == 1 else column)
        self.problems.append(Problem(self.shown, *where, "error", self.field, message))
