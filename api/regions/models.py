"""The region hierarchy that policies and statistics hang on."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.core.db import Base, EnumString, utcnow
from shared.enums import RegionLevel


class Region(Base):
    """One administrative division, keyed by its official code (GB/T 2260 six digits for province, city
    and county; 9 digits for a township; 12 for a village)."""

    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    level: Mapped[RegionLevel] = mapped_column(EnumString(RegionLevel))
    parent_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped[Region | None] = relationship(remote_side=[code], back_populates="children")
    children: Mapped[list[Region]] = relationship(back_populates="parent")

    def __repr__(self) -> str:
        return f"Region({self.code!r}, {self.name!r}, {self.level.value})"
