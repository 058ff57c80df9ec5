"""Scoring a qualification test with its AnswerKey, as MTurk grants such types at once.

Per question, the score of the AnswerOption whose SelectionIdentifiers are exactly the ones
chosen, else the question's DefaultScore (0 when absent); the sum is mapped by the key's
QualificationValueMapping: PercentageMapping (of MaximumSummedScore), ScaleMapping
(SummedScoreMultiplier) or RangeMapping (SummedScoreRange, OutOfRangeQualificationValue).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import ROUND_HALF_UP, Decimal


def _local(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _child(element: ET.Element, name: str) -> ET.Element | None:
    return next((c for c in element if _local(c) == name), None)


def _text(element: ET.Element | None, name: str, default: str = "") -> str:
    found = None if element is None else _child(element, name)
    return (found.text or "").strip() if found is not None else default


def chosen(answer: str) -> dict[str, frozenset[str]]:
    """Question -> the SelectionIdentifiers (or FreeText) a QuestionFormAnswers holds."""
    picked: dict[str, frozenset[str]] = {}
    for item in ET.fromstring(answer.encode("ascii")):
        values = [(c.text or "").strip() for c in item
                  if _local(c) in ("SelectionIdentifier", "FreeText")]
        picked[_text(item, "QuestionIdentifier")] = frozenset(values)
    return picked


def score(answer_key: str, answer: str) -> int:
    key = ET.fromstring(answer_key.strip().encode("utf-8"))
    picked = chosen(answer)
    total = 0
    for question in (c for c in key if _local(c) == "Question"):
        wanted = picked.get(_text(question, "QuestionIdentifier"), frozenset())
        found = int(_text(question, "DefaultScore", "0") or 0)
        for option in (c for c in question if _local(c) == "AnswerOption"):
            ids = frozenset((c.text or "").strip() for c in option
                            if _local(c) == "SelectionIdentifier")
            if ids and ids == wanted:
                found = int(_text(option, "AnswerScore", "0") or 0)
                break
        total += found
    return _mapped(_child(key, "QualificationValueMapping"), total)


def _mapped(mapping: ET.Element | None, total: int) -> int:
    if mapping is None:
        return total
    percentage = _child(mapping, "PercentageMapping")
    if percentage is not None:
        most = Decimal(_text(percentage, "MaximumSummedScore", "0") or 0)
        share = Decimal(100 * total) / most if most else Decimal(0)
        return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    scale = _child(mapping, "ScaleMapping")
    if scale is not None:
        factor = Decimal(_text(scale, "SummedScoreMultiplier", "1") or 1)
        return int((total * factor).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    ranges = _child(mapping, "RangeMapping")
    if ranges is not None:
        for span in (c for c in ranges if _local(c) == "SummedScoreRange"):
            low = int(_text(span, "InclusiveLowerBound", "0"))
            high = int(_text(span, "InclusiveUpperBound", "0"))
            if low <= total <= high:
                return int(_text(span, "QualificationValue", "0"))
        return int(_text(ranges, "OutOfRangeQualificationValue", "0") or 0)
    return total
