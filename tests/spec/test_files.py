"""Reading files a study names: regular files only, never more than the limit, never a hang."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from deployer.spec.files import Unreadable, printable, read_limited


def test_a_regular_file_within_the_limit_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(b"x" * 100)
    assert read_limited(path, 100) == b"x" * 100


def test_one_byte_over_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(b"x" * 101)
    with pytest.raises(Unreadable, match="is larger than 100 bytes"):
        read_limited(path, 100)


def test_a_device_that_never_ends_is_refused_without_reading(tmp_path: Path) -> None:
    with pytest.raises(Unreadable, match=r"^is a device, not a file$"):
        read_limited(Path("/dev/zero"), 1 << 30)


def test_a_named_pipe_is_refused_at_once_rather_than_waiting_for_a_writer(
        tmp_path: Path) -> None:
    fifo = tmp_path / "page.html"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            read_limited(fifo, 1000)
        except Unreadable as error:
            outcome.append(error)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=30)  # a blocking open would wait for a writer that never comes
    assert not reader.is_alive(), "reading a named pipe blocked"
    assert [str(e) for e in outcome] == ["is a named pipe, not a file"]


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(Unreadable, match=r"^is a directory, not a file$"):
        read_limited(tmp_path, 1000)


@pytest.mark.parametrize(("name", "why"), [
    ("a\0b", "its name contains a NUL character"),
    ("a\ud800b", "its name is not valid text"),
])
def test_names_the_system_cannot_take_are_refused(tmp_path: Path, name: str, why: str) -> None:
    with pytest.raises(Unreadable, match=why):
        read_limited(tmp_path / name, 1000)


def test_printable_escapes_what_a_terminal_cannot_show() -> None:
    assert printable("studies/ok é.yaml") == "studies/ok é.yaml"
    assert printable("a\0b\ud800c\x1b") == "a\\x00b\\ud800c\\x1b"
