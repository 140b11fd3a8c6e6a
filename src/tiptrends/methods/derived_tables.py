"""The derived data products of the collection (built by ``tiptrends data build``).

Each function returns one product of :mod:`tiptrends.io.derived`: read from
``data/curated/derived/`` when it is current, else computed and stored. Their inputs are the
curated tables and configuration files they read, their code the module that computes them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from tiptrends import paths, settings

#: Module that computes the data bases (its tiptrends imports are part of the stamp).
DATA_BASES_CODE = ("tiptrends.methods.vintage",)


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


def data_bases(
    load: Callable[[str], pd.DataFrame] | None = None,
    *,
    current: str = settings.CURRENT_RELEASE,
    earlier: str = settings.EARLIER_RELEASE,
    **switches: Any,
) -> Any:
    """:func:`tiptrends.methods.vintage.data_bases` of two releases, built once.

    Parameters
    ----------
    load : callable, optional
        ``load(release) -> curated GLOTIP table`` (default :func:`tiptrends.io.data.load_glotip`),
        called only when the product is built.
    current, earlier : str
        The releases.
    **switches
        Keyword switches of :func:`tiptrends.methods.vintage.data_bases` (``repair=False``...):
        each combination is its own product.
    """
    from tiptrends.io import derived

    if load is None:
        from tiptrends.io import data

        def load(release: str) -> pd.DataFrame:
            return data.load_glotip(release=release)

    def build() -> Any:
        from tiptrends.methods import vintage

        return vintage.data_bases(load(current), load(earlier), **switches)

    name = product_name(f"data_bases_{current}_{earlier}", **switches)
    return derived.load_or_build(
        name, build, inputs=glotip_inputs(current, earlier), code=DATA_BASES_CODE
    )


def products() -> dict[str, Callable[[], Any]]:
    """Every product the chapters read, by name, with the call that loads or builds it."""
    stem = f"data_bases_{settings.CURRENT_RELEASE}_{settings.EARLIER_RELEASE}"
    return {
        product_name(stem, repair=repair): (lambda repair=repair: data_bases(repair=repair))
        for repair in (True, False)
    }


def product_status() -> dict[str, tuple[str, list[str]]]:
    """:func:`tiptrends.io.derived.status` of every product of :func:`products`."""
    from tiptrends.io import derived

    inputs = glotip_inputs(settings.CURRENT_RELEASE, settings.EARLIER_RELEASE)
    return {name: derived.status(name, inputs=inputs, code=DATA_BASES_CODE) for name in products()}
