"""Shared helpers for the end-to-end tests: the built `recoup` binary and throwaway data folders."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent


def unavailable(message: str):
    """A tool or server a test needs is missing: a failure in CI, which always provides it; a skip with the reason
    elsewhere."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def pdftotext_path() -> str:
    """The pdftotext of poppler-utils, which letter tests read PDFs with."""
    path = shutil.which("pdftotext")
    if path is None:
        unavailable("pdftotext not installed (CI installs poppler-utils)")
    return path


@pytest.fixture
def postgres_database():
    """A scratch PostgreSQL database on the test server (RECOUP_TEST_POSTGRES_URL), dropped afterwards."""
    import uuid

    url = os.environ.get("RECOUP_TEST_POSTGRES_URL")
    if not url or shutil.which("psql") is None:
        unavailable("RECOUP_TEST_POSTGRES_URL not set or psql missing: PostgreSQL not tested here")
    name = f"recoup_e2e_{uuid.uuid4().hex[:10]}"
    subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    base, _, query = url.partition("?")
    yield base.rsplit("/", 1)[0] + "/" + name + ("?" + query if query else "")
    subprocess.run(["psql", url, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], capture_output=True)


@pytest.fixture(scope="session")
def recoup_bin() -> Path:
    """The binary under test (RECOUP_BIN); missing fails in CI and skips locally, with the reason."""
    path = Path(os.environ.get("RECOUP_BIN", ROOT / ".build/debug/recoup"))
    if not path.exists():
        unavailable(f"recoup binary not found at {path}: run `swift build` first")
    return path


@pytest.fixture
def recoup(recoup_bin: Path, tmp_path: Path):
    """Runs `recoup ARGS…` on a fresh SQLite data folder; returns the CompletedProcess."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["RECOUP_DATA_DIR"] = str(tmp_path / "data")

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([str(recoup_bin), *args], capture_output=True, text=True, env=env, timeout=300)
        if check and result.returncode != 0:
            raise AssertionError(f"recoup {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
        return result

    run.data_dir = tmp_path / "data"  # type: ignore[attr-defined]
    run.env = env  # type: ignore[attr-defined]
    return run


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def business_afternoon_offset() -> str:
    """Seconds from now to the next Wednesday 18:00 UTC: within the call window in every US zone, so the compliance
    answers do not depend on when the suite runs."""
    now = dt.datetime.now(dt.timezone.utc)
    target = (now + dt.timedelta(days=(2 - now.weekday()) % 7 or 7)).replace(hour=18, minute=0, second=0, microsecond=0)
    return str(int((target - now).total_seconds()))


class RunningServer:
    """A `recoup serve` process on a free port, and the API called the way an operator's client would."""

    def __init__(self, process: subprocess.Popen[str], base: str, data_dir: Path) -> None:
        self.process, self.base, self.data_dir = process, base, data_dir

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        """One API call with the demo administrator's key; answers (status, parsed JSON or {} for 204)."""
        key = (self.data_dir / "demo-admin.key").read_text().strip()
        request = urllib.request.Request(self.base + path, method=method, data=json.dumps(body).encode() if body else None,
                                         headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, (json.load(response) if response.status != 204 else {})
        except urllib.error.HTTPError as error:
            return error.code, json.load(error)


@contextmanager
def serving(recoup_bin: Path, env: dict[str, str], *args: str):
    """Starts `recoup serve ARGS… --port P` with RECOUP_PUBLIC_URL pointing at it, waits until /health answers,
    yields a RunningServer, and on the way out stops it with SIGTERM and checks it shut down gracefully."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen([str(recoup_bin), "serve", *args, "--port", str(port)], env=dict(env, RECOUP_PUBLIC_URL=base),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for _ in range(600):
            try:
                with urllib.request.urlopen(base + "/health", timeout=1):
                    break
            except OSError:
                if process.poll() is not None:
                    raise AssertionError(process.stdout.read())
                time.sleep(0.2)
        yield RunningServer(process, base, Path(env["RECOUP_DATA_DIR"]))
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert process.returncode == 0, "graceful shutdown on SIGTERM"


class Sink:
    """Keeps every message the SMTP server accepts, parsed."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.arrived: list[float] = []  # time.monotonic() of each message
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
            self.arrived.append(time.monotonic())
        return "250 OK"

    def ids(self) -> list[str]:
        with self.lock:
            return [str(m["Message-ID"]) for m in self.messages]


@pytest.fixture
def smtp_sink():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    sink.url = f"smtp://127.0.0.1:{port}"  # type: ignore[attr-defined]
    yield sink
    controller.stop()
