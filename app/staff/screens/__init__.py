"""The staff app's screens; each exposes ``build(ui) -> ft.View``. ``ROUTES`` maps paths to them.

``/`` is the sign-in screen, or the role-aware home once signed in; the other routes are the entries of
``app.staff.navigation.ENTRIES`` and the screens under them (``/worklist/person``, the home-visit steps
``/worklist/visit/<step>``; each screen checks sign-in and role itself) and the settings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.common.screens import settings
from app.staff.screens import (
    attestations,
    audit,
    cases,
    cycle,
    death_reports,
    home,
    mismatches,
    payroll,
    person,
    receipt_scan,
    record_change,
    record_changes,
    recovery,
    recovery_case,
    review,
    signin,
    signoffs,
    spotchecks,
    stats,
    visit_contact,
    visit_done,
    visit_face,
    visit_id,
    visit_record,
    visit_reference,
    worklist,
)
from app.staff.visit_state import VisitStep

if TYPE_CHECKING:
    import flet as ft

    from app.common.ui import ScreenBuilder, Ui


def start(ui: Ui) -> ft.View:
    """``/``: the home screen when signed in, else the sign-in screen."""
    return home.build(ui) if ui.state.console.signed_in else signin.build(ui)


ROUTES: dict[str, ScreenBuilder] = {
    "/": start,
    "/settings": settings.build,
    "/worklist": worklist.build,
    "/worklist/person": person.build,
    record_change.ROUTE: record_change.build,
    VisitStep.ID_CARD.route: visit_id.build,
    VisitStep.REFERENCE.route: visit_reference.build,
    VisitStep.FACE.route: visit_face.build,
    VisitStep.CONTACT.route: visit_contact.build,
    VisitStep.DONE.route: visit_done.build,
    VisitStep.RECORD.route: visit_record.build,
    "/review": review.build,
    receipt_scan.ROUTE: receipt_scan.build,
    "/cycle": cycle.build,
    "/stats": stats.build,
    "/mismatches": mismatches.build,
    "/attestations": attestations.build,
    "/signoffs": signoffs.build,
    "/spotchecks": spotchecks.build,
    cases.ROUTE: cases.build,
    "/audit": audit.build,
    recovery.ROUTE: recovery.build,
    recovery_case.ROUTE: recovery_case.build,
    payroll.ROUTE: payroll.build,
    record_changes.ROUTE: record_changes.build,
    death_reports.ROUTE: death_reports.build,
}
