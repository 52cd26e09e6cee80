"""The PostgreSQL store on a real PostgreSQL (Debian's), started for these tests on 127.0.0.1:
moving a folder in and back out, publishing, refusing stale previews, two editors at once, a
process killed in the middle of a publish, rollback."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path

import psycopg
import pytest

from components import publishing
from components.loader import load_dataset, load_files
from components.postgres_store import EmptyStoreError, PostgresStore, StoreNotEmptyError
from components.publishing import DataChangedError, PublishError, digest
from scripts.local_postgres import free_port
from tests.conftest import REPO, DataDir, run_cli
from tests.test_history_hardening import apply, files_of, table_csv


@pytest.fixture
def url(postgres_url: str) -> str:
    """The empty database of this test (conftest.postgres_url)."""
    return postgres_url


@pytest.fixture
def store(url: str, data_dir: DataDir) -> PostgresStore:
    """A store holding the shipped data (moved in from a folder with no history)."""
    store = PostgresStore(url)
    store.import_folder(data_dir.path)
    return store


def count_rows(url: str, table: str) -> int:
    with psycopg.connect(url) as connection:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def places_with(data_dir: DataDir, value: str) -> dict[str, bytes]:
    return {"places.csv": table_csv(data_dir, "places", "name_en", value)}


def test_a_folder_moved_in_and_written_out_is_the_same_folder(url, data_dir, tmp_path):
    """Every version of a folder's history keeps its number, author, note and files; the
    current version written back out is byte for byte the folder, and reads without a problem."""
    apply(data_dir, table_csv(data_dir, "places", "name_en", "Oxford Town Hall"), "places.csv")
    apply(data_dir, table_csv(data_dir, "places", "name_en", "Langfang"), "places.csv", "bo")
    folder_history = publishing.history(data_dir.path)
    assert [v.number for v in folder_history] == [1, 2, 3]

    store = PostgresStore(url)
    moved = store.import_folder(data_dir.path)

    assert [(v.number, v.who, v.kind, v.note) for v in moved] == [
        (v.number, v.who, v.kind, v.note) for v in folder_history
    ]
    assert [(v.number, v.who, v.when, v.files) for v in store.history()] == [
        (v.number, v.who, v.when, v.files) for v in folder_history
    ]
    assert store.current_number() == 3
    for version in folder_history:
        assert store.version_files(version.number) == publishing.version_files(
            data_dir.path, version.number
        )
    out = tmp_path / "out"
    assert store.export_version(None, out) == 3
    assert files_of(out) == files_of(data_dir.path)
    assert (out / "datapackage.json").exists()
    result = load_dataset(out)
    assert result.ok, result.problems


def test_a_folder_without_history_becomes_version_one(store, data_dir):
    assert [(v.number, v.kind) for v in store.history()] == [(1, "initial")]
    assert store.version_files(1) == files_of(data_dir.path)
    assert store.fingerprint() == publishing.fingerprint(data_dir.path)


def test_the_data_read_from_the_store_is_the_folders(store, data_dir):
    number, files = store.current_version()
    published = store.history()[-1].when
    result = load_files(files, datetime.fromisoformat(published), str(number))
    assert result.ok, result.problems
    from_store = result.dataset
    assert from_store.files_changed_at == datetime.fromisoformat(published)
    from_folder = load_dataset(data_dir.path).dataset
    assert number == 1
    for name, frame in from_folder.tables.items():
        assert from_store.tables[name].equals(frame), name


def test_data_is_moved_only_into_an_empty_store(store, data_dir):
    with pytest.raises(StoreNotEmptyError, match="already holds data"):
        store.import_folder(data_dir.path)
    assert [v.number for v in store.history()] == [1]


def test_an_empty_store_says_how_to_fill_it(url):
    store = PostgresStore(url)
    assert store.current_number() is None
    with pytest.raises(EmptyStoreError, match="partnership store import"):
        store.current_version()


def test_a_publish_adds_a_version_and_keeps_the_old_one(store, data_dir, url):
    before = store.version_files(1)
    files_before = count_rows(url, "partnership_file")
    change = places_with(data_dir, "Oxford Town Hall")

    version = store.publish(change, "ann", "A better name", expected=store.fingerprint())

    assert version.number == 2 and store.current_number() == 2
    assert store.version_files(1) == before
    assert store.version_files(2) == {**before, **change}
    # Only the changed table is stored again.
    assert count_rows(url, "partnership_file") == files_before + 1
    assert store.history()[-1].files == {
        name: digest(data) for name, data in sorted({**before, **change}.items())
    }


def test_a_stale_preview_is_refused_and_nothing_is_written(store, data_dir, url):
    previewed = store.fingerprint()
    store.publish(places_with(data_dir, "First"), "ann", "", expected=previewed)
    versions, files = count_rows(url, "partnership_version"), count_rows(url, "partnership_file")

    with pytest.raises(DataChangedError, match="now version 2"):
        store.publish(places_with(data_dir, "Second"), "bo", "", expected=previewed)

    assert store.current_number() == 2
    assert count_rows(url, "partnership_version") == versions
    assert count_rows(url, "partnership_file") == files


def test_an_unchanged_or_unknown_file_is_refused(store, data_dir):
    with pytest.raises(PublishError, match="empty"):
        store.publish({"places.csv": store.version_files(1)["places.csv"]}, "ann", "")
    with pytest.raises(PublishError, match="notes.csv"):
        store.publish({"notes.csv": b"a\n1\n"}, "ann", "")
    assert store.current_number() == 1


def test_two_editors_publishing_at_once_one_lands_and_the_other_is_told(store, data_dir):
    """Both previewed version 1; they publish together from two connections (as two servers
    would). Exactly one lands; the other gets the stale-preview refusal; the history is 1, 2."""
    previewed = store.fingerprint()
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def editor(who: str) -> None:
        other = PostgresStore(store.url)
        start.wait()
        try:
            outcomes[who] = other.publish(places_with(data_dir, who), who, "", expected=previewed)
        except DataChangedError as refusal:
            outcomes[who] = refusal

    threads = [threading.Thread(target=editor, args=(who,)) for who in ("ann", "bo")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    landed = [who for who, outcome in outcomes.items() if isinstance(outcome, publishing.Version)]
    told = [who for who, outcome in outcomes.items() if isinstance(outcome, DataChangedError)]
    assert len(landed) == 1 and len(told) == 1, outcomes
    assert [(v.number, v.who) for v in store.history()] == [(1, ""), (2, landed[0])]
    assert store.version_files(2) == {**store.version_files(1), **places_with(data_dir, landed[0])}


CRASHING_PUBLISH = """
import sys
from components.postgres_store import PostgresStore
store = PostgresStore(sys.argv[1])
store.publish({"places.csv": sys.stdin.buffer.read()}, "ann", "", expected=store.fingerprint())
"""


def test_a_process_killed_in_the_middle_of_a_publish_leaves_the_old_version(store, data_dir, url):
    """SIGKILL after the new version's rows are written and the pointer moved, before the
    commit: the store is exactly as before, and the next publish works."""
    versions, files = count_rows(url, "partnership_version"), count_rows(url, "partnership_file")
    change = places_with(data_dir, "Killed")["places.csv"]
    crashed = subprocess.run(
        [sys.executable, "-c", CRASHING_PUBLISH, url],
        input=change,
        cwd=REPO,
        env={**os.environ, publishing.CRASH_VARIABLE: "before-commit"},
        capture_output=True,
        timeout=60,
    )
    assert crashed.returncode == -9, crashed.stderr

    assert store.current_number() == 1
    assert count_rows(url, "partnership_version") == versions
    assert count_rows(url, "partnership_file") == files
    again = store.publish({"places.csv": change}, "ann", "", expected=store.fingerprint())
    assert again.number == 2


def test_a_rollback_is_a_publish_of_an_old_version(store, data_dir):
    original = store.version_files(1)
    store.publish(places_with(data_dir, "Changed"), "ann", "", expected=store.fingerprint())

    version = store.rollback(1, "bo")

    assert (version.number, version.kind, version.restores) == (3, "rollback", 1)
    assert version.rows_changed["places"]["changed"] == 1
    assert store.version_files(3) == original
    with pytest.raises(PublishError, match="already the same as version 1"):
        store.rollback(1, "bo")


def test_a_rollback_prepared_before_a_newer_version_is_refused(store, data_dir):
    prepared = store.fingerprint()
    store.publish(places_with(data_dir, "Changed"), "ann", "", expected=prepared)
    store.publish(places_with(data_dir, "Again"), "ann", "", expected=store.fingerprint())

    with pytest.raises(DataChangedError):
        store.rollback(2, "bo", expected=prepared)
    assert store.current_number() == 3


def test_a_store_built_by_a_newer_dashboard_is_refused(url, data_dir, tmp_path):
    """Checked once per process, when it first opens the database (here a new process)."""
    PostgresStore(url).import_folder(data_dir.path)
    with psycopg.connect(url) as connection:
        connection.execute("UPDATE partnership_schema SET version = version + 1")
    refused = run_cli("store", "export", str(tmp_path / "out"), "--database", url)
    assert refused.returncode == 1
    assert "newer version of the dashboard" in refused.stderr


def test_the_local_server_answers_only_on_loopback(postgres):
    with psycopg.connect(postgres.url) as connection:
        addresses = connection.execute("SHOW listen_addresses").fetchone()[0]
    assert addresses == "127.0.0.1"
    assert Path(postgres.folder).exists()


def test_partnership_store_moves_a_folder_in_and_writes_it_out(url, data_dir, tmp_path):
    """The commands an operator runs: import, then export, then validate the folder written."""
    moved = run_cli("store", "import", str(data_dir.path), "--database", url)
    assert moved.returncode == 0, moved.stderr
    assert "version 1" in moved.stdout

    again = run_cli("store", "import", str(data_dir.path), "--database", url)
    assert again.returncode == 1 and "already holds data" in again.stderr

    out = tmp_path / "out"
    written = run_cli("store", "export", str(out), "--database", url)
    assert written.returncode == 0, written.stderr
    assert files_of(out) == files_of(data_dir.path)
    assert run_cli("validate", str(out)).returncode == 0

    refused = run_cli("store", "export", str(out), "--database", url)
    assert refused.returncode == 1 and "not an empty folder" in refused.stderr
    missing = run_cli("store", "export", str(tmp_path / "v9"), "--version", "9", "--database", url)
    assert missing.returncode == 1 and "no version 9" in missing.stderr


def test_partnership_store_refuses_a_folder_with_errors(url, data_dir):
    data_dir.set_cell("places", 2, "lat", "north")
    refused = run_cli("store", "import", str(data_dir.path), "--database", url)
    assert refused.returncode == 1
    assert "places.csv" in refused.stderr and "Nothing was written" in refused.stderr
    assert PostgresStore(url).current_number() is None


def test_an_unreachable_database_is_a_message_not_a_traceback(data_dir, tmp_path):
    url = f"postgresql://partnership@127.0.0.1:{free_port()}/partnership"
    failed = run_cli("store", "import", str(data_dir.path), "--database", url)
    assert failed.returncode == 2
    assert "cannot reach the database" in failed.stderr
    assert "Traceback" not in failed.stderr
