"""``lifecert feed import KIND FILE`` (death | sign_of_life | detention | survivor_end | reemployment |
business_registration | emigration | pension_start); the data sources that send feeds over the API
(``lifecert feed source add|rotate|revoke|list``); the drop directory's scheduled import
(``lifecert feed pull DIR``, for cron)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from api.comparison.models import FeedKind
from api.core import csv_safe
from shared.cycle import agency_today


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
        today = date.fromisoformat(args.today) if args.today else agency_today()
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


def _sessions(args: argparse.Namespace):
    import api.models  # noqa: F401  (every model registered: foreign keys resolve)
    from api.core.db import make_engine, make_sessionmaker
    from api.core.settings import settings_for_command

    settings = settings_for_command(args)
    engine = make_engine(settings.database_url)
    return settings, engine, make_sessionmaker(engine)


def _print_key(name: str, key: str) -> None:
    print(f"API key of {name} (shown only now; hand it over on a secure channel):")
    print(key)


def cmd_source(args: argparse.Namespace) -> int:
    from api.comparison import sources
    from api.core.db import session_scope

    _settings, engine, factory = _sessions(args)
    try:
        with session_scope(factory) as session:
            if args.source_command == "add":
                issued = sources.add_source(
                    session, name=args.name, kinds=args.kinds, region_code=args.region, actor=args.actor
                )
                _print_key(issued.source.name, issued.key)
            elif args.source_command == "rotate":
                issued = sources.rotate_key(session, args.name, actor=args.actor)
                _print_key(issued.source.name, issued.key)
                print("the previous key no longer works", file=sys.stderr)
            elif args.source_command == "revoke":
                sources.revoke_key(session, args.name, actor=args.actor, reason=args.reason)
                print(f"{args.name}: key revoked; the source can send nothing until `feed source rotate`")
            else:
                print("name\tkinds\tregion\tactive\tkey\tkey set at")
                for s in sources.list_sources(session):
                    print(
                        f"{s.name}\t{','.join(s.kinds)}\t{s.region_code or 'all'}\t"
                        f"{'yes' if s.active else 'no'}\t{s.key_hint + '…' if s.key_sha256 else '-'}\t"
                        f"{s.key_set_at:%Y-%m-%d %H:%M}"
                    )
    except sources.SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    return 0


def cmd_pull(args: argparse.Namespace) -> int:
    from functools import partial

    from api.comparison.drop_dir import pull
    from api.comparison.feed import FeedContext
    from api.core.db import session_scope
    from api.core.deps import agency_today
    from api.core.region_paths import RegionPaths
    from api.policy_loader import load_policy

    root = Path(args.dir)
    if not root.is_dir():
        print(f"error: {root}: no such directory", file=sys.stderr)
        return 2
    settings, engine, factory = _sessions(args)
    policy = load_policy(settings.policy_file)
    paths = RegionPaths()
    today = agency_today()

    def make_ctx(actor: str) -> FeedContext:
        return FeedContext(policy=policy, region_paths=paths, today=today, actor=actor)

    try:
        result = pull(root, partial(session_scope, factory), make_ctx, min_age=args.min_age)
    finally:
        engine.dispose()
    if result.locked:
        print("another feed pull is running; nothing done", file=sys.stderr)
        return 0
    for path in result.done:
        print(f"done: {path}")
    for path in result.failed:
        print(f"failed: {path} (see {path.with_suffix('.report.json').name})", file=sys.stderr)
    if result.skipped_young:
        print(f"{result.skipped_young} file(s) younger than {args.min_age:g} s left for the next run")
    return 1 if result.failed else 0


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

    src = feed.add_parser("source", help="data sources sending feeds over the API, each with one key")
    ssub = src.add_subparsers(dest="source_command", metavar="ACTION")
    ssub.required = True
    a = ssub.add_parser("add", help="register a source and print its API key (once)")
    a.add_argument("name", help="lower-case name, e.g. gongan-110101")
    a.add_argument(
        "--kinds", nargs="+", required=True, choices=[k.value for k in FeedKind], help="kinds it may send"
    )
    a.add_argument("--region", help="the region subtree it reports for (default: the whole country)")
    r = ssub.add_parser("rotate", help="a new key (printed once); the old key stops working")
    r.add_argument("name")
    v = ssub.add_parser("revoke", help="revoke the key: the source can send nothing")
    v.add_argument("name")
    v.add_argument("--reason")
    ssub.add_parser("list", help="the sources, their kinds, regions and key state")
    for parser in (a, r, v):
        parser.add_argument("--actor", default="system:cli", help="who does this (for the audit trail)")
    src.set_defaults(func=cmd_source)

    pl = feed.add_parser("pull", help="import the files dropped in DIR/<source>/<kind>/*.csv (for cron)")
    pl.add_argument("dir")
    pl.add_argument(
        "--min-age", type=float, default=60.0, metavar="SECONDS", help="leave younger files (default 60)"
    )
    pl.set_defaults(func=cmd_pull)
