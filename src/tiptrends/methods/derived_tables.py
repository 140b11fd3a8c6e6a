"""The derived data products of the collection (built by ``tiptrends data build``).

Each function returns one product of :mod:`tiptrends.io.derived`: read from
``data/curated/derived/`` when it is current, else computed and stored. Their inputs are the
curated tables and configuration files they read, their code the module that computes them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tiptrends import settings
from tiptrends.methods.figures.stored import (
    DATA_BASES_CODE,
    glotip_inputs,
    release_product,
)

BASES_SWITCHES: tuple[dict[str, Any], ...] = (
    {"exclusions": False, "vintage": True, "repair": False},
    {"exclusions": True, "vintage": True, "repair": False},
)
"""The switches of :func:`tiptrends.methods.figures.data_bases` the chapters call (each is a
product that ``tiptrends data build`` writes)."""

PROCESSED_SWITCHES: tuple[dict[str, Any], ...] = (
    *(
        {"exclusions": ex, "vintage": vi, "repair": False}
        for ex in (False, True)
        for vi in (True, False)
    ),
    *({"exclusions": True, "vintage": vi, "repair": True} for vi in (True, False)),
)
"""The rule sets of :func:`tiptrends.methods.figures.processed_tables` the chapters and the
grid read: the exclusions and the vintage rule each on and off, and the exclusions with the
repairs, with and without the vintage rule (each a product that ``tiptrends data build``
writes; another rule set is computed and stored on first use)."""


def products(
    data_bases: Callable[..., Any] | None = None, processed: Callable[..., Any] | None = None
) -> dict[str, Callable[[], Any]]:
    """Every product the chapters read, by name, with the call that loads or builds it.

    ``data_bases`` and ``processed``: :func:`tiptrends.methods.figures.data_bases` and
    :func:`tiptrends.methods.figures.processed_tables` (passed by the caller, so that this
    module, which the registry imports, does not import the registry). Without
    ``processed`` those products are built when the data bases are.
    """
    out: dict[str, Callable[[], Any]] = {}
    for switches in PROCESSED_SWITCHES:  # first: the data bases are built from them
        out[release_product("processed", **switches)] = (
            (lambda switches=switches: processed(**switches)) if processed else (lambda: None)
        )
    for switches in BASES_SWITCHES:
        out[release_product("data_bases", **switches)] = (
            (lambda switches=switches: data_bases(**switches)) if data_bases else (lambda: None)
        )
    # the grid last: it reads the data bases through the registry
    out[multiverse_name()] = _stored_multiverse_grid if data_bases else (lambda: None)
    return out


def _stored_multiverse_grid() -> Any:
    from tiptrends.methods import multiverse

    return multiverse.stored_grid()


def multiverse_name() -> str:
    """File name of the specification grid of chapter 12."""
    from tiptrends.methods import multiverse

    return multiverse.product_name()


def _specs() -> dict[str, tuple[list[Path], tuple[str, ...]]]:
    """Inputs and code of every product by name."""
    bases = glotip_inputs(settings.CURRENT_RELEASE, settings.EARLIER_RELEASE)
    out = {
        release_product("processed", **sw): (bases, DATA_BASES_CODE) for sw in PROCESSED_SWITCHES
    }
    out |= {release_product("data_bases", **sw): (bases, DATA_BASES_CODE) for sw in BASES_SWITCHES}
    from tiptrends.methods import multiverse

    out[multiverse_name()] = (multiverse.product_inputs(), multiverse.PRODUCT_CODE)
    return out


def product_status() -> dict[str, tuple[str, list[str]]]:
    """:func:`tiptrends.io.derived.status` of every product of :func:`products`."""
    from tiptrends.io import derived

    return {
        name: derived.status(name, inputs=inputs, code=code)
        for name, (inputs, code) in _specs().items()
    }
