"""Client tests need a real API but test no database behaviour: SQLite only (the API tests cover PostgreSQL).

The work-list fixtures (areas, people placed in a village, birth dates relative to today) and the face
fixtures (one warmed engine, fixed challenge actions) are the API tests' own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.api.cert.conftest import face_client, face_engines, fixed_actions  # noqa: F401 (fixtures)
from tests.api.worklist.conftest import births, new_area, place  # noqa: F401 (fixtures)


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from api.core.db import upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'lifecert.sqlite3'}"
    upgrade(url)
    yield url
