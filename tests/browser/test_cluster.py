"""The local cluster in a real browser: PostgreSQL, two dashboard servers and nginx, all started
here on 127.0.0.1 (scripts/cluster). A browser session through nginx keeps to one server and
its websocket passes the proxy; a version published through one server shows through the other
within 5 s; PostgreSQL restarted under open pages leaves them on their version, then they
recover, without a traceback."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest

from components.editors import add_editor
from components.i18n import translate
from components.postgres_store import PostgresStore
from scripts.cluster import Cluster
from tests.browser.conftest import open_page, rerun_expected, wait_until_settled
from tests.conftest import SHIPPED_DATA, DataDir

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
SHIPPED_TITLE = DataDir(SHIPPED_DATA).rows("agreements")[0]["title_en"]
NEW_TITLE = "Memorandum of Understanding as published through server A"
ROUTED = re.compile(
    r'"(?P<request>[^"]*)" (?P<status>\d+) upstream=(?P<upstream>\S+) route=(?P<route>\S+)'
)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Iterator[Cluster]:
    folder = tmp_path_factory.mktemp("cluster")
    secrets = folder / "editors.toml"
    add_editor("alice", PASSWORD, secrets)
    # A folder of its own under /tmp (not pytest's, which only root may enter): PostgreSQL runs
    # as the postgres user.
    with Cluster(environment={"PARTNERSHIP_SECRETS_FILE": str(secrets)}) as up:
        yield up
        for number in range(len(up.servers)):  # shown by pytest when a test failed
            print(f"--- server {number}:\n" + up.server_log(number).read_text()[-3000:])


def _clicks_of(cluster: Cluster, route: str) -> list[dict]:
    lines = cluster.access_log.read_text(encoding="utf-8").splitlines()
    found = [ROUTED.search(line) for line in lines]
    return [match.groupdict() for match in found if match and match["route"] == route]


def test_a_session_through_nginx_keeps_to_one_server_and_its_websocket_passes(
    cluster, page, offline
):
    """50 reruns through the proxy: the widgets keep working, and every request of this
    browser (the page, its files, the websocket, 101 Switching Protocols) reached one server."""
    open_page(page, cluster.url + "/")
    clear = page.get_by_role("button", name=translate("filters.clear"))
    for _ in range(50):
        with rerun_expected(page):
            clear.click()
    page.get_by_text("中文", exact=True).click()
    wait_until_settled(page)
    page.get_by_text(translate("filters.clear", "zh"), exact=True).wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0

    (cookie,) = [c for c in page.context.cookies() if c["name"] == "partnership_route"]
    # nginx logs a websocket when it closes: leave the page, then read the log.
    page.goto("about:blank")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        requests = _clicks_of(cluster, cookie["value"])
        if any("/_stcore/stream" in request["request"] for request in requests):
            break
        time.sleep(0.2)
    assert len({request["upstream"] for request in requests}) == 1, requests
    assert {request["upstream"] for request in requests} <= {
        f"127.0.0.1:{port}" for port in cluster.server_ports
    }
    streams = [r for r in requests if "/_stcore/stream" in r["request"]]
    assert streams and all(r["status"] == "101" for r in streams), streams
    assert offline.blocked == []


def _sign_in(page) -> None:
    page.get_by_label(translate("data.sign_in_name")).fill("alice")
    page.get_by_role("textbox", name=translate("data.sign_in_password")).fill(PASSWORD)
    with rerun_expected(page):
        page.get_by_role("button", name=translate("data.sign_in_button")).click()
    page.get_by_text(translate("data.upload_label")).first.wait_for()


def test_a_version_published_through_one_server_shows_through_the_other_within_5_s(
    cluster, page, browser, tmp_path
):
    server_a, server_b = cluster.server_urls
    store = PostgresStore(cluster.postgres.url)
    before = store.current_number()
    agreements = store.current_files()["agreements.csv"]
    assert SHIPPED_TITLE.encode() in agreements
    upload = tmp_path / "agreements.csv"
    upload.write_bytes(agreements.replace(SHIPPED_TITLE.encode(), NEW_TITLE.encode()))

    viewer = browser.new_context(locale="en-GB").new_page()
    open_page(viewer, server_b + "/")
    viewer.get_by_text(SHIPPED_TITLE).first.wait_for()

    open_page(page, server_a + "/data")
    _sign_in(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
    page.get_by_text(translate("data.report_valid")).wait_for(timeout=30_000)
    wait_until_settled(page)
    page.get_by_role("button", name=translate("data.apply")).click()
    page.get_by_text(translate("data.applied", version=before + 1)[:25]).wait_for(timeout=30_000)
    published = time.monotonic()
    assert store.current_number() == before + 1

    # The viewer on server B sees it on its next rerun (a click, a reload) once B has asked.
    seen = None
    while time.monotonic() - published < 5.0:
        open_page(viewer, server_b + "/")
        if viewer.get_by_text(NEW_TITLE).count():
            seen = time.monotonic() - published
            break
    assert seen is not None and seen < 5.0, "server B did not show the new version within 5 s"
    viewer.context.close()


def test_postgresql_restarted_under_open_pages_leaves_them_whole(cluster, page):
    open_page(page, cluster.url + "/")
    clear = page.get_by_role("button", name=translate("filters.clear"))
    notice = page.get_by_text(translate("shell.store_unavailable_showing_last")[:40])

    cluster.postgres.stop()
    try:
        time.sleep(2.5)  # past the servers' 2 s between questions
        with rerun_expected(page):
            clear.click()
        notice.wait_for(timeout=10_000)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.locator('[data-testid="stMain"] h1').count() >= 1
    finally:
        cluster.postgres.start()
    time.sleep(2.5)
    with rerun_expected(page):
        clear.click()
    notice.wait_for(state="detached", timeout=10_000)
    assert page.locator('[data-testid="stException"]').count() == 0
