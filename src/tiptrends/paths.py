"""Every path the project uses, built from the package location.

The project root is two levels above this file (``src/tiptrends/paths.py``) in a
source checkout. ``TIPTRENDS_ROOT`` overrides it (tests use this to work in a
scratch copy), and ``TIPTRENDS_DATA_MIRROR`` names a local mirror of the raw files.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def project_root() -> Path:
    """Return the project root (``TIPTRENDS_ROOT`` if set, else the checkout)."""
    env = os.environ.get("TIPTRENDS_ROOT")
    return Path(env).resolve() if env else PACKAGE_DIR.parents[1]


def data_dir() -> Path:
    """Return ``data/``: the manifest, mappings and published-figure tables."""
    return project_root() / "data"


def raw_dir() -> Path:
    """Return ``data/raw/`` (git-ignored cache of verified raw files)."""
    return data_dir() / "raw"


def curated_dir() -> Path:
    """Return ``data/curated/`` (git-ignored Parquet tables built by code)."""
    return data_dir() / "curated"


def published_dir() -> Path:
    """Return ``data/published/`` (published figures, transcribed with citations)."""
    return data_dir() / "published"


def mappings_dir() -> Path:
    """Return ``data/mappings/`` (curated name -> ISO3 mapping tables)."""
    return data_dir() / "mappings"


def manifest_path() -> Path:
    """Return the raw-source manifest ``data/sources.toml``."""
    return data_dir() / "sources.toml"


def notebooks_dir() -> Path:
    """Return ``notebooks/``."""
    return project_root() / "notebooks"


def build_dir() -> Path:
    """Return ``_build/`` (rendered site, executed notebooks, figures, results)."""
    env = os.environ.get("TIPTRENDS_BUILD_DIR")
    return Path(env).resolve() if env else project_root() / "_build"


def figures_dir() -> Path:
    """Return ``_build/figures/``."""
    return build_dir() / "figures"


def scratch_dir() -> Path:
    """Return ``_build/scratch/``: what code run outside a render writes (never an input).

    A notebook run in JupyterLab or with ``jupyter nbconvert`` saves its figures here
    (:func:`tiptrends.report.style.default_figures_dir`), away from ``notebooks/``, whose
    files are part of every notebook's render cache key.
    """
    return build_dir() / "scratch"


def mirror_dir() -> Path | None:
    """Return the local raw-data mirror named by ``TIPTRENDS_DATA_MIRROR``, if any."""
    env = os.environ.get("TIPTRENDS_DATA_MIRROR")
    return Path(env).resolve() if env else None
