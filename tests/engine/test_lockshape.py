"""Reading hand-edited and badly merged lockfiles: a clear error naming the place, never a
traceback and never a silent misreading."""

from __future__ import annotations

import contextlib
import copy
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deployer.core.errors import LockError
from deployer.engine import lockfile
from deployer.providers.mturk.records import RecordedHit

FORMAT = lockfile.Format({"mturk": {"hits": RecordedHit}}, legacy_platform="mturk")
HIT = {"address": "twin/b1", "generation": 1, "token": "dpl-t", "fingerprint": "f",
       "config_hash": "c", "created_with": 9, "max_assignments": 9, "status": "live",
       "hit_id": "3AAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "created_at": "2026-11-30T12:00:00+00:00"}
ENV = "mturk/sandbox"


def lockfile_data(**env: Any) -> dict[str, Any]:
    body = {"lineage": "4f1c", "serial": 3, "applied": {"twin": ["c"]}, "hits": [HIT],
            "pseudonym_key": "0" * 32, **env}
    return {"version": 2, "environments": {ENV: body}}


def read_text(tmp_path: Path, text: str) -> Any:
    path = tmp_path / "deploy.lock"
    path.write_text(text, encoding="utf-8")
    return lockfile.read(path, FORMAT)


def read_data(tmp_path: Path, data: Any) -> Any:
    return read_text(tmp_path, json.dumps(data))


def test_two_records_of_one_batch_are_refused_naming_both_hits(tmp_path: Path) -> None:
    """A merge that kept both sides planned as `No changes.` with 18 assignments live for a
    study that wants 9, and closing the study then recorded one of two expired HITs."""
    other = {**HIT, "hit_id": "3BBBBBBBBBBBBBBBBBBBBBBBBBBBBB"}
    with pytest.raises(LockError) as caught:
        read_data(tmp_path, lockfile_data(hits=[HIT, other]))
    message = str(caught.value)
    assert message.startswith(f'environments["{ENV}"].hits: (twin/b1, 1) is recorded twice, '
                              "with hit_id 3AAAAAAAAAAAAAAAAAAAAAAAAAAAAA and "
                              "3BBBBBBBBBBBBBBBBBBBBBBBBBBBBB: a merge kept both sides")
    assert "Keep the entry of the one to manage and delete the other" in message


def test_an_entry_written_twice_identically_is_refused_too(tmp_path: Path) -> None:
    with pytest.raises(LockError, match=r"\(twin/b1, 1\) is recorded twice, identically; "
                       "delete one of the two entries"):
        read_data(tmp_path, lockfile_data(hits=[HIT, HIT]))


def test_two_generations_of_one_batch_are_fine(tmp_path: Path) -> None:
    second = {**HIT, "generation": 2, "hit_id": "3BBBBBBBBBBBBBBBBBBBBBBBBBBBBB"}
    env = read_data(tmp_path, lockfile_data(hits=[second, HIT])).env("mturk", "sandbox")
    assert [(h.address, h.generation) for h in env.records] == [("twin/b1", 1), ("twin/b1", 2)]


WHERE = f'environments["{ENV}"]'


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"applied": []}, f"{WHERE}.applied: expected an object {{...}}, found a list"),
        ({"applied": {"twin": "abc"}}, f'{WHERE}.applied["twin"]: expected a list [...], '
         'found "abc"'),
        ({"lineage": None}, f"{WHERE}.lineage: expected text, found null"),
        ({"lineage": ""}, f"{WHERE}.lineage: expected text, found empty text"),
        ({"serial": 7.9}, f"{WHERE}.serial: expected a whole number from 0 to "
         "9007199254740992, found the number 7.9"),
        ({"serial": True}, f"{WHERE}.serial: expected a whole number from 0 to "
         "9007199254740992, found true"),
        ({"serial": -1}, f"{WHERE}.serial: expected a whole number from 0 to "
         "9007199254740992, found the number -1"),
        ({"hits": {}}, f"{WHERE}.hits: expected a list [...], found an object"),
        ({"hits": [[1]]}, f"{WHERE}.hits[0]: expected an object {{...}}, found a list"),
        ({"hits": [{**HIT, "address": "twinb1"}]}, f"{WHERE}.hits[0].address: 'twinb1' is not "
         'an address like "emotion/b1" (a study name, a slash and a batch)'),
        ({"hits": [{**HIT, "generation": True}]}, f"{WHERE}.hits[0].generation: expected a "
         "whole number from 0 to 9007199254740992, found true"),
        ({"hits": [{**HIT, "status": "alive"}]}, f"{WHERE}.hits[0].status: 'alive' is not one "
         "of 'pending', 'live', 'expired', 'gone'"),
        ({"hits": [{**HIT, "created_at": "2026-11-30T12:00:00"}]}, f"{WHERE}.hits[0]."
         "created_at: expected a date and time with a time zone, like "
         '"2026-12-01T17:00:00+00:00", found "2026-11-30T12:00:00"'),
        ({"hits": [{**HIT, "hit_id": 5}]}, f"{WHERE}.hits[0].hit_id: expected text, found the "
         "number 5"),
        ({"hits": [{k: v for k, v in HIT.items() if k != "token"}]}, f"{WHERE}.hits[0].token: "
         "missing"),
        ({"hits": [{**HIT, "colour": "red"}]}, f"{WHERE}.hits[0].colour: unknown member"),
        ({"note": "x"}, f"{WHERE}.note: unknown member"),
    ],
)
def test_malformed_values_are_named_where_they_are(tmp_path: Path, change: dict[str, Any],
                                                    expected: str) -> None:
    with pytest.raises(LockError) as caught:
        read_data(tmp_path, lockfile_data(**change))
    assert str(caught.value) == (f"{tmp_path}/deploy.lock: {expected}; fix it, or restore it "
                                 "from git (`git checkout -- deploy.lock`)")


@pytest.mark.parametrize("text", [
    '{"version": 2, "environments": ' + "[" * 50_000 + "]" * 50_000 + "}",
    '{"version": 2, "environments": {"mturk/sandbox": {"lineage": "a", "serial": 1e400}}}',
    '{"version": 2, "environments": {"mturk/sandbox": {"lineage": "a", "serial": ' + "9" * 5000
    + "}}}",
    '{"version": 2, "environments": {"mturk/sandbox": {"lineage": "a", "serial": NaN}}}',
], ids=["nested", "huge float", "huge integer", "NaN"])
def test_numbers_and_nesting_beyond_any_lockfile_are_errors(tmp_path: Path, text: str) -> None:
    with pytest.raises(LockError, match=r"deploy\.lock: "):
        read_text(tmp_path, text)


def test_a_byte_order_mark_is_accepted_as_in_study_files(tmp_path: Path) -> None:
    lock = read_text(tmp_path, "\ufeff" + json.dumps(lockfile_data()))
    assert lock.env("mturk", "sandbox").records[0].hit_id == HIT["hit_id"]


# --- property: any damage gives a Lock or a LockError ----------------------------------------

PROPERTIES = settings(max_examples=200, deadline=timedelta(seconds=5), database=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture])
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                  max_size=4),
    max_leaves=20,
)
PLACES = [(), ("environments",), ("environments", ENV), ("environments", ENV, "hits"),
          ("environments", ENV, "hits", 0), ("environments", ENV, "applied"),
          ("environments", ENV, "applied", "twin")]
FIELDS = [*HIT, "lineage", "serial", "applied", "hits", "version", "environments", ENV,
          "sandbox", "elsewhere/x"]


def _damaged(data: Any, place: tuple[str | int, ...], key: str, value: Any) -> Any:
    data = copy.deepcopy(data)
    target = data
    for step in place:
        target = target[step]
    if isinstance(target, dict):
        target[key] = value
    elif isinstance(target, list):
        target.append(value)
    return data


@PROPERTIES
@given(st.lists(st.tuples(st.sampled_from(PLACES), st.sampled_from(FIELDS) | st.text(max_size=6),
                          json_values), max_size=4))
def test_any_damage_to_a_lockfile_reads_or_is_a_lock_error(
        tmp_path: Path, damage: list[tuple[tuple[str | int, ...], str, Any]]) -> None:
    data: Any = lockfile_data()
    for place, key, value in damage:
        with contextlib.suppress(KeyError, IndexError, TypeError):  # the place was removed
            data = _damaged(data, place, key, value)
    _read_or_lock_error(tmp_path, json.dumps(data))


@PROPERTIES
@given(st.lists(st.tuples(st.integers(min_value=0), st.text(max_size=3)), max_size=6))
def test_any_edit_of_a_lockfile_text_reads_or_is_a_lock_error(
        tmp_path: Path, edits: list[tuple[int, str]]) -> None:
    text = json.dumps(lockfile_data(), indent=2)
    for at, inserted in edits:
        at %= len(text) + 1
        text = text[:at] + inserted + text[at:]
    _read_or_lock_error(tmp_path, text)


def _read_or_lock_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "deploy.lock"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        lock = lockfile.read(path, FORMAT)
    except LockError:
        return
    # What reads, writes back as it was (up to order): nothing was misread on the way in,
    # such as a lineage of null read as "None" or a serial of 7.9 as 7.
    written = lockfile.encode(lock)
    source = json.loads(text.removeprefix("\ufeff"))
    if source.get("version") == 2:
        assert json.loads(written) == _canonical(source)
    path.write_text(written, encoding="utf-8")
    assert lockfile.read(path, FORMAT) == lock


def _canonical(data: dict[str, Any]) -> dict[str, Any]:
    """The lockfile data as deploy writes it: sorted records and hashes, no empty tables."""
    environments = {}
    for key, env in data.get("environments", {}).items():
        env = {**env, "applied": {study: sorted(set(hashes)) for study, hashes
                                  in env.get("applied", {}).items()}}
        hits = sorted(({k: v for k, v in hit.items() if v is not None}
                       for hit in env.pop("hits", [])),
                      key=lambda hit: (hit["address"], hit["generation"]))
        environments[key] = {**env, **({"hits": hits} if hits else {})}
    return {"version": 2, "environments": environments}
