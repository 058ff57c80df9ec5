"""The plan as terminal text, in the conventions Terraform users read on sight.

Symbols: `+` create, `~` update in place, `-/+` replace, `-` expire, `||` pause, `<=` adopt,
`.` forget. Like changes are grouped (blocks.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from deployer.core.plan import ZERO, Change, Note, Plan, Platform
from deployer.core.text import money, plural, signed
from deployer.render.blocks import VERBS, Group, Line, block, group, paint


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
    stop: int = 0
    publish: int = 0
    start: int = 0

    def line(self) -> str:
        """`Plan: 2 to create, 1 to change, 1 to expire.` (the others only when present)."""
        parts = [f"{self.adopt} to adopt"] if self.adopt else []
        parts += [f"{self.create} to create", f"{self.change} to change",
                  f"{self.expire} to expire"]
        parts += [f"{count} to {verb}" for verb, count in (
            ("publish", self.publish), ("stop", self.stop), ("pause", self.pause),
            ("start", self.start)) if count]
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
        stop=verbs.count("stop"),
        publish=verbs.count("publish"),
        start=verbs.count("start"),
    )


def spend_line(plan: Plan) -> str:
    spend = signed(plan.added_cost, plan.platform.symbol)
    return f"Estimated spend: {spend} (rewards + {plan.platform.title} fees)"


def legend(changes: Sequence[Change], platform: Platform, color: bool) -> list[str]:
    seen = {c.verb for c in changes}
    lines = ["Actions are shown with these symbols:"]
    for verb, (symbol, text, code, *_) in VERBS.items():
        if verb in seen:
            meaning = text.format(thing=platform.thing, title=platform.title)
            lines.append(f"{paint(symbol.rjust(3), code, color)} {meaning}")
    return lines


def notes(title: str, items: Sequence[Note], code: str, color: bool) -> list[str]:
    """Each note on a line; a hint once under the run of notes that share it."""
    lines: list[str] = []
    for index, note in enumerate(items):
        where = f"{note.address}: " if note.address else ""
        lines.append(f"{paint(title, code, color)} {where}{note.message}")
        last = index + 1 == len(items) or items[index + 1].hint != note.hint
        if note.hint and last:
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
    sym = plan.platform.symbol
    heading = plan.platform.saving
    saving = bool(heading) and any(c.saving > 0 for c in plan.costs)
    rows = [["study", "added", "committed", "budget", *([heading] if saving else [])]]
    for c in plan.costs:
        row = [c.study, signed(c.added, sym), money(c.committed, sym),
               money(c.budget, sym) if c.budget else "-"]
        rows.append(row + ([money(c.saving, sym)] if saving else []))
    committed = sum((c.committed for c in plan.costs), ZERO)
    rows.append(["total", signed(plan.added_cost, sym),
                 money(committed, sym), "", *([""] if saving else [])])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [f"Cost (rewards + {plan.platform.title} fees):"]
    lines += ["  " + "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip()
              for r in rows]
    if plan.balance is not None:
        lines.append(f"  account balance: {money(plan.balance, sym)}")
    return lines


def payer_line(plan: Plan) -> list[str]:
    """Whose money the plan spends: the account and who acts for it (none for an emulator)."""
    if plan.payer is None:
        return []
    return [f"Paid by account {plan.payer.account} ({plan.payer.identity})."]


def verdict(plan: Plan) -> tuple[str, str]:
    """The first line of a plan with nothing to do: (headline, explanation)."""
    env = plan.environment.upper()
    if plan.costs:
        return "No changes.", f"The studies match what is on {plan.platform.title} in {env}."
    if plan.environment == "production":
        return "No changes:", f"no study is enabled for {env} (add `production: true` to one)."
    return "No changes:", f"there is no study to deploy in {env} (add one: `deploy init NAME`)."


def action_lines(plan: Plan, color: bool, limit: int | None = None,
                 width: int | None = None) -> list[Line]:
    """Every group's block; with `limit`, at most that many groups per study, and a line saying
    what was left out, so that a study is never dropped whole (size-capped comments)."""
    lines: list[Line] = []
    groups = group(plan.changes)
    studies = list(dict.fromkeys(g.study for g in groups))
    for study in studies:
        mine = [g for g in groups if g.study == study]
        shown = mine if limit is None else mine[:limit]
        for g in shown:
            lines += [*block(g, plan.platform, color, width), (" ", "")]
        left = _changes_in(mine[len(shown):])
        if left:
            lines += [(" ", f"  # ... {plural(left, 'more action')} of {study} not shown here; "
                            f"`deploy plan --env {plan.environment}` shows them all"), (" ", "")]
    return lines


def _changes_in(groups: Sequence[Group]) -> int:
    return sum(len(g.changes) for g in groups)


def plan_lines(plan: Plan, color: bool, limit: int | None = None,
               width: int | None = None) -> list[Line]:
    """The whole plan as marked lines (the text renderer drops the marks)."""
    env = plan.environment.upper()
    if not plan.changes and not plan.errors:
        lines = [paint(" ".join(verdict(plan)), "1;32", color), *payer_line(plan)]
        for section in (drift_section(plan, color),
                        notes("Warning:", plan.warnings, "33", color)):
            lines += ["", *section] if section else []
        return [(" ", line) for line in lines]
    head: list[str]
    if plan.changes:
        head = [paint(f"deploy will perform the following actions in {env}:", "1", color),
                *payer_line(plan), "", *legend(plan.changes, plan.platform, color), ""]
    else:
        head = [paint(f"Planning failed in {env}: nothing can be applied until the errors "
                      "below are fixed.", "1;31", color), *payer_line(plan), ""]
    body = action_lines(plan, color, limit, width)
    tail: list[str] = []
    for section in (drift_section(plan, color), notes("Warning:", plan.warnings, "33", color),
                    notes("Error:", plan.errors, "1;31", color),
                    cost_section(plan) if plan.changes else []):
        tail += [*section, ""] if section else []
    tail += [paint(summarise(plan.changes).line(), "1", color), spend_line(plan)]
    if plan.errors:
        tail.append(paint("This plan cannot be applied: fix the errors above and plan again.",
                          "1;31", color))
    return [(" ", line) for line in head] + body + [(" ", line) for line in tail]


def render_text(plan: Plan, color: bool) -> str:
    return "\n".join(text for _, text in plan_lines(plan, color)) + "\n"
