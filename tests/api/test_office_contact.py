"""GET /api/v1/office: the number the citizens' "other ways" screen offers to call, from the policy file."""

from __future__ import annotations

import pytest

from shared.policy import DEFAULT_OFFICE_PHONE, PolicyError, parse_policy


def test_the_most_specific_region_wins_and_the_hotline_is_the_default(client) -> None:
    # api/policy.toml: [default] office_phone = "12333"; Dongcheng (110101) has its own office number.
    assert client.get("/api/v1/office", params={"region": "110101"}).json() == {
        "phone": "010-6512 3456",
        "region": "110101",
    }
    assert client.get("/api/v1/office", params={"region": "110101001001"}).json()["phone"] == "010-6512 3456"
    assert client.get("/api/v1/office", params={"region": "330106"}).json()["phone"] == "12333"
    assert client.get("/api/v1/office").json() == {"phone": "12333", "region": None}


@pytest.mark.parametrize("region", ["1", "11010", "abcdef", "1101011", "110101001001001"])
def test_a_code_that_is_not_a_region_code_is_refused(client, region: str) -> None:
    resp = client.get("/api/v1/office", params={"region": region})
    assert resp.status_code == 422 and isinstance(resp.json()["error"], str)


def test_policy_office_phone_rules() -> None:
    table = parse_policy(
        '[default]\noffice_phone = "010-1234 5678"\n'
        '[[rule]]\nregion = "33"\noffice_phone = "0571-8888 0000"\n'
    )
    assert table.office_phone_for(["33", "3301"]) == "0571-8888 0000"
    assert table.office_phone_for(["11"]) == "010-1234 5678"
    assert parse_policy("").office_phone == DEFAULT_OFFICE_PHONE
    region_and_benefit = '[[rule]]\nregion = "33"\nbenefit = "survivor"\noffice_phone = "12333"\n'
    for bad, says in [
        ('[default]\noffice_phone = "call us"\n', "office_phone must be a phone number"),
        ("[default]\noffice_phone = 12333\n", "office_phone must be a phone number"),
        ('[[rule]]\nbenefit = "survivor"\noffice_phone = "12333"\n', "with a region"),
        (region_and_benefit, "with a region"),
    ]:
        with pytest.raises(PolicyError, match=says):
            parse_policy(bad)
