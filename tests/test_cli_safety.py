"""Issue #27, defects 1-6: a run never destroys a recovery phrase, an input or another output.

Every test builds the situation of the defect (names, links, `..` spellings, hard links, a
planted symlink, an oversize secret, a secret pasted into argv) and checks what is on disk
byte for byte afterwards. The general rule is a property at the end (hypothesis)."""

import os
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.cli import run_ccl, snapshot, temp_files
from support.data import MNEMONIC_24

from ccl.hd import AccountKey

SECRET_LIMIT = 64 * 1024  # the limit README states for a secret input
GEN = ("addresses", "--network", "mainnet", "--count", "10")


# -- defect 1: the new wallet's phrase is never destroyed -----------------------------------


@pytest.mark.parametrize(
    "setup, args",
    [
        (None, ["--out", "p.txt", "--phrase-out", "p.txt"]),
        (None, ["--out", "ccl-wallet-phrase.txt"]),
        ("sub", ["--out", "sub/../p.txt", "--phrase-out", "p.txt"]),
        ("link", ["--out", "link.txt", "--phrase-out", "p.txt"]),
        (None, ["--out", "a.txt", "--manifest", "p.txt", "--phrase-out", "p.txt"]),
    ],
    ids=["same-name", "default-phrase-name", "dotdot", "symlink", "manifest"],
)
def test_defect1_phrase_file_is_never_an_output(tmp_path, setup, args):
    if setup == "sub":
        (tmp_path / "sub").mkdir()
    if setup == "link":
        os.symlink("p.txt", tmp_path / "link.txt")  # dangling: its target is the phrase file
    before = snapshot(tmp_path)
    proc = run_ccl(*GEN, *args, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "same file" in proc.stderr and "nothing written" in proc.stderr
    assert snapshot(tmp_path) == before  # no phrase file, no output, no temp file


# -- defect 2: --manifest obeys --force; no output replaces an input --


def test_defect2_manifest_needs_force_and_never_is_the_output(tmp_path, phrase):
    (tmp_path / "m.json").write_text("mine\n")
    before = snapshot(tmp_path)
    for extra in (
        ["--out", "a.txt", "--manifest", "m.json"],  # exists, no --force
        ["--out", "same.txt", "--manifest", "same.txt"],
        ["--out", "a.txt", "--manifest", phrase, "--force"],
        ["--out", phrase, "--force"],
    ):
        proc = run_ccl(*GEN, "--mnemonic-file", phrase, *extra, cwd=tmp_path)
        assert proc.returncode == 2, (extra, proc.stderr)
        assert snapshot(tmp_path) == before, extra
    os.link(tmp_path / phrase, tmp_path / "hard.txt")
    proc = run_ccl(*GEN, "--mnemonic-file", phrase, "--out", "hard.txt", "--force", cwd=tmp_path)
    assert proc.returncode == 2 and "same file as --mnemonic-file" in proc.stderr
    assert (tmp_path / phrase).read_text() == MNEMONIC_24 + "\n"
    proc = run_ccl(*GEN, "--mnemonic-file", phrase, "--out", "a.txt", "--manifest", "m.json",
                   "--force", cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert '"sha256"' in (tmp_path / "m.json").read_text()


# -- defect 3: the manifest's temp file is unpredictable and never opened through a link --


def test_defect3_planted_link_at_the_old_manifest_temp_name(tmp_path, phrase):
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    os.symlink(victim, tmp_path / "a.txt.manifest.json.ccl-partial")
    proc = run_ccl(*GEN, "--mnemonic-file", phrase, "--out", "a.txt", "--manifest", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert victim.read_text() == "precious\n"
    assert '"sha256"' in (tmp_path / "a.txt.manifest.json").read_text()
    assert os.path.islink(tmp_path / "a.txt.manifest.json.ccl-partial")  # not ours: left alone
    assert temp_files(tmp_path) == []


# -- defect 4: secrets read whole, a documented limit ------------------------------------------


def test_defect4_oversize_secret_is_an_error_not_a_cut(tmp_path, phrase):
    (tmp_path / "pp.txt").write_text("x" * (SECRET_LIMIT + 10))
    proc = run_ccl(*GEN, "--mnemonic-file", phrase, "--passphrase-file", "pp.txt", cwd=tmp_path)
    assert proc.returncode == 1 and "64 KiB limit" in proc.stderr and "pp.txt" in proc.stderr
    assert proc.stdout == ""
    (tmp_path / "big.txt").write_text((MNEMONIC_24 + "\n") * 1000)
    proc = run_ccl(*GEN, "--mnemonic-file", "big.txt", cwd=tmp_path)
    assert proc.returncode == 1 and "64 KiB limit" in proc.stderr and "word" not in proc.stderr
    # exactly at the limit: read whole, the same wallet as ccl.hd with the whole passphrase
    (tmp_path / "pp.txt").write_text("y" * SECRET_LIMIT)
    proc = run_ccl(*GEN, "--mnemonic-file", phrase, "--passphrase-file", "pp.txt", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    from ccl import Network

    with AccountKey.from_mnemonic(MNEMONIC_24, 0, "y" * SECRET_LIMIT) as k:
        assert proc.stdout.split() == k.addresses(Network.MAINNET, 0, 10)


# -- defect 5: no message carries a secret ------------------------------------------------------


def test_defect5_secrets_in_argv_are_named_never_echoed(tmp_path, phrase):
    from test_cli_tools import _xsk

    xsk, _ = _xsk(MNEMONIC_24, 0)
    with AccountKey.from_mnemonic(MNEMONIC_24, 0) as k:
        xvk = k.public_key().to_bech32()
    proc = run_ccl("find", xsk, "--account-key", xvk, cwd=tmp_path)
    assert proc.returncode == 2
    assert xsk not in proc.stderr and xsk[:20] not in proc.stderr and "not shown" in proc.stderr
    # a phrase pasted where a choice or a path was expected (`--network "$(cat phrase.txt)"`)
    words = MNEMONIC_24.split()
    for extra in (["--network", MNEMONIC_24], ["--network", "mainnet", "--count", MNEMONIC_24]):
        proc = run_ccl("addresses", *extra, cwd=tmp_path)
        assert proc.returncode == 2
        assert not [w for w in set(words) if len(w) > 4 and w in proc.stderr], proc.stderr
    proc = run_ccl("addresses", "--network", "mainnet", "--account-key", xsk, cwd=tmp_path)
    assert proc.returncode == 2 and xsk[9:30] not in proc.stderr


# -- defect 6: a failed run removes its new wallet's phrase; signals clean up --


def test_defect6_failed_run_removes_the_new_phrase(tmp_path):
    pytest.importorskip("distributed")
    proc = run_ccl(*GEN, "--format", "parquet", "--out", "ds", "--scheduler", "bogus",
                   cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 2 and "--scheduler bogus" in proc.stderr
    assert os.listdir(tmp_path) == []
    # a scheduler that cannot be reached: named, nothing left (no wallet, no directory)
    proc = run_ccl(*GEN, "--format", "parquet", "--out", "ds", "--scheduler",
                   "tcp://127.0.0.1:9", cwd=tmp_path, timeout=120)  # fmt: skip
    assert proc.returncode == 1 and "--scheduler tcp://127.0.0.1:9" in proc.stderr
    assert os.listdir(tmp_path) == []
    # and the corrected re-run is not refused
    proc = run_ccl(*GEN, "--out", "a.txt", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr


@pytest.fixture
def tmpfs(tmp_path):
    """A 256 KiB tmpfs the test mounts (root only)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    import subprocess

    d = tmp_path / "full"
    d.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(d)],
                       capture_output=True, text=True)  # fmt: skip
    if r.returncode:
        pytest.skip(f"cannot mount a tmpfs: {r.stderr.strip()}")
    yield d
    subprocess.run(["umount", str(d)], check=True)


def test_defect6_enospc_removes_the_new_phrase_and_names_the_file(tmp_path, tmpfs):
    proc = run_ccl("addresses", "--network", "mainnet", "--count", "20000", "--out",
                   str(tmpfs / "a.txt"), cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 1
    assert str(tmpfs / "a.txt") in proc.stderr and "No space left" in proc.stderr
    assert "phrase file ccl-wallet-phrase.txt was removed" in proc.stderr
    assert not (tmp_path / "ccl-wallet-phrase.txt").exists()
    assert os.listdir(tmpfs) == []  # no temp file (nor lock file) left on the full disk


# -- the general rule, as a property ------------------------------------------------------------

NAMES = ["a.txt", "phrase.txt", "m.json", "pp.txt"]
SPELLINGS = st.sampled_from(
    NAMES + [f"sub/../{n}" for n in NAMES] + ["link-a", "link-phrase", "hard-phrase", "./a.txt"]
)

MNEMONIC_SPELLINGS = ["phrase.txt", "sub/../phrase.txt", "link-phrase", "hard-phrase"]


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    out=SPELLINGS,
    phrase_out=st.one_of(st.none(), SPELLINGS),
    manifest=st.one_of(st.none(), SPELLINGS),
    mnemonic=st.one_of(st.none(), st.sampled_from(MNEMONIC_SPELLINGS)),
    passphrase=st.booleans(),
    force=st.booleans(),
    tag=st.text(string.ascii_lowercase, min_size=8, max_size=8),
)  # fmt: skip
def test_property_refused_or_inputs_intact(
    tmp_path_factory, out, phrase_out, manifest, mnemonic, passphrase, force, tag
):
    d = tmp_path_factory.mktemp("prop")
    (d / "sub").mkdir()
    (d / "phrase.txt").write_text(MNEMONIC_24 + "\n")
    (d / "a.txt").write_text("old output\n")
    (d / "pp.txt").write_text("pass\n")
    os.symlink("a.txt", d / "link-a")
    os.symlink("phrase.txt", d / "link-phrase")
    os.link(d / "phrase.txt", d / "hard-phrase")
    args = [*GEN, "--out", out]
    if mnemonic:
        args += ["--mnemonic-file", mnemonic]
        if passphrase:
            args += ["--passphrase-file", "pp.txt"]
    elif phrase_out:
        args += ["--phrase-out", phrase_out]
    if manifest:
        args += ["--manifest", manifest]
    if force:
        args.append("--force")
    before = snapshot(d)
    proc = run_ccl(*args, cwd=d)
    after = snapshot(d)
    assert proc.returncode in (0, 2), proc.stderr
    if proc.returncode == 2:
        assert after == before, args
    else:
        # the files this run read (a new wallet reads none: --force may replace phrase.txt then)
        inputs = {"phrase.txt", "hard-phrase", "link-phrase"} if mnemonic else set()
        inputs |= {"pp.txt"} if mnemonic and passphrase else set()
        for name in inputs:
            assert after[name] == before[name], (args, name)
        if not mnemonic:  # a new wallet: its phrase file exists, mode 0600, and is a phrase
            p = d / (phrase_out or "ccl-wallet-phrase.txt")
            assert len(p.read_text().split()) == 24 and (p.stat().st_mode & 0o777) == 0o600
    assert temp_files(d) == []
