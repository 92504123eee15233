"""Sphinx configuration: Markdown pages and notebooks (MyST-NB), numpydoc docstrings, math
rendered offline, figures drawn at build time, and a model table generated from the registry
(``_ext/retrocalc_docs.py``).

Build: ``make docs`` (``sphinx-build -W --keep-going -b html docs docs/_build/html``).

- Figures: matplotlib's ``plot`` directive runs the ``retrocalc.plot`` calls of the user guide
  and embeds the images; the notebooks of ``notebooks/`` are copied to ``docs/notebooks/`` and
  executed by MyST-NB, so their figures are in the site too.
- Math: MathJax is served from the site's own ``_static/mathjax`` (sphinx-mathjax-offline), so
  equations render without network.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).parent
SRC = HERE.parent / "src"
# document, run and plot this checkout's retrocalc, also in the notebooks' kernels (their
# working folder is docs/notebooks, where a relative PYTHONPATH would point elsewhere)
sys.path[:0] = [str(SRC), str(HERE / "_ext")]
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(SRC), *[p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]]
)
# figures of the plot directive: drawn off screen in this process; the notebooks' kernels
# must not inherit a backend, or they would show no inline figures
os.environ.pop("MPLBACKEND", None)

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import retrocalc  # noqa: E402


def _copy_notebooks() -> None:
    """The notebooks live in ``notebooks/`` (run by the tests, opened by users); Sphinx reads
    only its source folder, so a copy goes to ``docs/notebooks/`` (ignored by git)."""
    target = HERE / "notebooks"
    target.mkdir(exist_ok=True)
    sources = sorted((HERE.parent / "notebooks").glob("*.ipynb"))
    for path in sources:
        copy = target / path.name
        if not copy.exists() or not filecmp.cmp(path, copy, shallow=False):
            shutil.copyfile(path, copy)  # unchanged copies keep their time: no rebuild
    for stale in set(target.glob("*.ipynb")) - {target / p.name for p in sources}:
        stale.unlink()


_copy_notebooks()

project = "retrocalc"
author = "retrocalc developers"
copyright = "retrocalc developers"
version = release = retrocalc.__version__

extensions = [
    "myst_nb",  # MyST Markdown pages and executed notebooks
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.extlinks",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",  # MathJax from _static/mathjax: no CDN
    "matplotlib.sphinxext.plot_directive",
    "sphinx_click",
    "retrocalc_docs",
]

source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "_ext"]
suppress_warnings = ["myst.header"]

# the docstrings write :doi:`10.xxx/yyy`
extlinks = {"doi": ("https://doi.org/%s", "doi:%s")}

myst_enable_extensions = ["dollarmath", "colon_fence"]
myst_heading_anchors = 3

# notebooks: executed at every build (cached by jupyter-cache between builds), errors fail it
nb_execution_mode = "cache"
nb_execution_timeout = 120
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True

# figures of the plot directive: the code shown above its figure, PNG only
plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 96)]
plot_rcparams = {"figure.figsize": (8.0, 4.5)}
plot_pre_code = "import retrocalc as rc\nfrom retrocalc import plot\n"

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
