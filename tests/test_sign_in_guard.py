"""Wrong passwords are counted on the server, per name and per client, across processes and
page reloads; a pause refuses even the right password; a broken store lets nothing through."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import psycopg
import pytest
from streamlit.testing.v1 import AppTest

from components import editors, limits, sign_in_guard
from components.i18n import translate
from components.sign_in_guard import PostgresGuard, SqliteGuard
from scripts.local_postgres import free_port
from tests.conftest import REPO, DataDir, open_app

PASSWORD = "correct horse battery"
CLIENT = "198.51.100.7"


class Clock:
    """Wall-clock seconds that a test moves on by hand, instead of sleeping."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=["sqlite", "postgres"])
def guard(request, tmp_path: Path, clock: Clock) -> sign_in_guard.SignInGuard:
    """The policy holds the same in both stores: SQLite beside a data folder, and the
    PostgreSQL store that several servers share."""
    if request.param == "postgres":
        return PostgresGuard(request.getfixturevalue("postgres_url"), clock=clock)
    return SqliteGuard(tmp_path / "history" / sign_in_guard.DATABASE_NAME, clock=clock)


def _fail(
    guard: sign_in_guard.SignInGuard, times: int, name: str = "alice", client: str | None = CLIENT
):
    verdict = None
    for _ in range(times):
        verdict = guard.record_failure(name, client)
    return verdict


def test_five_failures_for_a_name_pause_it_for_a_minute(guard, clock):
    """The fifth failure within the window pauses the name (however it is spelt) for 60 s;
    after the pause it may try again."""
    assert _fail(guard, limits.SIGN_IN_NAME_FAILURES - 1).allowed
    verdict = guard.record_failure(" Alice ", "203.0.113.9")
    assert not verdict.allowed and verdict.wait_seconds == limits.SIGN_IN_FIRST_LOCKOUT_SECONDS
    assert verdict.wait_minutes == 1
    assert not guard.check_allowed("ALICE", None).allowed
    assert guard.check_allowed("bob", "203.0.113.9").allowed
    clock.now += limits.SIGN_IN_FIRST_LOCKOUT_SECONDS
    assert guard.check_allowed("alice", CLIENT).allowed


def test_each_further_pause_doubles_up_to_an_hour(guard, clock):
    """A failure right after a pause, with the earlier ones still in the window, pauses the
    name again for twice as long, never for more than the cap."""
    waits = []
    _fail(guard, limits.SIGN_IN_NAME_FAILURES - 1)
    for _ in range(9):
        verdict = guard.record_failure("alice", CLIENT)
        waits.append(verdict.wait_seconds)
        clock.now += verdict.wait_seconds
        assert guard.check_allowed("alice", CLIENT).allowed
    first = limits.SIGN_IN_FIRST_LOCKOUT_SECONDS
    assert waits[:4] == [first, 2 * first, 4 * first, 8 * first]
    assert max(waits) == limits.SIGN_IN_MAX_LOCKOUT_SECONDS == waits[-1]


def test_after_a_quiet_window_the_count_and_the_pause_start_again(guard, clock):
    """Failures and lockouts older than the window are forgotten."""
    _fail(guard, limits.SIGN_IN_NAME_FAILURES + 1)
    clock.now += 2 * limits.SIGN_IN_WINDOW_SECONDS + limits.SIGN_IN_MAX_LOCKOUT_SECONDS
    assert _fail(guard, limits.SIGN_IN_NAME_FAILURES - 1).allowed
    verdict = guard.record_failure("alice", CLIENT)
    assert verdict.wait_seconds == limits.SIGN_IN_FIRST_LOCKOUT_SECONDS


def test_twenty_failures_from_one_client_pause_every_name_it_tries(guard):
    """A client trying many names is paused as a client; another client is not."""
    for number in range(limits.SIGN_IN_CLIENT_FAILURES - 1):
        assert guard.record_failure(f"name{number}", CLIENT).allowed
    assert not guard.record_failure("one more", CLIENT).allowed
    assert not guard.check_allowed("never tried", CLIENT).allowed
    assert guard.check_allowed("never tried", "203.0.113.9").allowed


def test_unknown_addresses_share_one_count(guard):
    """Clients whose address the server does not know are counted together."""
    for number in range(limits.SIGN_IN_CLIENT_FAILURES):
        guard.record_failure(f"name{number}", None if number % 2 else "")
    assert not guard.check_allowed("someone", None).allowed


def test_a_success_clears_the_names_count_but_not_the_clients(guard):
    """After a right password the name starts from zero; the address keeps its failures."""
    _fail(guard, limits.SIGN_IN_NAME_FAILURES - 1)
    guard.record_success("Alice", CLIENT)
    assert _fail(guard, limits.SIGN_IN_NAME_FAILURES - 1).allowed
    for number in range(limits.SIGN_IN_CLIENT_FAILURES - 2 * (limits.SIGN_IN_NAME_FAILURES - 1)):
        guard.record_failure(f"other{number}", CLIENT)
    assert not guard.check_allowed("new name", CLIENT).allowed


_RECORD_FAILURES = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from components.sign_in_guard import PostgresGuard, SqliteGuard

    path, times, name, client = sys.argv[1:]
    guard = SqliteGuard(Path(path))
    for _ in range(int(times)):
        if guard.record_failure(name, client).unavailable:
            sys.exit("the counters were unavailable (see the log above)")
    """
)


def test_failures_counted_by_other_processes_pause_this_one(tmp_path):
    """Two processes (two servers) counting at once lose no failure; their counts pause the
    name and the address here."""
    path = tmp_path / "history" / sign_in_guard.DATABASE_NAME
    each = str(limits.SIGN_IN_CLIENT_FAILURES // 2)
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _RECORD_FAILURES, str(path), each, name, CLIENT], cwd=REPO
        )
        for name in ("alice", "bob")
    ]
    assert [process.wait(timeout=60) for process in processes] == [0, 0]
    with sqlite3.connect(path) as connection:
        (count,) = connection.execute(
            "SELECT COUNT(*) FROM failures WHERE key = ?", (sign_in_guard.client_key(CLIENT),)
        ).fetchone()
    assert count == limits.SIGN_IN_CLIENT_FAILURES
    here = SqliteGuard(path)
    assert not here.check_allowed("alice", "203.0.113.9").allowed
    assert not here.check_allowed("carol", CLIENT).allowed
    assert here.check_allowed("carol", "203.0.113.9").allowed


def test_a_store_that_cannot_be_used_refuses_every_try(tmp_path):
    """A damaged file, a folder that cannot hold it, or a database held by another writer
    refuse the try (never let it through) and raise nothing."""
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"this is not a database" * 100)
    (tmp_path / "taken").write_text("a file where the history folder should be")
    for guard in (SqliteGuard(damaged), SqliteGuard(tmp_path / "taken" / "sign-in.sqlite3")):
        assert guard.check_allowed("alice", CLIENT) == sign_in_guard.UNAVAILABLE
        assert guard.record_failure("alice", CLIENT) == sign_in_guard.UNAVAILABLE
        guard.record_success("alice", CLIENT)
    busy = SqliteGuard(tmp_path / "busy.sqlite3", timeout=0.1)
    assert busy.check_allowed("alice", CLIENT).allowed  # creates it
    holder = sqlite3.connect(busy.path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert busy.record_failure("alice", CLIENT).unavailable
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_each_refused_try_waits_a_second_and_a_little():
    """The wait is the delay plus a random part no larger than the jitter."""
    waited = []
    for _ in range(20):
        sign_in_guard.wait_after_failure(1.0, 0.25, sleep=waited.append)
    assert all(1.0 <= seconds <= 1.25 for seconds in waited)
    assert len(set(waited)) > 1


# The sign-in form on the Data page.


def _secrets_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "editors-secrets.toml"
    editors.add_editor("alice", PASSWORD, path)
    monkeypatch.setenv(editors.SECRETS_VARIABLE, str(path))
    return path


def _data_page(monkeypatch, data_dir: DataDir) -> AppTest:
    monkeypatch.setenv("PARTNERSHIP_HISTORY_DIR", str(data_dir.path.parent / "history"))
    monkeypatch.setattr(limits, "SIGN_IN_FAILURE_DELAY_SECONDS", 0.0)
    monkeypatch.setattr(limits, "SIGN_IN_FAILURE_JITTER_SECONDS", 0.0)
    app = open_app(monkeypatch, data_dir.path, "pages/data.py")
    assert not app.exception
    return app


def _sign_in(app: AppTest, name: str, password: str) -> None:
    app.text_input[0].input(name)
    app.text_input[1].input(password)
    (button,) = [b for b in app.button if b.label == translate("data.sign_in_button")]
    button.click()
    app.run()
    assert not app.exception


def _errors(app: AppTest) -> list[str]:
    return [element.value for element in app.error]


def test_a_reload_does_not_give_more_tries_and_the_right_password_waits(
    monkeypatch, tmp_path, data_dir
):
    """Failures of one session, and of scripts, pause the name for a new session too (a page
    reload): there the right password is refused with the pause, and the page stays a viewer's."""
    _secrets_file(tmp_path, monkeypatch)
    first = _data_page(monkeypatch, data_dir)
    _sign_in(first, "alice", "not the password")
    assert translate("data.sign_in_failed") in _errors(first)
    guard = sign_in_guard.guard_for(data_dir.path)
    for _ in range(limits.SIGN_IN_NAME_FAILURES - 1):
        guard.record_failure("alice", None)

    reloaded = _data_page(monkeypatch, data_dir)
    _sign_in(reloaded, "alice", PASSWORD)
    assert _errors(reloaded) == [translate("data.sign_in_paused", count=1)]
    assert translate("data.sign_in_failed") not in _errors(reloaded)
    assert len(reloaded.file_uploader) == 0


def test_the_pause_does_not_say_whether_the_name_exists(monkeypatch, tmp_path, data_dir):
    """A wrong password for an editor and any password for an unknown name read the same."""
    _secrets_file(tmp_path, monkeypatch)
    app = _data_page(monkeypatch, data_dir)
    _sign_in(app, "alice", "not the password")
    known = _errors(app)
    _sign_in(app, "mallory", "not the password")
    assert _errors(app) == known == [translate("data.sign_in_failed")]


def test_an_editor_added_by_the_command_signs_in_to_the_app(monkeypatch, tmp_path, data_dir):
    """The file PARTNERSHIP_SECRETS_FILE names is where the app finds its editors."""
    _secrets_file(tmp_path, monkeypatch)
    app = _data_page(monkeypatch, data_dir)
    _sign_in(app, "alice", PASSWORD)
    assert len(app.file_uploader) == 1


def test_a_sign_in_with_an_older_hash_stores_it_at_todays_cost(monkeypatch, tmp_path, data_dir):
    """The first sign-in after the cost was raised rewrites that editor's hash, and nothing
    else in the file."""
    path = tmp_path / "editors-secrets.toml"
    old_n = 2**14
    salt = b"sixteen byte slt"
    derived = editors.hashlib.scrypt(PASSWORD.encode(), salt=salt, n=old_n, r=8, p=1, dklen=32)
    old = f"scrypt${old_n}$8$1${editors._b64(salt)}${editors._b64(derived)}"
    path.write_text(
        f'# kept\n[other]\nkey = "value"\n\n[editors.passwords]\n"alice" = "{old}"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv(editors.SECRETS_VARIABLE, str(path))
    app = _data_page(monkeypatch, data_dir)
    _sign_in(app, "alice", PASSWORD)
    assert len(app.file_uploader) == 1
    text = path.read_text(encoding="utf-8")
    stored = editors.password_hashes(editors.read_secrets(path))["alice"]
    assert stored.startswith(f"scrypt${editors.SCRYPT_N}${editors.SCRYPT_R}${editors.SCRYPT_P}$")
    assert editors.verify_password(PASSWORD, stored) and old not in text
    assert text.startswith('# kept\n[other]\nkey = "value"\n')


def test_a_broken_editors_file_lets_nobody_in_and_says_so(monkeypatch, tmp_path, data_dir):
    """An unreadable secrets file is no editor at all, shown as a message, not a traceback."""
    path = tmp_path / "editors-secrets.toml"
    path.write_text('[editors.passwords]\n"alice" = \n', encoding="utf-8")
    monkeypatch.setenv(editors.SECRETS_VARIABLE, str(path))
    app = _data_page(monkeypatch, data_dir)
    assert _errors(app) == [translate("data.editors_unreadable")]
    assert len(app.text_input) == 0


def test_two_servers_counting_in_postgres_lose_no_failure(postgres_url):
    """Two servers (two connections, at the same moment) both count; every failure is kept,
    and the client is paused for both."""
    each = limits.SIGN_IN_CLIENT_FAILURES // 2
    start = threading.Barrier(2)
    verdicts: list[sign_in_guard.Verdict] = []

    def server(name: str) -> None:
        guard = PostgresGuard(postgres_url)
        start.wait()
        verdicts.extend(guard.record_failure(name, CLIENT) for _ in range(each))

    threads = [threading.Thread(target=server, args=(name,)) for name in ("alice", "bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(verdict.unavailable for verdict in verdicts)
    with psycopg.connect(postgres_url) as connection:
        (count,) = connection.execute(
            "SELECT count(*) FROM partnership_sign_in_failures WHERE key = %s",
            (sign_in_guard.client_key(CLIENT),),
        ).fetchone()
    assert count == 2 * each
    assert not PostgresGuard(postgres_url).check_allowed("carol", CLIENT).allowed


def test_a_postgres_store_that_cannot_be_reached_or_is_held_refuses_every_try(postgres_url):
    """No server at the address, or the counters held by another writer for longer than the
    timeout: the try is refused, nothing is raised."""
    nowhere = PostgresGuard(f"postgresql://partnership@127.0.0.1:{free_port()}/x", timeout=1)
    assert nowhere.check_allowed("alice", CLIENT) == sign_in_guard.UNAVAILABLE
    assert nowhere.record_failure("alice", CLIENT) == sign_in_guard.UNAVAILABLE
    nowhere.record_success("alice", CLIENT)

    held = PostgresGuard(postgres_url, timeout=0.5)
    assert held.check_allowed("alice", CLIENT).allowed  # creates the tables
    with psycopg.connect(postgres_url) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (PostgresGuard.WRITE_LOCK,))
        assert held.record_failure("alice", CLIENT).unavailable
        holder.execute("SELECT pg_advisory_unlock(%s)", (PostgresGuard.WRITE_LOCK,))
    assert held.record_failure("alice", CLIENT).allowed


def test_a_server_opening_the_counters_while_another_writes_waits_for_it(tmp_path):
    """SQLite refuses a change of journal mode at once, without its busy timeout, while another
    process holds the write lock (seen in a test run as "database is locked" when two servers
    started together): the guard waits for the lock instead of failing closed."""
    path = tmp_path / "history" / sign_in_guard.DATABASE_NAME
    path.parent.mkdir()
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("CREATE TABLE held (a)")
    release = threading.Timer(0.5, lambda: holder.execute("COMMIT"))
    release.start()
    try:
        assert not SqliteGuard(path).record_failure("alice", CLIENT).unavailable
    finally:
        release.join()
        holder.close()
