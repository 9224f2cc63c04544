#!/usr/bin/env bash
# Builds the documentation site and checks it (also run by .ci/run):
#   1. installs the `docs` extra (pinned Sphinx, furo, MyST, sphinx-argparse) into .venv;
#   2. sphinx-build -b dirhtml -W --keep-going -n (nitpicky: every cross-reference must resolve;
#      any warning fails) into docs/_build/html;
#   3. checks every internal link and image of the built HTML (scripts/docs_links.py: href/src to
#      a page, file or #anchor of the site; external links are not fetched: CI has no network);
#   4. runs tests/test_docs.py (the API reference covers each module's __all__, every public
#      method and every CLI option) and tests/test_docs_examples.py (every example runs).
# Extra arguments go to pytest. CCL_DOCS_OUT overrides the output directory.
set -euo pipefail
cd "$(dirname "$0")/.."
V=.venv/bin
OUT="${CCL_DOCS_OUT:-docs/_build/html}"
# The pinned `docs` extra, read from pyproject.toml (one place for the pins).
mapfile -t reqs < <("$V/python" - <<'PY'
import tomllib
with open("pyproject.toml", "rb") as f:
    for r in tomllib.load(f)["project"]["optional-dependencies"]["docs"]:
        print(r)
PY
)
"$V/python" -m pip install -q --disable-pip-version-check "${reqs[@]}"
echo "docs: building $OUT"
rm -rf "$OUT"
"$V/python" -m sphinx -b dirhtml -W --keep-going -n -q docs "$OUT"
echo "docs: checking internal links"
"$V/python" scripts/docs_links.py "$OUT"
echo "docs: API coverage and examples"
CCL_DOCS_HTML="$OUT" bash scripts/test.sh -q tests/test_docs.py tests/test_docs_examples.py "$@"
