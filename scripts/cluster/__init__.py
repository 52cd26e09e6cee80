"""A local cluster, for trying the several-server setup and for its tests: PostgreSQL (its own
data folder, from Debian's packages), two Streamlit servers of the dashboard on the PostgreSQL
store, and nginx in front with sticky sessions and websockets, everything on 127.0.0.1.

    make cluster            # or: .venv/bin/python -m scripts.cluster --port 8080

The first start moves the shipped data (or --data) into the database; later starts keep what
the database holds. Every server gets the same cookie secret, generated into the cluster's
folder on the first start (never committed: the folder is in .gitignore).
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from scripts.local_postgres import LocalPostgres, free_port

REPO = Path(__file__).resolve().parents[2]
NGINX = Path("/usr/sbin/nginx")
NGINX_TEMPLATE = Path(__file__).with_name("nginx.conf")
SERVERS = 2
START_TIMEOUT_SECONDS = 60


def nginx_config(listen: str, upstreams: list[str], logs: Path, run: Path) -> str:
    """The shipped nginx configuration with these addresses ("host:port") and folders."""
    servers = "\n".join(f"        server {address};" for address in upstreams)
    text = NGINX_TEMPLATE.read_text(encoding="utf-8")
    for placeholder, value in {
        "@LISTEN@": listen,
        "@UPSTREAMS@": servers,
        "@LOGS@": str(logs),
        "@RUN@": str(run),
    }.items():
        text = text.replace(placeholder, value)
    return text


def server_command(address: str, port: int) -> list[str]:
    """How each dashboard server is started (from the repository's folder): the same here, in
    docs/deploy/Dockerfile and on the council's machines."""
    return [
        "streamlit",
        "run",
        "app.py",
        "--server.address",
        address,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
    ]


# What every server is given besides its own settings (see server_environment).
SHARED_SETTINGS = ("PARTNERSHIP_STORE", "STREAMLIT_SERVER_COOKIE_SECRET")


def _wait_until_healthy(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited ({process.returncode}):\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"{url} did not answer within {START_TIMEOUT_SECONDS} s")


class Cluster:
    def __init__(
        self,
        folder: Path | None = None,
        port: int | None = None,
        data_dir: Path | None = None,
        servers: int = SERVERS,
        environment: dict[str, str] | None = None,
        server_environments: dict[int, dict[str, str]] | None = None,
    ) -> None:
        self.temporary = folder is None
        self.folder = Path(folder or tempfile.mkdtemp(prefix="partnership-cluster-")).resolve()
        self.port = port or free_port()
        self.data_dir = Path(data_dir or REPO / "data")
        self.server_ports = [free_port() for _ in range(servers)]
        self.environment = environment or {}
        # Settings for one server only (the tests' crash switch), by its number.
        self.server_environments = server_environments or {}
        self.postgres = LocalPostgres(self.folder / "postgres", self._postgres_port())
        self.servers: list[subprocess.Popen] = []
        self.nginx: subprocess.Popen | None = None
        self._logs: list = []  # the processes' log files, closed when they stop

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def server_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.server_ports]

    @property
    def access_log(self) -> Path:
        return self.folder / "nginx" / "logs" / "access.log"

    def _postgres_port(self) -> int:
        # Kept between starts of the same cluster folder, so its URL stays the same.
        record = self.folder / "postgres-port"
        if record.exists():
            return int(record.read_text())
        self.folder.mkdir(parents=True, exist_ok=True)
        port = free_port()
        record.write_text(str(port))
        return port

    def _cookie_secret(self) -> str:
        path = self.folder / "cookie-secret"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(32))
            path.chmod(0o600)
        return path.read_text().strip()

    def start(self) -> Cluster:
        self.folder.mkdir(parents=True, exist_ok=True)
        # PostgreSQL (as the postgres user) and nginx's workers (as nobody) pass through it;
        # the secrets inside are readable by their owner only.
        self.folder.chmod(0o755)
        (self.folder / "postgres").mkdir(exist_ok=True)
        self.postgres.start()
        self._fill_store()
        self._cookie_secret()  # made once, before any server reads it
        for number, port in enumerate(self.server_ports):
            self.servers.append(self._start_server(number, port))
        for number, (url, process) in enumerate(zip(self.server_urls, self.servers, strict=True)):
            _wait_until_healthy(f"{url}/_stcore/health", process, self.server_log(number))
        self._start_nginx()
        return self

    def _fill_store(self) -> None:
        from components.postgres_store import PostgresStore

        store = PostgresStore(self.postgres.url)
        if store.current_number() is None:
            store.import_folder(self.data_dir)

    def server_log(self, number: int) -> Path:
        return self.folder / f"server-{number}.log"

    def server_environment(self, number: int = 0) -> dict[str, str]:
        return {
            **os.environ,
            "PARTNERSHIP_STORE": self.postgres.url,
            # The same secret on every server, so a signed-in cookie is valid on all of them.
            "STREAMLIT_SERVER_COOKIE_SECRET": self._cookie_secret(),
            **self.environment,
            **self.server_environments.get(number, {}),
        }

    def _start_server(self, number: int, port: int) -> subprocess.Popen:
        log = self.server_log(number).open("w")
        self._logs.append(log)
        return subprocess.Popen(
            [sys.executable, "-m", *server_command("127.0.0.1", port)],
            cwd=REPO,
            env=self.server_environment(number),
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def _start_nginx(self) -> None:
        if not NGINX.exists():
            raise RuntimeError("nginx is not installed: run ./scripts/install-system-deps.sh")
        prefix = self.folder / "nginx"
        logs, run = prefix / "logs", prefix / "run"
        logs.mkdir(parents=True, exist_ok=True)
        run.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            # nginx's workers run as "nobody": they must reach the folders nginx made for them.
            for path in (prefix, run):
                path.chmod(0o755)
            nobody = pwd.getpwnam("nobody")
            os.chown(run, nobody.pw_uid, nobody.pw_gid)
        config = prefix / "nginx.conf"
        upstreams = [f"127.0.0.1:{port}" for port in self.server_ports]
        config.write_text(nginx_config(f"127.0.0.1:{self.port}", upstreams, logs, run))
        output = (logs / "nginx.out").open("w")
        self._logs.append(output)
        self.nginx = subprocess.Popen(
            [str(NGINX), "-p", str(prefix), "-c", str(config), "-g", "daemon off;"],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        _wait_until_healthy(f"{self.url}/_stcore/health", self.nginx, logs / "error.log")

    def kill_server(self, number: int) -> None:
        """SIGKILL one Streamlit server (the tests' crash)."""
        self.servers[number].kill()
        self.servers[number].wait(timeout=30)

    def stop(self) -> None:
        for process in [self.nginx, *self.servers]:
            if process is not None and process.poll() is None:
                process.terminate()
        for process in [self.nginx, *self.servers]:
            if process is not None:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=20)
        for log in self._logs:
            log.close()
        self._logs.clear()
        if self.temporary:
            self.postgres.remove()
            shutil.rmtree(self.folder, ignore_errors=True)
        else:
            self.postgres.stop()

    def __enter__(self) -> Cluster:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *_exc: object) -> None:
        self.stop()
