"""GB 11643 ID numbers: check digit, parsing, errors a clerk can read, masking."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.idnumber import (
    IdNumberError,
    check_digit,
    is_valid_id_number,
    make_id_number,
    mask_id,
    mask_name,
    parse_id_number,
)

# The worked example printed in GB 11643-1999 itself.
STANDARD_EXAMPLE = "11010519491231002X"
TODAY = date(2026, 11, 22)

regions = st.text(alphabet="0123456789", min_size=6, max_size=6)
births = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
seqs = st.integers(min_value=0, max_value=999)


def test_check_digit_of_the_standard_example_is_x() -> None:
    assert check_digit(STANDARD_EXAMPLE[:17]) == "X"


@pytest.mark.parametrize(
    ("first17", "expected"),
    [
        ("44052418800101001", "4"),  # second example in GB 11643
        # hand-computed: Σ digit×weight = 7+9+0+5+0+4+2+9+54+0+0+27+0+35+8+8+6 = 174; 174 mod 11 = 9 → "3"
        ("11010119900307123", "3"),
        ("00000000000000000", "1"),  # sum 0 → "1"
        ("10000000000000000", "5"),  # sum 7 → "5"
        ("00000000000000001", "X"),  # sum 2 → "X"
    ],
)
def test_check_digit_known_values(first17: str, expected: str) -> None:
    assert check_digit(first17) == expected


def test_parse_the_standard_example() -> None:
    info = parse_id_number(STANDARD_EXAMPLE, today=TODAY)
    assert info.number == STANDARD_EXAMPLE
    assert info.birth_date == date(1949, 12, 31)
    assert info.sex == "female"  # 17th digit 2 is even
    assert info.region_code == "110105"
    assert info.age_on(date(2026, 12, 30)) == 76
    assert info.age_on(date(2026, 12, 31)) == 77


def test_parse_normalises_lower_case_x_full_width_and_spaces() -> None:
    assert parse_id_number(" 110105 19491231 002x ", today=TODAY).number == STANDARD_EXAMPLE
    full_width = "１１０１０５１９４９１２３１００２ｘ"
    assert parse_id_number(full_width, today=TODAY).number == STANDARD_EXAMPLE


def test_male_when_seventeenth_digit_is_odd() -> None:
    number = make_id_number("310101", date(1960, 5, 17), 17)
    assert parse_id_number(number, today=TODAY).sex == "male"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "format"),
        ("1101051949123100", "format"),  # 16 characters
        ("110105194912310021X", "format"),  # 19 characters
        ("11010519491231002Y", "format"),
        ("1101051949123100X2", "format"),  # X not at the end
        ("110105491231002", "format"),  # old 15-digit number
        ("110105194902300021", "birth_date"),  # 30 February
        ("110105194913010021", "birth_date"),  # month 13
        ("440524188001010014", "birth_date"),  # valid checksum, but born 1880
        ("110105194912310021", "check_digit"),
        ("110105194912310002", "check_digit"),  # two digits swapped … checks below
    ],
)
def test_rejections_name_the_problem(text: str, code: str) -> None:
    if code == "check_digit":
        assert check_digit(text[:17]) != text[17]
    with pytest.raises(IdNumberError) as err:
        parse_id_number(text, today=TODAY)
    assert err.value.code == code
    assert err.value.message and str(err.value) == err.value.message
    assert isinstance(err.value, ValueError)
    assert not is_valid_id_number(text, today=TODAY)


def test_future_birth_date_rejected() -> None:
    number = make_id_number("110105", date(2026, 11, 23), 1)
    assert parse_id_number(number, today=date(2026, 11, 23)).birth_date == date(2026, 11, 23)
    with pytest.raises(IdNumberError) as err:
        parse_id_number(number, today=TODAY)
    assert err.value.code == "birth_date"


@given(regions, births, seqs)
def test_make_then_parse_round_trips(region: str, birth: date, seq: int) -> None:
    number = make_id_number(region, birth, seq)
    info = parse_id_number(number, today=TODAY)
    assert (info.number, info.region_code, info.birth_date) == (number, region, birth)
    assert info.sex == ("male" if seq % 2 else "female")
    assert number[-1] == check_digit(number[:17])


@given(regions, births, seqs, st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9))
def test_any_single_digit_typo_is_caught(region: str, birth: date, seq: int, pos: int, delta: int) -> None:
    number = make_id_number(region, birth, seq)
    typo = number[:pos] + str((int(number[pos]) + delta) % 10) + number[pos + 1 :]
    assert not is_valid_id_number(typo, today=TODAY)


@given(regions, births, seqs, st.integers(min_value=0, max_value=15))
def test_adjacent_swap_is_caught(region: str, birth: date, seq: int, pos: int) -> None:
    number = make_id_number(region, birth, seq)
    if number[pos] == number[pos + 1]:
        return
    swapped = number[:pos] + number[pos + 1] + number[pos] + number[pos + 2 :]
    assert not is_valid_id_number(swapped, today=TODAY)


def test_make_id_number_refuses_bad_arguments() -> None:
    with pytest.raises(ValueError):
        make_id_number("11010", date(1950, 1, 1), 1)
    with pytest.raises(ValueError):
        make_id_number("110105", date(1950, 1, 1), 1000)


def test_mask_id_keeps_first_and_last_four() -> None:
    assert mask_id(STANDARD_EXAMPLE) == "1101**********002X"


@given(regions, births, seqs)
def test_mask_id_never_reveals_the_middle(region: str, birth: date, seq: int) -> None:
    number = make_id_number(region, birth, seq)
    masked = mask_id(number)
    assert len(masked) == 18
    assert masked[:4] == number[:4] and masked[-4:] == number[-4:]
    assert masked[4:14] == "*" * 10


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张*"),
        ("张三明", "张*明"),
        ("欧阳娜娜", "欧**娜"),
        ("王", "*"),
        ("阿依古丽·买买提", "阿***·**提"),
        (" 张 三 ", "张*"),
        ("John Smith", "J*** S****"),
        ("Jean-Luc Picard", "J***-L** P*****"),
        ("", ""),
    ],
)
def test_mask_name_examples(name: str, masked: str) -> None:
    assert mask_name(name) == masked


cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)


@given(st.text(alphabet=cjk, min_size=3, max_size=8))
def test_mask_name_never_reveals_the_middle_of_chinese_names(name: str) -> None:
    masked = mask_name(name)
    assert len(masked) == len(name)
    assert masked[0] == name[0] and masked[-1] == name[-1]
    assert set(masked[1:-1]) == {"*"}


@given(st.text(alphabet=cjk, min_size=2, max_size=2))
def test_two_character_names_show_only_the_surname(name: str) -> None:
    assert mask_name(name) == name[0] + "*"


@given(
    st.lists(
        st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=10),
        min_size=1,
        max_size=4,
    )
)
def test_mask_name_latin_shows_only_initials(words: list[str]) -> None:
    name = " ".join(words)
    masked = mask_name(name)
    assert masked == " ".join(w[0] + "*" * (len(w) - 1) for w in words)
