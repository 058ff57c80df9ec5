"""What a participant sees of a study: its name, reward, time, description, and the link to
the researcher's site with the placeholders filled (reference §3.1) for a sample participant.
The local stand-in for Prolific's study preview."""

from __future__ import annotations

import html
from decimal import Decimal

from deployer.emulators.core import ids
from deployer.emulators.prolific.records import StudyRec

SYMBOLS = {"GBP": "£", "USD": "$"}
COMPLETION_URL = "https://app.prolific.com/submissions/complete?cc="
PLACEHOLDERS = ("{{%PROLIFIC_PID%}}", "{{%STUDY_ID%}}", "{{%SESSION_ID%}}")


def sample_ids(study: StudyRec) -> tuple[str, str]:
    """A participant and a session that stand for anyone, stable per study."""
    return ids.object_id(f"preview-participant:{study.id}"), ids.object_id(
        f"preview-session:{study.id}")


def study_url(study: StudyRec, participant_id: str, session_id: str) -> str:
    url = str(study.fields["external_study_url"])
    for placeholder, value in zip(PLACEHOLDERS, (participant_id, study.id, session_id),
                                  strict=True):
        url = url.replace(placeholder, value)
    return url


def money_text(minor: int, currency: str) -> str:
    return f"{SYMBOLS.get(currency, '')}{Decimal(minor) / 100:.2f}"


def page(study: StudyRec, currency: str, participant_id: str, session_id: str) -> str:
    f = study.fields
    hourly = study.reward * 60 / f["estimated_completion_time"]
    link = study_url(study, participant_id, session_id)
    codes = "".join(f"<li><code>{html.escape(str(c.get('code')))}</code> "
                    f"({html.escape(str(c.get('code_type')))}): "
                    f"{html.escape(COMPLETION_URL + str(c.get('code')))}</li>"
                    for c in f.get("completion_codes") or []
                    if c.get("actor", "participant") == "participant")
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(f['name'])}</title></head><body>"
        f"<h1>{html.escape(f['name'])}</h1>"
        f"<p>Prolific emulator participant preview; status {html.escape(study.status)}</p>"
        f"<p><strong>{money_text(study.reward, currency)}</strong> "
        f"({money_text(round(hourly), currency)}/hr), "
        f"about {f['estimated_completion_time']} minutes, at most "
        f"{f['maximum_allowed_time']} minutes</p>"
        f"<div>{f['description']}</div>"
        f"<p>Open the study: <a href='{html.escape(link)}'>{html.escape(link)}</a></p>"
        f"<p>Participant {participant_id}, session {session_id}</p>"
        f"<p>On finishing, participants come back with one of:</p><ul>{codes}</ul>"
        "</body></html>")
