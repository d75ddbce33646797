"""``--as-staff USERNAME`` for the CLI commands that act on people (``disclosure``, ``spotcheck draw``,
``cycle run``): the command runs with that staff account's region scope and role check, exactly as the
same action in the API, and the audit trail names the account. Without it a command is a system job with
national scope (the operator of the server runs it)."""

from __future__ import annotations

import argparse
from collections.abc import Collection
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from api.auth.models import StaffUser
from api.regions.scope import NATIONAL, RegionScope
from shared.enums import StaffRole


class ActingStaffError(Exception):
    """The --as-staff account cannot run this command (unknown, inactive, or the wrong role)."""


@dataclass(frozen=True, slots=True)
class Acting:
    scope: RegionScope
    actor: str


def add_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as-staff",
        metavar="USERNAME",
        help="run as this staff account: only people in its region (and below) are touched, and the audit "
        "trail names it",
    )


def resolve(
    session: Session, username: str | None, *, roles: Collection[StaffRole], system_actor: str
) -> Acting:
    """The scope and audit actor of a command: national and ``system_actor`` without ``username``."""
    if username is None:
        return Acting(NATIONAL, system_actor)
    staff = session.execute(sa.select(StaffUser).where(StaffUser.username == username)).scalar_one_or_none()
    if staff is None or not staff.active:
        raise ActingStaffError(f"no active staff account {username!r}")
    if staff.role not in roles:
        needed = ", ".join(sorted(r.value for r in roles))
        raise ActingStaffError(
            f"staff account {username!r} has role {staff.role.value}; this needs: {needed}"
        )
    return Acting(RegionScope.of(staff), f"staff:{staff.id}")
