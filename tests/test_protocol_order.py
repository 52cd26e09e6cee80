"""Protocol in the shipped data and every list of it: only signatories stand as parties, each
other organisation with what it did; people by rank; in Chinese the province before its city."""

from __future__ import annotations

import pytest

from components import initiatives, overview
from components.loader import load_dataset
from components.overview_text import agreement_card
from tests.conftest import SHIPPED_DATA

AGREEMENT = "oxford-hebei-mou-2018"
NOT_PARTIES = ("university-of-oxford", "baoding-government", "uestc")


@pytest.fixture(scope="module")
def shipped():
    return load_dataset(SHIPPED_DATA).dataset


def test_the_chinese_title_names_the_province_before_its_city(shipped):
    title = overview.agreement_title(overview.agreement_row(shipped, AGREEMENT), "zh")
    assert title.index("河北省") < title.index("廊坊市")


@pytest.mark.parametrize("language", ["en", "zh", "both"])
def test_only_signatories_stand_as_parties(shipped, language):
    """The card's sides hold the four signatories; the university, Baoding, UESTC and the GLFC
    programme are listed apart, each with what it did."""
    card = agreement_card(shipped, AGREEMENT, language)
    sides = "".join(names for _, names in card.sides)
    parties = shipped["parties"].set_index("party_id")
    for party_id in NOT_PARTIES:
        name = overview.localised(parties.loc[party_id], "name", language)[0]
        assert str(name.zh if language == "both" else name) not in sides
        assert str(name.zh if language == "both" else name) in card.others
    assert card.others_heading
    assert sides.count("- ") == 4


def test_people_are_listed_by_rank(shipped):
    """The Lord Mayor, the Vice Governor, the deputy mayors, then the councillors."""
    people = overview.people_for_agreement(shipped, AGREEMENT)
    assert list(people["person_id"])[:5] == [
        "colin-cook",
        "zhang-gujiang",
        "wang-kaijun",
        "zhang-zhikui",
        "ian-hudspeth",
    ]
    card = agreement_card(shipped, AGREEMENT, "en")
    assert "**Councillor Colin Cook**, Lord Mayor of Oxford." in card.people
    assert "(Councillor)" not in card.people and "(Oxford City Council)" not in card.people


def test_lists_of_places_and_parties_put_a_province_before_its_city(shipped):
    table = initiatives.initiative_table(shipped, "zh").set_index("initiative_id")
    assert table.at["enterprise-support", "places"] == "牛津市、牛津郡、河北省、廊坊市"
    found = initiatives.details(shipped, "enterprise-support", "zh")
    assert found.partners == "牛津市议会、牛津郡议会、河北省、廊坊市人民政府"
    sides = overview.signatories_by_side(shipped, AGREEMENT)
    assert list(sides["CN"]["party_id"]) == ["hebei-province", "langfang-government"]
