"""The derived data products of the collection (built by ``tiptrends data build``).

Each function returns one product of :mod:`tiptrends.io.derived`: read from
``data/curated/derived/`` when it is current, else computed and stored. Their inputs are the
curated tables and configuration files they read, their code the module that computes them.
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


BASES_SWITCHES: tuple[dict[str, Any], ...] = (
    {"exclusions": False, "vintage": True, "repair": False},
    {"exclusions": True, "vintage": True, "repair": False},
)
"""The switches of :func:`tiptrends.methods.figures.data_bases` the chapters call (each is a
product that ``tiptrends data build`` writes)."""


def products(data_bases: Callable[..., Any] | None = None) -> dict[str, Callable[[], Any]]:
    """Every product the chapters read, by name, with the call that loads or builds it.

    ``data_bases``: :func:`tiptrends.methods.figures.data_bases` (passed by the caller, so that
    this module, which the registry imports, does not import the registry).
    """
    stem = f"data_bases_{settings.CURRENT_RELEASE}_{settings.EARLIER_RELEASE}"
    out: dict[str, Callable[[], Any]] = {
        product_name(stem, **switches): (
            (lambda switches=switches: data_bases(**switches)) if data_bases else (lambda: None)
        )
        for switches in BASES_SWITCHES
    }
    # the grid last: it reads the data bases through the registry
    out[multiverse_name()] = _stored_multiverse_grid if data_bases else (lambda: None)
    return out


#: Modules that compute the specification grid (with every module they import: the registry).
MULTIVERSE_CODE = ("tiptrends.methods.multiverse",)


def multiverse_name() -> str:
    """File name of the specification grid of chapter 12."""
    return f"multiverse_grid_{settings.CURRENT_RELEASE}_{settings.EARLIER_RELEASE}"


def multiverse_inputs() -> list[Path]:
    """Every data file a figure of the registry can read: all of ``data/`` but the raw files
    (pinned by the manifest, which is included), the curated tables' stamps (their tables
    are included by content), the derived products themselves and the README files."""
    from tiptrends.io import derived

    data, out = paths.data_dir(), []
    skip = derived.derived_dir()
    for p in sorted(data.rglob("*")):
        rel = p.relative_to(data).parts
        if not p.is_file() or rel[0] == "raw" or skip in p.parents or p.suffix == ".md":
            continue
        if p.parent == paths.curated_dir() and p.suffix == ".json":
            continue
        out.append(p)
    return out


def multiverse_grid(build: Callable[[], Any]) -> Any:
    """The specification grid of chapter 12 (:func:`tiptrends.methods.multiverse.stored_grid`
    passes its own computation as ``build``): read when its inputs and code are unchanged,
    else built and stored, by ``tiptrends data build`` before the chapters run."""
    from tiptrends.io import derived

    return derived.load_or_build(
        multiverse_name(), build, inputs=multiverse_inputs(), code=MULTIVERSE_CODE
    )


def _stored_multiverse_grid() -> Any:
    from tiptrends.methods import multiverse

    return multiverse.stored_grid()


def _specs() -> dict[str, tuple[list[Path], tuple[str, ...]]]:
    """Inputs and code of every product by name."""
    stem = f"data_bases_{settings.CURRENT_RELEASE}_{settings.EARLIER_RELEASE}"
    bases = glotip_inputs(settings.CURRENT_RELEASE, settings.EARLIER_RELEASE)
    out = {product_name(stem, **sw): (bases, DATA_BASES_CODE) for sw in BASES_SWITCHES}
    out[multiverse_name()] = (multiverse_inputs(), MULTIVERSE_CODE)
    return out


def product_status() -> dict[str, tuple[str, list[str]]]:
    """:func:`tiptrends.io.derived.status` of every product of :func:`products`."""
    from tiptrends.io import derived

    return {
        name: derived.status(name, inputs=inputs, code=code)
        for name, (inputs, code) in _specs().items()
    }
