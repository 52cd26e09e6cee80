"""The one cache layer (components/ui/cached.py): every view keyed on the dataset's version and
exactly its own inputs, rebuilt after a publish, and held within its byte budget."""

from __future__ import annotations

import ast
import inspect
from datetime import date

import pytest

from components.app_pages import APP_PAGES
from components.filters import Filters
from components.loader import load_dataset
from components.memo import Memo
from components.ui import cached
from tests.conftest import REPO, DataDir, open_app
from tests.rich_data import AGREEMENT, load_rich, rich_copy

TODAY = date(2026, 6, 1)
COMPONENTS = REPO / "components"


@pytest.fixture(scope="module")
def rich(tmp_path_factory):
    return load_rich(tmp_path_factory)


def _views() -> dict[str, object]:
    """Every view of the cache module, by name (each is `cached.view` over a builder)."""
    return {name: value for name, value in vars(cached).items() if getattr(value, "is_view", False)}


def test_every_view_reads_each_input_it_is_keyed_on():
    """A view keyed on an input it never reads (the filters, today) would build the same thing
    twice; one reading something it is not keyed on could serve another view's result, so a
    view reads only its parameters (and other views, constants and plain functions)."""
    assert len(_views()) >= 25
    for name, remembered in _views().items():
        builder = remembered.__wrapped__
        tree = ast.parse(inspect.getsource(builder).lstrip())
        function = tree.body[0]
        parameters = [argument.arg for argument in function.args.args]
        assert parameters[0] == "dataset", name
        read = {node.id for node in ast.walk(function) if isinstance(node, ast.Name)}
        unread = [parameter for parameter in parameters if parameter not in read]
        assert not unread, f"{name} is keyed on {unread} but never reads them"
        # Nothing from the session: the page passes in everything the view depends on.
        assert "st" not in read and "ctx" not in read, name


def test_the_filtered_timeline_never_meets_the_unfiltered_one(rich):
    """The known trap: the presentation's timeline shows the whole agreement, the Timeline page
    the sidebar's filters. They must be two entries with their own rows."""
    everything = Filters(AGREEMENT)
    one_area = Filters(AGREEMENT, focus_area_ids=("smart-sustainable-cities",))
    slide = cached.timeline_chart(rich, everything, TODAY, "en")
    page = cached.timeline_chart(rich, one_area, TODAY, "en")
    assert slide is not page
    assert len(page.chart.data) < len(slide.chart.data)
    assert cached.timeline_chart(rich, everything, TODAY, "en") is slide
    # The same holds for every view that takes the filters, and for every other input.
    assert cached.status_chart(rich, everything, "en") is not cached.status_chart(
        rich, one_area, "en"
    )
    assert cached.status_chart(rich, everything, "en") is not cached.status_chart(
        rich, everything, "zh"
    )
    assert cached.burn_up(rich, everything, TODAY, "en") is not cached.burn_up(
        rich, everything, date(2025, 1, 1), "en"
    )
    assert cached.map_view(rich, AGREEMENT, None, "en") is not cached.map_view(
        rich, AGREEMENT, everything, "en"
    )


def test_a_chart_with_nothing_drawn_has_no_readable_table(rich):
    """No indicator chosen: no bullets, no picture, so no table standing in for one (its rows
    are the whole indicator table, whose columns are not all a reader's)."""
    nothing = cached.bullets(rich, Filters(AGREEMENT), (), "zh")
    assert nothing.chart.figure is None
    assert nothing.readable is None


def test_a_view_is_what_its_builder_makes_for_those_inputs(rich):
    one_area = Filters(AGREEMENT, focus_area_ids=("smart-sustainable-cities",))
    remembered = cached.milestone_table(rich, one_area, "zh")
    direct = cached.milestone_table.__wrapped__(rich, one_area, "zh")
    assert remembered.shown.equals(direct.shown)
    assert remembered.source_ids == direct.source_ids


def test_a_publish_makes_every_view_rebuild(monkeypatch, tmp_path):
    data: DataDir = rich_copy(tmp_path)
    app = open_app(monkeypatch, data.path, page="pages/timeline.py")
    assert not app.exception
    before = load_dataset(data.path).dataset.version
    assert before in cached._views.versions()
    line = data.line_of("initiatives", "initiative_id", "air-quality-sensors")
    data.set_cell("initiatives", line, "title_en", "Air quality sensors, renamed")
    app = open_app(monkeypatch, data.path, page="pages/timeline.py")
    assert not app.exception
    app = open_app(monkeypatch, data.path, page="pages/initiatives.py")
    titles = list(app.dataframe[0].value.iloc[:, 0])
    assert "Air quality sensors, renamed" in titles
    after = load_dataset(data.path).dataset.version
    versions = cached._views.versions()
    assert after in versions
    assert before not in versions, "views of the old version are still held"


def test_the_byte_budget_holds_across_every_page(monkeypatch, tmp_path):
    data = rich_copy(tmp_path)
    small = Memo(budget_bytes=2 * 1024 * 1024)
    monkeypatch.setattr(cached, "_views", small)
    for page in APP_PAGES:
        app = open_app(monkeypatch, data.path, page=page.script)
        assert not app.exception, page.script
        assert small.stats().bytes_held <= small.budget_bytes
    stats = small.stats()
    assert stats.builds > 20 and stats.entries > 0


def test_no_other_module_caches():
    """Every cache is in components/ui/cached.py: no other Streamlit cache, no memo of views."""
    offenders = []
    for path in [*COMPONENTS.rglob("*.py"), *(REPO / "pages").glob("*.py"), REPO / "app.py"]:
        if path == COMPONENTS / "ui" / "cached.py":
            continue
        text = path.read_text(encoding="utf-8")
        for marker in ("cache_resource", "cache_data", "WeakKeyDictionary", "Memo("):
            if marker in text:
                offenders.append(f"{path.relative_to(REPO)}: {marker}")
    assert not offenders


def test_a_download_is_built_once_however_many_viewers_press_at_once(monkeypatch):
    """Five sessions asking for the same file together wait for one build; different files
    are built one at a time."""
    import threading
    import time

    downloads = cached._BuiltOnce(keep=1024, size=len, concurrent_builds=1)
    monkeypatch.setattr(cached, "_downloads", downloads)
    running, most = 0, 0
    guard = threading.Lock()

    def build(name: str):
        def make() -> bytes:
            nonlocal running, most
            with guard:
                running += 1
                most = max(most, running)
            time.sleep(0.2)
            with guard:
                running -= 1
            return name.encode()

        return make

    results = []
    threads = [
        threading.Thread(target=lambda: results.append(cached.download(("all",), build("all"))))
        for _ in range(5)
    ] + [
        threading.Thread(target=lambda n=n: results.append(cached.download((n,), build(n))))
        for n in ("a", "b")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [b"a", b"all", b"all", b"all", b"all", b"all", b"b"]
    assert downloads.built == 3
    assert most == 1
    assert cached.download(("all",), build("other")) == b"all"  # kept for the next viewer
