"""Addresses: `<study>/<name>` names one thing a study owns on a platform (`emotion/b2`)."""

from __future__ import annotations


def study_of(address: str) -> str:
    """The study of an address: `emotion/b2` -> `emotion`; a bare study name is its own."""
    return address.split("/", 1)[0]
