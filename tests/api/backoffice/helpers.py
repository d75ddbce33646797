"""Small helpers for back-office tests: write feed CSVs, build a feed context."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from api.comparison.service import FeedContext
from api.core.region_paths import RegionPaths
from shared.months import YearMonth
from shared.policy import PolicyTable

TODAY = date(2026, 11, 22)


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def feed_ctx(
    today: date = TODAY, paid_through: YearMonth | None = None, actor: str = "staff:test"
) -> FeedContext:
    return FeedContext(
        policy=PolicyTable(), region_paths=RegionPaths(), today=today, actor=actor, paid_through=paid_through
    )
