"""Review files -> Review values: reviews/ENV/STUDY.csv, checked like a study file.

A person writes decisions and bonuses into the rows `deploy results` added; every problem is
reported as `file:line:column: error: field: message` before anything is planned. The
platform says what the first column is called and how long feedback may be.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from deployer.core.review import Decision, Review, Verdict
from deployer.spec.loader import DEFAULT_DIR, Builder, Loaded, load_studies
from deployer.spec.problems import Problem, has_errors
from deployer.spec.tables import Table, read_table
from deployer.spec.wording import closest

REVIEWS = Path("reviews")
RESULTS = Path("results")
MONEY = re.compile(r"^[0-9]+(\.[0-9]{1,2})?$")
VERDICTS: dict[str, Verdict] = {"approve": "approve", "reject": "reject", "": ""}
NEEDED = ("decision", "feedback", "bonus", "bonus_reason")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class ReviewRules:
    """What the platform asks of a review file."""

    id_column: str  # "assignment_id"
    feedback_limit: int  # characters
    currency: str = "dollars"
    rejection_minimum: int = 1  # characters of feedback a rejection needs
    # A rejection's category, from a `rejection_category` column the file must then have
    # (Prolific's); empty: the platform has none.
    categories: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.id_column, *NEEDED, *(("rejection_category",) if self.categories else ()))


def review_files(root: Path, environment: str | None = None) -> list[Path]:
    """reviews/ENV/*.csv for one environment, or for every environment."""
    folders = [root / environment] if environment else sorted(p for p in root.glob("*")
                                                             if p.is_dir())
    return sorted(f for folder in folders for f in folder.glob("*.csv") if f.is_file())


def load_review(file: Path, shown: str, rules: ReviewRules) -> tuple[Review | None, list[Problem]]:
    """The review in `file` (its study is the file name), or None, with every problem."""
    table = read_table(file, shown, rules.columns, "as `deploy results` writes them")
    if isinstance(table, list):
        return None, table
    decisions, problems = _decisions(table, rules)
    if has_errors(problems):
        return None, problems
    return Review(file.stem, shown, tuple(decisions), table.digest), problems


def _decisions(table: Table, rules: ReviewRules) -> tuple[list[Decision], list[Problem]]:
    seen: dict[str, int] = {}
    decisions: list[Decision] = []
    problems: list[Problem] = []
    for line, cells in table.rows:
        row = _Row(table, line, cells)
        ident = row.text(rules.id_column)
        if not ident:
            problems.append(row.problem(rules.id_column, "is empty; every row names one "
                                        "submission"))
            continue
        if ident in seen:
            problems.append(row.problem(rules.id_column, f"{ident} is also on line "
                                        f"{seen[ident]}; keep one row per submission"))
            continue
        seen[ident] = line
        decision = row.decision(ident, rules, problems)
        if decision is not None:
            decisions.append(decision)
    return decisions, problems


class _Row:
    def __init__(self, table: Table, line: int, cells: list[str]) -> None:
        self.table, self.line, self.cells = table, line, cells

    def text(self, name: str) -> str:
        return self.table.cell(self.cells, name)

    def problem(self, name: str, message: str) -> Problem:
        return self.table.problem(self.line, name, message)

    def decision(self, ident: str, rules: ReviewRules,
                 problems: list[Problem]) -> Decision | None:
        found: list[Problem] = []
        verdict = self._verdict(found)
        feedback = self.text("feedback")
        if verdict == "reject" and not feedback:
            found.append(self.problem("feedback", "is empty; a rejection needs feedback: the "
                                      "worker reads it, so say what the work missed"))
        elif verdict == "reject" and len(feedback) < rules.rejection_minimum:
            found.append(self.problem("feedback", f"is {len(feedback)} characters; the "
                                      f"platform needs at least {rules.rejection_minimum} "
                                      "for a rejection: say what the work missed"))
        category = self._category(verdict, rules, found)
        if len(feedback) > rules.feedback_limit:
            found.append(self.problem("feedback", f"is {len(feedback):,} characters; the "
                                      f"platform takes at most {rules.feedback_limit:,}"))
        if CONTROL.search(feedback):
            found.append(self.problem("feedback", "contains control characters; remove them"))
        bonus = self._bonus(rules, found)
        reason = self.text("bonus_reason")
        if bonus and not reason:
            found.append(self.problem("bonus_reason", "is empty; a bonus needs a reason: the "
                                      "worker reads it with the payment"))
        problems.extend(found)
        if found:
            return None
        return Decision(ident, self.line, verdict, feedback, bonus, reason, category)

    def _category(self, verdict: Verdict, rules: ReviewRules, found: list[Problem]) -> str:
        if not rules.categories or verdict != "reject":
            return ""
        written = self.text("rejection_category").strip().upper().replace(" ", "_")
        if written in rules.categories:
            return written
        guess = closest(written, list(rules.categories))
        hint = f"did you mean {guess}? " if guess and written else ""
        found.append(self.problem("rejection_category", f"is {written or 'empty'!r}; a "
                                  f"rejection needs one of: {', '.join(rules.categories)} "
                                  f"({hint}see the platform's rejection guidance)"))
        return ""

    def _verdict(self, found: list[Problem]) -> Verdict:
        written = self.text("decision")
        verdict = VERDICTS.get(written.lower())
        if verdict is not None:
            return verdict
        guess = closest(written.lower(), ["approve", "reject"]) or (
            "approve" if written.lower().startswith(("accept", "ok", "yes")) else None)
        hint = f"; did you mean {guess}?" if guess else ""
        found.append(self.problem("decision", f"is {written!r}: write approve, reject, or "
                                  f"leave it empty for the platform's auto-approval{hint}"))
        return ""

    def _bonus(self, rules: ReviewRules, found: list[Problem]) -> Decimal | None:
        written = self.text("bonus")
        if not written:
            return None
        if MONEY.match(written):
            return Decimal(written).quantize(Decimal("0.01"))
        hint = "drop the currency sign" if written[:1] in "$£€" else (
            "use a point for cents" if "," in written else "no sign, at most two decimals")
        found.append(self.problem("bonus", f"is {written!r}; write the total bonus in "
                                  f"{rules.currency}, like 0.50 ({hint})"))
        return None


def unknown_submissions(review: Review, known: set[str], results: str) -> list[Problem]:
    """Rows whose submission is not among those `deploy results` saved in `results`."""
    return [Problem(review.path, d.line, 1, "error", "", f"{d.submission_id} is not a "
                    f"submission in {results}; check the ID (or run `deploy results` again)")
            for d in review.decisions if d.submission_id not in known]


def unknown_study(review: Review, studies: set[str]) -> list[Problem]:
    if review.study in studies:
        return []
    guess = closest(review.study, sorted(studies))
    hint = f"; did you mean {guess}.csv?" if guess else ""
    return [Problem(review.path, 0, 0, "warning", "", f"there is no study file "
                    f"studies/{review.study}.yaml for this review{hint}")]


def load_reviews(files: Sequence[Path], rules: ReviewRules) -> tuple[dict[str, Review],
                                                                    list[Problem]]:
    """Every review among `files` (study -> review) and every problem found."""
    reviews: dict[str, Review] = {}
    problems: list[Problem] = []
    for file in files:
        review, found = load_review(file, str(file), rules)
        problems.extend(found)
        if review is not None:
            reviews[review.study] = review
    return reviews, problems


def load_all(paths: Sequence[Path], build: Builder, rules: Mapping[str, ReviewRules],
             default: str, strict: bool = False, now: datetime | None = None) -> Loaded:
    """Study files and review files among `paths` (by default studies/ and reviews/), each
    review checked against its study (by the rules of the study's platform, or `default`'s)
    and the results `deploy results` saved."""
    study_paths = [p for p in paths if not _is_review(p)] if paths else [DEFAULT_DIR]
    review_paths = [f for p in paths if _is_review(p) for f in _expand(p)] if paths else \
        review_files(REVIEWS)
    loaded = load_studies(study_paths, build, strict, now) if study_paths else Loaded((), ())
    problems = list(loaded.problems)
    failed = list(loaded.failed)
    reviews: list[Review] = []
    platforms = {s.name: s.platform for s in loaded.studies}
    for file in review_paths:
        platform = platforms.get(file.stem, default)
        review, found = load_review(file, str(file), rules[platform])
        if review is not None:
            found += _cross_check(review, file, loaded, rules[platform])
        if strict:
            found = [replace(p, severity="error") for p in found]
        problems += found
        if has_errors(found):
            failed.append(str(file))
        elif review is not None:
            reviews.append(review)
    return Loaded(loaded.studies, tuple(sorted(problems, key=lambda p: p.sort_key)),
                  loaded.files + tuple(str(f) for f in review_paths), tuple(failed),
                  tuple(reviews))


def _is_review(path: Path) -> bool:
    return path.suffix == ".csv" or REVIEWS.name in path.parts


def _expand(path: Path) -> list[Path]:
    if path.is_dir():
        return review_files(path) if path.name == REVIEWS.name else \
            sorted(f for f in path.glob("*.csv") if f.is_file())
    return [path]


def _cross_check(review: Review, file: Path, loaded: Loaded,
                 rules: ReviewRules) -> list[Problem]:
    studies = {s.name: s for s in loaded.studies}
    on_disk = {f.stem for f in DEFAULT_DIR.glob("*.y*ml")} | set(studies)
    found = unknown_study(review, on_disk)
    results = RESULTS / file.parent.name / f"{review.study}.csv"
    if results.is_file():
        with open(results, newline="", encoding="utf-8") as handle:
            known = {row.get(rules.id_column, "") for row in csv.DictReader(handle)}
        found += unknown_submissions(review, known, str(results))
    study = studies.get(review.study)
    if study is not None and study.review == "approve_all":
        found += [Problem(review.path, d.line, 1, "error", "decision",
                          f"is reject, but {study.path} says `review: approve_all`; remove the "
                          "rejection or the setting") for d in review.decisions
                  if d.verdict == "reject"]
    return found
