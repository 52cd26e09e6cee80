"""A throw-away PostgreSQL server from Debian's packages, for the tests and the local cluster.

It lives in a folder of its own, answers only on 127.0.0.1 (and a socket in that folder), trusts
whoever connects (which is why it must never listen elsewhere) and is removed when stopped.
`initdb` refuses to run as root, so as root the server runs as the `postgres` user the Debian
package creates.

    with LocalPostgres() as server:
        connect(server.url)
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

BIN = Path("/usr/lib/postgresql/15/bin")
ROLE = "partnership"
DATABASE = "partnership"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalPostgres:
    def __init__(self, folder: Path | None = None, port: int | None = None) -> None:
        self.folder = Path(folder or tempfile.mkdtemp(prefix="partnership-postgres-"))
        self.port = port or free_port()
        self._as_postgres = os.geteuid() == 0

    @property
    def url(self) -> str:
        return f"postgresql://{ROLE}@127.0.0.1:{self.port}/{DATABASE}"

    @property
    def _data(self) -> Path:
        return self.folder / "data"

    def _run(self, *arguments: str) -> None:
        completed = subprocess.run(
            [str(BIN / arguments[0]), *arguments[1:]],
            user="postgres" if self._as_postgres else None,
            capture_output=True,
            text=True,
            check=False,
            cwd=self.folder,
        )
        if completed.returncode != 0:
            log = self.folder / "log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            failure = f"{arguments[0]} failed ({completed.returncode})"
            raise RuntimeError(f"{failure}: {completed.stderr.strip()}\n{tail}")

    def _ctl(self, action: str, *extra: str) -> None:
        options = f"-k {self.folder} -c listen_addresses=127.0.0.1 -p {self.port}"
        self._run("pg_ctl", "-D", str(self._data), "-o", options, "-l", "log", "-w", action, *extra)

    def start(self) -> LocalPostgres:
        if not (BIN / "initdb").exists():
            raise RuntimeError(
                "PostgreSQL 15 is not installed: run ./scripts/install-system-deps.sh "
                "(apt-get install postgresql)."
            )
        if self._as_postgres:
            postgres = pwd.getpwnam("postgres")
            os.chown(self.folder, postgres.pw_uid, postgres.pw_gid)
        if not self._data.exists():
            self._run("initdb", "-D", str(self._data), "-A", "trust", "-U", ROLE, "-E", "UTF8")
            self._ctl("start")
            self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", ROLE, DATABASE)
        else:
            self._ctl("start")
        return self

    def stop(self, mode: str = "fast") -> None:
        if (self._data / "postmaster.pid").exists():
            self._ctl("stop", "-m", mode)

    def restart(self) -> None:
        self.stop()
        self.start()

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> LocalPostgres:
        try:
            return self.start()
        except BaseException:
            self.remove()
            raise

    def __exit__(self, *_exc: object) -> None:
        self.remove()
