"""`state: paused`: expire now, keep the unstarted assignments, reopen on `state: open`; and a HIT
expired by hand while the study is open is called out before a plan reopens it (issue 12, item 7).
"""

from __future__ import annotations

from dataclasses import replace

from factories import DAY, NOW, actions, lock, observed, record, run, seen, study

from deployer.providers.mturk.plan.payloads import Expire, Extend, Pause


def test_pausing_expires_the_live_hits_and_says_what_it_gives_back() -> None:
    s = study(assignments=9)
    r = record(s)
    p = run([replace(s, state="paused", assignments=12)], lock(r),
            observed(seen(s, r, pending=1, submitted=2)))
    assert actions(p) == (Pause("emotion/b1", r.hit_id or "", 1),)
    [change] = p.changes
    assert (change.verb, change.kind) == ("pause", "pause")
    assert "`state: paused` in studies/emotion.yaml" in change.reason
    assert change.cost == 0  # what it gives back is shown, not counted
    assert change.attributes[1].new == "6 assignments ($3.60 no longer committed)"
    assert not p.errors  # more assignments wait for `state: open`, as the pause does


def test_a_paused_study_leaves_a_hit_expired_by_hand_alone() -> None:
    s = study()
    r = record(s)
    o = observed(seen(s, r, expires_at=NOW - DAY / 2))
    p = run([replace(s, state="paused")], lock(r), o)
    assert (p.changes, p.drift, p.warnings) == ((), (), ())


def test_a_paused_hit_extended_by_hand_is_paused_again_as_drift() -> None:
    s = study()
    r = record(s, status="expired")
    p = run([replace(s, state="paused")], lock(r), observed(seen(s, r)))
    assert [type(a) for a in actions(p)] == [Pause]
    assert "extended outside deploy" in p.drift[0].message


def test_opening_a_paused_study_reopens_the_same_hit() -> None:
    s = study()
    r = record(s, status="expired")
    o = observed(seen(s, r, submitted=2, expires_at=NOW - DAY / 2))
    p = run([s], lock(r), o)
    [extend] = actions(p)
    assert isinstance(extend, Extend) and extend.hit_id == r.hit_id
    assert extend.add_assignments == 0 and extend.expires_at == r.expires_at
    assert p.changes[0].reason == "the study is open again"
    assert not p.drift and not p.warnings


def test_a_hit_expired_by_hand_while_open_is_called_out_before_it_is_reopened() -> None:
    s = study()
    r = record(s)
    p = run([s], lock(r), observed(seen(s, r, expires_at=NOW - DAY / 2)))
    assert [type(a) for a in actions(p)] == [Extend]
    [warning] = p.warnings
    assert warning.address == "emotion/b1"
    assert "applying this plan reopens it" in warning.message
    assert "`state: paused`" in warning.hint and "studies/emotion.yaml" in warning.hint


def test_closing_still_expires_with_what_it_gives_back() -> None:
    s = study()
    r = record(s)
    p = run([replace(s, state="closed")], lock(r), observed(seen(s, r, pending=3)))
    assert [type(a) for a in actions(p)] == [Expire]
    assert p.changes[0].verb == "expire"
    assert p.changes[0].attributes[1].new == "6 assignments ($3.60 no longer committed)"
