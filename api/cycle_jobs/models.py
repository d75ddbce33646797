"""A record of each monthly cycle run and what it changed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, BigId, utcnow
from shared.months import YearMonth


class CycleRun(Base):
    """One run of a month. On SQLite a run first commits its row with ``state`` "running" (one per month:
    the unique index refuses a second) and clears it with its changes; on PostgreSQL an advisory lock per
    month does the same (``api/cycle_jobs/month_lock.py``). Finished runs have ``state`` NULL."""

    __tablename__ = "cycle_runs"
    __table_args__ = (sa.Index("uq_cycle_runs_month_state", "month", "state", unique=True),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    month: Mapped[YearMonth] = mapped_column(index=True)
    # The region the run covered (its subtree), NULL: the whole country.
    region_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code", ondelete="RESTRICT"))
    actor: Mapped[str] = mapped_column(sa.String(128))
    suspended: Mapped[int] = mapped_column(default=0)
    resumed: Mapped[int] = mapped_column(default=0)
    reminders: Mapped[int] = mapped_column(default=0)
    report: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    state: Mapped[str | None] = mapped_column(sa.String(16), default=None)  # "running" | NULL (finished)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
