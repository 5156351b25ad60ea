"""A throwaway PostgreSQL server for the store tests: initdb in a temporary directory, on
127.0.0.1 and a free port, stopped and removed at the end of the session."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

SUPERUSER = "historiograph"


def postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def as_postgres(command: list) -> list[str]:
    """PostgreSQL refuses to run as root: root runs it as the `postgres` system user."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return prefix + [str(part) for part in command]


@pytest.fixture(scope="session")
def postgres_server():
    """The admin URL of a running throwaway cluster."""
    bindir = postgres_bin()
    if bindir is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is not installed; .ci/run installs it (requirements/system-test.txt)")
        pytest.skip("PostgreSQL binaries not found under /usr/lib/postgresql")
    root = Path(tempfile.mkdtemp(prefix="historiograph-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    data, port = root / "data", free_port()
    subprocess.run(as_postgres([bindir / "initdb", "-D", data, "-U", SUPERUSER, "--auth=trust", "-E", "UTF8",
                                "--no-sync"]), check=True, capture_output=True)
    options = f"-h 127.0.0.1 -p {port} -k {root} -c fsync=off"
    subprocess.run(as_postgres([bindir / "pg_ctl", "-D", data, "-o", options, "-l", root / "log", "-w", "start"]),
                   check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{port}"
    finally:
        subprocess.run(as_postgres([bindir / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"]), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server):
    """A fresh, empty database on the session's server."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(f"{postgres_server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{postgres_server}/{name}"
