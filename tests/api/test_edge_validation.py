"""Input validation at the edge (issue 16, finding 7): NUL and other control characters in any text field,
path segment, query value or form field are a 422 with the detail code ``control_characters``; integers
beyond 64 bits in paths and queries and dates outside 1900-01-01 … 2200-12-31 are a 422 — never a 500 from
the database driver. Every case runs on SQLite and PostgreSQL (PostgreSQL cannot store a NUL byte)."""

from __future__ import annotations

import typing
from datetime import date

import pytest
from fastapi.params import Path as PathParam
from fastapi.routing import APIRoute

from shared.enums import StaffRole
from shared.wire import INT64_MAX, has_control_characters

NUL_STRINGS = ["ad\x00min", "name\x1b[31m", "x\x7f", "next\u0085line", "a\u009bb"]


def _control(resp) -> None:
    assert resp.status_code == 422, resp.text
    body = resp.json()
    assert body["error"] == "validation_error"
    assert any(d["code"] == "control_characters" for d in body["details"]), body


@pytest.mark.parametrize("bad", NUL_STRINGS)
def test_control_characters_refused_in_json_bodies(client, bad: str) -> None:
    _control(client.post("/api/v1/auth/staff/login", json={"username": bad, "password": "whatever"}))
    _control(
        client.post(
            "/api/v1/helpers",
            json={
                "id_number": "110101195003150011",
                "name": bad,
                "phone": "13800000000",
                "password": "pw123456",
            },
        )
    )


def test_control_characters_refused_in_a_review_note(client, make_staff) -> None:
    reviewer = make_staff(StaffRole.REVIEWER)
    resp = client.post(
        "/api/v1/review/items/abc/decision", json={"approve": False, "reason": "no\x00pe"}, headers=reviewer
    )
    _control(resp)


def test_tab_and_newline_stay_allowed() -> None:
    assert not has_control_characters("line one\nline two\r\n\tindented")


def test_control_characters_refused_in_path_and_query(client, make_staff) -> None:
    reviewer = make_staff(StaffRole.REVIEWER)
    _control(client.get("/api/v1/review/status/ab%00cd"))
    _control(client.get("/api/v1/review/items/x%1By", headers=reviewer))
    admin = make_staff(StaffRole.ADMIN)
    resp = client.get("/api/v1/backoffice/audit", params={"actor": "staff:\x00"}, headers=admin)
    _control(resp)
    assert resp.json()["details"][0]["field"] == "query.actor"


def test_control_characters_refused_in_form_fields(client, make_staff) -> None:
    coordinator = make_staff(StaffRole.COORDINATOR)
    resp = client.post(
        "/api/v1/onsite/references",
        data={
            "id_number": "1101\x0001",
            "name": "张三",
            "id_card_last4": "0011",
            "id_document_checked": "true",
        },
        files={"photo": ("a.jpg", b"\xff\xd8\xff", "image/jpeg")},
        headers=coordinator,
    )
    _control(resp)


@pytest.mark.parametrize("value", [str(2**63), str(2**64 + 5), "26141741918706999492608", "0", "-1"])
def test_integer_path_parameters_are_bounded(client, make_staff, value: str) -> None:
    admin = make_staff(StaffRole.ADMIN)
    resp = client.get(f"/api/v1/attestations/{value}", headers=admin)
    assert resp.status_code == 422, resp.text
    resp = client.post(f"/api/v1/backoffice/feed-mismatches/{value}/decision", json={}, headers=admin)
    assert resp.status_code == 422, resp.text


def test_the_largest_row_id_is_a_plain_404(client, make_staff) -> None:
    admin = make_staff(StaffRole.ADMIN)
    resp = client.get(f"/api/v1/attestations/{INT64_MAX}", headers=admin)
    assert resp.status_code == 404, resp.text


def test_huge_offsets_are_refused_or_answered(client, make_staff) -> None:
    reviewer = make_staff(StaffRole.REVIEWER)
    resp = client.get("/api/v1/review/items", params={"offset": str(2**64)}, headers=reviewer)
    assert resp.status_code == 422, resp.text
    resp = client.get("/api/v1/review/items", params={"offset": str(INT64_MAX)}, headers=reviewer)
    assert resp.status_code == 200, resp.text


@pytest.mark.parametrize("month", ["0000-01", "0001-01", "9999-12", "1899-12", "2201-01"])
def test_months_out_of_range_refused(client, make_staff, month: str) -> None:
    admin = make_staff(StaffRole.ADMIN)
    resp = client.post("/api/v1/backoffice/cycle/run", json={"month": month}, headers=admin)
    assert resp.status_code == 422, resp.text


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31", "2201-01-01"])
def test_dates_out_of_range_refused(client, make_staff, day: str) -> None:
    admin = make_staff(StaffRole.ADMIN)
    for path, params in [
        ("/api/v1/backoffice/stats", {"as_of": day}),
        ("/api/v1/backoffice/audit", {"date_from": day}),
        ("/api/v1/backoffice/audit", {"date_to": day}),
    ]:
        resp = client.get(path, params=params, headers=admin)
        assert resp.status_code == 422, (path, resp.text)
        codes = {d["code"] for d in resp.json()["details"]}
        assert "date_out_of_range" in codes, resp.text


def test_dates_in_range_accepted(client, make_staff) -> None:
    admin = make_staff(StaffRole.ADMIN)
    resp = client.get(
        "/api/v1/backoffice/audit", params={"date_from": "1900-01-01", "date_to": "2200-12-31"}, headers=admin
    )
    assert resp.status_code == 200, resp.text


def _params(route: APIRoute):
    stack = [route.dependant]
    while stack:
        dep = stack.pop()
        yield from dep.path_params
        yield from dep.query_params
        stack.extend(dep.dependencies)


def _bounds(field) -> tuple[object, object]:
    lo = hi = None
    for meta in field.field_info.metadata:
        lo = getattr(meta, "ge", None) if getattr(meta, "ge", None) is not None else lo
        hi = getattr(meta, "le", None) if getattr(meta, "le", None) is not None else hi
    return lo, hi


def test_every_integer_and_date_parameter_is_bounded(client) -> None:
    """A new route with an unbounded ``int`` or plain ``date`` path/query parameter fails here (use
    ``api.core.edge.RowId`` / ``Offset`` / ``QueryDate``, or give ``ge``/``le``)."""
    unbounded = []
    for route in client.app.routes:
        if not isinstance(route, APIRoute):
            continue
        for field in _params(route):
            annotation = field.field_info.annotation
            args = typing.get_args(annotation) or (annotation,)
            if int in args and bool not in args:
                lo, hi = _bounds(field)
                if lo is None or hi is None or hi > INT64_MAX:
                    unbounded.append(f"{route.path} {field.name}")
            if date in args:
                checked = any(getattr(m, "func", None) is not None for m in field.field_info.metadata)
                if not checked:
                    unbounded.append(f"{route.path} {field.name} (date)")
            if isinstance(field.field_info, PathParam) and field.name.endswith("_id") and int in args:
                assert _bounds(field)[0] == 1, route.path
    assert not unbounded, unbounded
