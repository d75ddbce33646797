"""Staff screens show when something happened on the agency's clock (Beijing): the API sends UTC
instants, and a bare ``.date()`` or ``.strftime`` on one shows yesterday's date from 16:00 UTC on (an event
at 07:00 on 1 December in Beijing was shown as 30 November). They go through ``shared.cycle.local_date`` /
``local_time``."""

from __future__ import annotations

import re

from tests.shared_data import REPO_ROOT

# an instant field (``…_at``) turned into a date or text without a time zone
RAW_INSTANT = re.compile(r"\b\w+_at\.(date\(\)|strftime\(|isoformat\(\)\[:10\])")


def test_no_screen_shows_a_utc_instant_as_a_local_date() -> None:
    offenders = [
        f"{path.relative_to(REPO_ROOT)}:{number}: {line.strip()}"
        for path in sorted((REPO_ROOT / "app").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if RAW_INSTANT.search(line)
    ]
    assert not offenders, "show instants with shared.cycle.local_date / local_time:\n" + "\n".join(offenders)
