"""``import_roster``: validate every row, then commit everything or nothing.

Policy (documented in docs/roster-import.md): **all-or-nothing**. Every row is validated (ID check digit,
birth date, duplicate within the file, already on the roll, unknown region, impossible amount, unknown
benefit type, bad phone, month or time zone) and every photo is checked. Rows are written as they pass, in
one transaction; if anything was wrong the transaction is rolled back, so nothing is imported, and the
clerk receives the complete error report to fix the file and run it again. A successful import writes one
AuditEvent ``roster.import`` (file name, SHA-256, counts) in the same transaction.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from tqdm import tqdm

from api import audit
from api.beneficiaries.models import ReferenceFace
from api.beneficiaries.reference_photos import photo_columns
from api.core.progress import ProgressFactory, quiet
from api.core.settings import IntakeSettings
from api.core.storage import Storage
from api.evidence.intake import IMAGE_KINDS, IntakeRefused, check_upload
from api.roster.bulk import BulkWriter, writer_for
from api.roster.reader import RosterFile, open_roster
from api.roster.rows import RosterRow, RowError, header_errors, validate_row
from shared.cycle import agency_today
from shared.enums import BenefitType, ReferenceSource
from shared.idnumber import IdNumberError, parse_id_number

BATCH = 20_000
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")


@dataclass
class ImportReport:
    file: str
    rows: int = 0
    beneficiaries: int = 0
    entitlements: int = 0
    photos: int = 0
    templates: int = 0
    errors: list[RowError] = field(default_factory=list)
    imported: bool = False
    dry_run: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(slots=True)
class _Seen:
    row: int
    name: str
    beneficiary_id: int  # 0 until allocated (or in a dry run)
    benefits: int  # bit set of BenefitType positions already listed for this ID
    flags: tuple[bool, bool, bool]  # severely_disabled, bedridden, lives_alone of the first row


_BENEFIT_BIT = {b: 1 << i for i, b in enumerate(BenefitType)}


def import_roster(
    engine: Engine,
    path: Path,
    *,
    photos_dir: Path | None = None,
    dry_run: bool = False,
    actor: str = "system:roster",
    today: date | None = None,
    max_photo_bytes: int = 5 * 1024 * 1024,
    photo_limits: IntakeSettings | None = None,
    enrol: Callable[[bytes], object] | None = None,
    progress: ProgressFactory = quiet,
    objects: Storage | None = None,
) -> ImportReport:
    """Import ``path`` (CSV or XLSX) into the database behind ``engine``.

    ``enrol`` (e.g. ``FaceEngine().enrol``) computes a template per photo; without it photos are stored
    with a NULL template for ``lifecert faces enrol-pending`` to fill later. ``objects``: the storage the
    photos go to, sealed (the CLI passes the configured one); None keeps them in the rows.
    """
    started = time.perf_counter()
    today = today or agency_today()
    roster = open_roster(path)
    report = ImportReport(file=str(path), dry_run=dry_run)
    report.errors.extend(header_errors(roster.header))
    if report.errors:
        report.seconds = time.perf_counter() - started
        return report

    with engine.connect() as conn:
        trans = conn.begin()
        writer: BulkWriter | None = None
        try:
            writer = writer_for(conn)
            if not dry_run:
                writer.begin_write()
            run = _Run(writer, report, dry_run=dry_run, today=today, regions=writer.region_codes())
            bar = progress(roster.total_rows, "rows")
            try:
                run.read_all(roster, bar)
            finally:
                bar.close()
            if photos_dir is not None:
                run.photos(
                    photos_dir,
                    max_photo_bytes=max_photo_bytes,
                    limits=photo_limits or IntakeSettings(),
                    enrol=enrol,
                    progress=progress,
                    objects=objects,
                )
            if report.errors or dry_run:
                trans.rollback()
            else:
                with Session(bind=conn) as session:
                    audit.record(
                        session,
                        actor=actor,
                        action="roster.import",
                        entity_type="roster_file",
                        entity_id=path.name[:64],
                        after={
                            "file": path.name,
                            "sha256": _sha256(path),
                            "rows": report.rows,
                            "beneficiaries": report.beneficiaries,
                            "entitlements": report.entitlements,
                            "photos": report.photos,
                            "templates": report.templates,
                        },
                        reason="roster import",
                    )
                    session.flush()
                trans.commit()
                report.imported = True
        except BaseException:
            if trans.is_active:
                trans.rollback()
            raise
        finally:
            if writer is not None and not dry_run:
                writer.end_write()
    report.seconds = time.perf_counter() - started
    return report


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _extra_cells_error(rownum: int, extra: tuple[str, ...], last_column: str) -> RowError:
    """A row with values beyond the named columns: refused as a whole (a shifted row would otherwise
    import its values under the wrong columns, or lose some silently)."""
    return RowError(
        rownum,
        "(extra cells)",
        extra[0][:200],
        f"this row has {len(extra)} value(s) outside the named columns (after '{last_column}' or under a "
        "column without a name): remove them, or check that the row is not shifted",
    )


class _Run:
    def __init__(
        self, writer: BulkWriter, report: ImportReport, *, dry_run: bool, today: date, regions: frozenset[str]
    ) -> None:
        self.writer = writer
        self.report = report
        self.dry_run = dry_run
        self.today = today
        self.regions = regions
        self.seen: dict[str, _Seen] = {}
        self.iso_dates = writer.dates_as_text
        self.batch: list[RosterRow] = []

    # -- rows ------------------------------------------------------------------------------------

    def read_all(self, roster: RosterFile, bar: tqdm) -> None:
        pending = 0
        last_column = roster.header[-1] if roster.header else ""
        for line in roster.rows():
            self.report.rows += 1
            result = (
                [_extra_cells_error(line.row, line.extra, last_column)]
                if line.extra
                else validate_row(line.row, line.values, regions=self.regions, today=self.today)
            )
            if isinstance(result, list):
                self.report.errors.extend(result)
            else:
                self._accept(result)
            pending += 1
            if len(self.batch) >= BATCH:
                self._flush()
            if pending >= 1000:
                bar.update(pending)
                pending = 0
        self._flush()
        bar.update(pending)

    def _accept(self, row: RosterRow) -> None:
        bit = _BENEFIT_BIT[row.benefit_type]
        seen = self.seen.get(row.id_number)
        if seen is None:
            self.seen[row.id_number] = _Seen(row.row, row.name, 0, bit, row.flags)
            self.batch.append(row)
            return
        if seen.benefits & bit:
            self._error(
                row,
                "id_number",
                row.id_number,
                f"duplicate: row {seen.row} already lists this person with benefit {row.benefit_type.value}",
            )
        elif seen.name != row.name:
            self._error(
                row, "name", row.name, f"row {seen.row} has the same ID number with the name '{seen.name}'"
            )
        elif seen.flags != row.flags:
            self._error(
                row,
                "id_number",
                row.id_number,
                f"row {seen.row} has the same person with other severely_disabled, bedridden "
                "or lives_alone values",
            )
        else:
            seen.benefits |= bit
            self.batch.append(row)

    def _error(self, row: RosterRow, column: str, value: str, message: str) -> None:
        self.report.errors.append(RowError(row.row, column, value, message))

    def _flush(self) -> None:
        if not self.batch:
            return
        batch, self.batch = self.batch, []
        new_people = [
            r
            for r in batch
            if self.seen[r.id_number].beneficiary_id == 0 and self.seen[r.id_number].row == r.row
        ]
        on_roll = self.writer.existing_id_numbers([r.id_number for r in new_people])
        if on_roll:
            for r in new_people:
                if r.id_number in on_roll:
                    self._error(
                        r, "id_number", r.id_number, "already on the roll: this person was imported before"
                    )
            on_roll_rows = {r.row for r in batch if r.id_number in on_roll}
            batch = [r for r in batch if r.row not in on_roll_rows]
            new_people = [r for r in new_people if r.id_number not in on_roll]
        if self.report.errors or self.dry_run:
            # Nothing will be committed: keep validating, skip the writes.
            self.report.beneficiaries += len(new_people)
            self.report.entitlements += len(batch)
            return
        ids = self.writer.allocate_ids(len(new_people))
        for r, bid in zip(new_people, ids, strict=True):
            self.seen[r.id_number].beneficiary_id = bid
        self.writer.write_beneficiaries(
            (
                bid,
                r.id_number,
                r.name,
                r.sex,
                r.birth_date if self.iso_dates is False else r.birth_date.isoformat(),
                r.phone,
                r.region_code,
                r.residence_kind.value,
                r.country,
                r.time_zone,
                *r.flags,
            )
            for r, bid in zip(new_people, ids, strict=True)
        )
        self.writer.write_entitlements(
            (
                self.seen[r.id_number].beneficiary_id,
                r.benefit_type.value,
                r.monthly_cents,
                r.payment_state.value,
                r.suspended_since,
                r.entitled_since
                if self.iso_dates is False or r.entitled_since is None
                else r.entitled_since.isoformat(),
                r.ends_after,
            )
            for r in batch
        )
        self.report.beneficiaries += len(new_people)
        self.report.entitlements += len(batch)

    # -- photos ----------------------------------------------------------------------------------

    def photos(
        self,
        folder: Path,
        *,
        max_photo_bytes: int,
        limits: IntakeSettings,
        enrol: Callable[[bytes], object] | None,
        progress: ProgressFactory,
        objects: Storage | None = None,
    ) -> None:
        if not folder.is_dir():
            self.report.errors.append(RowError(0, "photo", str(folder), "the photo folder does not exist"))
            return
        files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in PHOTO_SUFFIXES)
        rows: list[dict[str, object]] = []
        bar = progress(len(files), "photos")
        try:
            for p in files:
                bar.update(1)
                ok = self._photo(p, max_photo_bytes, limits, enrol)
                if ok is not None:
                    rows.append(ok)
        finally:
            bar.close()
        if rows and not self.report.errors and not self.dry_run:
            for row in rows:  # sealed into storage only now: a failed import leaves no photo behind
                data = row.pop("photo")
                assert isinstance(data, bytes) and isinstance(row["beneficiary_id"], int)
                row.update(photo_columns(objects, row["beneficiary_id"], data))
            self.writer.conn.execute(sa.insert(ReferenceFace), rows)
        self.report.photos = len(rows)
        self.report.templates = sum(1 for r in rows if r["template"] is not None)

    def _photo(
        self, p: Path, max_bytes: int, limits: IntakeSettings, enrol: Callable[[bytes], object] | None
    ) -> dict[str, object] | None:
        def bad(message: str) -> None:
            self.report.errors.append(RowError(0, "photo", p.name, message))

        try:
            number = parse_id_number(p.stem).number
        except IdNumberError as exc:
            bad(f"photo files are named by ID number: {exc.message}")
            return None
        seen = self.seen.get(number)
        if seen is None:
            bad("no row of this file has this ID number")
            return None
        size = p.stat().st_size
        if size > max_bytes:
            bad(f"the photo is larger than {max_bytes // 1024} KB")
            return None
        data = p.read_bytes()
        try:
            check_upload(data, allowed=IMAGE_KINDS, max_bytes=max_bytes, limits=limits)
        except IntakeRefused as exc:
            bad(f"not a usable JPEG or PNG image: {exc.message}")
            return None
        template = model = detector = None
        if enrol is not None:
            try:
                t = enrol(data)
            except ValueError as exc:  # face.types.FaceInputError is a ValueError with .message
                bad(f"no usable face for the reference: {getattr(exc, 'message', exc)}")
                return None
            template, model, detector = list(t.vector), t.model, t.detector  # type: ignore[attr-defined]
        return {
            "beneficiary_id": seen.beneficiary_id,
            "source": ReferenceSource.ID_PHOTO,
            "template": template,
            "model_name": model,
            "detector": detector,
            "photo": data,
            "active": True,
        }
