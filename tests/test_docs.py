"""The API reference covers the code: every name of each documented module's ``__all__``, every
public method of the classes documented there, and every option of the ``ccl`` command.

Reads the built site's inventory (``objects.inv``): from ``CCL_DOCS_HTML`` (scripts/docs.sh builds
the site once and points here), else the site is built into a temporary directory. Needs the
``docs`` extra (Sphinx); without it the tests are skipped (scripts/docs.sh installs it).
"""

import argparse
import importlib
import inspect
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = os.path.join(ROOT, "docs")
sys.path.insert(0, os.path.join(DOCS, "_ext"))


def _api_modules():
    """conf.API_MODULES, read without running conf.py's imports twice."""
    import ast

    with open(os.path.join(DOCS, "conf.py"), encoding="utf-8") as f:
        tree = ast.parse(f.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            getattr(t, "id", None) == "API_MODULES" for t in node.targets
        ):
            return ast.literal_eval(node.value)
    raise AssertionError("docs/conf.py has no API_MODULES list")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    pytest.importorskip("sphinx")
    html = os.environ.get("CCL_DOCS_HTML")
    if not html:
        html = str(tmp_path_factory.mktemp("site"))
        r = subprocess.run(
            [sys.executable, "-m", "sphinx", "-q", "-n", "-b", "dirhtml", DOCS, html],
            capture_output=True,
            text=True,
        )
        assert r.returncode == 0, r.stderr[-5000:]
    return html


@pytest.fixture(scope="module")
def inventory(site):
    from sphinx.util.inventory import InventoryFile

    with open(os.path.join(site, "objects.inv"), "rb") as f:
        inv = InventoryFile.loads(f.read(), uri="")
    names = set()
    for kind, entries in inv.data.items():
        if kind.startswith("py:") and kind != "py:module":
            names.update(entries)
    return names


def test_module_list_is_importable():
    mods = _api_modules()
    assert "ccl" in mods and "ccl.hd" in mods and "ccl.dask" in mods and "ccl.providers" in mods
    for m in mods:
        assert getattr(importlib.import_module(m), "__all__", None), f"{m} has no __all__"


def test_every_name_of_all_is_documented(inventory):
    missing = [
        f"{m}.{name}"
        for m in _api_modules()
        for name in importlib.import_module(m).__all__
        if f"{m}.{name}" not in inventory
    ]
    assert not missing, f"in __all__ but not in the API reference: {missing}"
    extra = sorted(
        n
        for n in inventory
        if n.rsplit(".", 1)[0] in _api_modules()
        and n.rsplit(".", 1)[1] not in importlib.import_module(n.rsplit(".", 1)[0]).__all__
    )
    assert not extra, f"documented at module level but not in __all__: {extra}"


def test_every_public_method_is_documented(inventory):
    """Each class is documented with all its public methods and properties, in its home page."""
    import ccl_docs

    mods = _api_modules()
    missing, checked = [], 0
    for m in mods:
        mod = importlib.import_module(m)
        for name in mod.__all__:
            obj = getattr(mod, name)
            if not inspect.isclass(obj) or ccl_docs.home_module(obj, name, mods) != m:
                continue
            for attr in vars(obj):
                if attr.startswith("_") or attr.isupper():
                    continue
                if issubclass(obj, BaseException) and attr in ("args", "with_traceback"):
                    continue
                checked += 1
                if f"{m}.{name}.{attr}" not in inventory:
                    missing.append(f"{m}.{name}.{attr}")
    assert checked > 80, checked  # ~80 methods across the namespaces alone
    assert not missing, f"public members not in the API reference: {missing}"


def _options(parser, prog):
    out = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                out.append((f"{prog} {name}", None))
                out += _options(sub, f"{prog} {name}")
        else:
            out += [(prog, opt) for opt in action.option_strings]
    return out


def test_cli_reference_has_every_option(site):
    """The CLI page is generated from ccl.cli.build_parser: every subcommand and flag is on it."""
    from ccl.cli import build_parser

    with open(os.path.join(site, "api", "cli", "index.html"), encoding="utf-8") as f:
        page = f.read()
    opts = _options(build_parser(), "ccl")
    assert len(opts) > 40, len(opts)
    missing = [
        (prog, opt)
        for prog, opt in opts
        if (opt or prog.split()[-1]) not in page and opt not in ("-h", "--help")
    ]
    assert not missing, missing
