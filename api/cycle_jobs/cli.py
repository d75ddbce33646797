"""``lifecert cycle run --month YYYY-MM [--as-staff USERNAME]`` and ``lifecert notify send``. With
``--as-staff`` (an admin account) the run covers that account's region subtree only."""

from __future__ import annotations

import argparse
import sys

from api.notify.models import Channel


def cmd_cycle_run(args: argparse.Namespace) -> int:
    import api.models  # noqa: F401  (every model registered: foreign keys resolve)
    from api.auth import acting
    from api.core.db import make_engine, make_sessionmaker, session_scope
    from api.core.region_paths import RegionPaths
    from api.core.settings import settings_for_command
    from api.cycle_jobs.month_lock import RunInProgress
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
    except RunInProgress as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
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


def cmd_notify_deliver(args: argparse.Namespace) -> int:
    import api.models  # noqa: F401  (every model registered: foreign keys resolve)
    from api.core.db import make_engine, make_sessionmaker, session_scope
    from api.core.settings import settings_for_command
    from api.notify.channels import SmsGatewayNotifier, SmtpNotifier
    from api.notify.routed import deliver_routed

    settings = settings_for_command(args)
    cfg = settings.notify
    sms = (
        SmsGatewayNotifier(cfg.sms_url, cfg.sms_app_key or "", cfg.sms_secret or "") if cfg.sms_url else None
    )
    email = (
        SmtpNotifier(
            cfg.smtp_host,
            cfg.smtp_port,
            cfg.smtp_sender,
            username=cfg.smtp_username,
            password=cfg.smtp_password,
            starttls=cfg.smtp_starttls,
        )
        if cfg.smtp_host
        else None
    )
    engine = make_engine(settings.database_url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            report = deliver_routed(
                session,
                sms=sms,
                email=email,
                letters_dir=cfg.letters_dir or settings.data_dir / "letters",
                citizen_url=cfg.citizen_app_url,
                limit=args.limit,
                max_attempts=cfg.max_attempts,
            )
    finally:
        engine.dispose()
    sent = ", ".join(f"{n} by {channel}" for channel, n in report.sent.items())
    print(f"sent: {sent}; {report.failed} failed (kept for retry, see the delivery log)")
    if report.letters_file is not None:
        print(f"letters to print: {report.letters_file}")
    return 0 if report.failed == 0 else 1


def cmd_notify_opt_out(args: argparse.Namespace) -> int:
    import sqlalchemy as sa

    import api.models  # noqa: F401
    from api.beneficiaries.models import Beneficiary
    from api.core.db import make_engine, make_sessionmaker, session_scope
    from api.core.settings import settings_for_command
    from api.notify.channels import Channel
    from api.notify.routed import opt_out

    engine = make_engine(settings_for_command(args).database_url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            person_id = session.execute(
                sa.select(Beneficiary.id).where(Beneficiary.id_number == args.id_number)
            ).scalar()
            if person_id is None:
                print(f"error: nobody with ID number {args.id_number} on the roll", file=sys.stderr)
                return 2
            added = opt_out(session, person_id, Channel(args.channel))
    finally:
        engine.dispose()
    print("recorded" if added else "already recorded")
    return 0


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
    p = notify.add_parser(
        "deliver", help="deliver queued notices by SMS, e-mail or letter (LIFECERT_NOTIFY__* settings)"
    )
    p.add_argument("--limit", type=int, default=1000)
    p.set_defaults(func=cmd_notify_deliver)
    p = notify.add_parser("opt-out", help="a person no longer wants notices on one channel")
    p.add_argument("--id-number", required=True)
    # a letter is the channel of last resort: it cannot be opted out of
    p.add_argument("--channel", required=True, choices=[Channel.SMS.value, Channel.EMAIL.value])
    p.set_defaults(func=cmd_notify_opt_out)
