"""Emergency extensions in the policy file: parsing, who is spared in which month, mistakes named."""

from __future__ import annotations

from datetime import date

import pytest

from shared.emergency import Emergency, active_on, sparing
from shared.months import YearMonth
from shared.policy import PolicyError, parse_policy

EPIDEMIC = """
[[emergency]]
name = "2020 新冠肺炎疫情"
from = "2020-01"
until = "2020-06"
regions = ["42"]
extend_months = 3
"""


def test_an_emergency_period_is_read_from_the_policy_file() -> None:
    (e,) = parse_policy(EPIDEMIC).emergencies
    assert e == Emergency("2020 新冠肺炎疫情", YearMonth(2020, 1), YearMonth(2020, 6), ("42",), 3)
    assert e.last_spared_month == YearMonth(2020, 9) and e.flag == "emergency:2020 新冠肺炎疫情"
    assert parse_policy("").emergencies == ()


def test_who_is_spared_and_until_when() -> None:
    (e,) = parse_policy(EPIDEMIC).emergencies
    wuhan, beijing = ["42", "4201", "420102"], ["11", "1101", "110101"]
    # a window missed during the period: spared through the period and the 3 months after it
    assert sparing([e], YearMonth(2020, 3), YearMonth(2020, 3), wuhan) is e
    assert sparing([e], YearMonth(2020, 9), YearMonth(2020, 3), wuhan) is e
    assert sparing([e], YearMonth(2020, 10), YearMonth(2020, 3), wuhan) is None  # the extension is over
    # outside the regions, or overdue before the period began: the usual rule
    assert sparing([e], YearMonth(2020, 3), YearMonth(2020, 3), beijing) is None
    assert sparing([e], YearMonth(2020, 3), YearMonth(2019, 12), wuhan) is None
    assert active_on([e], date(2020, 6, 30), wuhan) is e and active_on([e], date(2020, 7, 1), wuhan) is None
    everywhere = Emergency("nationwide", YearMonth(2020, 2), YearMonth(2020, 2))
    assert everywhere.covers(beijing) and everywhere.covers([])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[emergency]]\nfrom = "2020-01"\nuntil = "2020-02"\n', "needs a name"),
        ('[[emergency]]\nname = "x"\nfrom = "2020-13"\nuntil = "2020-02"\n', "from must be a month"),
        ('[[emergency]]\nname = "x"\nfrom = "2020-01"\n', "until must be a month"),
        ('[[emergency]]\nname = "x"\nfrom = "2020-05"\nuntil = "2020-02"\n', "is before from"),
        ('[[emergency]]\nname = "x"\nfrom = "2020-01"\nuntil = "2020-02"\nextend_months = 99\n', "0 to 24"),
        (
            '[[emergency]]\nname = "x"\nfrom = "2020-01"\nuntil = "2020-02"\nregions = "42"\n',
            "list of region",
        ),
        ('[[emergency]]\nname = "x"\nfrom = "2020-01"\nuntil = "2020-02"\nmonths = 3\n', "unknown key"),
        ('[emergency]\nname = "x"\n', "[[emergency]] tables"),
    ],
)
def test_mistakes_name_the_emergency_and_the_key(text: str, message: str) -> None:
    with pytest.raises(PolicyError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_policy(text)
