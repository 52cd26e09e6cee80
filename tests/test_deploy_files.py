"""The deployment files that cannot run here (no container engine) stay in step with the
commands the local cluster runs and its tests exercise."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import yaml

from scripts.cluster import SHARED_SETTINGS, nginx_config, server_command
from tests.conftest import REPO

DEPLOY = REPO / "docs" / "deploy"


def _compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def _dockerfile() -> str:
    return (DEPLOY / "Dockerfile").read_text(encoding="utf-8")


def test_the_shipped_nginx_config_is_the_clusters_with_the_compose_servers():
    compose = _compose()
    upstreams = ["dashboard-a:8501", "dashboard-b:8501"]
    for address in upstreams:
        assert address.split(":")[0] in compose["services"]
    expected = nginx_config("8080", upstreams, Path("/var/log/nginx"), Path("/tmp"))
    assert (DEPLOY / "nginx.conf").read_text(encoding="utf-8") == expected


def test_the_dockerfile_starts_each_server_as_the_cluster_does():
    (cmd,) = re.findall(r"^CMD (\[.*\])$", _dockerfile(), re.MULTILINE)
    assert json.loads(cmd) == server_command("0.0.0.0", 8501)


def test_the_dockerfile_installs_declared_extras_and_copies_what_exists():
    extras = tomllib.loads((REPO / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    (installed,) = re.findall(r"pip install --no-cache-dir '\.\[([a-z,]+)\]'", _dockerfile())
    assert set(installed.split(",")) == {"postgres", "auth"} <= set(extras)
    for line in re.findall(r"^COPY (.+)$", _dockerfile(), re.MULTILINE):
        *sources, _target = line.split()
        for source in sources:
            assert (REPO / source).exists(), source


def test_every_server_in_compose_gets_the_settings_the_cluster_shares():
    services = _compose()["services"]
    servers = [name for name in services if name.startswith("dashboard-")]
    assert len(servers) == 2
    for name in servers:
        assert set(SHARED_SETTINGS) <= set(services[name]["environment"]), name
    assert all(port.startswith("127.0.0.1:") for port in services["nginx"]["ports"])


def test_no_secret_is_written_into_the_deploy_files():
    for path in DEPLOY.iterdir():
        text = path.read_text(encoding="utf-8")
        for value in re.findall(r"[A-Z_]*(?:PASSWORD|SECRET):\s*(\S+)", text):
            assert value.startswith("${"), (path.name, value)
