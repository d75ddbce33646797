"""``lifecert staff create --username U --name N --role R [--region CODE]`` (password from
``LIFECERT_STAFF_PASSWORD`` or a prompt, never a command-line argument)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from shared.enums import StaffRole

PASSWORD_ENV = "LIFECERT_STAFF_PASSWORD"


def cmd_staff_create(args: argparse.Namespace) -> int:
    from api.auth import service
    from api.core.db import make_engine, make_sessionmaker, session_scope
    from api.core.errors import ApiError
    from api.core.settings import settings_for_command

    password = os.environ.get(PASSWORD_ENV)
    if not password:
        if not sys.stdin.isatty():
            print(f"error: set {PASSWORD_ENV} or run in a terminal to type the password", file=sys.stderr)
            return 2
        password = getpass.getpass("password: ")
        if password != getpass.getpass("again: "):
            print("error: the passwords differ", file=sys.stderr)
            return 2
    engine = make_engine(settings_for_command(args).database_url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            staff = service.create_staff(
                session,
                username=args.username,
                name=args.name,
                role=StaffRole(args.role),
                password=password,
                region_code=args.region,
                actor="system:cli",
            )
            print(f"created staff user {staff.username} (id {staff.id}, role {staff.role.value})")
    except ApiError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    staff = sub.add_parser("staff", help="staff accounts").add_subparsers(
        dest="staff_command", metavar="ACTION"
    )
    staff.required = True
    p = staff.add_parser("create", help=f"create a staff user (password from {PASSWORD_ENV} or a prompt)")
    p.add_argument("--username", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--role", required=True, choices=[r.value for r in StaffRole])
    p.add_argument(
        "--region",
        default=None,
        help="region code the staff member works in (they act on people in it and below it); "
        "omit for national scope (the whole country)",
    )
    p.add_argument("--database-url", default=None)
    p.set_defaults(func=cmd_staff_create)
