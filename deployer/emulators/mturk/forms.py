"""What a worker fills in: the fields of a question, answers made up for them, and the Answer
XML a submission becomes (reference §5.4).

An ExternalQuestion's page is the requester's own, so its fields are unknown; an HTMLQuestion's
are its named form controls; a QuestionForm's are its questions. Given answers are checked
against a QuestionForm only, since MTurk renders that form itself; answers for a page are taken
as the browser would post them.
"""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from deployer.emulators.mturk.exceptions import SimulationError
from deployer.emulators.mturk.html_fields import html_fields
from deployer.emulators.mturk.questions import ANSWERS_NS, NOT_XML, RESERVED_FIELDS, Field

Answers = Mapping[str, "str | Sequence[str]"]
Upload = Callable[[str, str], str]  # (question identifier, content) -> UploadedFileKey


@dataclass(frozen=True)
class Form:
    kind: str  # external | html | form
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


def fields_of(question: str) -> Form:
    """The fields of a stored (already checked) Question or qualification Test."""
    root = ET.fromstring(question.strip().encode("utf-8"))
    local = root.tag.rsplit("}", 1)[-1]
    if local == "ExternalQuestion":
        return Form("external", ())
    if local == "HTMLQuestion":
        content = root.find(f"{root.tag[:root.tag.index('}') + 1]}HTMLContent")
        return Form("html", html_fields(content.text or "" if content is not None else ""))
    return Form("form", tuple(_form_fields(root)))


def _form_fields(root: ET.Element) -> list[Field]:
    ns = root.tag[:root.tag.index("}") + 1]
    found = []
    for question in root.iter(f"{ns}Question"):
        name = (question.findtext(f"{ns}QuestionIdentifier") or "").strip()
        required = (question.findtext(f"{ns}IsRequired") or "").strip().lower() == "true"
        label = (question.findtext(f"{ns}DisplayName") or "").strip()
        label = label or (question.findtext(f"{ns}QuestionContent/{ns}Text") or "").strip()
        spec = question.find(f"{ns}AnswerSpecification")
        answer = next(iter(spec), None) if spec is not None else None
        found.append(_answer_field(ns, name, label, required, answer))
    return found


def _answer_field(ns: str, name: str, label: str, required: bool,
                  answer: ET.Element | None) -> Field:
    kind = "" if answer is None else answer.tag.rsplit("}", 1)[-1]
    if kind == "SelectionAnswer" and answer is not None:
        options = [(s.findtext(f"{ns}SelectionIdentifier") or "").strip()
                   for s in answer.iter(f"{ns}Selection")]
        labels = [(s.findtext(f"{ns}Text") or s.findtext(f"{ns}SelectionIdentifier") or "")
                  .strip() for s in answer.iter(f"{ns}Selection")]
        most = _number(answer.findtext(f"{ns}MaxSelectionCount"), 1)
        style = (answer.findtext(f"{ns}StyleSuggestion") or "").strip()
        many = most > 1 or style in ("checkbox", "multichooser")
        return Field(name, "choices" if many else "choice", tuple(options), label=label,
                     required=required, option_labels=tuple(labels),
                     low=_number(answer.findtext(f"{ns}MinSelectionCount"), 0),
                     high=most if many else 1)
    if kind == "FileUploadAnswer":
        return Field(name, "file", label=label, required=required)
    numeric = None if answer is None else answer.find(f"{ns}Constraints/{ns}IsNumeric")
    if numeric is not None:
        return Field(name, "number", label=label, required=required,
                     low=_number(numeric.get("minValue"), 0),
                     high=_number(numeric.get("maxValue"), 10))
    default = "" if answer is None else (answer.findtext(f"{ns}DefaultText") or "")
    return Field(name, "text", label=label, required=required, value=default)


def _number(text: str | None, default: int) -> int:
    try:
        return int((text or "").strip())
    except ValueError:
        return default


# --- answers ------------------------------------------------------------------------------
def answered(form: Form, given: Answers | None, seed: str) -> list[tuple[str, list[str]]]:
    """(field, values) a submission carries: `given` (checked for a QuestionForm), or answers
    made up from the fields with a generator seeded by `seed` (None: make them up)."""
    if given is None:
        rng = random.Random(seed)
        made = [(f.name, _made_up(f, rng)) for f in form.fields]
        return [(name, values) for name, values in made if values]
    pairs = [(str(name), [value] if isinstance(value, str) else [str(v) for v in value])
             for name, value in given.items()]
    if form.kind == "form":
        _check_form_answers(form, dict(pairs))
    return pairs


def _made_up(field: Field, rng: random.Random) -> list[str]:
    match field.kind:
        case "fixed":
            return [field.value]
        case "choice":
            return [rng.choice(field.options)] if field.options else []
        case "choices":
            if not field.options:
                return []
            count = rng.randint(max(1, field.low or 0), min(len(field.options), field.high or 1))
            return sorted(rng.sample(field.options, count), key=field.options.index)
        case "checkbox":
            return [field.value] if field.required or rng.random() < 0.5 else []
        case "number":
            return [str(rng.randint(field.low or 0, max(field.low or 0, field.high or 10)))]
        case "file":
            return [f"A file uploaded for {field.name}.\n"]
        case _:
            return [field.value or f"Answer to {field.name} ({rng.randint(1, 999)})"]


def _check_form_answers(form: Form, given: dict[str, list[str]]) -> None:
    names = [f.name for f in form.fields]
    for name, values in given.items():
        field = form.field(name)
        if field is None:
            raise SimulationError(f"the form has no question {name!r}; its questions are "
                                  f"{', '.join(names)}")
        wrong = [v for v in values if field.options and v not in field.options]
        if wrong:
            raise SimulationError(f"{wrong[0]!r} is not a choice of {name!r}; choose from "
                                  f"{', '.join(field.options)}")
        if field.kind == "choice" and len(values) > 1:
            raise SimulationError(f"{name!r} takes one choice, not {len(values)}")
    missing = [f.name for f in form.fields if f.required and f.name not in given]
    if missing:
        raise SimulationError(f"question {missing[0]!r} is required")


def answer_xml(form: Form, given: Answers | None, seed: str,
               upload: Upload | None = None) -> str:
    """QuestionFormAnswers exactly as MTurk returns it: one line, ASCII, character references."""
    parts = [f'<?xml version="1.0" encoding="ASCII"?><QuestionFormAnswers xmlns="{ANSWERS_NS}">']
    for name, values in answered(form, given, seed):
        if name in RESERVED_FIELDS:
            continue
        field = form.field(name) if form.kind == "form" else None
        parts.append(f"<Answer><QuestionIdentifier>{_ascii(name)}</QuestionIdentifier>"
                     f"{_answer_body(field, name, values, upload)}</Answer>")
    parts.append("</QuestionFormAnswers>")
    return "".join(parts)


def _answer_body(field: Field | None, name: str, values: list[str],
                 upload: Upload | None) -> str:
    if field is not None and field.kind in ("choice", "choices"):
        return "".join(f"<SelectionIdentifier>{_ascii(v)}</SelectionIdentifier>" for v in values)
    if field is not None and field.kind == "file" and upload is not None:
        content = values[0] if values else ""
        size = len(content.encode("utf-8"))
        return (f"<UploadedFileSizeInBytes>{size}</UploadedFileSizeInBytes>"
                f"<UploadedFileKey>{_ascii(upload(name, content))}</UploadedFileKey>")
    # A browser posts one value per name: MTurk keeps one of several inputs of one name.
    return f"<FreeText>{_ascii(values[0] if values else '')}</FreeText>"


def _ascii(text: str) -> str:
    # What XML cannot hold is dropped, as a browser's form post never yields well-formed XML
    # with it; everything else becomes ASCII with character references.
    kept = NOT_XML.sub("", text)
    return escape(kept).encode("ascii", "xmlcharrefreplace").decode("ascii")

