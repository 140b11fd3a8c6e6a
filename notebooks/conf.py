"""Sphinx configuration of the tiptrends book (Sphinx + MyST-NB + sphinx-book-theme).

``tiptrends render`` executes the notebooks (in parallel, cached) and builds the book from a
staging copy in ``_build/book/``: this file, the pages of this folder (``*.md``, ``_static/``),
the executed notebooks and generated page fragments. The offline rules (no CDN, execution off)
live in :mod:`tiptrends.report.book_conf`; chapter order and the parts are the toctrees of
``index.md``.
"""

from tiptrends.report.book_conf import *  # noqa: F403

project = "tiptrends"
html_title = "Detected human trafficking: the trends, checked"
copyright = "tiptrends contributors; data: UNODC, Walk Free, CTDC/IOM, University of Denver"
