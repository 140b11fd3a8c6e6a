"""Sphinx settings shared by every tiptrends book (``notebooks/conf.py`` imports them).

The book is built by ``tiptrends render`` from executed notebooks (see
:mod:`tiptrends.report.book`), so MyST-NB never executes anything. The site must work offline,
from ``file://`` and from any static host: nothing is loaded from a CDN (no require.js, no
ipywidgets JavaScript, no MathJax; sphinx-book-theme ships its own fonts and icons).
``tests/test_site_browser.py`` checks it in a real browser.
"""

from __future__ import annotations

from pathlib import Path

from tiptrends.report._myst_nb_lazy import defer_executors
from tiptrends.report.startup import skip_slow_optional_imports

# Sphinx reads this file before it loads MyST-NB (and with it nbformat and jsonschema).
skip_slow_optional_imports()
# MyST-NB's notebook executors (jupyter-cache, SQLAlchemy, nbclient) imported only if used:
# with execution off (below) never
defer_executors()

_HERE = Path(__file__).resolve().parent

project = "tiptrends"
author = "tiptrends contributors"
copyright = "tiptrends contributors"

# autodoc + napoleon: the API reference pages (notebooks/reference/, numpydoc docstrings)
# search_terms: US spellings as search keywords (British English book; "forced labor" finds it)
# _sphinx_speed: the Python domain's searches answered once each (same pages, faster build)
extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "tiptrends.report.search_terms",
    "tiptrends.report._sphinx_speed",
]
napoleon_google_docstring = False
napoleon_use_ivar = True
autodoc_typehints = "description"
# No type comments in the package (annotations everywhere): autodoc need not read the source
# of every function to look for them (about a twentieth of the API reference's reading)
autodoc_use_type_comments = False
# API objects stay out of the table of contents (the module sections are in it): with every
# function and constant in it, the tree that each page's navigation copies grew to several
# thousand entries and writing every page took 20 s instead of 7 s
toc_object_entries = False

# --- MyST and MyST-NB -------------------------------------------------------------------------
# The notebooks arrive executed: never run them again here.
nb_execution_mode = "off"
# MyST-NB's default loads require.js and the ipywidgets embedder from a CDN on every page.
nb_ipywidgets_js: dict = {}
# Images as files rather than data URIs. (Figures of save_figure arrive as <img> tags with their
# alt text and download links: the staging step writes them, MyST-NB would drop the alt text.)
nb_mime_priority_overrides = [("html", "image/png", 25)]
nb_merge_streams = True
# Warnings written by a notebook (stderr) go to the build log, not to the reader's page.
nb_output_stderr = "remove-warn"
# Prose may use fenced directives (:::) and definition lists; no dollar math (no MathJax).
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

exclude_patterns = ["_build", "templates", "**.ipynb_checkpoints", "_generated", "README.md"]
suppress_warnings = ["mystnb.unknown_mime_type"]

# --- HTML ---------------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_static_path = [str(_HERE / "templates" / "book"), "_static"]
html_css_files = ["tiptrends.css"]
# chapters before API functions in search results (reference pages score lower)
html_search_scorer = str(_HERE / "templates" / "book" / "search_scorer.js")
html_extra_path = ["_extra"]
html_copy_source = False
html_show_sourcelink = False
html_theme_options = {
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "use_repository_button": False,
    "show_navbar_depth": 1,
}
# A fixed light mode: with an empty preference the theme logs a console error on first load.
html_context = {"default_mode": "light"}
# No MathJax: a page with math would try to load this missing file and fail the offline
# browser test, which is the point (the chapters write numbers, not formulas).
mathjax_path = "mathjax-not-bundled.js"
