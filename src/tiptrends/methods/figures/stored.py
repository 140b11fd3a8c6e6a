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


def release_product(kind: str, **switches: Any) -> str:
    """Name of a product made from both GLOTIP releases, e.g.
    ``data_bases_2025_2023-exclusions=False-repair=False-vintage=True``."""
    releases = f"{settings.CURRENT_RELEASE}_{settings.EARLIER_RELEASE}"
    return product_name(f"{kind}_{releases}", **switches)


def _stored(kind: str, build: Callable[[], Any], switches: dict[str, Any]) -> Any:
    """Product ``kind`` with ``switches``: read when its inputs (both GLOTIP releases' curated
    tables, the exclusions, the manifest) and :data:`DATA_BASES_CODE` are unchanged, else
    built by ``build()`` and stored."""
    from tiptrends.io import derived

    return derived.load_or_build(
        release_product(kind, **switches),
        build,
        inputs=glotip_inputs(settings.CURRENT_RELEASE, settings.EARLIER_RELEASE),
        code=DATA_BASES_CODE,
    )


def data_bases(build: Callable[[], Any], **switches: Any) -> Any:
    """The data bases of the figure registry with ``switches``, built once by ``build()``.

    Called by :func:`tiptrends.methods.figures.data_bases` with its own computation as
    ``build`` (one implementation): the product is read from ``data/curated/derived/`` when
    its inputs and code are unchanged, else built and stored.
    """
    return _stored("data_bases", build, switches)


def processed(build: Callable[[], Any], **switches: Any) -> Any:
    """Both GLOTIP releases processed under one set of rules (``switches``), built once by
    ``build()`` and stored like :func:`data_bases` (same inputs, same code)."""
    return _stored("processed", build, switches)
