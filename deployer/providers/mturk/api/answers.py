"""QuestionFormAnswers XML (an assignment's `Answer`) -> one value per answer field.

The same XML comes back for ExternalQuestion form posts, HTMLQuestion forms and QuestionForm
HITs (reference §5.4): free text, one or more selections (with an optional "other" text), or an
uploaded file. Parsed with xmltodict; every shape becomes a plain value a CSV cell can hold, and
JSONL keeps the structure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import xmltodict

from deployer.core.errors import DeployError

# Several selections in one cell: joined in the order the worker's form listed them.
SELECTION_SEPARATOR = "|"
Answer = str | list[str] | dict[str, Any]


def parse_answers(xml: str, assignment_id: str) -> dict[str, Answer]:
    """Field -> value: text, a list of selections, or {"selections", "other"} / {"file_key",
    "size"}; empty when the worker answered nothing."""
    if not xml.strip():
        return {}
    try:
        document = xmltodict.parse(xml, force_list=("Answer", "SelectionIdentifier"))
    except Exception as error:  # xmltodict raises expat's errors and its own
        raise DeployError(f"assignment {assignment_id}: MTurk returned an answer that is not "
                          f"XML ({error}); fetch it again with `deploy results --refresh`"
                          ) from None
    root = document.get("QuestionFormAnswers") or {}
    answers: dict[str, Answer] = {}
    for answer in root.get("Answer") or []:
        if isinstance(answer, Mapping) and answer.get("QuestionIdentifier"):
            answers[str(answer["QuestionIdentifier"])] = _value(answer)
    return answers


def _value(answer: Mapping[str, Any]) -> Answer:
    if "UploadedFileKey" in answer:
        return {"file_key": _text(answer.get("UploadedFileKey")),
                "size": int(_text(answer.get("UploadedFileSizeInBytes")) or 0)}
    if "SelectionIdentifier" in answer or "OtherSelectionText" in answer:
        selections = [_text(s) for s in answer.get("SelectionIdentifier") or []]
        if "OtherSelectionText" in answer:
            return {"selections": selections, "other": _text(answer["OtherSelectionText"])}
        return selections
    return _text(answer.get("FreeText"))


def _text(value: Any) -> str:
    # `<FreeText/>` parses as None: an empty answer, not a missing one.
    return "" if value is None else str(value)


def cell(value: Answer) -> str:
    """One answer as a CSV cell: text as it is, selections joined, a file as its key."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return SELECTION_SEPARATOR.join(value)
    if "file_key" in value:
        return str(value["file_key"])
    chosen = SELECTION_SEPARATOR.join(value["selections"])
    other = str(value["other"])
    return f"{chosen}{SELECTION_SEPARATOR if chosen and other else ''}{other}"
