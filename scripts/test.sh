#!/usr/bin/env bash
# Runs the test suite against the ccl installed in .venv (scripts/setup.sh). Extra arguments go to
# pytest, e.g. `bash scripts/test.sh -m slow` for the long variants.
set -uo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -m pytest -ra "$@"
rc=$?
if [ "$rc" -eq 5 ]; then
  # pytest's "no tests collected": for this project that is a broken test tree, not a pass.
  echo "test: pytest collected no tests; failing on purpose" >&2
  exit 1
fi
exit "$rc"
