"""The agency's policy file: resolution order, the shipped api/policy.toml, and errors a clerk can fix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shared.enums import BenefitType
from shared.policy import (
    ANNUAL_BIRTHDAY,
    DEFAULT_SIGNOFFS,
    CyclePolicy,
    PolicyError,
    PolicyTable,
    parse_policy,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
XIHU = ["33", "3301", "330106", "330106001", "330106001001"]
ELSEWHERE = ["11", "1101", "110105"]

LAYERED = """
[default]
cycle = "annual_birthday"
remind_days_before = 25

[[rule]]
benefit = "survivor"
cycle = "fixed_months"
months = 12

[[rule]]
region = "33"
cycle = "fixed_months"
months = 6

[[rule]]
region = "33"
benefit = "work_injury"
cycle = "fixed_months"
months = 3
remind_days_before = 10

[[rule]]
region = "330106001"
cycle = "annual_birthday"
attestation_signoffs = ["village"]

[[rule]]
region = "3301"
attestation_signoffs = ["village", "township"]

[[rule]]
region = "3301"
benefit = "work_injury"
attestation_signoffs = ["township", "county", "city"]

[[rule]]
benefit = "survivor"
attestation_signoffs = ["village", "county"]
"""


def test_builtin_default_is_annual_birthday() -> None:
    table = PolicyTable()
    assert table.policy_for(XIHU, BenefitType.ENTERPRISE_PENSION) == CyclePolicy("annual_birthday", 12, 30)
    assert table.signoffs_for(XIHU) == ("village", "township", "county")


def test_empty_file_is_the_builtin_default() -> None:
    assert parse_policy("") == PolicyTable()


def test_most_specific_region_wins_then_benefit_type() -> None:
    table = parse_policy(LAYERED)
    # No region rule on the path: benefit rule without region, else [default] (with its remind days).
    assert table.policy_for(ELSEWHERE, BenefitType.SURVIVOR) == CyclePolicy("fixed_months", 12, 25)
    assert table.policy_for(ELSEWHERE, BenefitType.RESIDENT_PENSION) == CyclePolicy("annual_birthday", 12, 25)
    # Province 33: generic 6 months; work injury 3 months (benefit-specific beats generic, same region).
    assert table.policy_for(["33", "3302"], BenefitType.RESIDENT_PENSION) == CyclePolicy(
        "fixed_months", 6, 25
    )
    assert table.policy_for(["33", "3302"], BenefitType.WORK_INJURY) == CyclePolicy("fixed_months", 3, 10)
    # Region 33's generic rule is more specific than the region-less survivor rule.
    assert table.policy_for(["33"], BenefitType.SURVIVOR) == CyclePolicy("fixed_months", 6, 25)
    # The township rule (deeper on the path) beats the province rules, even the benefit-specific one.
    assert table.policy_for(XIHU, BenefitType.WORK_INJURY) == CyclePolicy("annual_birthday", 12, 25)
    # A rule for a region below the person's region does not apply to them.
    assert table.policy_for(XIHU[:3], BenefitType.RESIDENT_PENSION) == CyclePolicy("fixed_months", 6, 25)


def test_signoffs_most_specific_region_wins() -> None:
    table = parse_policy(LAYERED)
    assert table.signoffs_for(XIHU) == ("village",)
    assert table.signoffs_for(XIHU[:3]) == ("village", "township")
    assert table.signoffs_for(["33"]) == DEFAULT_SIGNOFFS
    assert table.signoffs_for([]) == DEFAULT_SIGNOFFS


def test_signoffs_per_benefit_type_join_lowest_level_first() -> None:
    table = parse_policy(LAYERED)
    pension, injury, survivor = BenefitType.ENTERPRISE_PENSION, BenefitType.WORK_INJURY, BenefitType.SURVIVOR
    # City 3301: the work-injury rule beats the generic one for that benefit only.
    assert table.signoffs_for(XIHU[:3], [injury]) == ("township", "county", "city")
    assert table.signoffs_for(XIHU[:3], [pension]) == ("village", "township")
    # Two benefits: every level either chain names, signed from the village up.
    assert table.signoffs_for(XIHU[:3], [pension, injury]) == ("village", "township", "county", "city")
    # The township rule (deeper) beats the city's benefit rule; the region-less survivor rule applies
    # only where no region on the path sets a chain.
    assert table.signoffs_for(XIHU, [injury]) == ("village",)
    assert table.signoffs_for(ELSEWHERE, [survivor]) == ("village", "county")
    assert table.signoffs_for(ELSEWHERE, [pension, survivor]) == ("village", "township", "county")


def test_shipped_policy_file() -> None:
    table = parse_policy((REPO_ROOT / "api" / "policy.toml").read_text(encoding="utf-8"))
    assert table.policy_for(ELSEWHERE, BenefitType.ENTERPRISE_PENSION).kind == "annual_birthday"
    assert table.policy_for(ELSEWHERE, BenefitType.WORK_INJURY) == CyclePolicy("fixed_months", 3, 20)
    xihu = table.policy_for(XIHU, BenefitType.RESIDENT_PENSION)
    assert (xihu.kind, xihu.months) == ("fixed_months", 6)
    assert table.policy_for(XIHU, BenefitType.WORK_INJURY).months == 3
    # Unemployment benefit: no monthly sign-in (004_435b6c8e4ae08301.txt), at most one check a calendar year.
    assert table.policy_for(ELSEWHERE, BenefitType.UNEMPLOYMENT) == CyclePolicy("fixed_months", 12, 30)
    assert table.policy_for(XIHU, BenefitType.UNEMPLOYMENT) == CyclePolicy("fixed_months", 12, 30)
    assert table.signoffs_for(ELSEWHERE) == DEFAULT_SIGNOFFS
    assert table.signoffs_for(XIHU) == ("village", "township")


def test_default_cycle_can_be_fixed() -> None:
    table = parse_policy('[default]\ncycle = "fixed_months"\nmonths = 6\n')
    assert table.default == CyclePolicy("fixed_months", 6, 30)
    assert table.policy_for([], BenefitType.SURVIVOR) == table.default


def test_cycle_policy_refuses_inconsistent_values() -> None:
    assert ANNUAL_BIRTHDAY.months == 12
    with pytest.raises(ValueError):
        CyclePolicy("annual_birthday", 6)
    with pytest.raises(ValueError):
        CyclePolicy("fixed_months", 4)
    with pytest.raises(ValueError):
        CyclePolicy("weekly", 12)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        CyclePolicy(remind_days_before=-1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[default\n", "not valid TOML"),
        ("[defaults]\n", "unknown section(s) defaults"),
        ('[default]\ncycle = "weekly"\n', 'cycle must be "annual_birthday" or "fixed_months"'),
        ('[default]\ncycle = "fixed_months"\n', "needs months = 3, 6 or 12"),
        ('[default]\ncycle = "fixed_months"\nmonths = 4\n', "months must be 3, 6 or 12"),
        ('[default]\ncycle = "fixed_months"\nmonths = "6"\n', "months must be a whole number"),
        ('[default]\ncycle = "annual_birthday"\nmonths = 6\n', "annual_birthday cycle is 12 months"),
        ("[default]\nremind_days_before = 400\n", "remind_days_before must be a whole number from 0 to 180"),
        ("[default]\nremind_days_before = true\n", "remind_days_before must be a whole number"),
        ('[default]\ncycel = "annual_birthday"\n', "[default]: unknown key(s) cycel"),
        ("[default]\nattestation_signoffs = []\n", "attestation_signoffs must be a non-empty list"),
        (
            '[default]\nattestation_signoffs = ["village_director"]\n',
            '\'village_director\' is not a region level; use "village", "township"',
        ),
        ('[default]\nattestation_signoffs = ["village", "village"]\n', "lists a level twice"),
        (
            '[default]\nattestation_signoffs = ["county", "village"]\n',
            "signed from the lowest level up; write them in the order village, county",
        ),
        (
            '[[rule]]\nregion = "33"\nbenefit = "pension"\ncycle = "annual_birthday"\n',
            "rule 1 (region 33): unknown benefit 'pension'; use one of \"enterprise_pension\"",
        ),
        (
            '[[rule]]\nregion = 33\ncycle = "annual_birthday"\n',
            "rule 1: region must be a region code in quotes",
        ),
        ('[[rule]]\nregion = "33"\nmonths = 6\n', "rule 1 (region 33): says months but not which cycle"),
        ('[[rule]]\nregion = "33"\nname = "Zhejiang"\n', "sets neither a cycle nor attestation_signoffs"),
        ('[[rule]]\ncycle = "annual_birthday"\n', "names neither a region nor a benefit"),
        ('[[rule]]\nregion = "33"\ncycle = "fixed_months"\nmonths = 3\nmonht = 1\n', "unknown key(s) monht"),
        (
            (
                '[[rule]]\nregion = "33"\ncycle = "annual_birthday"\n'
                '[[rule]]\nregion = "33"\ncycle = "fixed_months"\nmonths = 6\n'
            ),
            "rule 2 (region 33): the same region and benefit already have a cycle in rule 1",
        ),
        (
            (
                '[[rule]]\nregion = "33"\nattestation_signoffs = ["village"]\n'
                '[[rule]]\nregion = "33"\nattestation_signoffs = ["county"]\n'
            ),
            "attestation_signoffs for the same region and benefit are already set in rule 1",
        ),
        ("default = 3\n", "'default' must be a table"),
        ("rule = 3\n", "rules must be written as [[rule]] tables"),
    ],
)
def test_policy_errors_say_where_and_why(text: str, expected: str) -> None:
    with pytest.raises(PolicyError) as err:
        parse_policy(text)
    assert expected in str(err.value)


def test_home_visit_age_defaults_to_80_and_is_read_from_default() -> None:
    assert PolicyTable().home_visit_age == 80
    assert parse_policy("").home_visit_age == 80
    assert parse_policy("[default]\nhome_visit_age = 75\n").home_visit_age == 75
    shipped = parse_policy((REPO_ROOT / "api" / "policy.toml").read_text(encoding="utf-8"))
    assert shipped.home_visit_age == 80


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[default]\nhome_visit_age = 59\n", "home_visit_age must be a whole number of years from 60 to 120"),
        ('[default]\nhome_visit_age = "80"\n', "home_visit_age must be a whole number"),
        ("[default]\nhome_visit_age = 80.5\n", "home_visit_age must be a whole number"),
        ('[[rule]]\nregion = "33"\nhome_visit_age = 70\n', "unknown key(s) home_visit_age"),
    ],
)
def test_home_visit_age_mistakes_are_named(text: str, expected: str) -> None:
    with pytest.raises(PolicyError, match=re.escape(expected)):
        parse_policy(text)


def test_death_report_days_default_to_3_4_5_and_are_read_from_default() -> None:
    assert PolicyTable().death_report_days == (3, 4, 5)
    assert parse_policy("").death_report_days == (3, 4, 5)
    text = (
        "[default]\ndeath_report_village_day = 2\ndeath_report_unit_day = 6\ndeath_report_county_day = 10\n"
    )
    assert parse_policy(text).death_report_days == (2, 6, 10)
    assert parse_policy("[default]\ndeath_report_county_day = 7\n").death_report_days == (3, 4, 7)
    shipped = parse_policy((REPO_ROOT / "api" / "policy.toml").read_text(encoding="utf-8"))
    assert shipped.death_report_days == (3, 4, 5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[default]\ndeath_report_village_day = 0\n", "death_report_village_day must be a day of the month"),
        ("[default]\ndeath_report_unit_day = 29\n", "death_report_unit_day must be a day of the month"),
        ('[default]\ndeath_report_county_day = "5"\n', "death_report_county_day must be a day of the month"),
        ("[default]\ndeath_report_unit_day = 4.5\n", "death_report_unit_day must be a day of the month"),
        (
            "[default]\ndeath_report_village_day = 6\n",
            "death_report_unit_day (4) must not be before death_report_village_day (6)",
        ),
        ('[[rule]]\nregion = "33"\ndeath_report_village_day = 2\n', "unknown key(s) death_report_village"),
    ],
)
def test_death_report_day_mistakes_are_named(text: str, expected: str) -> None:
    with pytest.raises(PolicyError, match=re.escape(expected)):
        parse_policy(text)
