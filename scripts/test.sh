#!/usr/bin/env bash
# Runs the whole test suite: Swift tests (SQLite always; PostgreSQL when RECOUP_TEST_POSTGRES_URL is set) and the
# Python end-to-end checks against the built `recoup` binary. Used by the README and by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== swift build"
swift build --build-tests

echo "== swift test"
swift test --skip-build 2>&1 | tee .build/swift-test.log
# swift test exits non-zero on failure (set -o pipefail keeps that).

echo "== end-to-end (pytest)"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install -q -r e2e/requirements.txt
RECOUP_BIN="$PWD/.build/debug/recoup" .venv/bin/python -m pytest -q e2e
