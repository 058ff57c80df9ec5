"""The plan as a pull-request comment: a review card first, the readable plan folded below.

The card says everything a reviewer decides on: the verdict and the money, errors and warnings
(each hint once), drift, and per study what changes, what it adds and where it stands against
its budget. The folded plan is a ```diff block: each line marked so that GitHub colours it.
GitHub refuses comments over 65,536 characters: details are cut, per study, never a study.
"""

from __future__ import annotations

from collections.abc import Sequence

from deployer.core.plan import Change, Note, Plan, StudyCost
from deployer.core.text import money, plural, signed
from deployer.render.blocks import group
from deployer.render.text import plan_lines, spend_line, summarise, verdict

COMMENT_LIMIT = 65_000
LIST_LIMIT = 50  # notes shown per list; the full plan has the rest
WIDTH = 100  # reasons are wrapped to this, so the folded plan never scrolls sideways
EDITS_SHOWN = 2  # per study in the card; the folded plan has every one


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _notes(title: str, items: tuple[Note, ...]) -> list[str]:
    """A list of notes; a hint once, under the last of the notes that share it."""
    if not items:
        return []
    lines = [f"**{title}**", ""]
    shown = items[:LIST_LIMIT]
    for index, note in enumerate(shown):
        where = f"`{note.address}`: " if note.address else ""
        lines.append(f"- {where}{_cell(note.message)}")
        last = index + 1 == len(shown) or shown[index + 1].hint != note.hint
        if note.hint and last:
            lines.append(f"  - *{_cell(note.hint)}*")
    if len(items) > LIST_LIMIT:
        lines.append(f"- ... and {len(items) - LIST_LIMIT} more (see the full plan)")
    return [*lines, ""]


def _what(changes: Sequence[Change], size: str) -> str:
    """`reward "0.75" -> "0.80"; 2 to create, 2 to expire`: the edits, then the counts.

    Expiries differ per object and a replacement's size is what is left over, so neither
    says what the study file changed."""
    edits = list(dict.fromkeys(
        f"{a.field} " + (f'"{a.old}" -> "{a.new}"' if a.quoted else f"{a.old} -> {a.new}")
        for c in changes for a in c.attributes
        if a.old is not None and not a.identity and not a.detail and a.field != "expires_at"
        and not (c.verb == "replace" and a.field == size)))
    edits += list(dict.fromkeys(a.field + " changed" for c in changes for a in c.attributes
                                if a.detail and a.old is not None))
    said = edits[:EDITS_SHOWN] + ([f"{len(edits) - EDITS_SHOWN} more edits"]
                                  if len(edits) > EDITS_SHOWN else [])
    counts = summarise(changes).line().removeprefix("Plan: ").rstrip(".").split(", ")
    done = [part for part in counts if not part.startswith("0 ")]
    parts = [", ".join(said)] if said else []
    parts += [", ".join(done)] if done else []
    return "; ".join(parts)


def _standing(cost: StudyCost, sym: str) -> str:
    if cost.budget is None:
        return f"{money(cost.committed, sym)} (no budget)"
    left = cost.budget - cost.committed
    state = f"{money(left, sym)} left" if left >= 0 else f"{money(-left, sym)} over"
    return f"{money(cost.committed, sym)} / {money(cost.budget, sym)} ({state})"


def _table(plan: Plan) -> list[str]:
    if not plan.changes:
        return []
    lines = ["| study | what changes | adds | committed / budget |", "|---|---|---:|---:|"]
    for c in plan.costs:
        mine = [change for change in plan.changes if change.study == c.study]
        if mine:
            what = _what(mine, plan.platform.size)
            lines.append(f"| `{_cell(c.study)}` | {_cell(what)} | "
                         f"{signed(c.added, plan.platform.symbol)} | "
                         f"{_standing(c, plan.platform.symbol)} |")
    balance = [f"Account balance: {money(plan.balance, plan.platform.symbol)}.", ""] \
        if plan.balance is not None else []
    return [*lines, "", *balance]


def _details(plan: Plan, limit: int | None) -> list[str]:
    body = [mark + text for mark, text in plan_lines(plan, False, limit, WIDTH)]
    count = len(plan.changes)
    summary = f"Show the full plan ({plural(count, 'action')})"
    if limit is not None:
        summary += ": cut to fit a comment, see each study's note"
    return ["<details><summary>" + summary + "</summary>", "", "```diff",
            *(line.rstrip() for line in body), "```", "", "</details>", ""]


def _compose(plan: Plan, limit: int | None, details: bool = True) -> str:
    env = plan.environment.upper()
    head = [f"### deploy plan for `{env}`", ""]
    if plan.payer is not None:
        head += [f"Paid by account `{plan.payer.account}` (`{plan.payer.identity}`).", ""]
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
    folded: list[str] = []
    if (plan.changes or plan.errors) and details:
        folded = _details(plan, limit)
    elif plan.changes or plan.errors:
        folded = [f"The full plan is too long for a comment: run `deploy plan --env "
                  f"{plan.environment}` to read it.", ""]
    return "\n".join([*head, *body, *folded]).rstrip("\n") + "\n"


def render_markdown(plan: Plan) -> str:
    """A PR comment under GitHub's size cap: details are cut per study, never a whole study."""
    full = _compose(plan, None)
    if len(full) <= COMMENT_LIMIT:
        return full
    groups = group(plan.changes)
    most = max((sum(1 for g in groups if g.study == s) for s in {g.study for g in groups}),
               default=0)
    if len(_compose(plan, 0)) > COMMENT_LIMIT:
        return _compose(plan, None, details=False)
    fits, too_many = 0, most  # the most groups per study that fit, by bisection
    while too_many - fits > 1:
        middle = (fits + too_many) // 2
        if len(_compose(plan, middle)) <= COMMENT_LIMIT:
            fits = middle
        else:
            too_many = middle
    return _compose(plan, fits)
