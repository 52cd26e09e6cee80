"""The history under stress: a rollback that went stale, two histories for one folder, damaged
versions, numbers missing, a killed lock holder."""

from __future__ import annotations

import csv
import io
import multiprocessing
import os
import shutil
import signal
import time
from pathlib import Path

import pytest

from components import data_commands, history, publishing
from components.changes import row_counts
from components.upload import check_upload
from tests.conftest import DataDir, run_cli


def files_of(folder: Path) -> dict[str, bytes]:
    """Every CSV in the data folder (the table files), by name."""
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.csv"))}


def table_csv(data_dir: DataDir, table: str, column: str, value: str) -> bytes:
    """`table` with `column` of its first row set to `value`."""
    rows = data_dir.rows(table)
    rows[0][column] = value
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=data_dir.header(table), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue().encode("utf-8")


def apply(data_dir: DataDir, data: bytes, name: str, who: str = "ann") -> publishing.Version:
    """Check an upload as the Data page does and publish it."""
    proposal = check_upload(data, name, data_dir.path)
    assert proposal.ok and proposal.has_changes, proposal.problems
    return publishing.publish(
        data_dir.path,
        proposal.files,
        who,
        "",
        rows_changed=row_counts(proposal.changes),
        expected=proposal.base,
    )


def numbers(data_dir: DataDir) -> list[int]:
    return [version.number for version in publishing.history(data_dir.path)]


# A rollback prepared before another version was published.


def test_a_rollback_prepared_before_a_newer_version_is_refused(data_dir):
    """Prepare a rollback to 1, publish v3, apply the rollback: refused, nothing written."""
    apply(data_dir, table_csv(data_dir, "places", "coordinates_note", "Carfax."), "places.csv")
    plan = history.prepare_rollback(data_dir.path, 1)
    assert not plan.errors
    apply(data_dir, table_csv(data_dir, "sources", "publisher", "Someone"), "sources.csv", "bob")
    after_v3 = files_of(data_dir.path)
    with pytest.raises(publishing.DataChangedError, match="version 1.*sources.csv, now version 3"):
        publishing.rollback(
            data_dir.path, 1, "carol", rows_changed=plan.rows_changed, expected=plan.base
        )
    assert files_of(data_dir.path) == after_v3
    assert numbers(data_dir) == [1, 2, 3]
    assert not list(data_dir.path.glob(".*.new"))


def test_a_rollback_still_current_is_applied_with_its_counts(data_dir):
    """Nothing moved since the preview: restored, with the counts the preview showed."""
    original = files_of(data_dir.path)
    apply(data_dir, table_csv(data_dir, "places", "coordinates_note", "Carfax."), "places.csv")
    plan = history.prepare_rollback(data_dir.path, 1)
    version = publishing.rollback(
        data_dir.path, 1, "carol", rows_changed=plan.rows_changed, expected=plan.base
    )
    assert files_of(data_dir.path) == original
    assert (
        version.rows_changed
        == plan.rows_changed
        == {"places": {"added": 0, "removed": 0, "changed": 1}}
    )


def test_a_rollback_without_a_base_counts_against_the_files_it_replaces(data_dir):
    """Counts passed by an unchecked caller are not trusted: they are made under the lock."""
    apply(data_dir, table_csv(data_dir, "places", "coordinates_note", "Carfax."), "places.csv")
    plan = history.prepare_rollback(data_dir.path, 1)
    apply(data_dir, table_csv(data_dir, "sources", "publisher", "Someone"), "sources.csv")
    version = publishing.rollback(data_dir.path, 1, "carol", rows_changed=plan.rows_changed)
    assert version.rows_changed == {
        "places": {"added": 0, "removed": 0, "changed": 1},
        "sources": {"added": 0, "removed": 0, "changed": 1},
    }


def test_partnership_rollback_is_refused_when_an_import_lands_meanwhile(
    tmp_path, data_dir, monkeypatch, capsys
):
    """`rollback 1` checked, then another process imports v3: exit 3, plain words, no v4."""
    apply(data_dir, table_csv(data_dir, "places", "coordinates_note", "Carfax."), "places.csv")
    upload = tmp_path / "sources.csv"
    upload.write_bytes(table_csv(data_dir, "sources", "publisher", "Someone"))
    real_prepare = history.prepare_rollback

    def prepare_then_another_import(*args, **kwargs):
        plan = real_prepare(*args, **kwargs)
        # Another editor's import, in a process of its own, between the check and the apply.
        done = run_cli("import", str(upload), "--data-dir", str(data_dir.path))
        assert done.returncode == 0, done.stdout + done.stderr
        return plan

    monkeypatch.setattr(history, "prepare_rollback", prepare_then_another_import)
    status = data_commands.roll_back(1, "", data_dir.path)
    after_v3 = files_of(data_dir.path)
    out = capsys.readouterr().out
    assert status == data_commands.EXIT_CONFLICT
    assert "NOT APPLIED" in out and "nothing was written" in out and "version 3" in out
    assert numbers(data_dir) == [1, 2, 3]
    assert after_v3["sources.csv"] == upload.read_bytes()


def test_partnership_rollback_to_the_current_data_does_nothing(data_dir, capsys):
    apply(data_dir, table_csv(data_dir, "places", "coordinates_note", "Carfax."), "places.csv")
    assert data_commands.roll_back(2, "", data_dir.path) == data_commands.EXIT_DONE
    assert "already the same as version 2" in capsys.readouterr().out
    assert numbers(data_dir) == [1, 2]


# One history per data folder.


def test_a_second_history_folder_for_one_data_folder_is_refused(tmp_path, data_dir, monkeypatch):
    """The folder's history is in data/.history; another PARTNERSHIP_HISTORY_DIR is refused."""
    apply(data_dir, table_csv(data_dir, "places", "coordinates_note", "Carfax."), "places.csv")
    before = files_of(data_dir.path)
    other = tmp_path / "other-history"
    monkeypatch.setenv(publishing.HISTORY_DIR_VARIABLE, str(other))
    proposal = check_upload(
        table_csv(data_dir, "sources", "publisher", "X"), "s.csv", data_dir.path
    )
    with pytest.raises(publishing.HistoryElsewhereError) as refused:
        publishing.publish(data_dir.path, proposal.files, "ann", "", expected=proposal.base)
    message = str(refused.value)
    assert str(data_dir.path / ".history") in message and str(other) in message
    assert publishing.HISTORY_DIR_VARIABLE in message
    assert files_of(data_dir.path) == before
    assert not (other / "versions").exists()
    # The command line says the same, and exits without a traceback.
    result = run_cli(
        "history",
        "--data-dir",
        str(data_dir.path),
        env={publishing.HISTORY_DIR_VARIABLE: str(other)},
    )
    assert result.returncode == data_commands.EXIT_REJECTED
    assert str(other) in result.stderr and "Traceback" not in result.stderr


def test_the_recorded_history_folder_is_kept_when_the_setting_is_dropped(
    tmp_path, data_dir, monkeypatch
):
    """Versions kept beside the data: starting without the setting is refused, not a new history."""
    outside = tmp_path / "history"
    monkeypatch.setenv(publishing.HISTORY_DIR_VARIABLE, str(outside))
    apply(data_dir, table_csv(data_dir, "places", "coordinates_note", "Carfax."), "places.csv")
    monkeypatch.delenv(publishing.HISTORY_DIR_VARIABLE)
    with pytest.raises(publishing.HistoryElsewhereError, match=str(outside)):
        publishing.recover(data_dir.path)
    assert not (data_dir.path / publishing.HISTORY_DIR_NAME).exists()


def test_one_history_folder_for_two_data_folders_is_refused(tmp_path, data_dir, monkeypatch):
    """A history folder outside the data belongs to the first data folder that used it."""
    shared = tmp_path / "history"
    monkeypatch.setenv(publishing.HISTORY_DIR_VARIABLE, str(shared))
    apply(data_dir, table_csv(data_dir, "places", "coordinates_note", "Carfax."), "places.csv")
    second = tmp_path / "second"
    shutil.copytree(data_dir.path, second, ignore=shutil.ignore_patterns(".partnership*"))
    with pytest.raises(publishing.HistoryElsewhereError) as refused:
        publishing.recover(second)
    assert str(data_dir.path) in str(refused.value) and str(second) in str(refused.value)
    assert numbers(data_dir) == [1, 2]


def _hold_lock(data_dir: str, ready, release) -> None:
    with publishing.data_lock(Path(data_dir)):
        ready.set()
        release.wait(timeout=60)


def test_processes_given_different_history_folders_share_the_data_folders_lock(
    tmp_path, data_dir, monkeypatch
):
    """The lock is the data folder's: a holder started without the setting excludes one with."""
    context = multiprocessing.get_context("spawn")
    ready, release = context.Event(), context.Event()
    holder = context.Process(target=_hold_lock, args=(str(data_dir.path), ready, release))
    holder.start()
    try:
        assert ready.wait(timeout=60)
        monkeypatch.setenv(publishing.HISTORY_DIR_VARIABLE, str(tmp_path / "elsewhere"))
        with pytest.raises(publishing.BusyError):
            with publishing.data_lock(data_dir.path, timeout=0.3):
                pass
    finally:
        release.set()
        holder.join(timeout=30)


def _lock_and_die(data_dir: str) -> None:
    with publishing.data_lock(Path(data_dir)):
        os.kill(os.getpid(), signal.SIGKILL)


def test_a_lock_left_by_a_killed_process_holds_nothing(data_dir):
    """flock dies with its process: the lock file stays, the next apply goes straight through."""
    context = multiprocessing.get_context("spawn")
    killed = context.Process(target=_lock_and_die, args=(str(data_dir.path),))
    killed.start()
    killed.join(timeout=60)
    assert killed.exitcode == -signal.SIGKILL
    assert (data_dir.path / publishing.LOCK_NAME).exists()
    started = time.monotonic()
    with publishing.data_lock(data_dir.path, timeout=1.0):
        pass
    assert time.monotonic() - started < 0.5


# Damaged versions.


def _version(data_dir: DataDir, number: int) -> Path:
    return data_dir.path / publishing.HISTORY_DIR_NAME / "versions" / f"{number:06d}"


def test_a_truncated_version_json_is_named_skipped_and_never_renumbered(tmp_path, data_dir):
    """History warns which file is damaged; imports go on, numbered after it; it is not restored."""
    apply(data_dir, table_csv(data_dir, "places", "coordinates_note", "Carfax."), "places.csv")
    meta = _version(data_dir, 2) / "version.json"
    meta.write_bytes(meta.read_bytes()[:40])

    listing = run_cli("history", "--data-dir", str(data_dir.path))
    assert listing.returncode == 0, listing.stderr
    assert str(meta) in listing.stderr and "damaged" in listing.stderr
    assert "backup" in listing.stderr and "JSONDecodeError" not in listing.stderr
    assert [line.split()[0] for line in listing.stdout.splitlines() if line[:4].strip()] == ["1"]

    upload = tmp_path / "sources.csv"
    upload.write_bytes(table_csv(data_dir, "sources", "publisher", "Someone"))
    imported = run_cli("import", str(upload), "--data-dir", str(data_dir.path))
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "applied as version 3" in imported.stdout
    assert numbers(data_dir) == [1, 3]

    refused = run_cli("rollback", "2", "--data-dir", str(data_dir.path))
    assert refused.returncode == data_commands.EXIT_REJECTED
    assert str(meta) in refused.stderr and "Traceback" not in refused.stderr


def test_a_version_without_its_version_json_or_a_table_copy_is_reported(data_dir):
    """A missing version.json, a missing copy and an altered copy each get a warning or refusal."""
    apply(data_dir, table_csv(data_dir, "places", "coordinates_note", "Carfax."), "places.csv")
    apply(data_dir, table_csv(data_dir, "sources", "publisher", "Someone"), "sources.csv")
    (_version(data_dir, 2) / "version.json").unlink()
    (_version(data_dir, 3) / "people.csv").unlink()
    warnings = publishing.history_warnings(data_dir.path)
    assert len(warnings) == 2
    assert "Version 2" in warnings[0] and "version.json is missing" in warnings[0]
    assert "Version 3" in warnings[1] and "people.csv is missing" in warnings[1]
    assert numbers(data_dir) == [1]

    copy = _version(data_dir, 1) / "places.csv"
    copy.write_bytes(copy.read_bytes() + b"x")
    with pytest.raises(publishing.DamagedHistoryError, match="places.csv was altered"):
        history.prepare_rollback(data_dir.path, 1)


def test_a_number_missing_from_the_history_is_reported_and_not_given_again(data_dir):
    apply(data_dir, table_csv(data_dir, "places", "coordinates_note", "Carfax."), "places.csv")
    apply(data_dir, table_csv(data_dir, "sources", "publisher", "Someone"), "sources.csv")
    shutil.rmtree(_version(data_dir, 2))
    assert any(
        "Version 2 " in w and "missing" in w for w in publishing.history_warnings(data_dir.path)
    )
    version = apply(data_dir, table_csv(data_dir, "places", "coordinates_note", "Tower."), "p.csv")
    assert version.number == 4
    assert numbers(data_dir) == [1, 3, 4]


def test_every_version_damaged_still_lets_an_import_through(data_dir):
    """With version 1 unreadable, the next change is 2: the initial copy is not written again."""
    apply(data_dir, table_csv(data_dir, "places", "coordinates_note", "Carfax."), "places.csv")
    for number in (1, 2):
        (_version(data_dir, number) / "version.json").write_text("{", encoding="utf-8")
    version = apply(data_dir, table_csv(data_dir, "sources", "publisher", "X"), "s.csv")
    assert version.number == 3 and numbers(data_dir) == [3]


def test_a_damaged_journal_is_named_and_nothing_is_guessed(data_dir):
    """A journal that cannot be read stops every change with what to do, not a traceback."""
    folder = data_dir.path / publishing.HISTORY_DIR_NAME
    folder.mkdir()
    (folder / publishing.JOURNAL_NAME).write_text('{"version": 2, "fil', encoding="utf-8")
    before = files_of(data_dir.path)
    result = run_cli("history", "--data-dir", str(data_dir.path))
    assert result.returncode == data_commands.EXIT_REJECTED
    assert str(folder / publishing.JOURNAL_NAME) in result.stderr
    assert "damaged" in result.stderr and "Traceback" not in result.stderr
    assert files_of(data_dir.path) == before


def test_a_version_whose_copy_was_altered_reads_as_unreadable(data_dir):
    """The briefing's "changes since version N" gets None, not an exception, for a bad copy."""
    apply(data_dir, table_csv(data_dir, "places", "coordinates_note", "Carfax."), "places.csv")
    assert history.load_version(data_dir.path, 1) is not None
    copy = _version(data_dir, 1) / "places.csv"
    copy.write_bytes(copy.read_bytes()[:-20])
    assert history.load_version(data_dir.path, 1) is None
