"""Every path the project uses, built from the package location.

In a source checkout the project root is two levels above this file
(``src/tiptrends/paths.py``). ``TIPTRENDS_ROOT`` overrides it (tests use this to work in a
scratch copy), and ``TIPTRENDS_DATA_MIRROR`` names a local mirror of the raw files.

Installed from a wheel (no checkout around the package), the project's configuration (the
manifest ``data/sources.toml``, ``data/exclusions.toml``, ``data/mappings/``,
``data/published/``) is read from the package's own copy (``tiptrends/_project/``, found with
``importlib.resources``; see setup.py), and what the library writes (raw files, curated tables,
``_build/``) goes to a per-user folder: ``TIPTRENDS_DATA_DIR`` when set, else pooch's
``os_cache("tiptrends")``.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent

#: Environment variable naming the per-user folder of an installed package.
DATA_DIR_ENV = "TIPTRENDS_DATA_DIR"


def in_checkout() -> bool:
    """Return True when the package runs from a source checkout (or ``TIPTRENDS_ROOT``)."""
    if os.environ.get("TIPTRENDS_ROOT"):
        return True
    root = PACKAGE_DIR.parents[1]
    return PACKAGE_DIR.parent.name == "src" and (root / "pyproject.toml").is_file()


def project_root() -> Path:
    """Return the project root (``TIPTRENDS_ROOT`` if set, else the checkout).

    Installed without a checkout: the package's read-only copy of the project's configuration
    (``tiptrends/_project/``, holding ``data/``).
    """
    env = os.environ.get("TIPTRENDS_ROOT")
    if env:
        return Path(env).resolve()
    if in_checkout():
        return PACKAGE_DIR.parents[1]
    # a wheel installs on disk, so the resource is a real folder
    return Path(str(files("tiptrends").joinpath("_project"))).resolve()


def user_dir() -> Path:
    """Return where an installed package writes: ``TIPTRENDS_DATA_DIR``, else a per-user cache.

    Used only without a checkout (in a checkout everything stays under the project root).
    """
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser().resolve()
    import pooch  # imported here: only installed packages need it for a path

    return Path(pooch.os_cache("tiptrends")).resolve()


def data_dir() -> Path:
    """Return ``data/``: the manifest, mappings and published-figure tables."""
    return project_root() / "data"


def raw_dir() -> Path:
    """Return ``data/raw/`` (git-ignored cache of verified raw files; per-user when installed)."""
    return data_dir() / "raw" if in_checkout() else user_dir() / "raw"


def curated_dir() -> Path:
    """Return ``data/curated/`` (git-ignored Parquet tables built by code; per-user when
    installed)."""
    return data_dir() / "curated" if in_checkout() else user_dir() / "curated"


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
    """Return ``_build/`` (rendered site, executed notebooks, figures, results).

    ``TIPTRENDS_BUILD_DIR`` overrides it; installed without a checkout, it is in the per-user
    folder (:func:`user_dir`).
    """
    env = os.environ.get("TIPTRENDS_BUILD_DIR")
    if env:
        return Path(env).resolve()
    return (project_root() if in_checkout() else user_dir()) / "_build"


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
