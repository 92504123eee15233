"""Sphinx configuration: Markdown pages (MyST), numpydoc docstrings, math, and a model table
generated from the registry at build time (``_ext/retrocalc_docs.py``).

Build: ``make docs`` (``sphinx-build -W --keep-going -b html docs docs/_build/html``).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "_ext"))

import retrocalc  # noqa: E402

project = "retrocalc"
author = "retrocalc developers"
copyright = "retrocalc developers"
version = release = retrocalc.__version__

extensions = [
    "myst_parser",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.extlinks",
    "sphinx.ext.mathjax",
    "sphinx_click",
    "retrocalc_docs",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "_ext"]
suppress_warnings = ["myst.header"]

# the docstrings write :doi:`10.xxx/yyy`
extlinks = {"doi": ("https://doi.org/%s", "doi:%s")}

myst_enable_extensions = ["dollarmath", "colon_fence"]
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "none"  # numpydoc's Parameters sections carry the types and units
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

html_theme = "alabaster"
html_title = f"retrocalc {release}"
html_theme_options = {
    "description": "Energy cost of walking and running, forward and backward",
    "fixed_sidebar": True,
}
