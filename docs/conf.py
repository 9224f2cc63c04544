"""Sphinx configuration of the ccl documentation site (``bash scripts/docs.sh`` builds it).

The API reference is generated from the code: ``API_MODULES`` is the one list of documented
modules (one page each, written by ``_ext/ccl_docs.py`` at build time from the module's
``__all__``); adding a module to the site is one line here. ``tests/test_docs.py`` checks that
every name of each module's ``__all__`` is documented.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "_ext"))

# The modules of the API reference, in the order of the site's navigation.
API_MODULES = [
    "ccl",
    "ccl.hd",
    "ccl.dask",
    "ccl.providers",
    "ccl.network",
    "ccl.aio",
]

project = "ccl"
author = "the ccl authors"
copyright = "the ccl authors, MIT licence"
try:
    import ccl

    release = version = ccl.__version__
except ImportError as e:  # the build needs the installed ccl (autodoc imports it); say so
    raise SystemExit(
        "docs: `import ccl` failed: build the docs in the venv ccl is installed in"
    ) from e

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.intersphinx",
    "sphinxarg.ext",
    "ccl_docs",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "bench/results.md", "Thumbs.db", ".DS_Store"]
root_doc = "index"

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# Every cross-reference must resolve (scripts/docs.sh builds with -W: a warning fails).
nitpicky = True
nitpick_ignore_regex = [
    # Names of other libraries and typing constructs that appear in stub-derived signatures.
    ("py:class", r"(dask|distributed|pandas|pyarrow)\..*"),
    ("py:class", r"(Any|Optional|Union|Callable|Iterable|Iterator|Sequence|Mapping)"),
    ("py:class", r"typing\..*|collections\.abc\..*"),
    ("py:class", r"ccl\._core\..*|ccl\._hd\..*"),
    ("py:class", r"threading\.Event|os\.PathLike|Path"),
    ("py:class", r"optional|_[A-Za-z]\w*"),  # private type aliases of the stubs and modules
    ("py:class", r"enum\..*"),
]

autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "signature"
autodoc_docstring_signature = True  # the compiled modules embed their signatures (setup.py)
napoleon_google_docstring = False
napoleon_numpy_docstring = False
trim_doctest_flags = True

intersphinx_mapping = {"python": ("https://docs.python.org/3", None)}
intersphinx_disabled_reftypes = ["*"]
intersphinx_timeout = 10
if os.environ.get("CCL_DOCS_OFFLINE", "1") == "1":
    intersphinx_mapping = {}  # CI builds offline: no inventory fetch

html_theme = "furo"
html_title = f"ccl {release}"
html_static_path = ["_static"]
html_css_files = ["ccl.css"]
html_theme_options = {"navigation_with_keys": True}
