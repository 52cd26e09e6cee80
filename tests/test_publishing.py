"""Publishing: atomic and durable under kills and failures, one lock for every process, no lost
update, history and byte-identical rollback."""

from __future__ import annotations

import csv
import io
import multiprocessing
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from components import publishing
from components.changes import row_counts
from components.contract import load_contract
from components.loader import load_dataset
from components.upload import check_upload
from tests.conftest import DataDir, open_app, run_cli


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every table file's bytes."""
    return {
        table.filename: (folder / table.filename).read_bytes() for table in load_contract().tables
    }


def two_table_zip(data_dir: DataDir) -> bytes:
    """A ZIP changing two tables at once (so a swap can be interrupted half-way)."""
    places = data_dir.rows("places")
    places[0]["coordinates_note"] = "Carfax tower."
    sources = data_dir.rows("sources")
    sources[0]["publisher"] = "Oxford City Council"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, rows in (("places", places), ("sources", sources)):
            text = io.StringIO()
            writer = csv.DictWriter(text, fieldnames=data_dir.header(name), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
            archive.writestr(f"{name}.csv", text.getvalue())
    return buffer.getvalue()


def import_two_tables(
    tmp_path: Path, data_dir: DataDir, target: Path, crash_at: str | None = None
) -> subprocess.CompletedProcess:
    """`partnership import` of two_table_zip into `target`, killed at `crash_at` if given."""
    upload = tmp_path / "change.zip"
    upload.write_bytes(two_table_zip(data_dir))
    env = {publishing.CRASH_VARIABLE: crash_at} if crash_at else None
    return run_cli("import", str(upload), "--data-dir", str(target), env=env)


@pytest.fixture
def expected_after(tmp_path: Path, data_dir: DataDir) -> dict[str, bytes]:
    """The files after the two-table change, applied cleanly in a separate copy."""
    other = tmp_path / "clean" / "data"
    shutil.copytree(data_dir.path, other)
    result = import_two_tables(tmp_path, data_dir, other)
    assert result.returncode == 0, result.stdout + result.stderr
    return snapshot(other)


@pytest.mark.parametrize(
    ("crash_at", "before_recovery", "after_recovery"),
    [
        ("after-write", "before", "before"),
        ("after-journal", "before", "after"),
        ("mid-swap", "mixed", "after"),
        ("after-swap", "after", "after"),
    ],
)
def test_a_killed_apply_leaves_the_data_as_before_or_after(
    tmp_path, data_dir, expected_after, crash_at, before_recovery, after_recovery
):
    """Killed at each step, the files end byte-identical to before or after, never mixed."""
    before = snapshot(data_dir.path)
    result = import_two_tables(tmp_path, data_dir, data_dir.path, crash_at)
    assert result.returncode == -9, result.stdout + result.stderr
    states = {"before": before, "after": expected_after}
    now = snapshot(data_dir.path)
    if before_recovery == "mixed":
        # Only this instant (between two renames) is mixed; the journal says how to finish.
        assert now not in (before, expected_after)
        assert publishing.needs_recovery(data_dir.path)
    else:
        assert now == states[before_recovery]

    # Any later operation (here `partnership history`, as the Data page does) recovers first.
    assert run_cli("history", "--data-dir", str(data_dir.path)).returncode == 0
    assert snapshot(data_dir.path) == states[after_recovery]
    assert not publishing.needs_recovery(data_dir.path)
    assert not list(data_dir.path.glob(".*.new"))
    numbers = [version.number for version in publishing.history(data_dir.path)]
    assert numbers == ([1] if after_recovery == "before" else [1, 2])
    if after_recovery == "after":
        assert publishing.version_files(data_dir.path, 2) == {**before, **expected_after}


def test_a_failed_write_leaves_every_file_byte_identical(data_dir, monkeypatch):
    """A disk error while writing the new files raises, and nothing changes."""
    before = snapshot(data_dir.path)
    proposal = check_upload(two_table_zip(data_dir), "x.zip", data_dir.path)
    calls = []
    real_write = publishing._write_durably

    def failing_write(path, data):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_write(path, data)

    monkeypatch.setattr(publishing, "_write_durably", failing_write)
    with pytest.raises(OSError):
        publishing.publish(data_dir.path, proposal.files, "ann", "", expected=proposal.base)
    monkeypatch.setattr(publishing, "_write_durably", real_write)
    assert snapshot(data_dir.path) == before
    publishing.recover(data_dir.path)
    assert not list(data_dir.path.glob(".*.new"))
    assert snapshot(data_dir.path) == before


def _apply_when_both_are_ready(data_dir: str, data: bytes, name: str, barrier, results) -> None:
    """Check a change, wait until the other process has checked its own, then apply."""
    proposal = check_upload(data, name, Path(data_dir))
    barrier.wait(timeout=60)
    try:
        version = publishing.publish(
            Path(data_dir),
            proposal.files,
            who=name,
            note="",
            rows_changed=row_counts(proposal.changes),
            expected=proposal.base,
        )
        results.put((name, "applied", version.number))
    except publishing.DataChangedError:
        results.put((name, "told", None))


def _places_with_note(data_dir: DataDir, note: str) -> bytes:
    rows = data_dir.rows("places")
    rows[0]["coordinates_note"] = note
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=data_dir.header("places"), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def test_two_processes_applying_at_once_one_wins_the_other_is_told(data_dir):
    """Both checked the same data; one change is applied, the other is refused, none is lost."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    results = context.Queue()
    changes = {
        "ann.csv": _places_with_note(data_dir, "Ann's note."),
        "bob.csv": _places_with_note(data_dir, "Bob's note."),
    }
    workers = [
        context.Process(
            target=_apply_when_both_are_ready,
            args=(str(data_dir.path), data, name, barrier, results),
        )
        for name, data in changes.items()
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    outcomes = sorted(results.get(timeout=5) for _ in workers)
    assert sorted(outcome for _, outcome, _ in outcomes) == ["applied", "told"]
    (winner,) = [name for name, outcome, _ in outcomes if outcome == "applied"]
    assert (data_dir.path / "places.csv").read_bytes() == changes[winner]
    versions = publishing.history(data_dir.path)
    assert [(v.number, v.who) for v in versions] == [(1, ""), (2, winner)]
    assert load_dataset(data_dir.path).ok


def _hold_the_lock(data_dir: str, seconds: float, ready) -> None:
    with publishing.data_lock(Path(data_dir)):
        ready.set()
        time.sleep(seconds)


def test_the_lock_is_shared_across_processes(data_dir):
    """While another process holds the lock, an apply waits, and gives up with BusyError."""
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    holder = context.Process(target=_hold_the_lock, args=(str(data_dir.path), 3.0, ready))
    holder.start()
    try:
        assert ready.wait(timeout=60)
        before = snapshot(data_dir.path)
        proposal = check_upload(_places_with_note(data_dir, "Waiting."), "p.csv", data_dir.path)
        started = time.monotonic()
        with pytest.raises(publishing.BusyError):
            with publishing.data_lock(data_dir.path, timeout=0.5):
                pass
        assert time.monotonic() - started >= 0.5
        assert snapshot(data_dir.path) == before
    finally:
        holder.join(timeout=30)
    # Once released, the apply goes through.
    version = publishing.publish(data_dir.path, proposal.files, "ann", "", expected=proposal.base)
    assert version.number == 2


def test_apply_refuses_when_the_data_changed_since_the_preview(data_dir):
    """An optimistic check: a preview made on older data is refused and writes nothing."""
    proposal = check_upload(_places_with_note(data_dir, "Mine."), "p.csv", data_dir.path)
    data_dir.set_cell("sources", 2, "publisher", "Someone else")
    changed = snapshot(data_dir.path)
    with pytest.raises(publishing.DataChangedError):
        publishing.publish(data_dir.path, proposal.files, "ann", "", expected=proposal.base)
    assert snapshot(data_dir.path) == changed
    assert publishing.history(data_dir.path) == []


def test_history_records_who_when_note_and_rows(data_dir):
    """Each version says who applied it, when, the note and the rows changed."""
    proposal = check_upload(two_table_zip(data_dir), "x.zip", data_dir.path)
    version = publishing.publish(
        data_dir.path,
        proposal.files,
        "ann",
        "Publisher confirmed",
        rows_changed=row_counts(proposal.changes),
        expected=proposal.base,
    )
    (initial, latest) = publishing.history(data_dir.path)
    assert initial.kind == "initial" and latest == version
    assert (latest.who, latest.note, latest.kind) == ("ann", "Publisher confirmed", "import")
    assert latest.rows_changed == {
        "sources": {"added": 0, "removed": 0, "changed": 1},
        "places": {"added": 0, "removed": 0, "changed": 1},
    }
    assert latest.when.endswith("+00:00")


def test_rollback_restores_files_byte_identical_as_a_new_version(data_dir):
    """Rolling back to version 1 gives back the exact bytes, recorded as version 3."""
    original = snapshot(data_dir.path)
    proposal = check_upload(two_table_zip(data_dir), "x.zip", data_dir.path)
    publishing.publish(data_dir.path, proposal.files, "ann", "", expected=proposal.base)
    assert snapshot(data_dir.path) != original
    version = publishing.rollback(data_dir.path, 1, "bob")
    assert snapshot(data_dir.path) == original
    assert (version.number, version.kind, version.restores, version.who) == (
        3,
        "rollback",
        1,
        "bob",
    )
    with pytest.raises(publishing.PublishError):
        publishing.rollback(data_dir.path, 1, "bob")  # already the same: nothing to do
    with pytest.raises(publishing.PublishError):
        publishing.rollback(data_dir.path, 99, "bob")


def test_history_can_live_in_a_configured_folder_beside_the_data(data_dir, monkeypatch, tmp_path):
    """PARTNERSHIP_HISTORY_DIR keeps the versions out of the data folder."""
    folder = tmp_path / "data-history"
    monkeypatch.setenv(publishing.HISTORY_DIR_VARIABLE, str(folder))
    proposal = check_upload(two_table_zip(data_dir), "x.zip", data_dir.path)
    publishing.publish(data_dir.path, proposal.files, "ann", "", expected=proposal.base)
    assert (folder / "versions").is_dir()
    assert not (data_dir.path / publishing.HISTORY_DIR_NAME).exists()


def test_unknown_or_empty_changes_are_refused(data_dir):
    with pytest.raises(publishing.PublishError):
        publishing.publish(data_dir.path, {}, "ann", "")
    with pytest.raises(publishing.PublishError):
        publishing.publish(data_dir.path, {"../evil.csv": b"x"}, "ann", "")
    assert publishing.history(data_dir.path) == []


def test_the_dashboard_finishes_an_interrupted_swap_before_showing_data(
    tmp_path, data_dir, expected_after, monkeypatch
):
    """A viewer's next page load completes a half-swapped apply: no page shows mixed files."""
    result = import_two_tables(tmp_path, data_dir, data_dir.path, "mid-swap")
    assert result.returncode == -9
    assert publishing.needs_recovery(data_dir.path)
    app = open_app(monkeypatch, data_dir.path)
    assert not app.exception
    assert snapshot(data_dir.path) == expected_after
    assert not publishing.needs_recovery(data_dir.path)


@pytest.mark.parametrize(
    ("command", "status"),
    [(["validate", "{data}"], 0), (["rollback", "99", "--data-dir", "{data}"], 1)],
)
def test_every_command_finishes_an_interrupted_swap_first(
    tmp_path, data_dir, expected_after, command, status
):
    """`partnership validate` (and a rollback that is refused) complete a half-swapped apply."""
    assert import_two_tables(tmp_path, data_dir, data_dir.path, "mid-swap").returncode == -9
    assert publishing.needs_recovery(data_dir.path)
    result = run_cli(*(part.format(data=data_dir.path) for part in command))
    assert result.returncode == status, result.stdout + result.stderr
    assert snapshot(data_dir.path) == expected_after
    assert not publishing.needs_recovery(data_dir.path)
