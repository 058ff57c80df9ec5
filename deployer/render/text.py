"""The plan as terminal text, in the conventions Terraform users read on sight.

Symbols: `+` create, `~` update in place, `-/+` replace, `-` expire, `<=` adopt, `.` forget.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from deployer.core.plan import ZERO, Attribute, Change, Note, Plan, Platform, Verb
from deployer.core.text import money, signed

# verb -> symbol, legend, colour, what its header says, whether its cost is shown
VERBS: dict[Verb, tuple[str, str, str, str, bool]] = {
    "create": ("+", "create", "32", "will be created", True),
    "update": ("~", "update in place", "33", "will be updated in place", True),
    "replace": ("-/+", "expire, then create a replacement", "31", "must be replaced", True),
    "expire": ("-", "expire", "31", "will be expired", False),
    "pause": ("||", "pause: expire now, reopen with `state: open`", "33", "will be paused",
              False),
    "adopt": ("<=", "adopt an existing {thing} into the lockfile", "36",
              "will be adopted into the lockfile", False),
    "forget": (".", "forget a {thing} {title} no longer knows", "35",
               "will be forgotten (the record stays, marked gone)", False),
    "approve": ("ok", "approve a submission", "32", "will be approved", False),
    "reject": ("x", "reject a submission", "31", "will be rejected", False),
    "pay": ("$", "pay a bonus", "32", "will be paid a bonus", True),
    "dispose": ("-", "dispose of", "31", "will be disposed of", False),
    "grant": ("+q", "grant a qualification", "32", "will be granted", False),
    "revoke": ("-q", "revoke a qualification", "31", "will be revoked", False),
    "block": ("+b", "block a worker", "31", "will be blocked", False),
    "unblock": ("-b", "lift a block", "32", "will be unblocked", False),
}
LONGEST_VALUE = 72  # long text (descriptions) is cut so the diff stays readable


@dataclass(frozen=True)
class Summary:
    adopt: int
    create: int
    change: int
    expire: int
    forget: int
    pause: int = 0
    approve: int = 0
    reject: int = 0
    pay: int = 0
    dispose: int = 0
    grant: int = 0
    revoke: int = 0
    block: int = 0
    unblock: int = 0

    def line(self) -> str:
        """`Plan: 2 to create, 1 to change, 1 to expire.` (the others only when present)."""
        parts = [f"{self.adopt} to adopt"] if self.adopt else []
        parts += [f"{self.create} to create", f"{self.change} to change",
                  f"{self.expire} to expire"]
        parts += [f"{self.pause} to pause"] if self.pause else []
        parts += [f"{self.forget} to forget"] if self.forget else []
        parts += [f"{self.approve} to approve"] if self.approve else []
        parts += [f"{self.reject} to reject"] if self.reject else []
        parts += [f"{self.pay} {'bonus' if self.pay == 1 else 'bonuses'} to pay"] \
            if self.pay else []
        parts += [f"{count} to {verb}" for verb, count in (
            ("dispose of", self.dispose), ("grant", self.grant), ("revoke", self.revoke),
            ("block", self.block), ("unblock", self.unblock)) if count]
        return "Plan: " + ", ".join(parts) + "."


def summarise(changes: Sequence[Change]) -> Summary:
    verbs = [c.verb for c in changes]
    return Summary(
        adopt=verbs.count("adopt"),
        create=verbs.count("create") + verbs.count("replace"),
        change=verbs.count("update"),
        expire=verbs.count("expire") + verbs.count("replace"),
        forget=verbs.count("forget"),
        pause=verbs.count("pause"),
        approve=verbs.count("approve"),
        reject=verbs.count("reject"),
        pay=verbs.count("pay"),
        dispose=verbs.count("dispose"),
        grant=verbs.count("grant"),
        revoke=verbs.count("revoke"),
        block=verbs.count("block"),
        unblock=verbs.count("unblock"),
    )


def spend_line(plan: Plan) -> str:
    return f"Estimated spend: {signed(plan.added_cost)} (rewards + {plan.platform.title} fees)"


def paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def cut(text: str) -> str:
    return text[: LONGEST_VALUE - 3] + "..." if len(text) > LONGEST_VALUE else text


def shown(attribute: Attribute) -> str:
    """`"0.50"`, `5 -> 8`: an edit's sides are cut when long; free text is quoted."""
    def quote(text: str) -> str:
        return f'"{text}"' if attribute.quoted else text

    if attribute.old is None:
        return quote(attribute.new)
    return f"{quote(cut(attribute.old))} -> {quote(cut(attribute.new))}"


def change_block(change: Change, color: bool) -> list[str]:
    symbol, _, code, header, priced = VERBS[change.verb]
    address = change.address
    lines = [paint(f"  # {address} {header}", "1", color), f"  # ({change.reason})",
             f"{paint(symbol.rjust(3), code, color)} {address}"]
    rows = [(a.field, shown(a), a.forces_replacement) for a in change.attributes]
    if priced:
        rows.append(("cost", signed(change.cost), False))
    width = max(len(field) for field, _, _ in rows)
    for field, text, forces in rows:
        mark = paint("  # forces replacement", "31", color) if forces else ""
        lines.append(f"      {(field + ':').ljust(width + 1)} {text}{mark}")
    return lines


def legend(changes: Sequence[Change], platform: Platform, color: bool) -> list[str]:
    seen = {c.verb for c in changes}
    lines = ["Actions are shown with these symbols:"]
    for verb, (symbol, text, code, _, _) in VERBS.items():
        if verb in seen:
            meaning = text.format(thing=platform.thing, title=platform.title)
            lines.append(f"{paint(symbol.rjust(3), code, color)} {meaning}")
    return lines


def notes(title: str, items: Sequence[Note], code: str, color: bool) -> list[str]:
    lines: list[str] = []
    for note in items:
        where = f"{note.address}: " if note.address else ""
        lines.append(f"{paint(title, code, color)} {where}{note.message}")
        if note.hint:
            lines.append(f"  {note.hint}")
    return lines


def drift_section(plan: Plan, color: bool) -> list[str]:
    if not plan.drift:
        return []
    lines = [paint("Note: Objects have changed outside of deploy", "1", color), ""]
    lines += [f"  # {n.address}: {n.message}" for n in plan.drift]
    if plan.changes:
        lines += ["", "The actions above take these changes into account."]
    return lines


def cost_section(plan: Plan) -> list[str]:
    heading = plan.platform.saving
    saving = bool(heading) and any(c.saving > 0 for c in plan.costs)
    rows = [["study", "added", "committed", "budget", *([heading] if saving else [])]]
    for c in plan.costs:
        row = [c.study, signed(c.added), money(c.committed), money(c.budget) if c.budget else "-"]
        rows.append(row + ([money(c.saving)] if saving else []))
    committed = sum((c.committed for c in plan.costs), ZERO)
    rows.append(["total", signed(plan.added_cost),
                 money(committed), "", *([""] if saving else [])])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [f"Cost (rewards + {plan.platform.title} fees):"]
    lines += ["  " + "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip()
              for r in rows]
    if plan.balance is not None:
        lines.append(f"  account balance: {money(plan.balance)}")
    return lines


def verdict(plan: Plan) -> tuple[str, str]:
    """The first line of a plan with nothing to do: (headline, explanation)."""
    env = plan.environment.upper()
    if plan.costs:
        return "No changes.", f"The studies match what is on {plan.platform.title} in {env}."
    if plan.environment == "production":
        return "No changes:", f"no study is enabled for {env} (add `production: true` to one)."
    return "No changes:", f"there is no study to deploy in {env} (add one: `deploy init NAME`)."


def render_text(plan: Plan, color: bool, limit: int | None = None) -> str:
    """The whole plan; `limit` shows only the first changes (for size-capped comments)."""
    env = plan.environment.upper()
    if not plan.changes and not plan.errors:
        lines = [paint(" ".join(verdict(plan)), "1;32", color)]
        for section in (drift_section(plan, color),
                        notes("Warning:", plan.warnings, "33", color)):
            lines += ["", *section] if section else []
        return "\n".join(lines) + "\n"
    if plan.changes:
        lines = [paint(f"deploy will perform the following actions in {env}:", "1", color), "",
                 *legend(plan.changes, plan.platform, color), ""]
        shown = plan.changes if limit is None else plan.changes[:limit]
        for change in shown:
            lines += [*change_block(change, color), ""]
        if len(shown) < len(plan.changes):
            lines += [f"  ... {len(plan.changes) - len(shown)} more action(s) not shown here; "
                      f"run `deploy plan --env {plan.environment}` for the full plan", ""]
    else:
        lines = [paint(f"Planning failed in {env}: nothing can be applied until the errors "
                       "below are fixed.", "1;31", color), ""]
    for section in (drift_section(plan, color), notes("Warning:", plan.warnings, "33", color),
                    notes("Error:", plan.errors, "1;31", color),
                    cost_section(plan) if plan.changes else []):
        lines += [*section, ""] if section else []
    lines += [paint(summarise(plan.changes).line(), "1", color), spend_line(plan)]
    if plan.errors:
        lines.append(paint("This plan cannot be applied: fix the errors above and plan again.",
                           "1;31", color))
    return "\n".join(lines) + "\n"
