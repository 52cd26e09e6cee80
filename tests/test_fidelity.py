"""The shipped rows claim only what their source says: every place, member and role a row names
is backed by the source's own words, or marked on the row itself as not coming from the source.

CLAIMS below is the table of what each row may name. A new row, or a new place, party or role on
an existing row, fails here until someone has checked it against the source and added it.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO, SHIPPED_DATA, DataDir

# Where the team keeps the documents the data cites (sources.csv names the file in `reference`).
SOURCES_DIR = Path(os.environ.get("PARTNERSHIP_SOURCES_DIR", REPO.parent / "shared" / "sources"))


@dataclass(frozen=True)
class Says:
    """The source names this, in these words (checked against the source's text)."""

    words: str


@dataclass(frozen=True)
class NotInSource:
    """The source does not say this, and the data says so: `column` of the row (or of the
    `where` row, as (table, id)) contains `mark`."""

    column: str
    mark: str
    where: tuple[str, str] | None = None


# (table, id) -> {column: {value: evidence}}. Only the columns that name places, members and
# roles are checked; a column missing here must be empty on that row.
CLAIMS: dict[tuple[str, str], dict[str, dict[str, Says | NotInSource]]] = {
    ("agreements", "oxford-hebei-mou-2018"): {
        "place_id": {"oxford-town-hall": Says("at Oxford Town Hall on 4 July 2018")},
    },
    ("parties", "oxford-city-council"): {
        "role": {"signatory": Says("Oxford City and Oxfordshire County Council have signed")},
        "place_id": {"oxford": Says("on behalf of the City of Oxford")},
    },
    ("parties", "oxfordshire-county-council"): {
        "role": {"signatory": Says("Oxfordshire County Council have signed")},
        "place_id": {"oxfordshire": Says("on behalf of the City of Oxford and Oxfordshire")},
    },
    ("parties", "langfang-government"): {
        "role": {"signatory": Says("with Langfang City People's Government and Hebei Province")},
        "place_id": {"langfang": Says("Langfang City People's Government")},
    },
    ("parties", "hebei-province"): {
        "role": {"signatory": Says("with Langfang City People's Government and Hebei Province")},
        "place_id": {"hebei": Says("Hebei Province")},
    },
    ("parties", "baoding-government"): {
        "role": {"delegation": Says("the Deputy Mayor of Boding Municipal Government")},
        "place_id": {"baoding": Says("Boding Municipal Government")},
    },
    ("parties", "university-of-oxford"): {
        "role": {"partner": Says("in partnership with Oxford University and Oxford City")},
        "place_id": {"oxford": Says("Oxford University")},
    },
    ("parties", "uestc"): {
        "role": {
            "students-supported": Says(
                "supporting a number of students from the University of Electronic Science "
                "and Technology of China"
            )
        },
        "place_id": {
            "chengdu": NotInSource(
                "coordinates_note", "The source does not name Chengdu", ("places", "chengdu")
            )
        },
    },
    ("parties", "global-leadership-future-cities"): {
        "role": {"students-supported": Says("and Global Leadership and Future Cities programme")},
    },
    ("people", "colin-cook"): {"party_id": {"oxford-city-council": Says("Lord Mayor of Oxford")}},
    ("people", "ian-hudspeth"): {
        "party_id": {
            "oxfordshire-county-council": Says("Leader of Oxfordshire County Council, said")
        }
    },
    ("people", "gill-sanders"): {
        "party_id": {"oxfordshire-county-council": Says("present representing the County council")}
    },
    ("people", "zhang-gujiang"): {
        "party_id": {"hebei-province": Says("the Vice Governor of Hebei, Mr Zhang Gujiang")}
    },
    ("people", "wang-kaijun"): {
        "party_id": {
            "langfang-government": Says(
                "the Deputy Mayor of Langfang Municipal Government, Mr Wang Kaijun"
            )
        }
    },
    ("people", "zhang-zhikui"): {
        "party_id": {
            "baoding-government": Says(
                "the Deputy Mayor of Boding Municipal Government, Mr Zhang Zhikui"
            )
        }
    },
    ("people", "hebei-senior-officials"): {
        "party_id": {"hebei-province": Says("a number of senior provincial government officials")}
    },
    ("initiatives", "joint-working-group"): {},
    ("initiatives", "student-project-2018"): {
        "lead_party_id": {
            "oxfordshire-county-council": Says("Leader of Oxfordshire County Council, said")
        },
        "partner_party_ids": {
            "university-of-oxford": Says("in partnership with Oxford University"),
            "oxford-city-council": Says("in partnership with Oxford University and Oxford City"),
        },
        # Where the students worked is not stated; the row says it is shown at its partners' city.
        "place_ids": {"oxford": NotInSource("summary_en", "The source does not say where")},
    },
    ("initiatives", "smart-cities-knowledge-sharing"): {
        "partner_party_ids": {
            "oxfordshire-county-council": Says("Oxfordshire and Hebei have agreed to share"),
            "hebei-province": Says("Oxfordshire and Hebei have agreed to share"),
        },
        "place_ids": {
            "oxfordshire": Says("Oxfordshire and Hebei have agreed"),
            "hebei": Says("Oxfordshire and Hebei have agreed"),
        },
    },
    ("initiatives", "enterprise-support"): {
        "partner_party_ids": {
            party: Says("to enterprises wanting to set up and operate in each other")
            for party in (
                "oxford-city-council",
                "oxfordshire-county-council",
                "langfang-government",
                "hebei-province",
            )
        },
        "place_ids": {
            place: Says("in each other’s administrative boundaries and areas of jurisdiction")
            for place in ("oxford", "oxfordshire", "langfang", "hebei")
        },
    },
    ("milestones", "hebei-delegation-visit"): {
        "place_id": {"oxford": Says("during a visit to Oxford by a delegation from Hebei")}
    },
    ("milestones", "mou-signed"): {"place_id": {"oxford-town-hall": Says("at Oxford Town Hall")}},
    ("milestones", "mou-announced"): {},
    ("milestones", "joint-working-group-set-up"): {},
    ("milestones", "student-project-begins"): {
        "place_id": {"oxford": NotInSource("note_en", "no later source confirms")}
    },
    ("places", "oxford"): {"place_id": {"oxford": Says("Oxford Town Hall")}},
    ("places", "oxford-town-hall"): {"place_id": {"oxford-town-hall": Says("Oxford Town Hall")}},
    ("places", "oxfordshire"): {"place_id": {"oxfordshire": Says("Oxfordshire")}},
    ("places", "hebei"): {"place_id": {"hebei": Says("Hebei Province")}},
    ("places", "langfang"): {"place_id": {"langfang": Says("Langfang City")}},
    ("places", "baoding"): {"place_id": {"baoding": Says("Boding Municipal Government")}},
    ("places", "chengdu"): {
        "place_id": {"chengdu": NotInSource("coordinates_note", "The source does not name Chengdu")}
    },
}

# The columns of each table that name a place, a member or a role, and the table's id column.
CLAIM_COLUMNS = {
    "agreements": ("agreement_id", ("place_id",)),
    "parties": ("party_id", ("role", "place_id")),
    "people": ("person_id", ("party_id",)),
    "initiatives": ("initiative_id", ("lead_party_id", "partner_party_ids", "place_ids")),
    "milestones": ("milestone_id", ("place_id",)),
    # A place row claims that the source names the place at all.
    "places": ("place_id", ("place_id",)),
}
LIST_COLUMNS = {"partner_party_ids", "place_ids"}


def _rows(folder: Path, table: str) -> list[dict[str, str]]:
    with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _claimed(row: dict[str, str], column: str) -> list[str]:
    cell = row[column]
    return [v for v in cell.split(";") if v] if column in LIST_COLUMNS else [cell] if cell else []


def unsupported_claims(folder: Path) -> list[str]:
    """Every place, member or role in `folder` that CLAIMS does not allow for its row."""
    rows = {
        (table, row[id_column]): row
        for table, (id_column, _) in CLAIM_COLUMNS.items()
        for row in _rows(folder, table)
    }
    found = []
    for (table, row_id), row in rows.items():
        allowed = CLAIMS.get((table, row_id))
        if allowed is None:
            found.append(f"{table} {row_id}: not in the table of checked claims")
            continue
        for column in CLAIM_COLUMNS[table][1]:
            for value in _claimed(row, column):
                evidence = allowed.get(column, {}).get(value)
                if evidence is None:
                    found.append(f"{table} {row_id}: {column} {value!r} is not in the source")
                elif isinstance(evidence, NotInSource):
                    marked = rows.get(evidence.where or (table, row_id), {})
                    if evidence.mark not in marked.get(evidence.column, ""):
                        found.append(
                            f"{table} {row_id}: {column} {value!r} is not in the source "
                            f"and {evidence.column} does not say so"
                        )
    return found


def _normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'")).strip().lower()


def test_shipped_rows_name_only_what_their_source_supports():
    """Every place, member and role in the shipped data is in the table of checked claims."""
    assert unsupported_claims(SHIPPED_DATA) == []


def test_every_quoted_claim_is_in_the_source_text():
    """Each claim the table says the source makes is in the source's own words."""
    (source,) = _rows(SHIPPED_DATA, "sources")
    name = source["reference"].split()[0]
    path = SOURCES_DIR / name
    if not path.exists():
        pytest.skip(f"the source text {name} is not in {SOURCES_DIR} (PARTNERSHIP_SOURCES_DIR)")
    text = _normalised(path.read_text(encoding="utf-8"))
    missing = [
        f"{table} {row_id} {column} {value}: {evidence.words!r}"
        for (table, row_id), columns in CLAIMS.items()
        for column, values in columns.items()
        for value, evidence in values.items()
        if isinstance(evidence, Says) and _normalised(evidence.words) not in text
    ]
    assert missing == []


# What the rows said before they were checked against the source (2026-11 audit).
OLD_ROWS = [
    ("initiatives", "student-project-2018", "place_ids", "oxford;chengdu", "'chengdu'"),
    ("parties", "uestc", "role", "partner", "role 'partner'"),
    ("parties", "global-leadership-future-cities", "role", "partner", "role 'partner'"),
    (
        "initiatives",
        "joint-working-group",
        "partner_party_ids",
        "oxford-city-council;oxfordshire-county-council;langfang-government;hebei-province",
        "partner_party_ids 'oxford-city-council'",
    ),
    (
        "initiatives",
        "student-project-2018",
        "partner_party_ids",
        "university-of-oxford;oxford-city-council;uestc;global-leadership-future-cities",
        "partner_party_ids 'uestc'",
    ),
]


@pytest.mark.parametrize(("table", "row_id", "column", "old", "expected"), OLD_ROWS)
def test_old_rows_are_caught(data_dir: DataDir, table, row_id, column, old, expected):
    """Each claim the audit found beyond the source fails the check when put back."""
    id_column = CLAIM_COLUMNS[table][0]
    data_dir.set_cell(table, data_dir.line_of(table, id_column, row_id), column, old)
    found = unsupported_claims(data_dir.path)
    assert any(row_id in line and expected in line for line in found), found


def test_a_mark_removed_from_the_row_is_caught(data_dir: DataDir):
    """A place the source does not name needs the row's own note saying so."""
    line = data_dir.line_of("places", "place_id", "chengdu")
    data_dir.set_cell("places", line, "coordinates_note", "City centre.")
    unmarked = "place_id 'chengdu' is not in the source and coordinates_note does not say so"
    assert unsupported_claims(data_dir.path) == [
        f"parties uestc: {unmarked}",
        f"places chengdu: {unmarked}",
    ]


# --- As the release says it: precision, plans, focus areas, tagging -----------------------------

# The focus areas the release lists, in its words and order ("The focus will be in the areas of…").
RELEASE_FOCUS_AREAS = [
    "Higher education",
    "Internships and apprenticeships",
    "Strategic planning and place making",
    "Trade and investment promotion",
    "Specific joint projects",
]


def _by_id(table: str, id_column: str) -> dict[str, dict[str, str]]:
    return {row[id_column]: row for row in _rows(SHIPPED_DATA, table)}


def test_this_august_is_a_month_not_a_day():
    """'This August' (2018) is known to the month: the student project and its milestone carry
    month precision, so no page, table or pack prints a day for it."""
    project = _by_id("initiatives", "initiative_id")["student-project-2018"]
    assert (project["start_date"], project["start_date_precision"]) == ("2018-08-01", "month")
    milestone = _by_id("milestones", "milestone_id")["student-project-begins"]
    assert (milestone["date"], milestone["date_precision"]) == ("2018-08-01", "month")


def test_the_student_project_is_told_as_a_plan():
    """The release (July 2018) says what the county is doing this August: a plan, not a record
    that it happened; no later source says it took place."""
    project = _by_id("initiatives", "initiative_id")["student-project-2018"]
    assert project["status"] == "planned"
    assert project["summary_en"].startswith("Planned for August 2018")
    assert "is to support" in project["summary_en"] and " supports " not in project["summary_en"]
    assert project["summary_zh"].find("计划于2018年8月") >= 0 and "拟支持" in project["summary_zh"]
    assert _by_id("milestones", "milestone_id")["student-project-begins"]["status"] == "planned"


def test_the_release_s_five_focus_areas_are_the_focus_areas():
    """Smart cities is not a sixth focus area: the release lists five."""
    areas = sorted(_rows(SHIPPED_DATA, "focus_areas"), key=lambda row: int(row["sort_order"]))
    assert [row["name_en"] for row in areas] == RELEASE_FOCUS_AREAS


def test_smart_cities_is_the_separate_undertaking_of_oxfordshire_and_hebei():
    """'Oxfordshire and Hebei have agreed to share and develop knowledge…': its own two parties,
    named as theirs in its title, and said to be separate."""
    sharing = _by_id("initiatives", "initiative_id")["smart-cities-knowledge-sharing"]
    assert sharing["partner_party_ids"] == "oxfordshire-county-council;hebei-province"
    assert "Oxfordshire–Hebei" in sharing["title_en"] and "牛津郡与河北省" in sharing["title_zh"]
    assert sharing["summary_en"].startswith("A separate undertaking of Oxfordshire and Hebei")


def test_a_focus_area_tagging_the_source_does_not_make_is_marked_editorial():
    """Only the smart-cities sharing is tied to a focus area by the source ('underpinned by
    strategic planning and place making principles'); every other tagging is our reading."""
    for row in _rows(SHIPPED_DATA, "initiatives"):
        if not row["focus_area_ids"]:
            assert row["focus_area_basis"] == "", row["initiative_id"]
        elif row["initiative_id"] == "smart-cities-knowledge-sharing":
            assert (row["focus_area_ids"], row["focus_area_basis"]) == (
                "strategic-planning-place-making",
                "source",
            )
        else:
            assert row["focus_area_basis"] == "editorial", row["initiative_id"]
