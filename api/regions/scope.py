"""Region scope: which people a staff member may see and act on, as a SQL condition (never an ``if``).

A staff member with a region acts on the people registered in that region and in every region below it
(a county's townships and villages; a village coordinator's own village). A staff member whose
``region_code`` is NULL has national scope: the whole country (the admin ``lifecert staff create`` makes
without ``--region``, and national reviewers).

Every staff query about people adds ``scope.people()`` (or ``scope.covers(column)`` for a region
column) to its WHERE clause, so a person outside the subtree is simply not found: routes answer the same
404 as for an unknown person, and lists leave them out. The subtree is a recursive CTE over
``regions.parent_code`` (indexed), written inside the condition, so it works alike on SQLite and
PostgreSQL and needs no stored path to keep in step when regions are imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement, SQLCoreOperations

from api.beneficiaries.models import Beneficiary
from api.regions.models import Region

_REGIONS = Region.__table__


class HasRegion(Protocol):
    """A staff account, or anything else with a region (None = the whole country)."""

    region_code: str | None


def subtree(code: str) -> sa.Select[tuple[str]]:
    """``SELECT code`` of region ``code`` and every region below it (empty when ``code`` is unknown)."""
    top = (
        sa.select(_REGIONS.c.code)
        .where(_REGIONS.c.code == code)
        .cte("scope_subtree", recursive=True, nesting=True)
    )
    below = sa.select(_REGIONS.c.code).join(top, _REGIONS.c.parent_code == top.c.code)
    tree = top.union_all(below)
    return sa.select(tree.c.code)


def path_up(code: str) -> sa.Select[tuple[str]]:
    """``SELECT code`` of region ``code`` and every region above it (its path to the province)."""
    bottom = (
        sa.select(_REGIONS.c.code, _REGIONS.c.parent_code)
        .where(_REGIONS.c.code == code)
        .cte("scope_path_up", recursive=True, nesting=True)
    )
    above = sa.select(_REGIONS.c.code, _REGIONS.c.parent_code).join(
        bottom, _REGIONS.c.code == bottom.c.parent_code
    )
    path = bottom.union_all(above)
    return sa.select(path.c.code)


@dataclass(frozen=True, slots=True)
class RegionScope:
    """The subtree under ``region_code``; ``region_code`` None is the whole country."""

    region_code: str | None = None

    @classmethod
    def of(cls, staff: HasRegion | None) -> RegionScope:
        """The scope of a staff member (``None``: a system job, national)."""
        return cls(staff.region_code if staff is not None else None)

    @property
    def national(self) -> bool:
        return self.region_code is None

    def covers(self, region_column: SQLCoreOperations[str | None]) -> ColumnElement[bool]:
        """A condition: ``region_column`` names a region inside this scope."""
        if self.region_code is None:
            return sa.true()
        return region_column.in_(subtree(self.region_code))

    def overlaps(self, region_column: SQLCoreOperations[str | None]) -> ColumnElement[bool]:
        """A condition: ``region_column`` names a region inside this scope or one containing it (a county
        spot check seen by a village coordinator of that county)."""
        if self.region_code is None:
            return sa.true()
        return sa.or_(
            region_column.in_(subtree(self.region_code)), region_column.in_(path_up(self.region_code))
        )

    def people(self) -> ColumnElement[bool]:
        """A condition on :class:`Beneficiary`: the person's registered region is inside this scope."""
        return self.covers(Beneficiary.region_code)

    def person_ids(self) -> sa.Select[int]:
        """``SELECT id`` of the people in scope, for tables that only carry a ``beneficiary_id``."""
        return sa.select(Beneficiary.id).where(self.people())

    def includes_region(self, session: Session, code: str) -> bool:
        """Whether region ``code`` exists and lies inside this scope (one indexed query)."""
        found = session.execute(
            sa.select(Region.code).where(Region.code == code, self.covers(Region.code))
        ).scalar_one_or_none()
        return found is not None


NATIONAL = RegionScope()
