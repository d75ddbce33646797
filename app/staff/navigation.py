"""The staff app's entries: (route, label key, roles) — the home screen and the navigation row show the
entries the signed-in role may use, and a screen refuses a role not listed for it.

To add an entry, append a ``NavEntry`` here, add its screen to ``app/staff/screens/__init__.py`` and its
label (``label_key``) and one-line hint (``label_key + ".hint"``) to ``shared/i18n/console.py``. The roles
mirror what the API admits for the entry's endpoints (``api/auth/deps.py``); the API still decides.
"""

from __future__ import annotations

from dataclasses import dataclass

import flet as ft

from shared.enums import StaffRole

COORDINATOR, REVIEWER, ADMIN = StaffRole.COORDINATOR, StaffRole.REVIEWER, StaffRole.ADMIN
UNIT_ADMIN = StaffRole.UNIT_ADMIN


@dataclass(frozen=True)
class NavEntry:
    route: str
    label_key: str
    roles: frozenset[StaffRole]
    icon: ft.IconData = ft.Icons.CHEVRON_RIGHT

    @property
    def hint_key(self) -> str:
        return f"{self.label_key}.hint"

    @property
    def slug(self) -> str:
        """The route as an identifier part: ``/review`` → ``review``."""
        return self.route.strip("/").replace("/", "-")


ENTRIES: tuple[NavEntry, ...] = (
    NavEntry(
        "/worklist", "console.nav.worklist", frozenset({COORDINATOR, REVIEWER, ADMIN}), ft.Icons.HOME_WORK
    ),
    NavEntry("/review", "console.nav.review", frozenset({REVIEWER, ADMIN}), ft.Icons.FACT_CHECK),
    NavEntry("/changes", "console.nav.changes", frozenset({REVIEWER, ADMIN}), ft.Icons.EDIT_NOTE),
    NavEntry("/mismatches", "console.nav.mismatches", frozenset({REVIEWER, ADMIN}), ft.Icons.COMPARE_ARROWS),
    NavEntry(
        "/attestations", "console.nav.attestations", frozenset({COORDINATOR, ADMIN}), ft.Icons.DIVERSITY_3
    ),
    NavEntry("/signoffs", "console.nav.signoffs", frozenset({COORDINATOR, REVIEWER, ADMIN}), ft.Icons.DRAW),
    NavEntry(
        "/spotchecks", "console.nav.spotchecks", frozenset({COORDINATOR, REVIEWER, ADMIN}), ft.Icons.CHECKLIST
    ),
    NavEntry("/cases", "console.nav.cases", frozenset({COORDINATOR, REVIEWER, ADMIN}), ft.Icons.REPORT),
    NavEntry("/stats", "console.nav.stats", frozenset({COORDINATOR, REVIEWER, ADMIN}), ft.Icons.BAR_CHART),
    NavEntry(
        "/death-reports",
        "console.nav.deaths",
        frozenset({COORDINATOR, REVIEWER, ADMIN, UNIT_ADMIN}),
        ft.Icons.ASSIGNMENT_LATE,
    ),
    NavEntry("/cycle", "console.nav.cycle", frozenset({ADMIN}), ft.Icons.EVENT_REPEAT),
    NavEntry("/payroll", "console.nav.payroll", frozenset({ADMIN}), ft.Icons.ACCOUNT_BALANCE),
    NavEntry("/audit", "console.nav.audit", frozenset({REVIEWER, ADMIN}), ft.Icons.HISTORY),
    NavEntry("/recovery", "console.nav.recovery", frozenset({REVIEWER, ADMIN}), ft.Icons.PAYMENTS),
    NavEntry(
        "/receipts/scan",
        "console.nav.scan",
        frozenset({COORDINATOR, REVIEWER, ADMIN}),
        ft.Icons.QR_CODE_SCANNER,
    ),
)


def entries_for(role: StaffRole | None) -> list[NavEntry]:
    """The entries ``role`` may use, in menu order (none when nobody is signed in)."""
    return [entry for entry in ENTRIES if role in entry.roles]


def entry_of(route: str) -> NavEntry | None:
    """The entry ``route`` belongs to: the entry itself or a screen under it (``/worklist/person``)."""
    return next((e for e in ENTRIES if route == e.route or route.startswith(e.route + "/")), None)


def allowed(route: str, role: StaffRole | None) -> bool:
    """Whether ``role`` may open ``route`` (routes under no entry, e.g. /settings, are open to all)."""
    entry = entry_of(route)
    return entry is None or role in entry.roles


# Who acts on a home visit (schedules, checks the ID card, takes photos, records); reviewers may only read.
FIELD_ROLES = frozenset({COORDINATOR, ADMIN})


def acts_in_field(role: StaffRole | None) -> bool:
    return role in FIELD_ROLES
