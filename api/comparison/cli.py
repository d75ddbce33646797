"""``lifecert feed import KIND FILE`` (death | sign_of_life | detention | survivor_end)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from api.comparison.models import FeedKind
from api.core import csv_safe


def cmd_feed_import(args: argparse.Namespace) -> int:
    import api.models  # noqa: F401  (every model registered: foreign keys resolve)
    from api.comparison.rows import FeedFileError
    from api.comparison.service import FeedContext, import_feed
    from api.core.db import make_engine, make_sessionmaker, session_scope
    from api.core.progress import on_terminal, quiet
    from api.core.region_paths import RegionPaths
    from api.core.settings import settings_for_command
    from api.policy_loader import load_policy
    from shared.months import YearMonth

    try:
        paid_through = YearMonth.parse(args.paid_through) if args.paid_through else None
        today = date.fromisoformat(args.today) if args.today else date.today()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    settings = settings_for_command(args)
    path = Path(args.file)
    ctx = FeedContext(
        policy=load_policy(settings.policy_file),
        region_paths=RegionPaths(),
        today=today,
        actor=args.actor,
        paid_through=paid_through,
    )
    engine = make_engine(settings.database_url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            report = import_feed(
                session,
                FeedKind(args.kind),
                path,
                ctx=ctx,
                progress=quiet if args.quiet else on_terminal(" rows"),
            )
    except FeedFileError as exc:
        print(f"error: {exc} (nothing imported)", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    rate = report.rows / report.seconds if report.seconds else 0.0
    print(
        f"{report.kind.value} feed {report.run_id}: {report.rows} rows in {report.seconds:.1f} s "
        f"({rate:,.0f} rows/s): "
        f"{report.applied} applied, {report.unchanged} unchanged, {report.mismatched} name mismatches "
        f"to review, "
        f"{len(report.errors)} rejected"
        + (
            f"; {report.recovery_cases} recovery cases "
            f"({report.referrals} of 3,000 yuan or more: credit list if refused)"
            if report.recovery_cases
            else ""
        )
    )
    if report.errors:
        out = Path(args.report) if args.report else path.with_name(path.stem + ".errors.csv")
        with out.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv_safe.writer(f)
            w.writerow(["row", "id_number", "message"])
            for e in report.errors:
                w.writerow([e.row_number, e.id_number, e.message])
        print(f"row-level error report: {out} (the other rows were applied)", file=sys.stderr)
        for e in report.errors[:10]:
            print(f"  row {e.row_number}: {e.message}", file=sys.stderr)
    return 0 if not report.errors else 1


def register(sub: argparse._SubParsersAction) -> None:
    feed = sub.add_parser("feed", help="data-comparison feeds").add_subparsers(
        dest="feed_command", metavar="ACTION"
    )
    feed.required = True
    p = feed.add_parser(
        "import",
        help="import a CSV feed: good rows applied, bad rows to an error report, name mismatches to review",
    )
    p.add_argument("kind", choices=[k.value for k in FeedKind])
    p.add_argument("file")
    p.add_argument("--paid-through", metavar="YYYY-MM", help="last month already paid (default: this month)")
    p.add_argument("--today", metavar="YYYY-MM-DD", help="the import date (default: today)")
    p.add_argument("--report", metavar="PATH", help="error report path (default FILE.errors.csv)")
    p.add_argument("--actor", default="system:feed")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_feed_import)
