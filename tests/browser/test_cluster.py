"""The local cluster in a real browser: PostgreSQL, two dashboard servers and nginx, all started
here on 127.0.0.1 (scripts/cluster). A browser session through nginx keeps to one server and
its websocket passes the proxy; a version published through one server shows through the other
within 5 s; two editors applying at once through two servers get one version and one refusal;
a server killed mid-publish leaves the old version; PostgreSQL restarted under open pages
leaves them on their version, then they recover, without a traceback."""

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


def _checked_upload(page, server_url: str, path) -> None:
    """Signed in on one server, `path` uploaded and checked: Apply is the next click."""
    open_page(page, server_url + "/data")
    _sign_in(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    page.get_by_text(translate("data.report_valid")).wait_for(timeout=30_000)
    wait_until_settled(page)


def _agreements_titled(store: PostgresStore, title: str, folder) -> object:
    current = store.current_files()["agreements.csv"]
    old = next(t for t in (SHIPPED_TITLE, NEW_TITLE) if t.encode() in current)
    path = folder / f"{title.split()[-1]}" / "agreements.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes(current.replace(old.encode(), title.encode()))
    return path


def test_two_editors_applying_at_once_through_two_servers_one_lands_one_is_told(
    cluster, page, browser, tmp_path
):
    """Both previewed the same version, on servers A and B; both press Apply together. One
    new version lands; the other editor is told the data changed and nothing of theirs is
    written; the history has one more version, by one of them."""
    store = PostgresStore(cluster.postgres.url)
    before = store.current_number()
    other = browser.new_context(locale="en-GB").new_page()
    titles = {"A": "Agreement title from editor one", "B": "Agreement title from editor two"}
    _checked_upload(page, cluster.server_urls[0], _agreements_titled(store, titles["A"], tmp_path))
    _checked_upload(other, cluster.server_urls[1], _agreements_titled(store, titles["B"], tmp_path))

    buttons = [p.get_by_role("button", name=translate("data.apply")) for p in (page, other)]
    for button in buttons:
        button.click(no_wait_after=True)
    landed = [
        p.get_by_text(translate("data.applied", version=before + 1)[:25]) for p in (page, other)
    ]
    told = [p.get_by_text(translate("data.apply_conflict")[:40]) for p in (page, other)]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        outcome = [(landed[i].count() > 0, told[i].count() > 0) for i in range(2)]
        if all(any(pair) for pair in outcome):
            break
        time.sleep(0.2)
    assert sorted(outcome) == [(False, True), (True, False)], outcome

    versions = store.history()
    assert [v.number for v in versions][-1] == before + 1
    winner = titles["A"] if outcome[0][0] else titles["B"]
    loser = titles["B"] if outcome[0][0] else titles["A"]
    current = store.current_files()["agreements.csv"]
    assert winner.encode() in current and loser.encode() not in current
    assert versions[-1].who == "alice" and versions[-1].kind == "import"
    other.context.close()


def test_a_server_killed_in_the_middle_of_a_publish_leaves_the_old_version(
    page, tmp_path_factory, tmp_path
):
    """Server A is killed (SIGKILL) after writing the new version and before its commit:
    the database keeps the old version, server B goes on showing it, and the next publish
    through B gets the next number."""
    folder = tmp_path_factory.mktemp("crash")
    secrets = folder / "editors.toml"
    add_editor("alice", PASSWORD, secrets)
    crash = {0: {"PARTNERSHIP_TEST_CRASH_AT": "before-commit"}}
    with Cluster(
        environment={"PARTNERSHIP_SECRETS_FILE": str(secrets)}, server_environments=crash
    ) as cluster:
        store = PostgresStore(cluster.postgres.url)
        before = store.current_number()
        upload = _agreements_titled(store, NEW_TITLE, tmp_path)
        _checked_upload(page, cluster.server_urls[0], upload)
        page.get_by_role("button", name=translate("data.apply")).click(no_wait_after=True)
        cluster.servers[0].wait(timeout=30)
        assert cluster.servers[0].returncode == -9

        assert store.current_number() == before
        assert [v.number for v in store.history()][-1] == before
        viewer = page.context.new_page()
        open_page(viewer, cluster.server_urls[1] + "/")
        viewer.get_by_text(SHIPPED_TITLE).first.wait_for()
        assert viewer.locator('[data-testid="stException"]').count() == 0

        again = store.publish(
            {"agreements.csv": upload.read_bytes()}, "alice", "", expected=store.fingerprint()
        )
        assert again.number == before + 1
