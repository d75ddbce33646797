"""face.challenge: random distinct actions, nonce, expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from face import challenge
from face.types import Action

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def test_two_or_three_distinct_actions_in_random_order():
    seen_counts, seen_orders = set(), set()
    for _ in range(300):
        c = challenge.issue(now=NOW)
        assert 2 <= len(c.actions) <= 3
        assert len(set(c.actions)) == len(c.actions)
        assert all(isinstance(a, Action) for a in c.actions)
        seen_counts.add(len(c.actions))
        seen_orders.add(c.actions)
    assert seen_counts == {2, 3}
    assert len(seen_orders) > 20  # 36 possible sequences; a fixed or biased order would show here
    assert {a for order in seen_orders for a in order} == set(Action)


def test_nonce_is_unpredictable_and_unique():
    nonces = {challenge.issue(now=NOW).nonce for _ in range(200)}
    assert len(nonces) == 200
    assert all(len(n) >= 20 for n in nonces)


def test_expiry_default_two_minutes_and_boundary():
    c = challenge.issue(now=NOW)
    assert c.issued_at == NOW and c.expires_at == NOW + timedelta(seconds=120)
    assert not c.is_expired(NOW)
    assert not c.is_expired(NOW + timedelta(seconds=119, microseconds=999_999))
    assert c.is_expired(NOW + timedelta(seconds=120))
    assert c.is_expired(NOW + timedelta(days=1))


def test_custom_ttl_count_and_choices():
    c = challenge.issue(
        now=NOW, ttl=timedelta(seconds=30), count=2, choices=(Action.BLINK, Action.OPEN_MOUTH)
    )
    assert c.expires_at - c.issued_at == timedelta(seconds=30)
    assert set(c.actions) == {Action.BLINK, Action.OPEN_MOUTH}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"ttl": timedelta(0)},
        {"count": 5},
        {"count": 0},
        {"count": 3, "choices": (Action.BLINK, Action.BLINK, Action.OPEN_MOUTH)},
    ],
)
def test_bad_requests_are_refused(kwargs):
    with pytest.raises(ValueError):
        challenge.issue(now=NOW, **kwargs)


def test_naive_time_is_refused():
    with pytest.raises(ValueError):
        challenge.issue(now=datetime(2026, 11, 22, 12, 0))
