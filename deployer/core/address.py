"""Addresses: `<study>/<name>` names one thing a study owns on a platform (`emotion/b2`)."""

from __future__ import annotations


def study_of(address: str) -> str:
    """The study of an address: `emotion/b2` -> `emotion`; a bare study name is its own."""
    return address.split("/", 1)[0]


def _numbered(address: str) -> tuple[str, int] | None:
    """`emotion/b12` -> ("emotion/b", 12); None when the address ends in no number."""
    head = address.rstrip("0123456789")
    tail = address[len(head):]
    return (head, int(tail)) if tail and not tail.startswith("0") else None


def span(addresses: list[str]) -> str:
    """Addresses in a few words: `norming/b1..b300`, `pilot/b1, pilot/b3`, `a/b1..b3, a/x`.

    Runs of consecutive numbers with the same prefix become `first..last`; the rest is listed.
    """
    parts: list[str] = []
    run: list[tuple[str, int]] = []

    def close() -> None:
        if run:
            (head, first), (_, last) = run[0], run[-1]
            short = head.split("/", 1)[-1]
            parts.append(f"{head}{first}" if first == last else f"{head}{first}..{short}{last}")
            run.clear()

    for address in addresses:
        numbered = _numbered(address)
        if numbered and run and run[-1][0] == numbered[0] and run[-1][1] + 1 == numbered[1]:
            run.append(numbered)
            continue
        close()
        if numbered:
            run.append(numbered)
        else:
            parts.append(address)
    close()
    return ", ".join(parts)
