"""The plan as terminal text, in the conventions Terraform users read on sight.

Symbols: `+` create, `~` update in place, `-/+` replace, `-` expire, `<=` adopt, `.` forget.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from deployer.core.text import money, signed, stamp
from deployer.providers.mturk.plan.actions import (
    Action,
    Adopt,
    Change,
    Create,
    Expire,
    Extend,
    Forget,
    NewHit,
    Note,
    Plan,
    Replace,
    StudyCost,
    UpdateType,
)
from deployer.providers.mturk.plan.costs import ZERO
from deployer.providers.mturk.plan.typediff import describe_all

SYMBOLS = {  # symbol, legend, colour
    "create": ("+", "create", "32"),
    "update": ("~", "update in place", "33"),
    "replace": ("-/+", "expire, then create a replacement", "31"),
    "expire": ("-", "expire", "31"),
    "adopt": ("<=", "adopt an existing HIT into the lockfile", "36"),
    "forget": (".", "forget a HIT MTurk no longer knows", "35"),
}
QUOTED = frozenset({"title", "description", "keywords", "reward"})
LONGEST_VALUE = 72  # long text (descriptions) is cut so the diff stays readable


@dataclass(frozen=True)
class Summary:
    adopt: int
    create: int
    change: int
    expire: int
    forget: int

    def line(self) -> str:
        """`Plan: 2 to create, 1 to change, 1 to expire.` (adopt / forget only when present)."""
        parts = [f"{self.adopt} to adopt"] if self.adopt else []
        parts += [f"{self.create} to create", f"{self.change} to change",
                  f"{self.expire} to expire"]
        parts += [f"{self.forget} to forget"] if self.forget else []
        return "Plan: " + ", ".join(parts) + "."


def kind(action: Action) -> str:
    match action:
        case Create():
            return "create"
        case Extend() | UpdateType():
            return "update"
        case Replace():
            return "replace"
        case Expire():
            return "expire"
        case Adopt():
            return "adopt"
        case Forget():
            return "forget"


def summarise(actions: Sequence[Action]) -> Summary:
    kinds = [kind(a) for a in actions]
    return Summary(
        adopt=kinds.count("adopt"),
        create=kinds.count("create") + kinds.count("replace"),
        change=kinds.count("update"),
        expire=kinds.count("expire") + kinds.count("replace"),
        forget=kinds.count("forget"),
    )


def spend_line(plan: Plan) -> str:
    return f"Estimated spend: {signed(plan.added_cost)} (rewards + MTurk fees)"


def paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def value(field: str, text: str) -> str:
    if len(text) > LONGEST_VALUE:
        text = text[: LONGEST_VALUE - 3] + "..."
    return f'"{text}"' if field in QUOTED else text


def header(action: Action) -> tuple[str, str]:
    match action:
        case Create(hit=hit):
            return hit.address, "will be created"
        case Extend(address=address) | UpdateType(address=address):
            return address, "will be updated in place"
        case Replace(hit=hit):
            return hit.address, "must be replaced"
        case Expire(address=address):
            return address, "will be expired"
        case Adopt(address=address):
            return address, "will be adopted into the lockfile"
        case Forget(address=address):
            return address, "will be forgotten (the record stays, marked gone)"


def attributes(action: Action) -> list[tuple[str, str, bool]]:
    """(field, shown value, forces replacement) lines under an action's symbol line."""
    match action:
        case Create(hit=hit):
            return [*_new_hit(hit), ("cost", _cost(action), False)]
        case Replace(old_hit_id=old, changes=changes, hit=hit):
            return [("hit_id", f"{old} -> (known after apply)", False), *_changes(changes),
                    ("expires_at", stamp(hit.expires_at), False), ("cost", _cost(action), False)]
        case Extend(hit_id=hit_id, changes=changes) | UpdateType(hit_id=hit_id, changes=changes):
            return [("hit_id", hit_id, False), *_changes(changes), ("cost", _cost(action), False)]
        case Expire(hit_id=hit_id) | Forget(hit_id=hit_id):
            return [("hit_id", hit_id, False)]
        case Adopt(observed=hit, generation=generation):
            return [("hit_id", hit.hit_id, False), ("generation", str(generation), False),
                    ("max_assignments", str(hit.max_assignments), False),
                    ("expires_at", stamp(hit.expires_at), False)]


def _new_hit(hit: NewHit) -> list[tuple[str, str, bool]]:
    rows = [
        ("max_assignments", str(hit.max_assignments), False),
        ("reward", value("reward", hit.hit_type.reward), False),
        ("expires_at", stamp(hit.expires_at), False),
        ("generation", str(hit.generation), False),
    ]
    if hit.hit_type.qualifications:
        rows.append(("qualifications", describe_all(hit.hit_type.qualifications), False))
    return rows


def _cost(action: Create | Extend | UpdateType | Replace) -> str:
    return signed(action.cost)


def _changes(changes: Sequence[Change]) -> list[tuple[str, str, bool]]:
    return [(c.field, f"{value(c.field, c.old)} -> {value(c.field, c.new)}",
             c.forces_replacement) for c in changes]


def action_block(action: Action, color: bool) -> list[str]:
    address, verb = header(action)
    symbol, _, code = SYMBOLS[kind(action)]
    lines = [paint(f"  # {address} {verb}", "1", color), f"  # ({action.reason})",
             f"{paint(symbol.rjust(3), code, color)} {address}"]
    rows = attributes(action)
    width = max(len(field) for field, _, _ in rows)
    for field, shown, forces in rows:
        mark = paint("  # forces replacement", "31", color) if forces else ""
        lines.append(f"      {(field + ':').ljust(width + 1)} {shown}{mark}")
    return lines


def legend(actions: Sequence[Action], color: bool) -> list[str]:
    seen = {kind(a) for a in actions}
    lines = ["Actions are shown with these symbols:"]
    for name, (symbol, text, code) in SYMBOLS.items():
        if name in seen:
            lines.append(f"{paint(symbol.rjust(3), code, color)} {text}")
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
    if plan.actions:
        lines += ["", "The actions above take these changes into account."]
    return lines


def cost_section(plan: Plan) -> list[str]:
    saving = any(c.batching_saving > 0 for c in plan.costs)
    rows = [["study", "added", "committed", "budget", *(["batching could save"] if saving else [])]]
    for c in plan.costs:
        row = [c.study, _signed(c), money(c.committed), money(c.budget) if c.budget else "-"]
        rows.append(row + ([money(c.batching_saving)] if saving else []))
    committed = sum((c.committed for c in plan.costs), ZERO)
    rows.append(["total", signed(plan.added_cost),
                 money(committed), "", *([""] if saving else [])])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["Cost (rewards + MTurk fees):"]
    lines += ["  " + "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip()
              for r in rows]
    if plan.balance is not None:
        lines.append(f"  account balance: {money(plan.balance)}")
    return lines


def _signed(c: StudyCost) -> str:
    return signed(c.added)


def verdict(plan: Plan) -> tuple[str, str]:
    """The first line of a plan with nothing to do: (headline, explanation)."""
    env = plan.environment.upper()
    if plan.costs:
        return "No changes.", f"The studies match what is on MTurk in {env}."
    if plan.environment == "production":
        return "No changes:", f"no study is enabled for {env} (add `production: true` to one)."
    return "No changes:", f"there is no study to deploy in {env} (add one: `deploy init NAME`)."


def render_text(plan: Plan, color: bool, limit: int | None = None) -> str:
    """The whole plan; `limit` shows only the first actions (for size-capped comments)."""
    env = plan.environment.upper()
    if not plan.actions and not plan.errors:
        lines = [paint(" ".join(verdict(plan)), "1;32", color)]
        for section in (drift_section(plan, color),
                        notes("Warning:", plan.warnings, "33", color)):
            lines += ["", *section] if section else []
        return "\n".join(lines) + "\n"
    if plan.actions:
        lines = [paint(f"deploy will perform the following actions in {env}:", "1", color), "",
                 *legend(plan.actions, color), ""]
        shown = plan.actions if limit is None else plan.actions[:limit]
        for action in shown:
            lines += [*action_block(action, color), ""]
        if len(shown) < len(plan.actions):
            lines += [f"  ... {len(plan.actions) - len(shown)} more action(s) not shown here; "
                      f"run `deploy plan --env {plan.environment}` for the full plan", ""]
    else:
        lines = [paint(f"Planning failed in {env}: nothing can be applied until the errors "
                       "below are fixed.", "1;31", color), ""]
    for section in (drift_section(plan, color), notes("Warning:", plan.warnings, "33", color),
                    notes("Error:", plan.errors, "1;31", color),
                    cost_section(plan) if plan.actions else []):
        lines += [*section, ""] if section else []
    lines += [paint(summarise(plan.actions).line(), "1", color), spend_line(plan)]
    if plan.errors:
        lines.append(paint("This plan cannot be applied: fix the errors above and plan again.",
                           "1;31", color))
    return "\n".join(lines) + "\n"
