"""The ``lifecert`` command.

    lifecert demo                      migrate + seed an SQLite demo DB, run API (:8000),
                                       citizens' app (:8550), staff app (:8551)
    lifecert serve [--host --port --workers N|auto]
    lifecert db upgrade [--revision REV] | db current
    lifecert regions import FILE.csv   (code, name, level, parent_code)
    lifecert roster import FILE [--photos DIR] [--dry-run] [--report PATH] [--enrol]
    lifecert faces enrol-pending       compute templates for reference photos without a current one
    lifecert audit verify | audit anchor

Settings come from ``LIFECERT_*`` environment variables (api/core/settings.py); ``--database-url`` overrides
``LIFECERT_DATABASE_URL``. Other domains add commands with a module ``api/<domain>/cli.py`` defining
``register(subparsers)``: each sub-command sets ``func(args) -> int`` via ``set_defaults``.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from api.core.settings import settings_for_command
from shared.cycle import agency_today

# --- db -------------------------------------------------------------------------------------------


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from api.core.db import upgrade

    url = settings_for_command(args).database_url
    upgrade(url, args.revision)
    print(f"database at {args.revision}: {_redact(url)}")
    return 0


def cmd_db_current(args: argparse.Namespace) -> int:
    from api.core.db import current_revision, make_engine

    engine = make_engine(settings_for_command(args).database_url)
    try:
        print(current_revision(engine) or "(empty: run `lifecert db upgrade`)")
    finally:
        engine.dispose()
    return 0


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


# --- serve / demo ----------------------------------------------------------------------------------


def worker_count(value: str) -> int:
    """``--workers``: a number, or ``auto`` for one process per core this process may run on (each face
    decision holds one core and the GIL for 0.3–0.5 s, so more processes than cores only add memory)."""
    import os

    if value == "auto":
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    try:
        count = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--workers takes a number or 'auto', not {value!r}") from None
    if count < 1:
        raise argparse.ArgumentTypeError("--workers must be at least 1")
    return count


def cmd_serve(args: argparse.Namespace) -> int:
    import os

    import uvicorn

    from api.core.client_address import uvicorn_proxy_options
    from api.core.settings import Settings

    if getattr(args, "database_url", None):
        os.environ["LIFECERT_DATABASE_URL"] = args.database_url
    uvicorn.run(
        "api.main:app",
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=args.log_level,
        access_log=not args.no_access_log,
        **uvicorn_proxy_options(Settings().trusted_proxies),
    )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    import os

    from api.demo import run_demo

    if getattr(args, "database_url", None):
        os.environ["LIFECERT_DATABASE_URL"] = args.database_url
    return run_demo(
        host=args.host,
        port=args.port,
        client_port=args.client_port,
        staff_port=args.staff_port,
        with_client=not args.no_client,
    )


# --- regions / roster ------------------------------------------------------------------------------


def cmd_regions_import(args: argparse.Namespace) -> int:
    from api.core.db import make_engine, make_sessionmaker, session_scope
    from api.regions.importer import RegionFileError, read_regions_csv, upsert_regions

    try:
        specs = read_regions_csv(Path(args.file))
    except (OSError, RegionFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    engine = make_engine(settings_for_command(args).database_url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            changed = upsert_regions(session, specs, actor=args.actor)
    except RegionFileError as exc:
        print(f"error: {exc} (nothing imported)", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"{len(specs)} regions read, {changed} added or changed")
    return 0


def cmd_roster_import(args: argparse.Namespace) -> int:
    from api.core.db import make_engine
    from api.core.progress import on_terminal, quiet
    from api.core.storage import storage_for
    from api.roster.reader import RosterFileError
    from api.roster.report import default_report_path, write_error_report
    from api.roster.service import import_roster

    settings = settings_for_command(args)
    path = Path(args.file)
    enrol = None
    if args.enrol:
        if not args.photos:
            print("error: --enrol needs --photos DIR", file=sys.stderr)
            return 2
        from face.engine import FaceEngine

        enrol = FaceEngine().enrol
    engine = make_engine(settings.database_url)
    try:
        report = import_roster(
            engine,
            path,
            photos_dir=Path(args.photos) if args.photos else None,
            dry_run=args.dry_run,
            actor=args.actor,
            max_photo_bytes=settings.max_photo_bytes,
            photo_limits=settings.intake,
            enrol=enrol,
            progress=quiet if args.quiet else on_terminal(" items"),
            objects=storage_for(settings) if args.photos and not args.dry_run else None,
        )
    except RosterFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    rate = report.rows / report.seconds if report.seconds else 0.0
    if report.errors:
        out = Path(args.report) if args.report else default_report_path(path)
        n = write_error_report(report.errors, out)
        print(
            f"{report.rows:,} rows read, {n:,} problems found: NOTHING was imported.\n"
            f"Error report (row, column, value, message): {out}\n"
            "Fix the rows in the roster file and run the import again.",
            file=sys.stderr,
        )
        for e in report.errors[:10]:
            where = f"row {e.row}" if e.row else "file"
            print(f"  {where}, {e.column}: {e.message} [{e.value}]", file=sys.stderr)
        return 1
    verb = "would import" if report.dry_run else "imported"
    print(
        f"{report.rows:,} rows OK in {report.seconds:.1f} s ({rate:,.0f} rows/s): {verb} "
        f"{report.beneficiaries:,} people, {report.entitlements:,} entitlements, {report.photos:,} photos "
        f"({report.templates} face templates)" + (" — dry run, nothing written" if report.dry_run else "")
    )
    return 0


# --- faces / audit ---------------------------------------------------------------------------------


def cmd_faces_enrol_pending(args: argparse.Namespace) -> int:
    import sqlalchemy as sa

    from api import audit
    from api.beneficiaries.models import ReferenceFace
    from api.beneficiaries.reference_photos import has_photo, load_photo
    from api.core.db import make_engine, make_sessionmaker
    from api.core.storage import storage_for
    from face.engine import FaceEngine
    from face.verify import EMBEDDING_PATH

    settings = settings_for_command(args)
    engine = make_engine(settings.database_url)
    factory = make_sessionmaker(engine)
    objects = storage_for(settings)
    face_engine = FaceEngine()
    # No template yet, or one from an older embedding path (verify ignores those): compute it from the photo.
    stale = sa.or_(
        ReferenceFace.template.is_(None),
        ReferenceFace.detector.is_(None),
        ReferenceFace.detector != EMBEDDING_PATH,
    )
    done = failed = 0
    try:
        with factory() as session:
            ids = session.execute(sa.select(ReferenceFace.id).where(stale, has_photo())).scalars().all()
        for rid in ids:
            with factory() as session:
                ref = session.get(ReferenceFace, rid)
                if ref is None or (ref.template is not None and ref.detector == EMBEDDING_PATH):
                    continue
                photo = load_photo(objects, ref)
                if photo is None:
                    continue
                try:
                    t = face_engine.enrol(photo)
                except ValueError as exc:
                    failed += 1
                    print(
                        f"reference {rid} (beneficiary {ref.beneficiary_id}): {getattr(exc, 'message', exc)}",
                        file=sys.stderr,
                    )
                    continue
                ref.template, ref.model_name, ref.detector = list(t.vector), t.model, t.detector
                audit.record(
                    session,
                    actor=args.actor,
                    action="reference_face.enrol",
                    entity_type="reference_face",
                    entity_id=rid,
                    after={"model": t.model, "detector": t.detector},
                )
                session.commit()
                done += 1
    finally:
        engine.dispose()
    print(f"{done} templates computed, {failed} photos without a usable face")
    return 0 if failed == 0 else 1


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from api.audit import verify_chain
    from api.audit_anchor import verify_anchor
    from api.core.db import make_engine, make_sessionmaker
    from api.core.storage import storage_for

    settings = settings_for_command(args)
    engine = make_engine(settings.database_url)
    try:
        with make_sessionmaker(engine)() as session:
            report = verify_chain(session, key=settings.audit_key)
            objects, prefix = storage_for(settings), settings.audit.anchor_prefix
            anchor = (
                verify_anchor(session, objects, prefix=prefix, key=settings.audit_key) if report.ok else None
            )
    finally:
        engine.dispose()
    if not report.ok:
        print(
            f"audit chain BROKEN at event {report.first_bad_seq}: {report.problem} "
            f"({report.checked} events verified before it)",
            file=sys.stderr,
        )
        return 1
    chains = len(report.heads or {})
    print(f"audit chain OK: {report.checked} events verified in {chains} chains")
    assert anchor is not None
    if not anchor.ok:
        print(f"audit anchor FAILED: {anchor.problem}", file=sys.stderr)
        return 1
    if anchor.anchor is None:
        print("no audit anchor yet: run `lifecert audit anchor` (periodically) to protect the chains' ends")
        return 1 if settings.is_production else 0
    print(f"latest anchor OK: {anchor.anchor} ({anchor.created_at}, {anchor.chains} chains)")
    return 0


def cmd_audit_anchor(args: argparse.Namespace) -> int:
    from api.audit_anchor import AnchorRefused, write_anchor
    from api.core.db import make_engine, make_sessionmaker
    from api.core.storage import storage_for

    settings = settings_for_command(args)
    engine = make_engine(settings.database_url)
    try:
        with make_sessionmaker(engine)() as session:
            name = write_anchor(
                session, storage_for(settings), prefix=settings.audit.anchor_prefix, key=settings.audit_key
            )
    except AnchorRefused as exc:
        print(f"no anchor written: the audit chains do not verify: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"audit anchor written: {name}")
    return 0


# --- parser ----------------------------------------------------------------------------------------


def cmd_calendar_check(args: argparse.Namespace) -> int:
    """Validate the working-day calendar file and say which years it covers; exit 1 when this year, or in
    December next year, is missing (deadlines would then count Monday to Friday only)."""
    from api.core.settings import settings_for_command
    from api.core.workdays import load_calendar
    from shared.workdays import CalendarError

    path = settings_for_command(args).calendar_file
    try:
        calendar = load_calendar(path)
    except CalendarError as exc:
        print(f"error: {path}: {exc}", file=sys.stderr)
        return 2
    today = args.today or agency_today()
    for year in sorted(calendar.years):
        off = sum(1 for d in calendar.holidays if d.year == year)
        worked = sorted(d.isoformat() for d in calendar.workdays if d.year == year)
        print(f"{year}: {off} holidays, make-up working days: {', '.join(worked) or 'none'}")
    needed = [today.year] + ([today.year + 1] if today.month == 12 else [])
    missing = [y for y in needed if not calendar.covers(y)]
    if missing:
        print(
            f"warning: {path} does not list {', '.join(map(str, missing))}: add the State Council's notice "
            "(build/make_calendar.py)",
            file=sys.stderr,
        )
        return 1
    print(f"{path}: ok")
    return 0


def cmd_settings(args: argparse.Namespace) -> int:
    from api.core.settings_table import markdown, update_readme

    if args.readme:
        changed = update_readme(Path(args.readme))
        print(f"{args.readme}: settings table {'updated' if changed else 'already up to date'}")
        return 0
    print(markdown(), end="")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lifecert", description="lifecert: benefit-eligibility certification"
    )
    parser.add_argument("--database-url", help="overrides LIFECERT_DATABASE_URL")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser(
        "demo",
        help="demo roster + API on :8000 + citizens' app on :8550 + staff app on :8551 (Ctrl-C stops all)",
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--client-port", type=int, default=8550, help="the citizens' web app (default 8550)")
    p.add_argument("--staff-port", type=int, default=8551, help="the staff web app (default 8551)")
    p.add_argument("--no-client", action="store_true", help="run the API only (neither web app)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("serve", help="run the API (uvicorn api.main:app)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument(
        "--workers", type=worker_count, default=1, help="processes: a number, or 'auto' (one per core)"
    )
    p.add_argument("--log-level", default="info")
    p.add_argument("--no-access-log", action="store_true")
    p.set_defaults(func=cmd_serve)

    db = sub.add_parser("db", help="database schema").add_subparsers(dest="db_command", metavar="ACTION")
    db.required = True
    p = db.add_parser("upgrade", help="run migrations up to the latest (or --revision)")
    p.add_argument("--revision", default="head")
    p.set_defaults(func=cmd_db_upgrade)
    db.add_parser("current", help="show the schema revision").set_defaults(func=cmd_db_current)

    regions = sub.add_parser("regions", help="region list").add_subparsers(
        dest="regions_command", metavar="ACTION"
    )
    regions.required = True
    p = regions.add_parser("import", help="load regions from CSV: code,name,level,parent_code")
    p.add_argument("file")
    p.add_argument("--actor", default="system:cli")
    p.set_defaults(func=cmd_regions_import)

    roster = sub.add_parser("roster", help="beneficiary roster").add_subparsers(
        dest="roster_command", metavar="ACTION"
    )
    roster.required = True
    p = roster.add_parser(
        "import",
        help="import a CSV/XLSX roster (all-or-nothing; bad rows → error report, nothing imported)",
    )
    p.add_argument("file")
    p.add_argument(
        "--photos", metavar="DIR", help="reference photos named by ID number (…/110101195001011234.jpg)"
    )
    p.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
    p.add_argument("--report", metavar="PATH", help="error report path (default FILE.errors.csv)")
    p.add_argument("--enrol", action="store_true", help="compute face templates for the photos now (slow)")
    p.add_argument("--actor", default="system:roster")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_roster_import)

    faces = sub.add_parser("faces", help="reference faces").add_subparsers(
        dest="faces_command", metavar="ACTION"
    )
    faces.required = True
    p = faces.add_parser(
        "enrol-pending", help="compute templates for stored photos that have none or an outdated one"
    )
    p.add_argument("--actor", default="system:faces")
    p.set_defaults(func=cmd_faces_enrol_pending)

    audit_p = sub.add_parser("audit", help="audit trail").add_subparsers(
        dest="audit_command", metavar="ACTION"
    )
    audit_p.required = True
    audit_p.add_parser("verify", help="recompute every audit chain and check the latest anchor").set_defaults(
        func=cmd_audit_verify
    )
    audit_p.add_parser(
        "anchor", help="sign every chain's head and store it outside the database (run periodically)"
    ).set_defaults(func=cmd_audit_anchor)

    cal = sub.add_parser("calendar", help="working-day calendar (public holidays, make-up days)")
    cal_sub = cal.add_subparsers(dest="calendar_command", metavar="ACTION")
    cal_sub.required = True
    p = cal_sub.add_parser("check", help="validate the calendar file; exit 1 if this or next year is missing")
    p.add_argument("--today", type=date.fromisoformat, default=None, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_calendar_check)

    p = sub.add_parser("settings", help="list every LIFECERT_* setting with its default (the README's table)")
    p.add_argument("--readme", metavar="FILE", help="rewrite the settings table in FILE (e.g. README.md)")
    p.set_defaults(func=cmd_settings)

    _register_domain_commands(sub)
    return parser


def _register_domain_commands(sub: argparse._SubParsersAction) -> None:
    """Each domain's ``cli.register(subparsers)`` adds its commands (imported here, when the CLI starts)."""
    from api.auth import cli as auth_cli
    from api.comparison import cli as comparison_cli
    from api.cycle_jobs import cli as cycle_cli
    from api.death_reports import cli as death_reports_cli
    from api.disclosure import cli as disclosure_cli
    from api.evidence import cli as evidence_cli
    from api.evidence import storage_cli
    from api.spotchecks import cli as spotchecks_cli

    for module in (
        auth_cli,
        comparison_cli,
        cycle_cli,
        death_reports_cli,
        disclosure_cli,
        evidence_cli,
        spotchecks_cli,
        storage_cli,
    ):
        module.register(sub)


def main(argv: list[str] | None = None) -> int:
    from api.core.log_masking import install as mask_personal_data_in_logs

    mask_personal_data_in_logs()  # no ID numbers, phones or hashes in any log record or traceback
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
