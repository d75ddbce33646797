"""``lifecert death-reports remind --month YYYY-MM [--region CODE]``: a reminder to every unit whose monthly
death report (or consolidation) for the month is late (for cron, e.g. daily from the 4th)."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from shared.cycle import agency_today


def cmd_remind(args: argparse.Namespace) -> int:
    import api.models  # noqa: F401  (every model registered: foreign keys resolve)
    from api.core.db import make_engine, make_sessionmaker, session_scope
    from api.core.errors import ApiError
    from api.core.settings import settings_for_command
    from api.death_reports.service import remind, reported_month
    from api.policy_loader import load_policy
    from api.regions.scope import RegionScope

    try:
        today = date.fromisoformat(args.today) if args.today else agency_today()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    settings = settings_for_command(args)
    policy = load_policy(settings.policy_file)
    engine = make_engine(settings.database_url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            try:
                month = reported_month(args.month, today)
            except ApiError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 2
            sent = remind(
                session, month, scope=RegionScope(args.region), today=today, policy=policy, actor=args.actor
            )
    finally:
        engine.dispose()
    for item in sent:
        state = "reminded" if item.queued else "already reminded today"
        who = f"{item.recipients} staff account(s)" if item.recipients else "no staff account on file"
        print(f"{item.unit}\t{item.name}\t{state}\t{who}")
    print(f"{len(sent)} late unit(s) for {month}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    reports = sub.add_parser("death-reports", help="monthly death reports of villages and institutions")
    rsub = reports.add_subparsers(dest="death_reports_command", metavar="ACTION")
    rsub.required = True
    p = rsub.add_parser("remind", help="remind every unit whose report for MONTH is late (audit-logged)")
    p.add_argument("--month", required=True, metavar="YYYY-MM", help="the reported month, e.g. last month")
    p.add_argument("--region", help="only units in this region (default: the whole country)")
    p.add_argument("--today", metavar="YYYY-MM-DD", help=argparse.SUPPRESS)
    p.add_argument("--actor", default="system:death-reports", help="who reminds (for the audit trail)")
    p.set_defaults(func=cmd_remind)
