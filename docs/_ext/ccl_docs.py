"""Sphinx extension of the ccl site: pages generated from the code and from benchmark results.

Hand-written (no library generates exactly this), tested by ``tests/test_docs.py``, which builds the
site and compares what it documents with each module's ``__all__``.

* ``api/generated/<module>.rst``, one page per module of ``conf.API_MODULES``, from the module's
  ``__all__``: each name is documented in its *home* page (the listed module it is defined in,
  else the first listed module that exports it) with autodoc; elsewhere it is an entry that points
  there (so ``ccl.YaciProvider`` and ``ccl.providers.YaciProvider`` are both in the index, once
  documented). ``CclLib``'s namespace attributes (``lib.crypto`` ...) are read from
  ``ccl/_core.pyi``, the typed stub, because the compiled attribute only says ``object``.
* ``benchmarks.md``: the marker ``<!-- ccl-bench -->`` is replaced, when the page is read, by the
  benchmark results in ``docs/bench/`` (``results.json`` as the harness writes it, rendered by the
  harness's own ``report.write_markdown``; else the committed ``results.md``), headed by the date
  and machine of the run and a note when the run predates the current HD engine.
"""

import ast
import importlib
import inspect
import json
import os
import re
import sys
import tempfile

DOCS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(DOCS)
# CCL_DOCS_BENCH_DIR previews another run (a harness --out directory) before it is committed.
BENCH_DIR = os.environ.get("CCL_DOCS_BENCH_DIR") or os.path.join(DOCS, "bench")
API_OUT = os.path.join(DOCS, "api", "generated")
API_MARKER = "<!-- ccl-api-toctree -->"
BENCH_MARKER = "<!-- ccl-bench -->"


# ---------------------------------------------------------------------------------------------
# API pages


def _kind(obj):
    if inspect.isclass(obj):
        return "exception" if issubclass(obj, BaseException) else "class"
    if callable(obj):
        return "function"
    return "data"


def home_module(obj, name, modules):
    """The listed module whose page documents ``obj`` (exported as ``name``)."""
    own = getattr(obj, "__module__", None) if _kind(obj) != "data" else None
    if own in modules and name in getattr(importlib.import_module(own), "__all__", ()):
        return own
    for m in modules:
        mod = importlib.import_module(m)
        if name in getattr(mod, "__all__", ()) and getattr(mod, name) is obj:
            return m
    raise LookupError(f"{name} is in no listed module's __all__")


def _stub_attributes(stub_path, class_name):
    """``{attribute: annotation}`` of the annotated attributes of ``class_name`` in a .pyi file."""
    with open(stub_path, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            return {
                n.target.id: ast.unparse(n.annotation)
                for n in node.body
                if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
            }
    return {}


def _namespaces(cls):
    """CclLib's namespace attributes: name -> class name, from the stub next to the module."""
    mod = sys.modules[cls.__module__]
    base = os.path.basename(mod.__file__).split(".")[0]  # _core.cpython-311-....so -> _core
    stub = os.path.join(os.path.dirname(mod.__file__), base + ".pyi")
    attrs = _stub_attributes(stub, cls.__name__)
    return {
        a: t for a, t in attrs.items() if not a.isupper() and inspect.isclass(getattr(mod, t, None))
    }


def _short_repr(obj, limit=70):
    r = repr(obj)
    return r if len(r) <= limit else r[: limit - 4] + " ..."


def _comment_above(mod, name):
    """The ``#`` comment block right above ``NAME = ...`` in the module's source, or in one of its
    submodules' when it is a package that re-exports the name (its doc)."""
    subs = sorted(n for n in sys.modules if n.startswith(mod.__name__ + "."))
    for m in [mod] + [sys.modules[n] for n in subs]:
        try:
            lines = inspect.getsource(m).splitlines()
        except (OSError, TypeError):
            continue
        for i, line in enumerate(lines):
            if re.match(rf"{re.escape(name)}\s*(:[^=]*)?=", line):
                j = i
                while j > 0 and lines[j - 1].startswith("#"):
                    j -= 1
                return [ln.lstrip("#").strip() for ln in lines[j:i]]
    return []


def _title(text, char):
    return [text, char * len(text), ""]


def module_page(modname, modules):
    """reStructuredText of one module's API page."""
    mod = importlib.import_module(modname)
    names = list(getattr(mod, "__all__", ()))
    L = _title(f"``{modname}``", "=")
    L += [f".. py:module:: {modname}", ""]
    doc = inspect.getdoc(mod) or ""
    if doc:
        L += [doc, ""]
    L += _title("Reference", "-")
    for name in names:
        obj = getattr(mod, name)
        kind = _kind(obj)
        home = home_module(obj, name, modules)
        if home != modname:
            L += [
                f".. py:{kind}:: {name}",
                "",
                f"   The same object as :py:obj:`{home}.{name}`.",
                "",
            ]
            continue
        if kind in ("class", "exception"):
            L += [f".. auto{kind}:: {name}", "   :members:", "   :undoc-members:"]
            spaces = _namespaces(obj) if obj.__module__.startswith("ccl._") else {}
            if spaces:
                L += [f"   :exclude-members: {', '.join(spaces)}"]
            L += [""]
            if spaces:
                L += [
                    "   Namespaces (each an instance of the class named, sharing this handle):",
                    "",
                ]
                for attr, cls_name in spaces.items():
                    where = home_module(getattr(mod, cls_name), cls_name, modules)
                    L += [
                        f"   .. py:attribute:: {attr}",
                        f"      :type: {where}.{cls_name}",
                        "",
                        f"      The :py:class:`{where}.{cls_name}` namespace.",
                        "",
                    ]
        elif kind == "function":
            L += [f".. autofunction:: {name}", ""]
        else:
            L += [f".. py:data:: {name}", f"   :value: {_short_repr(obj)}", ""]
            L += ["   " + line for line in _comment_above(mod, name)] + [""]
    return "\n".join(L) + "\n"


def _write_if_changed(path, text):
    try:
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def generate_api(app):
    modules = list(app.config.ccl_api_modules)
    os.makedirs(API_OUT, exist_ok=True)
    keep = set()
    for m in modules:
        path = os.path.join(API_OUT, f"{m}.rst")
        _write_if_changed(path, module_page(m, modules))
        keep.add(os.path.basename(path))
    for stale in set(os.listdir(API_OUT)) - keep:  # a module taken off the list
        os.unlink(os.path.join(API_OUT, stale))


def api_toctree(modules):
    body = "\n".join(f"generated/{m}" for m in modules)
    return f"```{{toctree}}\n:maxdepth: 2\n\n{body}\ncli\n```\n"


# ---------------------------------------------------------------------------------------------
# Benchmarks page


def _harness_markdown(results):
    """results.md text from results.json, by the harness's own renderer (one renderer)."""
    bench = os.path.join(REPO, "benchmarks")
    sys.path.insert(0, bench)
    try:
        from harness import groups as G
        from harness import report
    finally:
        sys.path.remove(bench)
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "results.md")
        report.write_markdown(results, G.all_groups(), out)
        with open(out, encoding="utf-8") as f:
            return f.read()


def bench_markdown():
    """The benchmarks page body: run date and machine, a staleness note, the tables, the chart."""
    rjson = os.path.join(BENCH_DIR, "results.json")
    rmd = os.path.join(BENCH_DIR, "results.md")
    if os.path.exists(rjson):
        with open(rjson, encoding="utf-8") as f:
            results = json.load(f)
        text = _harness_markdown(results)
        m = results["machine"]
        date = results["date"]
        machine = f"{m['cpu_model']}, {m['cores']} cores, Python {m['python']}"
        has_v2 = "hd_v2" in results.get("groups", {})
        source = "`docs/bench/results.json`"
    else:
        with open(rmd, encoding="utf-8") as f:
            text = f.read()
        # The harness's second line: "DATE · wall N s · CPU · N cores (N usable) · Python X · load"
        head = text.splitlines()[2].split(" · ")
        date, machine = head[0], f"{head[2]}, {head[3]}, {head[4]}"
        has_v2 = "hd_v2" in text
        source = "`docs/bench/results.md` (the run's results.json was not kept)"
    body = text.split("\n", 1)[1]  # drop the report's own H1: the page has its title
    L = [
        f"**Run of {date[:10]}** ({date}) on **{machine}**, read from {source}.",
        "",
    ]
    if not has_v2:
        L += [
            ":::{warning}",
            f"This run ({date[:10]}) predates HD engine v2: its `ccl.hd` figures (addresses per "
            "second, the ratios to cometa and pycardano) are those of engine v1 on a loaded "
            "machine, and understate the current engine. A fresh quiet run replaces them "
            "(see *Refreshing this page* below).",
            ":::",
            "",
        ]
    png = os.path.join(BENCH_DIR, "results.png")
    if os.path.exists(png):
        rel = os.path.relpath(png, DOCS)
        L += [f"```{{image}} {rel}", ":alt: benchmark chart (log scale)", "```", ""]
    return "\n".join(L) + body


# ---------------------------------------------------------------------------------------------
# Sphinx wiring


def _source_read(app, docname, source):
    if docname == "api/index" and API_MARKER in source[0]:
        source[0] = source[0].replace(API_MARKER, api_toctree(app.config.ccl_api_modules))
    elif docname == "benchmarks" and BENCH_MARKER in source[0]:
        source[0] = source[0].replace(BENCH_MARKER, bench_markdown())


def _config_inited(app, config):
    config.ccl_api_modules = list(config.API_MODULES)


def setup(app):
    app.add_config_value("API_MODULES", [], "env")
    app.add_config_value("ccl_api_modules", [], "env")
    app.connect("config-inited", _config_inited)
    app.connect("builder-inited", generate_api)
    app.connect("source-read", _source_read)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}


# ---------------------------------------------------------------------------------------------
# CLI reference


def cli_parser():
    """``ccl.cli.build_parser()`` for sphinx-argparse, its pre-formatted epilogs kept verbatim.

    The subcommands' epilogs (runnable examples, engine notes) are laid out for a terminal
    (``RawDescriptionHelpFormatter``); sphinx-argparse reads an epilog as reStructuredText, where
    that layout is broken markup. Each is handed over as a literal block instead.
    """
    import argparse

    from ccl.cli import build_parser

    def literal(p):
        if p.epilog and issubclass(p.formatter_class, argparse.RawDescriptionHelpFormatter):
            body = "\n".join("   " + ln if ln.strip() else "" for ln in p.epilog.splitlines())
            p.epilog = "::\n\n" + body + "\n"
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    literal(sub)
        return p

    return literal(build_parser())
