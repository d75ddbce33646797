"""Row validation details that need no database: the fast ID path agrees with shared.idnumber."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from api.roster.rows import _fast_id, parse_amount_cents, validate_row
from shared.idnumber import IdNumberError, make_id_number, parse_id_number

TODAY = date(2026, 11, 22)


@settings(max_examples=500, deadline=None)
@given(
    region=st.from_regex(r"[0-9]{6}", fullmatch=True),
    birth=st.dates(min_value=date(1890, 1, 1), max_value=date(2030, 12, 31)),
    seq=st.integers(0, 999),
    corrupt=st.one_of(st.none(), st.tuples(st.integers(0, 17), st.sampled_from("0123456789X"))),
)
def test_fast_id_path_agrees_with_parse_id_number(region, birth, seq, corrupt) -> None:
    number = make_id_number(region, birth, seq)
    if corrupt is not None:
        i, ch = corrupt
        number = number[:i] + ch + number[i + 1 :]
    try:
        info = parse_id_number(number, today=TODAY)
        expected = (info.number, info.birth_date, info.sex)
    except IdNumberError:
        expected = None
    fast = _fast_id(number, TODAY)
    # The fast path may decline (None) only when parse_id_number refuses too.
    assert fast == expected


def test_amounts() -> None:
    assert parse_amount_cents("3,125.5") == 312550
    assert parse_amount_cents("¥ 80") == 8000
    for bad in ("", "abc", "NaN", "-5", "0.001", "1e9", "Infinity"):
        try:
            parse_amount_cents(bad)
        except ValueError as exc:
            assert str(exc)
        else:
            raise AssertionError(bad)


def test_full_width_and_lower_case_id_are_accepted() -> None:
    number = make_id_number("110101", date(1950, 1, 1), 1)
    number = number[:-1] + "X" if number.endswith("X") else number
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number)
    row = validate_row(
        2,
        {
            "id_number": wide,
            "name": " 张 三 ",
            "region_code": "110101",
            "benefit_type": "Survivor",
            "monthly_amount": "100",
        },
        regions={"110101"},
        today=TODAY,
    )
    assert not isinstance(row, list), row
    assert row.id_number == number and row.name == "张 三" and row.monthly_cents == 10000
