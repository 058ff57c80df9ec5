"""Identifiers that look like MTurk's (reference §2): 30 chars of [0-9A-Z] starting with '3';
and, for Prolific, 24 hex digits shaped like MongoDB ObjectIds (object_id).

They are derived from a hash, so a given emulator seed and call sequence always yields the same
IDs; HIT type IDs are derived from the type's content, which is what makes de-duplication stable.
"""

from __future__ import annotations

import hashlib

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ID_LENGTH = 30
WORKER_ID_LENGTH = 14


def _digits(text: str, count: int) -> str:
    number = int.from_bytes(hashlib.sha256(text.encode()).digest(), "big")
    out = []
    for _ in range(count):
        number, rest = divmod(number, len(ALPHABET))
        out.append(ALPHABET[rest])
    return "".join(out)


def entity_id(material: str) -> str:
    return "3" + _digits(material, ID_LENGTH - 1)


def worker_id(material: str) -> str:
    return "A" + _digits("worker:" + material, WORKER_ID_LENGTH - 1)


def page_token(material: str) -> str:
    # Opaque and long, like real tokens; never parsed back, only looked up.
    return "p" + _digits("page:" + material, 40).lower() + _digits("page2:" + material, 20)


def object_id(material: str) -> str:
    """A 24-hex-digit identifier shaped like a MongoDB ObjectId, as Prolific's are."""
    return hashlib.sha256(("object:" + material).encode()).hexdigest()[:24]
