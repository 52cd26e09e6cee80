"""The Map page's builder: places, counts, links, framing, layers and tooltips, from the data."""

from __future__ import annotations

import json
import math

import pandas as pd
import pydeck as pdk
import pytest

from components import geo, map_decks, map_model
from components.contract import load_contract
from components.i18n import CATALOGUE_LANGUAGES, catalogue
from components.loader import load_dataset
from components.overview import for_agreement
from components.status_palette import initiative_style
from tests.conftest import SHIPPED_DATA, DataDir
from tests.language_checks import problems

AGREEMENT = "oxford-hebei-mou-2018"


def model_of(path, agreement=AGREEMENT, **kwargs) -> map_model.MapModel:
    result = load_dataset(path)
    assert result.ok, result.problems
    return map_model.build_model(result.dataset, agreement, **kwargs)


def deck_json(deck) -> dict:
    return json.loads(deck.to_json())


def layer(deck, layer_id: str) -> dict:
    return next(x for x in deck_json(deck)["layers"] if x["id"] == layer_id)


@pytest.fixture(scope="module")
def shipped() -> map_model.MapModel:
    return model_of(SHIPPED_DATA)


def test_links_join_counterparts_with_shared_initiative_counts(shipped):
    """Oxford–Langfang and Oxfordshire–Hebei, each with its shared initiatives; nothing links
    Oxford to Chengdu, which the source never names as a place of the work."""
    found = {
        (row.source_id, row.target_id): (row.count, set(row.initiative_ids))
        for row in shipped.links.itertuples()
    }
    assert found == {
        ("oxford", "langfang"): (1, {"enterprise-support"}),
        ("oxfordshire", "hebei"): (2, {"enterprise-support", "smart-cities-knowledge-sharing"}),
    }


def test_link_layer_draws_one_arc_per_pair_with_width_by_count(shipped):
    """Each arc runs between its two places' coordinates and is wider for more initiatives."""
    arcs = {
        (a["source_id"], a["target_id"]): a
        for a in layer(map_decks.link_deck(shipped), "links")["data"]
    }
    places = shipped.places.set_index("place_id")
    oxford_langfang = arcs[("oxford", "langfang")]
    assert oxford_langfang["source"] == [places.at["oxford", "lon"], places.at["oxford", "lat"]]
    assert oxford_langfang["target"] == [places.at["langfang", "lon"], places.at["langfang", "lat"]]
    widths = {pair: arc["width"] for pair, arc in arcs.items()}
    assert widths[("oxfordshire", "hebei")] > widths[("oxford", "langfang")]


def test_arcs_widen_with_shared_initiatives_but_stay_thin_at_scale():
    widths = [map_decks.arc_width(count) for count in (1, 2, 3, 10, 50)]
    assert widths == sorted(set(widths))
    assert widths[0] >= 5 and widths[-1] <= 25


def test_an_initiative_without_places_counts_at_its_parties_places(data_dir: DataDir):
    """An initiative that lists no place counts at the places of the organisations it lists."""
    line = data_dir.line_of("initiatives", "initiative_id", "joint-working-group")
    data_dir.set_cell(
        "initiatives", line, "partner_party_ids", "oxford-city-council;langfang-government"
    )
    model = model_of(data_dir.path)
    rows = model.involvements[model.involvements["initiative_id"] == "joint-working-group"]
    assert set(rows["place_id"]) == {"oxford", "langfang"}
    assert set(rows["via"]) == {map_model.THROUGH_PARTIES}


def test_an_initiative_with_neither_places_nor_organisations_is_on_no_place(shipped):
    """The joint working group's members are not recorded, so the map counts it nowhere."""
    assert "joint-working-group" not in set(shipped.involvements["initiative_id"])


def test_marker_size_and_colour_come_from_the_initiatives_there(data_dir: DataDir):
    """A place's radius grows with its count; its colour is its initiatives' main status."""
    line = data_dir.line_of("initiatives", "initiative_id", "enterprise-support")
    data_dir.set_cell("initiatives", line, "status", "active")
    data_dir.append(
        "initiatives",
        {
            "initiative_id": "langfang-fair",
            "agreement_id": AGREEMENT,
            "title_en": "Trade fair",
            "place_ids": "langfang",
            "status": "active",
            "status_as_of": "2019-01-01",
            "source_id": "press-release-2018-07-20",
        },
    )
    model = model_of(data_dir.path)
    places = model.places.set_index("place_id")
    # Langfang: enterprise support and the fair (both active); Oxford: the student project too.
    assert places.at["langfang", "count"] == 2
    assert places.at["langfang", "main_status"] == "active"
    assert places.at["oxford", "count"] == 2
    assert places.at["oxford", "main_status"] == "planned"  # a tie goes to the contract's order
    assert places.at["baoding", "count"] == 0

    markers = {row["place_id"]: row for row in layer(map_decks.link_deck(model), "places")["data"]}
    assert markers["langfang"]["radius"] == map_model.marker_radius(2)
    assert (
        markers["baoding"]["radius"] == map_model.marker_radius(0) < markers["langfang"]["radius"]
    )
    assert markers["langfang"]["fill_color"][:3] == list(initiative_style("active").rgb)
    assert markers["baoding"]["fill_color"][:3] == map_decks.NO_INITIATIVE_FILL


def test_marker_radius_grows_with_count():
    assert (
        map_model.marker_radius(0)
        < map_model.marker_radius(1)
        < map_model.marker_radius(2)
        < map_model.marker_radius(9)
    )


def test_main_status_ties_go_to_the_contract_order():
    """Most common status wins; a tie goes to the status listed first in the contract."""
    assert map_model.main_status(["active", "completed", "completed"]) == "completed"
    assert map_model.main_status(["completed", "planned"]) == "planned"
    assert map_model.main_status([]) == ""


def test_filtered_initiatives_change_the_counts_not_the_places(data_dir: DataDir):
    """Only the initiatives passed in are counted; every place of the agreement stays drawn."""
    dataset = load_dataset(data_dir.path).dataset
    initiatives = for_agreement(dataset, "initiatives", AGREEMENT)
    only_student = initiatives[initiatives["initiative_id"] == "student-project-2018"]
    model = map_model.build_model(dataset, AGREEMENT, only_student)
    counts = dict(zip(model.places["place_id"], model.places["count"], strict=True))
    assert counts == {
        "oxford": 1,
        "oxford-town-hall": 0,
        "oxfordshire": 0,
        "hebei": 0,
        "langfang": 0,
        "baoding": 0,
        "chengdu": 0,
    }
    # Its only place is Oxford, so it links nothing.
    assert model.links.empty


def test_both_ends_frame_each_side_on_its_places_and_outlines(shipped):
    """Two panels, GB then CN; each shows its signatories' places and whole outlines, zoomed in."""
    assert [end.country for end in shipped.ends] == ["GB", "CN"]
    assert set(shipped.ends[0].place_ids) == {"oxford", "oxfordshire"}
    assert set(shipped.ends[1].place_ids) == {"langfang", "hebei"}
    for end, region in zip(shipped.ends, ("oxfordshire", "hebei"), strict=True):
        visible = end.view.visible_bounds(map_model.PANEL_WIDTH, map_model.PANEL_HEIGHT)
        outline = geo.feature_bounds(shipped.outlines[region])
        assert visible.contains(outline.west, outline.south)
        assert visible.contains(outline.east, outline.north)
        # The region fills the panel: it spans at least 60% of its width or height.
        share_w = (outline.east - outline.west) / (visible.east - visible.west)
        share_h = (outline.north - outline.south) / (visible.north - visible.south)
        assert max(share_w, share_h) > 0.6
    assert shipped.outside_ends() == ["chengdu"]


def test_views_are_framed_from_the_data_for_any_agreement(data_dir: DataDir):
    """A second agreement with other places gets panels centred on its own places."""
    data_dir.append(
        "agreements",
        {
            "agreement_id": "bonn-ningbo",
            "title_en": "Bonn and Ningbo",
            "title_basis": "descriptive",
            "kind": "other",
            "source_id": "press-release-2018-07-20",
        },
    )
    for place_id, name, country, lat, lon in (
        ("bonn", "Bonn", "DE", "50.7374", "7.0982"),
        ("ningbo", "Ningbo", "CN", "29.8683", "121.5440"),
    ):
        data_dir.append(
            "places",
            {
                "place_id": place_id,
                "name_en": name,
                "kind": "city",
                "country": country,
                "lat": lat,
                "lon": lon,
                "source_id": "press-release-2018-07-20",
            },
        )
        data_dir.append(
            "parties",
            {
                "party_id": f"{place_id}-city",
                "agreement_id": "bonn-ningbo",
                "name_en": f"City of {name}",
                "kind": "city-council",
                "country": country,
                "place_id": place_id,
                "role": "signatory",
                "source_id": "press-release-2018-07-20",
            },
        )
    model = model_of(data_dir.path, "bonn-ningbo")
    assert set(model.places["place_id"]) == {"bonn", "ningbo"}
    assert [end.country for end in model.ends] == ["DE", "CN"]
    bonn, ningbo = (end.view for end in model.ends)
    assert (bonn.latitude, bonn.longitude) == pytest.approx((50.7374, 7.0982), abs=1e-3)
    assert (ningbo.latitude, ningbo.longitude) == pytest.approx((29.8683, 121.5440), abs=1e-3)
    # No outlines of these places are shipped: the decks draw them as points only.
    assert model.outlines == {}
    assert layer(map_decks.ends_decks(model)[0], "regions")["data"]["features"] == []


def test_end_decks_hold_the_layers_and_offline_style(shipped):
    """Land, outlines, markers and one labels layer on top, with no base map at all."""
    decks = map_decks.ends_decks(shipped)
    assert len(decks) == 2
    for deck in decks:
        spec = deck_json(deck)
        assert [x["id"] for x in spec["layers"]] == ["land", "regions", "places", "labels"]
        assert spec["mapStyle"] == map_decks.NO_BASEMAP_STYLE
        assert "mapProvider" not in spec or spec["mapProvider"] is None
    gb, cn = decks
    assert {f["properties"]["place_id"] for f in layer(gb, "regions")["data"]["features"]} == {
        "oxfordshire"
    }
    assert {f["properties"]["place_id"] for f in layer(cn, "regions")["data"]["features"]} == {
        "hebei"
    }
    # The province is drawn as its outline, tinted by its initiatives' status, not as a dot.
    assert {row["place_id"] for row in layer(cn, "places")["data"]} == {"langfang", "baoding"}
    (hebei,) = layer(cn, "regions")["data"]["features"]
    assert hebei["properties"]["fill_color"][:3] == list(initiative_style("planned").rgb)
    # The zoomed panels ship only the land around them, not the whole world.
    assert len(layer(gb, "land")["data"]["features"]) < len(shipped.land.features) / 4


def test_labels_carry_chinese_glyphs_and_do_not_overprint(shipped):
    """Text layers ask for every glyph they use; a venue inside its city is not labelled twice."""
    gb = map_decks.ends_decks(shipped)[0]
    labels = layer(gb, "labels")
    assert labels["characterSet"] == "auto"
    assert [row["label"] for row in labels["data"]] == ["Oxfordshire\n牛津郡", "Oxford\n牛津市"]


def test_selected_place_gets_a_ring_and_a_thicker_outline(shipped):
    decks = map_decks.ends_decks(shipped, selected="langfang")
    ring = layer(decks[1], "selection")["data"]
    assert [(row["place_id"], row["lon"], row["lat"]) for row in ring] == [
        ("langfang", 116.7036, 39.5234)
    ]
    assert "selection" not in [x["id"] for x in deck_json(decks[0])["layers"]]
    selected_region = map_decks.ends_decks(shipped, selected="hebei")[1]
    widths = [
        f["properties"]["line_width"] for f in layer(selected_region, "regions")["data"]["features"]
    ]
    assert widths == [3]


def test_link_deck_frames_every_linked_place(shipped):
    deck = map_decks.link_deck(shipped)
    spec = deck_json(deck)
    assert [x["id"] for x in spec["layers"]] == ["land", "regions", "links", "places", "labels"]
    view = geo.View(
        spec["initialViewState"]["latitude"],
        spec["initialViewState"]["longitude"],
        spec["initialViewState"]["zoom"],
    )
    visible = view.visible_bounds(map_model.LINK_WIDTH, map_model.LINK_HEIGHT)
    for place in shipped.places.itertuples():
        assert visible.contains(place.lon, place.lat), place.place_id


HOSTILE = '<img src="http://evil.example/x.png" onerror="alert(1)"> & {tooltip}'


def test_tooltips_are_plain_text_with_data_kept_literal(data_dir: DataDir):
    """Names and titles reach the tooltip character for character, in a text (not HTML) tooltip."""
    data_dir.set_cell(
        "places", data_dir.line_of("places", "place_id", "langfang"), "name_en", HOSTILE
    )
    line = data_dir.line_of("initiatives", "initiative_id", "enterprise-support")
    data_dir.set_cell("initiatives", line, "title_en", HOSTILE)
    model = model_of(data_dir.path)
    deck = map_decks.ends_decks(model)[1]
    assert deck._tooltip == map_decks.TOOLTIP
    assert set(deck._tooltip) == {"text", "style"}
    langfang = next(r for r in layer(deck, "places")["data"] if r["place_id"] == "langfang")
    lines = langfang["tooltip"].split("\n")
    assert lines[0] == f"{HOSTILE} · 廊坊市"
    assert lines[1] == "City"
    assert f"• {HOSTILE} (planned)" in lines
    arcs = layer(map_decks.link_deck(model), "links")["data"]
    arc = next(a for a in arcs if a["target_id"] == "langfang")
    assert arc["tooltip"].startswith(f"Oxford · 牛津市 ↔ {HOSTILE} · 廊坊市\nShared initiatives: 1")


def test_every_marker_and_outline_has_a_tooltip_in_both_names(shipped):
    """Tooltips name the place in English and Chinese, its kind, and its initiatives' statuses."""
    cn = map_decks.ends_decks(shipped)[1]
    hebei = layer(cn, "regions")["data"]["features"][0]["properties"]["tooltip"].split("\n")
    assert hebei[:3] == ["Hebei · 河北省", "Province", "Initiatives here: 2"]
    assert len([line for line in hebei if line.startswith("•")]) == 2
    assert "• Information and support for enterprises (planned)" in hebei
    baoding = next(r for r in layer(cn, "places")["data"] if r["place_id"] == "baoding")
    assert baoding["tooltip"] == "Baoding · 保定市\nCity\nNo initiative recorded here"
    chinese = model_of(SHIPPED_DATA, language="zh")
    chengdu = next(
        r
        for r in layer(map_decks.link_deck(chinese), "places")["data"]
        if r["place_id"] == "chengdu"
    )
    # In Chinese the Chinese name comes first.
    assert chengdu["tooltip"].split("\n")[:2] == ["成都市 · Chengdu", "城市"]


@pytest.mark.parametrize(("language", "more"), [("en", "… and 1 more"), ("zh", "……另有 1 项")])
def test_tooltips_list_a_few_initiatives_and_count_the_rest(monkeypatch, language, more):
    """A place with many initiatives lists the first few and says how many more there are."""
    monkeypatch.setattr(map_decks, "TOOLTIP_INITIATIVES", 1)
    model = model_of(SHIPPED_DATA, language=language)
    lines = map_decks.place_tooltip(model, "hebei").split("\n")
    assert len([line for line in lines if line.startswith("•")]) == 1
    assert lines[-1] == more
    arc = next(a for a in layer(map_decks.link_deck(model), "links")["data"] if a["count"] == 2)
    assert arc["tooltip"].split("\n")[-1] == more


def test_place_and_initiatives_at_agree_with_the_frames(shipped):
    """The look-ups by id (frames for the page, plain records for tooltips) give the same rows as
    filtering the frames, in the data's order."""
    for row in shipped.places.itertuples():
        assert shipped.place(row.place_id)["name_en"] == row.name_en
        expected = shipped.involvements[shipped.involvements["place_id"] == row.place_id]
        pd.testing.assert_frame_equal(shipped.initiatives_at(row.place_id), expected)
        assert shipped.count_at(row.place_id) == len(expected)
        assert shipped.records_at(row.place_id, 2) == expected.head(2).to_dict("records")
    first = shipped.involvements.drop_duplicates("initiative_id").set_index(
        "initiative_id", drop=False
    )
    for link in shipped.links.itertuples():
        shared = first.loc[list(link.initiative_ids)].reset_index(drop=True)
        assert shared["initiative_id"].tolist() == list(link.initiative_ids)
        assert shipped.shared_records(link.initiative_ids, 2) == shared.head(2).to_dict("records")


def test_records_are_the_rows_as_pandas_gives_them(shipped):
    for frame in (shipped.places, shipped.involvements, shipped.links):
        assert map_model.records(frame) == frame.to_dict("records")


def test_a_deck_is_written_once_with_the_same_content_as_pydeck(shipped):
    """Once written, the JSON is kept with the deck for the next rerun, and it is pydeck's own
    content, compactly written."""
    deck = map_decks.link_deck(shipped)
    pydecks_own = json.loads(pdk.Deck.to_json(deck))
    first = deck.written().to_json()
    assert deck.to_json() is first
    assert json.loads(first) == pydecks_own
    assert "_written" not in first


@pytest.mark.parametrize(
    ("setting", "tiles", "style", "unknown"),
    [
        ("", False, map_decks.NO_BASEMAP_STYLE, ""),
        ("off", False, map_decks.NO_BASEMAP_STYLE, ""),
        ("Carto", True, "light", ""),
        ("google", False, map_decks.NO_BASEMAP_STYLE, "google"),
    ],
)
def test_tiles_are_off_unless_configured(setting, tiles, style, unknown):
    basemap = map_decks.basemap(setting)
    assert (basemap.tiles, basemap.style, basemap.unknown) == (tiles, style, unknown)


def test_tiles_setting_comes_from_the_environment(monkeypatch, shipped):
    monkeypatch.setenv(map_decks.TILES_VARIABLE, "carto")
    spec = deck_json(map_decks.link_deck(shipped))
    assert spec["mapProvider"] == "carto"
    assert spec["mapStyle"] != map_decks.NO_BASEMAP_STYLE
    # With tiles the land comes from them: the land layer draws its coastline only.
    land = layer(map_decks.link_deck(shipped), "land")
    assert land["filled"] is False and land["stroked"] is True


def test_shipped_outlines_are_small_and_tied_to_places():
    """data/geo stays well under 1 MB; each outline names a place and records its source."""
    size = sum(path.stat().st_size for path in geo.GEO_DIR.iterdir())
    assert size < 400_000
    regions = geo.regions()
    places = load_dataset(SHIPPED_DATA).dataset["places"].set_index("place_id")
    assert set(regions.by_place()) == {"oxfordshire", "hebei"}
    assert "public domain" in regions.source["licence"]
    assert "public domain" in geo.land().source["licence"]
    for place_id, feature in regions.by_place().items():
        box = geo.feature_bounds(feature)
        assert box.contains(places.at[place_id, "lon"], places.at[place_id, "lat"])


def test_fit_centres_and_zooms_to_a_box():
    box = geo.Bounds(-2.0, 51.0, 0.0, 52.0)
    view = geo.fit(box, 500, 400, padding=0.1)
    visible = view.visible_bounds(500, 400)
    assert visible.contains(-2.0, 51.0) and visible.contains(0.0, 52.0)
    assert view.longitude == pytest.approx(-1.0)
    # A single point gets the maximum zoom instead of dividing by zero.
    assert geo.fit(geo.Bounds(1.0, 2.0, 1.0, 2.0), 500, 400, max_zoom=9).zoom == 9


def test_every_place_kind_has_a_label_in_both_catalogues():
    """Tooltips name the kind of place: each kind in the contract is translated."""
    kinds = load_contract().table("places").column("kind").enum
    missing = [
        (language, kind)
        for language in CATALOGUE_LANGUAGES
        for kind in kinds
        if f"place_kind.{kind}" not in catalogue(language)
    ]
    assert missing == []


def test_deck_json_stays_small_for_every_rerun(shipped):
    """The decks are re-sent on each rerun: compact JSON, zoomed panels without far land."""
    sizes = [
        len(deck.to_json())
        for deck in [*map_decks.ends_decks(shipped), map_decks.link_deck(shipped)]
    ]
    assert max(sizes) < 100_000
    assert "\n" not in map_decks.link_deck(shipped).to_json()


@pytest.mark.parametrize("language", ["zh", "both"])
def test_tooltips_read_as_chinese_in_chinese_and_in_both(language):
    """A tooltip in English + 中文 gives all its English lines, then all its Chinese ones; in
    either layout the Chinese passes a bilingual reader's checks."""
    model = model_of(SHIPPED_DATA, language=language)
    tooltips = [map_decks.place_tooltip(model, p) for p in model.places["place_id"]]
    tooltips += [layer(map_decks.link_deck(model), "links")["data"][0]["tooltip"]]
    assert [problem for text in tooltips for problem in problems(text, language)] == []
    if language == "both":
        # Each language whole: the English lines name the place in English, the Chinese in Chinese.
        english, chinese = map_decks.place_tooltip(model, "hebei").split("\n\n")
        assert english.startswith("Hebei\nProvince")
        assert chinese.startswith("河北省\n省")


# --- Protocol: land and coastline only, labels that fit, places explained -----------------------


def test_the_shipped_land_file_has_no_country_in_it():
    """data/geo holds land and coastline only: no feature carries a name or a code, so no
    national border can be drawn from it; the country file is gone."""
    text = (geo.GEO_DIR / geo.LAND_FILE).read_text(encoding="utf-8")
    collection = json.loads(text)
    assert collection["features"]
    assert all(feature["properties"] == {} for feature in collection["features"])
    assert not (geo.GEO_DIR / "countries.geojson").exists()
    for word in ("Taiwan", "China", "India", "United Kingdom", "iso_", "adm0", "admin-0"):
        assert word not in text
    assert "land" in collection["x-source"]["title"]
    assert collection["x-source"]["credit"] == "Natural Earth"


def country_features(spec: dict) -> list[dict]:
    """Features of a deck that could draw a country: any with a country's name or code."""
    found = []
    for deck_layer in spec["layers"]:
        data = deck_layer.get("data")
        features = data.get("features", []) if isinstance(data, dict) else []
        for feature in features:
            keys = set(feature.get("properties", {}))
            if keys & {"name", "iso_numeric", "iso_a2", "iso_a3", "adm0_a3", "sovereignt"}:
                found.append(feature)
    return found


@pytest.mark.parametrize("tiles", ["off", "carto"])
def test_no_deck_draws_a_country(shipped, tiles):
    """Both ends and The link draw land (no country polygons), and the only outlines with a
    place are the agreement's county and province; with tiles, the land is coastline only."""
    basemap = map_decks.basemap(tiles)
    decks = [
        *map_decks.ends_decks(shipped, basemap_=basemap),
        map_decks.link_deck(shipped, None, basemap),
    ]
    for deck in decks:
        spec = deck_json(deck)
        assert country_features(spec) == []
        assert "countries" not in [x["id"] for x in spec["layers"]]
        assert layer(deck, "land")["filled"] is (tiles == "off")
        regions = {f["properties"]["place_id"] for f in layer(deck, "regions")["data"]["features"]}
        assert regions <= {"oxfordshire", "hebei"}


def placed_boxes(deck) -> tuple[list, list, geo.View]:
    spec = deck_json(deck)
    state = spec["initialViewState"]
    view = geo.View(state["latitude"], state["longitude"], state["zoom"])
    labels = layer(deck, "labels")["data"]
    markers = layer(deck, "places")["data"]
    return labels, markers, view


@pytest.mark.parametrize("language", ["en", "zh", "both"])
def test_no_marker_or_label_covers_a_label(language):
    """In every language and view: the labels layer is drawn last (above arcs, markers and
    outlines); each label's box (estimated from its text) stays inside the map, clear of every
    marker (its own included) and of every other label."""
    model = model_of(SHIPPED_DATA, language=language)
    decks = [
        (deck, (map_model.PANEL_WIDTH, map_model.PANEL_HEIGHT))
        for deck in map_decks.ends_decks(model)
    ] + [(map_decks.link_deck(model), (map_model.LINK_WIDTH, map_model.LINK_HEIGHT))]
    for deck, size in decks:
        assert [x["id"] for x in deck_json(deck)["layers"]][-1] == "labels"
        labels, markers, view = placed_boxes(deck)
        assert labels
        assert (
            "pitch" not in deck_json(deck)["initialViewState"]
            or not deck_json(deck)["initialViewState"]["pitch"]
        )
        frame = map_decks._frame(view, *size)
        boxes = [map_decks.label_box(row, view) for row in labels]
        for row, box in zip(labels, boxes, strict=True):
            assert box.within(frame), row["label"]
            for marker in markers:
                x, y = view.pixels(marker["lon"], marker["lat"])
                assert not box.meets_circle(x, y, marker["radius"] + 1.5), (row, marker)
            # A marker's own label starts beyond its radius.
            own = next((m for m in markers if m["place_id"] == row["place_id"]), None)
            if own is not None:
                assert math.hypot(*row["pixel_offset"]) > own["radius"]
        for i, box in enumerate(boxes):
            for other in boxes[i + 1 :]:
                assert not box.meets(other)


def test_labels_write_each_language_whole():
    """English: English then Chinese on two lines; 中文: the Chinese name alone; both: English
    line, then Chinese line; never "A · 中 · 中 · A"."""
    lines = {
        language: [
            row["label"]
            for row in layer(
                map_decks.ends_decks(model_of(SHIPPED_DATA, language=language))[1], "labels"
            )["data"]
        ]
        for language in ("en", "zh", "both")
    }
    assert lines["en"][0] == "Hebei\n河北省"
    assert lines["zh"] == ["河北省", "廊坊市", "保定市"]
    assert lines["both"][0] == "Hebei\n河北省"
    both = model_of(SHIPPED_DATA, language="both")
    names = map_model.place_names(both.place("langfang"), "both")
    assert (names.en, names.zh) == ("Langfang", "廊坊市")
    assert str(names) == "Langfang · 廊坊市"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Chengdu (seat of the University of Electronic Science and Technology of China)"),
        ("zh", "成都市（电子科技大学所在地）"),
    ],
)
def test_chengdu_says_on_the_map_why_it_is_there(language, expected):
    """The release names no work in Chengdu: its label and tooltip say it is UESTC's seat.
    Baoding, whose government bears its name, needs no such note."""
    model = model_of(SHIPPED_DATA, language=language)
    labels = {
        row["place_id"]: row["label"] for row in layer(map_decks.link_deck(model), "labels")["data"]
    }
    assert " ".join(labels["chengdu"].split("\n")).startswith(expected)
    assert map_model.seat_note(model.place("baoding"), language) == ""
    tooltip = map_decks.place_tooltip(model, "chengdu")
    assert map_model.seat_note(model.place("chengdu"), language) in tooltip


def test_static_map_has_no_border_and_names_regions_at_their_outline(shipped):
    """The PDF's map draws land (no country's outline) and names each region above its outline,
    not beside a city's marker."""
    from components.static_charts import map_figure, region_label_point

    figure = map_figure(shipped, ["United Kingdom", "China"], {})
    texts = [trace for trace in figure.data if trace.mode == "text"]
    hebei = geo.feature_bounds(shipped.outlines["hebei"])
    points = {
        text: (x, y)
        for trace in texts
        for text, x, y in zip(trace.text, trace.x, trace.y, strict=True)
    }
    assert points["Hebei"] == region_label_point(shipped, "hebei")
    assert points["Hebei"][1] == hebei.north
    land_points = sum(
        len(ring) for f in shipped.land.features for ring in f["geometry"]["coordinates"][0:1]
    )
    assert land_points > 0


def test_every_place_stands_on_the_shipped_land():
    """Each place lies inside a landmass as the map draws it (a ring unwrapped across the
    antimeridian once put Eurasia and Africa one world to the west, off the map)."""

    def inside(lon: float, lat: float, feature: dict) -> bool:
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        crossings = 0
        for polygon in polygons:
            for ring in polygon:
                for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
                    if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
                        crossings += 1
        return crossings % 2 == 1

    land = geo.land()
    places = load_dataset(SHIPPED_DATA).dataset["places"]
    for place in places.itertuples():
        assert any(inside(place.lon, place.lat, f) for f in land.features), place.place_id
    for feature in land.features:
        box = geo.feature_bounds(feature)
        assert -180 <= (box.west + box.east) / 2 <= 180
