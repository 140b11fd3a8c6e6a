"""The figure registry's stored data bases: a derived data product of ``tiptrends data build``.

:func:`tiptrends.methods.figures.data_bases` reads them through :func:`data_bases`; the data
build lists them with the other products (:mod:`tiptrends.methods.derived_tables`, which
imports this module, not the other way round, so no import circle runs through the registry).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tiptrends import paths, settings

#: Modules that compute the data bases (their tiptrends imports are part of the stamp).
DATA_BASES_CODE = ("tiptrends.methods.figures.core", "tiptrends.methods.vintage")


def glotip_inputs(*releases: str) -> list[Path]:
    """The curated tables of GLOTIP ``releases``, the exclusions and the manifest."""
    from tiptrends.io import curate, exclusions
    from tiptrends.io import releases as rel

    names = rel.release_names()
    tables = [curate.curated_path(names[str(r)]) for r in releases]
    return [*tables, exclusions.exclusions_path(), paths.manifest_path()]


def product_name(stem: str, **switches: Any) -> str:
    """File name of a product and its switches, e.g. ``data_bases-repair=False``."""
    return stem + "".join(f"-{k}={switches[k]}" for k in sorted(switches))


def data_bases(build: Callable[[], Any], **switches: Any) -> Any:
    """The data bases of the figure registry with ``switches``, built once by ``build()``.

    Called by :func:`tiptrends.methods.figures.data_bases` with its own computation as
    ``build`` (one implementation): the product is read from ``data/curated/derived/`` when
    its inputs (both GLOTIP releases' curated tables, the exclusions, the manifest) and its
    code are unchanged, else built and stored.
    """
    from tiptrends.io import derived

    current, earlier = settings.CURRENT_RELEASE, settings.EARLIER_RELEASE
    return derived.load_or_build(
        product_name(f"data_bases_{current}_{earlier}", **switches),
        build,
        inputs=glotip_inputs(current, earlier),
        code=DATA_BASES_CODE,
    )


def processed(build: Callable[[], Any], **switches: Any) -> Any:
    """Both GLOTIP releases processed under one set of rules (``switches``), built once by
    ``build()`` and stored like :func:`data_bases` (same inputs, same code)."""
    from tiptrends.io import derived

    current, earlier = settings.CURRENT_RELEASE, settings.EARLIER_RELEASE
    return derived.load_or_build(
        product_name(f"processed_{current}_{earlier}", **switches),
        build,
        inputs=glotip_inputs(current, earlier),
        code=DATA_BASES_CODE,
    )
