"""One receipt per certification: a public id and the date it is valid until (the token is derived)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, utcnow


class Receipt(Base):
    __tablename__ = "receipts"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)  # random public id
    certification_id: Mapped[int] = mapped_column(
        sa.ForeignKey("certifications.id", ondelete="CASCADE"), unique=True
    )
    valid_until: Mapped[date]
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
