"""Every example in `ccl <command> --help` and in the README's main-job section runs (issue #12:
example 4 of the old --help failed). Placeholders are filled with real values made by ccl itself
(an acct_xvk, addresses), counts above 5,000 are capped to keep the run short, and each command
must exit 0 except `ccl find` of an address that is deliberately absent (none is)."""

import os
import re
import subprocess
import sys

import pytest
from support.data import MNEMONIC_24

from ccl import Network

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)  # the venv's bin/, where the `ccl` entry point is
COMMANDS = ("addresses", "verify", "find", "keys")
MAX_COUNT = 5000


def _commands(text):
    """Shell commands of an examples text: lines starting with `ccl ` or `cat ... | ccl `,
    joined over trailing backslashes, with trailing `# comments` removed."""
    out, cur = [], None
    for raw in text.splitlines():
        line = raw.strip()
        if cur is None:
            if not (line.startswith("ccl ") or re.match(r"^cat \S+ \| ccl ", line)):
                continue
            cur = ""
        cont = line.endswith("\\")
        cur += line[:-1] + " " if cont else line
        if not cont:
            out.append(re.sub(r"\s+#.*$", "", cur).strip())
            cur = None
    return out


def help_examples():
    found = []
    for cmd in COMMANDS:
        text = subprocess.run(
            [sys.executable, "-m", "ccl", cmd, "--help"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        epilog = text.split("examples:", 1)[1]
        found += [(cmd, c) for c in _commands(epilog)]
    return found


def readme_examples():
    text = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    section = text.split("### The main job", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, re.S)
    return [("README", c) for b in blocks for c in _commands(b)]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory, lib):
    """A directory with what the examples refer to: phrase.txt, pass.txt, addrs.csv (mainnet,
    account 0), deposit.csv / deposit.txt (watch-only), and the values for the placeholders."""
    from ccl.hd import AccountKey

    d = tmp_path_factory.mktemp("examples")
    (d / "phrase.txt").write_text(MNEMONIC_24 + "\n")
    (d / "pass.txt").write_text("correct horse\n")
    with AccountKey.from_mnemonic(MNEMONIC_24, 0) as k:
        xvk = k.public_key().to_bech32()
        base = k.addresses(Network.MAINNET, 42, 1)[0]
    with AccountKey.from_mnemonic(MNEMONIC_24, 3) as k:
        ent = k.addresses(Network.MAINNET, 7, 1, kind="enterprise")[0]
    run = [sys.executable, "-m", "ccl", "addresses", "--network", "mainnet"]
    subprocess.run(
        [
            *run,
            "--mnemonic-file",
            "phrase.txt",
            "--count",
            "2000",
            "--format",
            "csv",
            "--out",
            "addrs.csv",
        ],
        cwd=d,
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [*run, "--account-key", xvk, "--start", "5000", "--count", "100", "--out", "deposit.txt"],
        cwd=d,
        check=True,
        capture_output=True,
    )
    return d, {"acct_xvk1...": xvk, "addr1q...": base, "addr1v...": ent}


def _prepare(cmd, values):
    for k, v in values.items():
        cmd = cmd.replace(k, v)
    cmd = re.sub(r"--count (\d+)", lambda m: f"--count {min(int(m[1]), MAX_COUNT)}", cmd)
    return cmd


HELP = help_examples()
README = readme_examples()


def test_examples_were_found():
    assert {k for k, _ in HELP} == set(COMMANDS)
    assert len(HELP) >= 8 and len(README) >= 5


def _run(cmd, cwd):
    env = dict(os.environ, PATH=BIN + os.pathsep + os.environ.get("PATH", ""))
    proc = subprocess.run(
        ["bash", "-o", "pipefail", "-c", cmd],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, f"{cmd}\n{proc.stderr}"
    assert "Traceback" not in proc.stderr
    return proc


@pytest.mark.parametrize("where,cmd", HELP, ids=[f"{w}:{c[:70]}" for w, c in HELP])
def test_help_example_runs(workdir, where, cmd, tmp_path):
    d, values = workdir
    cmd = _prepare(cmd, values)
    out = re.search(r"--out (\S+)", cmd)
    # each example in its own directory with the inputs it may read (never its own output)
    for name in os.listdir(d):
        if not (out and out[1] == name):
            os.symlink(d / name, tmp_path / name)
    _run(cmd, tmp_path)


def test_readme_workflow_runs_in_order(workdir, tmp_path):
    """The README's examples, one after the other in one directory (generate -> verify -> find
    use each other's files)."""
    d, values = workdir
    for name in ("phrase.txt", "pass.txt"):
        os.symlink(d / name, tmp_path / name)
    outputs = []
    for _, cmd in README:
        outputs.append(_run(_prepare(cmd, values), tmp_path))
    joined = "".join(p.stdout + p.stderr for p in outputs)
    assert ": all match" in joined and "m/1852'/1815'/?'/0/42" in joined
