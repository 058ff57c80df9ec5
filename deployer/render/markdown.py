"""The plan as a pull-request comment: verdict, money and problems first, details folded."""

from __future__ import annotations

from deployer.core.plan import Note, Plan
from deployer.core.text import signed
from deployer.render.text import VERBS, render_text, spend_line, summarise, verdict

COMMENT_LIMIT = 65_000  # GitHub refuses comments over 65,536 characters
LIST_LIMIT = 50  # notes shown per list; the full plan has the rest


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _notes(title: str, items: tuple[Note, ...]) -> list[str]:
    if not items:
        return []
    lines = [f"**{title}**", ""]
    for note in items[:LIST_LIMIT]:
        where = f"`{note.address}`: " if note.address else ""
        hint = f" ({note.hint})" if note.hint else ""
        lines.append(f"- {where}{_cell(note.message)}{_cell(hint)}")
    if len(items) > LIST_LIMIT:
        lines.append(f"- ... and {len(items) - LIST_LIMIT} more (see the full plan)")
    return [*lines, ""]


def _table(plan: Plan) -> list[str]:
    if not plan.changes:
        return []
    lines = ["| study | create | change | expire | cost |", "|---|---:|---:|---:|---:|"]
    for c in plan.costs:
        mine = [change for change in plan.changes if change.study == c.study]
        if not mine:
            continue
        s = summarise(mine)
        lines.append(f"| `{_cell(c.study)}` | {s.create} | {s.change} | {s.expire} | "
                     f"{signed(c.added)} |")
    return [*lines, ""]


def _diff_line(line: str) -> str:
    """Move a symbol to column 0 so GitHub colours the line (`~` becomes `!`)."""
    for verb in ("replace", "create", "update", "expire"):
        symbol = VERBS[verb][0]
        if line.startswith(symbol.rjust(3) + " "):
            mark = "!" if symbol == "~" else symbol
            return mark + line[3:] if len(symbol) < 3 else line
    return line


def _details(plan: Plan, limit: int | None) -> list[str]:
    text = render_text(plan, color=False, limit=limit).rstrip("\n")
    body = [_diff_line(line) for line in text.split("\n")]
    count = len(plan.changes)
    summary = f"Show the full plan ({count} action{'' if count == 1 else 's'})"
    return ["<details><summary>" + summary + "</summary>", "", "```diff", *body, "```", "",
            "</details>", ""]


def _compose(plan: Plan, limit: int | None) -> str:
    env = plan.environment.upper()
    head = [f"### deploy plan for `{env}`", ""]
    if not plan.changes and not plan.errors:
        headline, explanation = verdict(plan)
        head += [f"**{headline}** {explanation}", ""]
    else:
        head += [f"**{summarise(plan.changes).line()}** {spend_line(plan)}", ""]
    if plan.errors:
        head += ["> [!CAUTION]", "> This plan cannot be applied until the errors below are fixed.",
                 ""]
    body = [*_notes("Errors", plan.errors), *_notes("Warnings", plan.warnings),
            *_notes("Changed outside deploy", plan.drift), *_table(plan)]
    tail = [summarise(plan.changes).line(), ""] if plan.changes else []
    details = _details(plan, limit) if plan.changes or plan.errors else []
    return "\n".join([*head, *body, *details, *tail]).rstrip("\n") + "\n"


def render_markdown(plan: Plan) -> str:
    """A PR comment under GitHub's size cap: per-change detail is dropped whole, never cut."""
    full = _compose(plan, None)
    if len(full) <= COMMENT_LIMIT:
        return full
    fits, too_many = 0, len(plan.changes)  # the most changes that fit, by bisection
    while too_many - fits > 1:
        middle = (fits + too_many) // 2
        if len(_compose(plan, middle)) <= COMMENT_LIMIT:
            fits = middle
        else:
            too_many = middle
    return _compose(plan, fits)
