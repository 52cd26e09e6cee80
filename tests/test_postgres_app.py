"""The app on the PostgreSQL store (AppTest, a real PostgreSQL): the pages show the database's
version, not the folder's; a version published elsewhere shows on the next rerun; the database
stopping leaves the pages on their last version, with a notice, and they recover; the Data page
publishes into the database; sign-in failures are counted there."""

from __future__ import annotations

import psycopg
import pytest

from components import limits, settings
from components import store as store_module
from components.editors import hash_password
from components.i18n import translate
from components.postgres_store import PostgresStore
from scripts.local_postgres import LocalPostgres
from tests.conftest import DataDir, open_app
from tests.test_data_page import (
    PASSWORD,
    _agreements_csv,
    _button,
    _sign_in,
    _texts,
    roll_back,
)

DATABASE_TITLE = "Memorandum of Understanding, as kept in the database"
NEWER_TITLE = "Memorandum of Understanding, published through another server"


def _titles(app) -> list[str]:
    return [header.value.replace("\\", "") for header in app.subheader]


def _fill(url: str, data_dir: DataDir, tmp_path) -> PostgresStore:
    """The database gets the shipped data with a title of its own; the folder keeps its own."""
    copy = DataDir(tmp_path / "for-the-database")
    copy.path.mkdir()
    for path in data_dir.path.iterdir():
        if path.is_file():
            (copy.path / path.name).write_bytes(path.read_bytes())
    copy.write_bytes("agreements", _agreements_csv(copy, DATABASE_TITLE))
    store = PostgresStore(url)
    store.import_folder(copy.path)
    return store


@pytest.fixture
def on_postgres(monkeypatch, data_dir, postgres_url, tmp_path) -> PostgresStore:
    store = _fill(postgres_url, data_dir, tmp_path)
    monkeypatch.setenv(settings.STORE.name, postgres_url)
    monkeypatch.setenv(settings.HISTORY_DIR.name, str(tmp_path / "history"))
    monkeypatch.setattr(store_module, "WATCH_SECONDS", 0.0)
    return store


def test_the_pages_show_the_databases_version_not_the_folders(on_postgres, monkeypatch, data_dir):
    app = open_app(monkeypatch, data_dir.path)
    assert not app.exception
    assert any(DATABASE_TITLE in title for title in _titles(app))
    for page in ("pages/timeline.py", "pages/progress.py", "pages/initiatives.py"):
        app.switch_page(page)
        app.run()
        assert not app.exception, page


def test_a_version_published_through_another_server_shows_on_the_next_rerun(
    on_postgres, monkeypatch, data_dir
):
    app = open_app(monkeypatch, data_dir.path)
    assert any(DATABASE_TITLE in title for title in _titles(app))
    current = on_postgres.version_files(1)["agreements.csv"]
    newer = current.replace(DATABASE_TITLE.encode(), NEWER_TITLE.encode())
    on_postgres.publish({"agreements.csv": newer}, "bo", "", expected=on_postgres.fingerprint())
    app.run()
    assert not app.exception
    assert any(NEWER_TITLE in title for title in _titles(app))


def test_the_database_stopping_keeps_the_last_version_and_the_pages_recover(
    monkeypatch, data_dir, tmp_path
):
    """Its own PostgreSQL, stopped while a page is open: the page keeps what it showed and says
    the database is not answering; a new session with nothing shown yet says there is nothing;
    once the database is back, both show the data again without a notice."""
    with LocalPostgres() as server:
        _fill(server.url, data_dir, tmp_path)
        monkeypatch.setenv(settings.STORE.name, server.url)
        monkeypatch.setattr(store_module, "WATCH_SECONDS", 0.0)
        app = open_app(monkeypatch, data_dir.path)
        assert any(DATABASE_TITLE in title for title in _titles(app))

        server.stop()
        app.run()
        assert not app.exception
        assert translate("shell.store_unavailable_showing_last") in _texts(app.warning)
        assert any(DATABASE_TITLE in title for title in _titles(app))
        data_page = open_app(monkeypatch, data_dir.path, "pages/data.py")
        assert not data_page.exception
        unusable = translate("data.store_unusable", reason=translate("data.store_not_answering"))
        assert unusable in _texts(data_page.error)

        server.start()
        app.run()
        assert not app.exception
        assert translate("shell.store_unavailable_showing_last") not in _texts(app.warning)
        assert any(DATABASE_TITLE in title for title in _titles(app))


def test_a_new_server_with_the_database_down_has_nothing_to_show_and_says_so(monkeypatch, data_dir):
    from scripts.local_postgres import free_port

    url = f"postgresql://partnership@127.0.0.1:{free_port()}/nowhere"
    monkeypatch.setenv(settings.STORE.name, url)
    app = open_app(monkeypatch, data_dir.path)
    assert not app.exception
    assert translate("shell.store_unavailable_nothing_to_show") in _texts(app.error)


def test_a_store_setting_that_is_not_postgresql_is_a_message_on_every_page(monkeypatch, data_dir):
    monkeypatch.setenv(settings.STORE.name, "mysql://db/partnership")
    app = open_app(monkeypatch, data_dir.path)
    assert not app.exception
    assert translate("shell.files_invalid_nothing_to_show", count=1) in _texts(app.error)
    file_column = translate("columns.report_file")
    (report,) = [frame.value for frame in app.dataframe if file_column in frame.value.columns]
    assert list(report[file_column]) == [settings.STORE.name]
    data_page = open_app(monkeypatch, data_dir.path, "pages/data.py")
    assert not data_page.exception
    errors = [text.replace("\\", "") for text in _texts(data_page.error)]
    assert any(settings.STORE.name in text for text in errors)


def _editor_data_page(monkeypatch, data_dir: DataDir):
    secrets = {"editors": {"passwords": {"alice": hash_password(PASSWORD)}}}
    app = open_app(monkeypatch, data_dir.path, "pages/data.py", secrets)
    assert not app.exception
    return app


def test_the_data_page_publishes_into_the_database_and_rolls_back(
    on_postgres, monkeypatch, data_dir
):
    folder_before = (data_dir.path / "agreements.csv").read_bytes()
    app = _editor_data_page(monkeypatch, data_dir)
    _sign_in(app)
    current = on_postgres.version_files(1)["agreements.csv"]
    newer = current.replace(DATABASE_TITLE.encode(), NEWER_TITLE.encode())
    app.file_uploader[0].set_value(("agreements.csv", newer, "text/csv"))
    app.run()
    assert not app.exception
    assert translate("data.report_valid") in _texts(app.success)
    _button(app, "data.apply").click()
    app.run()
    assert not app.exception
    assert translate("data.applied", version=2) in _texts(app.success)
    assert on_postgres.current_number() == 2
    assert on_postgres.version_files(2)["agreements.csv"] == newer
    assert [(v.number, v.who) for v in on_postgres.history()] == [(1, ""), (2, "alice")]
    assert (data_dir.path / "agreements.csv").read_bytes() == folder_before

    roll_back(app, 1)
    assert [(v.number, v.kind, v.restores) for v in on_postgres.history()][-1] == (3, "rollback", 1)
    assert on_postgres.version_files(3) == on_postgres.version_files(1)


def test_sign_in_failures_are_counted_in_the_database(on_postgres, monkeypatch, data_dir):
    monkeypatch.setattr(limits, "SIGN_IN_FAILURE_DELAY_SECONDS", 0.0)
    monkeypatch.setattr(limits, "SIGN_IN_FAILURE_JITTER_SECONDS", 0.0)
    app = _editor_data_page(monkeypatch, data_dir)
    _sign_in(app, "not the password")
    assert translate("data.sign_in_failed") in _texts(app.error)
    with psycopg.connect(on_postgres.url) as connection:
        (count,) = connection.execute(
            "SELECT count(*) FROM partnership_sign_in_failures"
        ).fetchone()
    assert count == 2  # one for the name, one for the client
