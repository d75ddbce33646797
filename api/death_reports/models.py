"""A monthly death report of one reporting unit, or a township's or county's consolidation of them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, BigId, EnumString, utcnow
from shared.death_reports import ReporterKind


class DeathReport(Base):
    """One per unit and month. ``kind`` village/institution: the unit's list of deaths (``deaths``: rows of
    id_number, name, died_on, note) or ``none_this_month``. ``kind`` township/county: a consolidation —
    ``included`` and ``missing`` unit keys and what each listed death did (``results``).

    ``parent_key`` is the unit key of the consolidation that takes this report in (a village's township,
    an institution's or township's county); once that consolidation exists, this report is locked."""

    __tablename__ = "death_reports"
    __table_args__ = (
        sa.UniqueConstraint("unit_key", "month", name="uq_death_reports_unit_month"),
        sa.Index("ix_death_reports_parent", "parent_key", "month"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    month: Mapped[str] = mapped_column(sa.String(7))
    kind: Mapped[ReporterKind] = mapped_column(EnumString(ReporterKind))
    unit_key: Mapped[str] = mapped_column(sa.String(40))
    unit_name: Mapped[str] = mapped_column(sa.String(200))
    parent_key: Mapped[str | None] = mapped_column(sa.String(40))
    region_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code", ondelete="RESTRICT"))
    institution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("institutions.id", ondelete="RESTRICT"))
    none_this_month: Mapped[bool] = mapped_column(default=False)
    deaths: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    included: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    missing: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    results: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    feed_run_id: Mapped[int | None] = mapped_column(sa.ForeignKey("feed_runs.id", ondelete="SET NULL"))
    submitted_by: Mapped[int] = mapped_column(sa.ForeignKey("staff_users.id", ondelete="RESTRICT"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    late: Mapped[bool] = mapped_column(default=False)
    replaced: Mapped[int] = mapped_column(default=0)
