"""A rate-limit rule as written in settings ("30/minute", several with ";": "5/second;30/minute"), parsed by
the `limits` library; kept apart from :mod:`api.core.limiter` so the settings tree can validate rules."""

from __future__ import annotations

from limits import RateLimitItem, parse_many


def parse_rule(text: str) -> tuple[RateLimitItem, ...]:
    """The rule's items; ValueError for text the library cannot read or an empty rule."""
    try:
        items = tuple(parse_many(text))
    except ValueError as exc:
        raise ValueError(f"not a rate-limit rule ({text!r}): write e.g. '30/minute'") from exc
    if not items:
        raise ValueError(f"not a rate-limit rule ({text!r}): write e.g. '30/minute'")
    return items
