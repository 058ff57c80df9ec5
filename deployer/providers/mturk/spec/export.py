"""HITs made elsewhere -> the study file (and question file) that describes them exactly.

For `deploy import`: the file must build back to the HITs' own HIT type, question and expiry,
so that the next plan has nothing to change. Pure: the HITs come in as observed values.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from deployer.core.errors import DeployError
from deployer.core.text import plural, stamp
from deployer.providers.mturk.observed import ObservedHit
from deployer.providers.mturk.spec.forms import duration, qualification

TOLERANCE = timedelta(seconds=60)  # the planner's: expiries closer than this are the same
MIN_LIFETIME = 30
_URL = re.compile(r"^https://[^\s/?#]+[^\s]*$")  # the schema's external_url


@dataclass(frozen=True)
class StudyFiles:
    """What `deploy import` writes in studies/: (file name, text), the study file first."""

    files: tuple[tuple[str, str], ...]


def study_files(name: str, hits: Sequence[ObservedHit], environment: str,
                now: datetime) -> StudyFiles:
    """The study `name` whose batches are `hits` (oldest first, all of one HIT type and
    question); DeployError when no study file can state them."""
    first = hits[0]
    question, extra = _question(name, first)
    fields: list[tuple[str, str, str]] = [
        ("title", _scalar(first.title), ""),
        ("description", _scalar(first.description), ""),
        ("keywords", _flow(_keywords(first.keywords)), ""),
        ("reward", _scalar(first.reward), "per assignment, in US dollars"),
        ("assignments", str(sum(h.max_assignments for h in hits)),
         "what the imported HITs hold now; raise it to extend them"),
    ]
    if len(hits) > 1:
        fields += [
            ("max_assignments_per_hit", str(max(h.max_assignments for h in hits)), ""),
            ("repeat_workers", "allowed", "as the imported HITs: `excluded` retypes them"),
        ]
    fields += [
        ("assignment_duration", duration(first.assignment_duration), ""),
        ("auto_approval_delay", duration(first.auto_approval_delay), ""),
        _closing(hits),
    ]
    lines = [*_header(name, hits, environment), *_lines(fields), *question]
    lines += _qualifications(first, environment)
    if environment == "production":
        lines.append("production: true")
    if all(h.expired(now) for h in hits):
        lines.append("state: closed                   # every imported HIT had expired")
    return StudyFiles(((f"{name}.yaml", "\n".join(lines) + "\n"), *extra))


def _header(name: str, hits: Sequence[ObservedHit], environment: str) -> list[str]:
    ids = [h.hit_id for h in hits]
    listed = [", ".join(ids[i:i + 3]) for i in range(0, len(ids), 3)]
    commit = "" if environment == "local" else ": commit it"
    return [
        f'# Study "{name}", imported with `deploy import` from {plural(len(ids), "HIT")} in '
        f"{environment.upper()}:",
        *(f"#   {row}" for row in listed),
        "# MTurk cannot tag a HIT after it is made, so the lockfile is the only record that",
        f"# they belong to this study{commit}. See the README, \"Importing HITs made elsewhere\".",
        "# Edit this file like any study: plan and apply change those HITs.",
        "",
    ]


def _lines(fields: list[tuple[str, str, str]]) -> list[str]:
    found = []
    for key, value, comment in fields:
        line = f"{key}: {value}"
        found.append(f"{line:<31} # {comment}" if comment else line)
    return found


def _scalar(text: str) -> str:
    # A JSON string is a YAML double-quoted scalar: every character survives.
    return json.dumps(text, ensure_ascii=False)


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_flow(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(item) for item in value) + "]"
    if isinstance(value, str):
        return _scalar(value)
    return json.dumps(value)


def _keywords(text: str) -> list[str]:
    return [word.strip() for word in text.split(",") if word.strip()]


def _closing(hits: Sequence[ObservedHit]) -> tuple[str, str, str]:
    """`lifetime` when every HIT ran as long from its creation; else `closes_at` when they all
    end together; else they are not one study."""
    lives = sorted(hits, key=_lifetime)
    if _lifetime(lives[-1]) - _lifetime(lives[0]) <= TOLERANCE.total_seconds():
        seconds = max(MIN_LIFETIME, _lifetime(lives[0]))
        return "lifetime", duration(seconds), "from each HIT's creation"
    ends = [h.expires_at for h in hits]
    if max(ends) - min(ends) <= TOLERANCE:
        return "closes_at", _scalar(stamp(ends[0])), ""
    short, long = lives[0], lives[-1]
    raise DeployError(f"HITs {short.hit_id} and {long.hit_id} differ in lifetime "
                      f"({duration(_lifetime(short))} vs {duration(_lifetime(long))}) and do "
                      "not close together: import them as separate studies (one `deploy "
                      "import` each); nothing was written")


def _lifetime(hit: ObservedHit) -> int:
    return round((hit.expires_at - hit.created_at).total_seconds())


def _qualifications(hit: ObservedHit, environment: str) -> list[str]:
    entries = [qualification(q, environment, hit.hit_id) for q in hit.qualifications]
    if not entries:
        return ["qualifications: []"]
    lines = ["qualifications:"]
    for entry in entries:
        first, *rest = entry.items()
        lines.append(f"  - {first[0]}: {_flow(first[1])}")
        lines.extend(f"    {key}: {_flow(value)}" for key, value in rest)
    return lines


def _question(name: str, hit: ObservedHit) -> tuple[list[str], tuple[tuple[str, str], ...]]:
    """The `question` lines, and the file they name (if any)."""
    try:
        root = ET.fromstring(hit.question)
    except ET.ParseError:
        root = None
    kind = root.tag.rpartition("}")[2] if root is not None else ""
    namespace = root.tag[1:].partition("}")[0] if root is not None else ""

    def text(tag: str) -> str:
        found = root.findtext(f"{{{namespace}}}{tag}") if root is not None else None
        return found or ""

    height = text("FrameHeight").strip()
    framed = height.isdigit()
    url = text("ExternalURL").strip()
    if kind == "ExternalQuestion" and framed and _URL.match(url):
        return ["question:", f"  external_url: {_scalar(url)}",
                f"  frame_height: {int(height)}"], ()
    page = text("HTMLContent")
    if kind == "HTMLQuestion" and framed and "]]>" not in page:
        return ["question:", f"  html_file: {name}.html", f"  frame_height: {int(height)}"], (
            (f"{name}.html", page),)
    return ["question:", f"  xml_file: {name}.xml"], ((f"{name}.xml", hit.question),)


def differences(hits: Sequence[ObservedHit]) -> str:
    """Why `hits` cannot be one study ("" when they can): the first field that differs."""
    first = hits[0]
    for hit in hits[1:]:
        for field in ("title", "description", "keywords", "reward", "assignment_duration",
                      "auto_approval_delay", "question"):
            if getattr(hit, field) != getattr(first, field):
                return (f"HITs {first.hit_id} and {hit.hit_id} differ in {field}"
                        f"{_values(field, first, hit)}")
        if sorted(map(repr, hit.qualifications)) != sorted(map(repr, first.qualifications)):
            return f"HITs {first.hit_id} and {hit.hit_id} differ in qualifications"
    return ""


def _values(field: str, one: ObservedHit, other: ObservedHit) -> str:
    if field in ("question", "description"):
        return ""
    return f" ({getattr(one, field)!r} vs {getattr(other, field)!r})"


def created_order(hits: Sequence[ObservedHit]) -> list[ObservedHit]:
    return sorted(hits, key=lambda h: (h.created_at, h.hit_id))
