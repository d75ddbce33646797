"""Region paths (province → … → village). Regions change rarely, so each process caches the path of every
code it has seen. Reads the ``regions`` table by name: core imports no domain model."""

from __future__ import annotations

import threading
from typing import Any

import sqlalchemy as sa

_REGIONS = sa.table("regions", sa.column("code", sa.String), sa.column("parent_code", sa.String))
PARENT_OF = sa.select(_REGIONS.c.parent_code).where(_REGIONS.c.code == sa.bindparam("code"))


class RegionPaths:
    """``path(session, code)`` → the region codes from the province down to ``code`` (cached)."""

    def __init__(self, max_entries: int = 200_000) -> None:
        self._parents: dict[str, str | None] = {}
        self._paths: dict[str, tuple[str, ...]] = {}
        self._max = max_entries
        self._lock = threading.Lock()

    def path(self, conn: Any, code: str) -> tuple[str, ...]:
        """``conn``: a Connection or Session (only ``execute`` is used)."""
        cached = self._paths.get(code)
        if cached is not None:
            return cached
        chain: list[str] = []
        current: str | None = code
        seen: set[str] = set()
        while current is not None and current not in seen:
            seen.add(current)
            chain.append(current)
            if current in self._parents:
                current = self._parents[current]
            else:
                parent = conn.execute(PARENT_OF, {"code": current}).scalar_one_or_none()
                with self._lock:
                    if len(self._parents) < self._max:
                        self._parents[current] = parent
                current = parent
        result = tuple(reversed(chain))
        with self._lock:
            if len(self._paths) < self._max:
                self._paths[code] = result
        return result

    def clear(self) -> None:
        with self._lock:
            self._parents.clear()
            self._paths.clear()
