"""Client tests need a real API but test no database behaviour: SQLite only (the API tests cover PostgreSQL).

The work-list fixtures (areas, people placed in a village, birth dates relative to today) and the face
fixtures (one warmed engine, fixed challenge actions) are the API tests' own."""

from __future__ import annotations

import pytest

from tests.api.cert.conftest import face_client, face_engines, fixed_actions  # noqa: F401 (fixtures)
from tests.api.worklist.conftest import births, new_area, place  # noqa: F401 (fixtures)


@pytest.fixture(scope="module")
def db_backend() -> str:
    return "sqlite"
