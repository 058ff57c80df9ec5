"""Check that an HTMLQuestion page is well-formed enough for MTurk's HTML5 parser.

MTurk rejects malformed pages only when the HIT is created; unbalanced tags are the usual
cause, so they are found here with their line and column.
"""

from __future__ import annotations

from html.parser import HTMLParser

from deployer.problems import Problem

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


def check_html(text: str, shown: str) -> list[Problem]:
    """Errors for unbalanced tags; a warning when nothing can carry the assignmentId."""
    checker = _Checker(shown)
    checker.feed(text)
    checker.close()
    problems = checker.problems
    if not checker.submits:
        problems.append(Problem(
            shown, 1, 1, "warning", FIELD,
            'has no form field named "assignmentId" (nor a <crowd-form>); MTurk refuses a '
            "submission without it, see the survey example",
        ))
    return problems


class _Checker(HTMLParser):
    def __init__(self, shown: str) -> None:
        super().__init__(convert_charrefs=True)
        self.shown = shown
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
            self._error(line, offset + 1, f"</{tag}> has no matching <{tag}>")
            return
        while self.open:
            name, opened, column = self.open.pop()
            if name == tag:
                return
            if name not in _OPTIONAL_END:
                self._error(opened, column, f"<{name}> is not closed before </{tag}> "
                            f"on line {line}")

    def close(self) -> None:
        super().close()
        for name, line, column in self.open:
            if name not in _OPTIONAL_END:
                self._error(line, column, f"<{name}> is never closed")
        self.open = []

    def _note_submit(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "crowd-form" or ("name", "assignmentId") in attrs:
            self.submits = True

    def _error(self, line: int, column: int, message: str) -> None:
        self.problems.append(Problem(self.shown, line, column, "error", FIELD, message))
