"""Shared helpers for the end-to-end tests: the built `recoup` binary and throwaway data folders."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def recoup_bin() -> Path:
    """The binary under test (RECOUP_BIN); missing fails in CI and skips locally, with the reason."""
    path = Path(os.environ.get("RECOUP_BIN", ROOT / ".build/debug/recoup"))
    if not path.exists():
        message = f"recoup binary not found at {path}: run `swift build` first"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
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
