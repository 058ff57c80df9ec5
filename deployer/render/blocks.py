"""Changes as blocks a reviewer reads: like changes grouped, each line with its diff mark.

Consecutive changes that differ only in their objects (300 creates of one study) are one block,
`+ norming/b1..b300  300 HITs of 9`; every change stays its own entry in JSON. Each line comes
with the mark a Markdown ```diff block colours it by: `+` green, `-` red, `!` orange.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from deployer.core.address import span
from deployer.core.plan import Attribute, Change, Platform, Verb
from deployer.core.text import plural, signed

Line = tuple[str, str]  # (diff mark, text)

# verb -> symbol, legend, colour, what its header says, whether its cost is shown, diff mark
VERBS: dict[Verb, tuple[str, str, str, str, bool, str]] = {
    "create": ("+", "create", "32", "will be created", True, "+"),
    "update": ("~", "update in place", "33", "will be updated in place", True, "!"),
    "replace": ("-/+", "expire, then create a replacement", "31", "must be replaced", True, "!"),
    "expire": ("-", "expire", "31", "will be expired", False, "-"),
    "pause": ("||", "pause: no new work until `state: open`", "33", "will be paused", False,
              "!"),
    "stop": ("-", "stop: no new participants, for good", "31", "will be stopped", False, "-"),
    "publish": ("^", "publish a draft", "32", "will be published", True, "+"),
    "start": (">", "start again after a pause", "32", "will start again", False, "+"),
    "adopt": ("<=", "adopt an existing {thing} into the lockfile", "36",
              "will be adopted into the lockfile", False, " "),
    "forget": (".", "forget a {thing} {title} no longer knows", "35",
               "will be forgotten (the record stays, marked gone)", False, " "),
    "approve": ("ok", "approve a submission", "32", "will be approved", False, "+"),
    "reject": ("x", "reject a submission", "31", "will be rejected", False, "-"),
    "pay": ("$", "pay a bonus", "32", "will be paid a bonus", True, "+"),
    "dispose": ("-", "dispose of", "31", "will be disposed of", False, "-"),
    "grant": ("+q", "grant a qualification", "32", "will be granted", False, "+"),
    "revoke": ("-q", "revoke a qualification", "31", "will be revoked", False, "-"),
    "block": ("+b", "block a worker", "31", "will be blocked", False, "-"),
    "unblock": ("-b", "lift a block", "32", "will be unblocked", False, "+"),
}
LONGEST_VALUE = 72  # long text (descriptions) is cut so the diff stays readable


@dataclass(frozen=True)
class Group:
    """One change, or several that differ only in the objects they name."""

    changes: tuple[Change, ...]

    @property
    def first(self) -> Change:
        return self.changes[0]

    @property
    def study(self) -> str:
        return self.first.study

    @property
    def label(self) -> str:
        return span([c.address for c in self.changes])


def _likeness(change: Change) -> tuple[object, ...]:
    shown = tuple(a for a in change.attributes if not a.identity)
    return (change.study, change.verb, change.kind, change.reason, change.cost, shown)


def group(changes: Sequence[Change]) -> list[Group]:
    groups: list[list[Change]] = []
    for change in changes:
        if groups and _likeness(groups[-1][-1]) == _likeness(change):
            groups[-1].append(change)
        else:
            groups.append([change])
    return [Group(tuple(g)) for g in groups]


def paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def cut(text: str) -> str:
    return text[: LONGEST_VALUE - 3] + "..." if len(text) > LONGEST_VALUE else text


def shown(attribute: Attribute) -> str:
    """`"0.50"`, `5 -> 8`: an edit's sides are cut when long; free text is quoted. An attribute
    with detail lines says only its summary (or nothing): the lines say the rest."""
    def quote(text: str) -> str:
        return f'"{text}"' if attribute.quoted else text

    if attribute.detail:
        return quote(attribute.new) if attribute.old is None else ""
    if attribute.old is None:
        return quote(attribute.new)
    return f"{quote(cut(attribute.old))} -> {quote(cut(attribute.new))}"


def block(g: Group, platform: Platform, color: bool, width: int | None = None) -> list[Line]:
    """The lines of one group: header, reason, symbol line, attributes, detail and cost."""
    first = g.first
    symbol, _, code, header, priced, mark = VERBS[first.verb]
    count = len(g.changes)
    many = f" ({plural(count, platform.thing)})" if count > 1 else ""
    lines: list[Line] = [(mark, paint(f"  # {g.label} {header}{many}", "1", color))]
    lines += [(mark, text) for text in _reason(first.reason, width)]
    lines.append((mark, f"{paint(symbol.rjust(3), code, color)} {g.label}{_size(g, platform)}"))
    attributes = [a for a in first.attributes if count == 1 or not a.identity]
    rows: list[tuple[str, str, Attribute | None]] = [(a.field, shown(a), a) for a in attributes]
    if priced:
        each = signed(first.cost, platform.symbol)
        rows.append(("cost", each if count == 1 else f"{each} each, "
                     f"{signed(first.cost * count, platform.symbol)} in all", None))
    fieldwidth = max((len(field) for field, _, _ in rows), default=0)
    for field, text, attribute in rows:
        forces = attribute is not None and attribute.forces_replacement
        note = paint("  # forces replacement", "31", color) if forces else ""
        line = f"      {(field + ':').ljust(fieldwidth + 1)} {text}".rstrip()
        lines.append((mark, line + note))
        for detail in attribute.detail if attribute is not None else ():
            lines.append((_detail_mark(detail, mark), f"        {_paint_detail(detail, color)}"))
    return lines


def _size(g: Group, platform: Platform) -> str:
    """`  300 HITs of 9` for a group; nothing for one change."""
    count = len(g.changes)
    if count == 1:
        return ""
    size = next((a.new for a in g.first.attributes if a.field == platform.size), None)
    return f"  {plural(count, platform.thing)}" + (f" of {size}" if size else "")


def _reason(reason: str, width: int | None) -> list[str]:
    if width is None:
        return [f"  # ({reason})"]
    wrapped = textwrap.wrap(f"({reason})", width=width - 4, break_on_hyphens=False)
    return [f"  # {part}" for part in wrapped]


def _detail_mark(detail: str, mark: str) -> str:
    return detail[0] if detail[:1] in ("+", "-") else mark


def _paint_detail(detail: str, color: bool) -> str:
    code = {"+": "32", "-": "31", "@": "36"}.get(detail[:1])
    return paint(detail, code, color) if code else detail
