"""Client tests need a real API but test no database behaviour: SQLite only (the API tests cover PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from api.core.db import upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'lifecert.sqlite3'}"
    upgrade(url)
    yield url
