"""``lifecert cycle run --month YYYY-MM [--as-staff USERNAME]`` and ``lifecert notify send``. With
``--as-staff`` (an admin account) the run covers that account's region subtree only."""

from __future__ import annotations

import argparse
import sys


def cmd_cycle_run(args: argparse.Namespace) -> int:
    import api.models  # noqa: F401  (every model registered: foreign keys resolve)
    from api.auth import acting
    from api.core.db import make_engine, make_sessionmaker, session_scope
    from api.core.region_paths import RegionPaths
    from api.core.settings import settings_for_command
    from api.cycle_jobs.service import run_month
    from api.policy_loader import load_policy
    from shared.enums import StaffRole
    from shared.months import YearMonth

    try:
        month = YearMonth.parse(args.month)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    settings = settings_for_command(args)
    engine = make_engine(settings.database_url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            who = acting.resolve(session, args.as_staff, roles={StaffRole.ADMIN}, system_actor=args.actor)
            report = run_month(
                session,
                month,
                policy=load_policy(settings.policy_file),
                region_paths=RegionPaths(),
                actor=who.actor,
                scope=who.scope,
            )
    except acting.ActingStaffError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(report.summary())
    for s in report.suspended[: args.show]:
        print(f"  suspended {s.masked_id} {s.benefit_type} from {s.from_month}")
    for r in report.resumed[: args.show]:
        print(
            f"  resumed   {r.masked_id} {r.benefit_type} from {r.resume_month}, back pay "
            f"{r.back_pay_months} months = {r.back_pay_cents / 100:,.2f} yuan"
        )
    if not report.changed:
        print("  nothing changed (this month was already run, or nobody is due)")
    return 0


def cmd_notify_send(args: argparse.Namespace) -> int:
    import api.models  # noqa: F401  (every model registered: foreign keys resolve)
    from api.core.db import make_engine, make_sessionmaker, session_scope
    from api.core.settings import settings_for_command
    from api.notify.adapters import notifier_for
    from api.notify.outbox import deliver

    try:
        notifier = notifier_for(args.via)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    engine = make_engine(settings_for_command(args).database_url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            result = deliver(session, notifier, limit=args.limit)
    finally:
        engine.dispose()
    print(f"{result.sent} notices sent, {result.failed} failed (kept for retry)", file=sys.stderr)
    return 0 if result.failed == 0 else 1


def register(sub: argparse._SubParsersAction) -> None:
    from api.auth.acting import add_argument

    cycle = sub.add_parser("cycle", help="monthly certification cycle").add_subparsers(
        dest="cycle_command", metavar="ACTION"
    )
    cycle.required = True
    p = cycle.add_parser("run", help="suspend the overdue, resume the late-certified, queue reminders")
    p.add_argument("--month", required=True, help="YYYY-MM")
    p.add_argument("--actor", default="system:cycle")
    p.add_argument("--show", type=int, default=50, help="list at most this many changes")
    add_argument(p)
    p.set_defaults(func=cmd_cycle_run)

    notify = sub.add_parser("notify", help="outbox of notices").add_subparsers(
        dest="notify_command", metavar="ACTION"
    )
    notify.required = True
    p = notify.add_parser("send", help="deliver queued notices")
    p.add_argument("--via", default="console", help="console | file:PATH")
    p.add_argument("--limit", type=int, default=1000)
    p.set_defaults(func=cmd_notify_send)
