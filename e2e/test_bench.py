"""The benchmark commands still run and print what their targets are judged on: `recoup bench import` against
sqlite3 .import and psql \\copy (ratios, rows/s, peak memory), `recoup bench dispatch` against each sink's ceiling.
Small sizes: this checks the commands, not the figures (docs/placement-format.md and docs/outbox.md hold those)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path


def test_bench_import_compares_both_databases_with_their_own_loaders(recoup_bin: Path, tmp_path: Path, postgres_database: str) -> None:
    result = subprocess.run([str(recoup_bin), "bench", "import", "--rows", "2000", "--work-dir", str(tmp_path / "work"),
                             "--postgres", postgres_database], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "generated 2000 rows" in out, out
    for database, loader in (("SQLite", "sqlite3 .import"), ("PostgreSQL", "psql \\copy")):
        line = next(line for line in out.splitlines() if line.startswith(database + ":"))
        assert loader in line and re.search(r"ratio \d+\.\d+×", line) and re.search(r"\d+ MB peak", line), line
    assert not (tmp_path / "work").exists(), "the work folder is removed unless --keep"


def test_bench_dispatch_measures_each_sink_against_its_ceiling(recoup_bin: Path, tmp_path: Path) -> None:
    result = subprocess.run([str(recoup_bin), "bench", "dispatch", "--accounts", "300", "--ceiling-messages", "200",
                             "--work-dir", str(tmp_path / "work")], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    for channel in ("email", "sms"):
        assert re.search(rf"^{channel}: \d+ queued; \d+ sent", out, re.MULTILINE), out
    assert len(re.findall(r"ratio: \d+\.\d+% of the ceiling", out)) == 2, out
    assert len(re.findall(r"CPU per message .*: \d+ µs dispatched, \d+ µs by the minimal sender", out)) == 2, out
