"""Stored evidence files (frames kept for a review, attestation photos and videos, scanned documents)."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, BigId, EnumString, utcnow


class EvidenceKind(enum.StrEnum):
    FRAME = "frame"  # a raw capture frame kept for a review
    PHOTO = "photo"
    VIDEO = "video"
    DOCUMENT = "document"


class EvidenceFile(Base):
    __tablename__ = "evidence_files"
    __table_args__ = (sa.Index("ix_evidence_files_purge_after", "purge_after"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    review_item_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("review_items.id", ondelete="CASCADE"), index=True
    )
    attestation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("attestations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[EvidenceKind] = mapped_column(EnumString(EvidenceKind))
    content_type: Mapped[str] = mapped_column(sa.String(64))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    path: Mapped[str] = mapped_column(sa.String(255))  # relative to <data_dir>/evidence
    taken_on: Mapped[date | None]  # the date the evidence shows (attestation photos and videos)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    purge_after: Mapped[datetime | None]  # NULL: kept as long as the record it belongs to
    purged_at: Mapped[datetime | None]
