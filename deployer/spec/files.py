"""Reading the files a study consists of, so that no file a pull request adds can stall CI.

A study file or a question file is read only if it is a regular file of bounded size: it is
opened without blocking (a named pipe would wait for a writer forever), checked with fstat, and
read no further than its limit (a device such as /dev/zero never ends).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

KINDS = {  # what a path is, when it is not a regular file
    stat.S_IFDIR: "a directory",
    stat.S_IFIFO: "a named pipe",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
}
_CHUNK = 1 << 16


class Unreadable(Exception):
    """Why a file was not read, in words that follow its path: "is a directory"."""


def read_limited(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at `path`, at most `limit` of them; else Unreadable."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise Unreadable("not found") from None
    except OSError as error:
        raise Unreadable(f"cannot be read ({error.strerror or error})") from None
    except UnicodeEncodeError:  # a lone surrogate such as "\ud800", from a YAML escape
        raise Unreadable("cannot be read: its name is not valid text") from None
    except ValueError:  # os.open refuses a NUL character in the path
        raise Unreadable("cannot be read: its name contains a NUL character") from None
    try:
        kind = stat.S_IFMT(os.fstat(fd).st_mode)
        if kind != stat.S_IFREG:
            raise Unreadable(f"is {KINDS.get(kind, 'not a regular file')}, not a file")
        return _read_up_to(fd, limit)
    finally:
        os.close(fd)


def _read_up_to(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        try:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - size))
        except OSError as error:
            raise Unreadable(f"cannot be read ({error.strerror or error})") from None
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise Unreadable(f"is larger than {limit:,} bytes, the most deploy reads")


def printable(text: str) -> str:
    """`text` safe to print: control characters and lone surrogates (from file names that
    are not UTF-8, or YAML escapes) written as escapes rather than crashing the terminal."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _escape(c) for c in text)


def _escape(char: str) -> str:
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
