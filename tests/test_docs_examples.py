"""Every code example of the documentation site runs, against the real libccl.

Each page of ``docs/`` becomes one script, run in a fresh temporary directory: its ```python
blocks verbatim and in order (so a page reads like one session), its ```bash blocks that run a
``ccl`` command through ``bash -euo pipefail`` at their place. Shell blocks that install or build
(pip, scripts/) are written ```sh and only shown. A renamed argument or a changed output breaks
this test, and so the docs build (scripts/docs.sh runs it).

The fence parser is hand-written (a few lines; the docs extra's markdown-it is not needed to run
the suite) and checked against markdown-it when that is installed (``test_parser_agrees``).
"""

import os
import re
import subprocess
import sys
import textwrap

import pytest
from support.interpreter import absent_in_traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = os.path.join(ROOT, "docs")
SKIP_DIRS = {"_build", "generated", "_ext", "_static"}
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^\n`]*)$")
# A bash block is run when a command line of it starts with `ccl` (also as `X=$(ccl ...`).
CCL_LINE = re.compile(r"^\s*(?:[A-Za-z_]\w*=\$\()?ccl\s", re.M)


def pages():
    out = []
    for d, dirs, files in os.walk(DOCS):
        dirs[:] = sorted(x for x in dirs if x not in SKIP_DIRS)
        out += [os.path.join(d, f) for f in sorted(files) if f.endswith(".md")]
    return out


def fences(text):
    """[(info, code, line)] of the fenced code blocks of a Markdown text (CommonMark fences)."""
    blocks, lines, i = [], text.splitlines(), 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, info, start = m.group("fence"), m.group("info").strip(), i
        body, i = [], i + 1
        while i < len(lines):
            close = FENCE.match(lines[i])
            if (
                close
                and close.group("fence")[0] == fence[0]
                and len(close.group("fence")) >= len(fence)
                and not close.group("info").strip()
            ):
                break
            body.append(lines[i])
            i += 1
        blocks.append(
            (info.split()[0] if info else "", textwrap.dedent("\n".join(body)), start + 1)
        )
        i += 1
    return blocks


def runnable(path):
    """(python_blocks, bash_blocks, script) of one page; script is None when nothing runs."""
    with open(path, encoding="utf-8") as f:
        blocks = fences(f.read())
    parts, n_py, n_sh = [], 0, 0
    for info, code, line in blocks:
        rel = f"{os.path.relpath(path, ROOT)}:{line}"
        if info == "python":
            n_py += 1
            parts.append(f"# --- {rel}\n{code}\n")
        elif info == "bash" and CCL_LINE.search(code):
            n_sh += 1
            parts.append(f"# --- {rel}\n_sh({code!r}, {rel!r})\n")
    if not parts:
        return n_py, n_sh, None
    prelude = (
        "import subprocess as _subprocess\n"
        "def _sh(code, where):\n"
        "    r = _subprocess.run(['bash', '-euo', 'pipefail', '-c', code])\n"
        "    if r.returncode:\n"
        "        raise SystemExit(f'{where}: the shell block exited {r.returncode}')\n"
    )
    return n_py, n_sh, prelude + "\n".join(parts)


PAGES = [p for p in pages() if runnable(p)[2] is not None]


def test_examples_exist():
    """The site has runnable examples on every guide (a parser that found none would pass all)."""
    guides = [p for p in pages() if os.sep + "guides" + os.sep in p]
    assert guides, "no guides found under docs/guides"
    for g in guides:
        n_py, n_sh, _ = runnable(g)
        assert n_py + n_sh > 0 or g.endswith("benchmarking.md"), f"{g} has no runnable example"
    total = sum(sum(runnable(p)[:2]) for p in pages())
    assert total >= 20, total


@pytest.mark.parametrize("page", PAGES, ids=[os.path.relpath(p, DOCS) for p in PAGES])
def test_page_examples_run(page, tmp_path):
    _, _, script = runnable(page)
    (tmp_path / "page_examples.py").write_text(script)
    env = dict(os.environ)
    # `ccl` in the shell blocks is this interpreter's (the venv under test).
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env.pop("PYTHONPATH", None)
    r = subprocess.run(
        [sys.executable, "page_examples.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )
    absent = absent_in_traceback(r.stderr) if r.returncode else None
    if absent:
        pytest.skip(f"{absent} does not install on free-threaded CPython")
    assert r.returncode == 0, (
        f"{page}:\n--- stdout\n{r.stdout[-3000:]}\n--- stderr\n{r.stderr[-5000:]}"
    )


def test_parser_agrees():
    """The hand-written fence parser finds what markdown-it (MyST's parser) finds."""
    markdown_it = pytest.importorskip("markdown_it")
    md = markdown_it.MarkdownIt("commonmark")
    for p in pages():
        with open(p, encoding="utf-8") as f:
            text = f.read()
        theirs = [
            ((t.info.split() or [""])[0], t.content.rstrip("\n"))
            for t in md.parse(text)
            if t.type == "fence"
        ]
        ours = [(info, code.rstrip("\n")) for info, code, _ in fences(text)]
        assert [i for i, _ in ours] == [i for i, _ in theirs], p
        assert [c for _, c in ours] == [textwrap.dedent(c) for _, c in theirs], p
