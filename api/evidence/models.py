"""Stored evidence files (frames kept for a review, attestation photos and videos, scanned documents), and
which reviewer opened which file."""

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
    # The staff member who uploaded it (NULL: the applicant, a helper's device or the person's own phone).
    uploaded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    purge_after: Mapped[datetime | None]  # NULL: kept as long as the record it belongs to
    purged_at: Mapped[datetime | None]


class EvidenceView(Base):
    """A reviewer opened an evidence file (first time only): nothing is approved unseen."""

    __tablename__ = "evidence_views"
    __table_args__ = (sa.UniqueConstraint("evidence_id", "staff_id", name="uq_evidence_views_evidence_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    evidence_id: Mapped[int] = mapped_column(sa.ForeignKey("evidence_files.id", ondelete="CASCADE"))
    staff_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
