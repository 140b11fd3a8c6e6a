"""Load the curated tables (building them on first use) and report on the data.

>>> from tiptrends.io.data import load_glotip
>>> victims = load_glotip(release="2025")          # doctest: +SKIP

Every loader returns a table validated against the schema of its reader, so analysis code
can rely on column names and types. See the reader modules in :mod:`tiptrends.io.readers`
for the documented columns.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from tiptrends.errors import DataError
from tiptrends.io import countries, curate, releases, sources
from tiptrends.io.checks import require_columns

Validate = Literal["quick", "full"] | bool


def _load(source_id: str, *, validate: Validate = "quick") -> pd.DataFrame:
    """Read a curated table and check it against its reader's pandera schema.

    ``"quick"`` relies on the build's check when it can: the build checks every row against
    the schema, and its stamp records that check with the digest of the code that defines
    the schema (:func:`tiptrends.io.curate.schema_checked`); the table read is the file the
    stamp names (size and sha256, :func:`tiptrends.io.curate.read_curated`). When the schema
    code changed since, ``"quick"`` checks every column and type and runs the value checks on
    the first and last 1,000 rows. ``"full"`` (or True) checks every row; False skips.
    """
    table = curate.read_curated(source_id)
    if validate == "quick" and curate.schema_checked(source_id):
        return table
    if validate:
        source = sources.get_source(source_id)
        schema = curate.curated_schema(source.reader)
        if schema is not None:
            sample = {"head": 1000, "tail": 1000} if validate == "quick" else {}
            from pandera.errors import SchemaError  # loaded with the schema itself

            try:
                table = schema.validate(table, **sample)
            except SchemaError as exc:
                raise DataError(
                    curate.curated_path(source_id), f"fails its schema: {str(exc).splitlines()[0]}"
                ) from None
    return table


def load_glotip(release: str = "2025", *, validate: Validate = "quick") -> pd.DataFrame:
    """Load the curated UNODC GLOTIP country data.

    Parameters
    ----------
    release
        "2025" (release of 14 April 2025, data to 2022), "2023" (30 May 2023, data to 2021),
        any other release in ``data/sources.toml`` (added with ``tiptrends data add-release``)
        by year, release date or source id, or "latest". See
        :func:`tiptrends.io.releases.release_names`.
    validate
        "quick" (default), "full" or False: how far to check the table against
        :data:`tiptrends.io.readers.unodc.SCHEMA` (see :func:`_load`).

    Returns
    -------
    pandas.DataFrame
        One row per raw row; see :mod:`tiptrends.io.readers.unodc` for the columns.

    Examples
    --------
    >>> victims = load_glotip(release="2025")
    >>> victims["release"].iloc[0], int(victims["year"].min()), int(victims["year"].max())
    ('2025-04-14', 2003, 2022)
    >>> victims[["iso3", "indicator", "dimension", "year", "value", "suppressed"]].dtypes.tolist()
    [dtype('O'), dtype('O'), dtype('O'), dtype('int64'), dtype('float64'), dtype('bool')]
    """
    names = releases.release_names()
    try:
        source_id = names[str(release)]
    except KeyError:
        raise ValueError(
            f"unknown GLOTIP release {release!r}; choose from {sorted(names)}"
        ) from None
    return _load(source_id, validate=validate)


def load_gsi(*, validate: Validate = "quick") -> pd.DataFrame:
    """Load the Walk Free Global Slavery Index 2023 summary table.

    One row per country (180) with ISO3 codes added (``iso3``, ``iso3_match``); see
    :mod:`tiptrends.io.readers.walkfree` for the columns. The ``population`` column is not labelled
    with a year in the workbook; its values match the UN World Population Prospects 2019
    estimates for 2020 (checked for China, India, the United States and Afghanistan), so
    rates computed with it describe population in 2020. Prevalence and numbers in modern
    slavery are Walk Free's estimates for 2021.
    """
    return _load("gsi_2023", validate=validate)


def load_ctdc(*, validate: Validate = "quick") -> pd.DataFrame:
    """Load the CTDC victim-perpetrator synthetic records (see :mod:`tiptrends.io.readers.ctdc`)."""
    return _load("ctdc_vp", validate=validate)


def load_tip_tiers(coding: str = "kelley_heiss", *, validate: Validate = "quick") -> pd.DataFrame:
    """Load US TIP Report tier placements.

    Parameters
    ----------
    coding
        "kelley_heiss" (2001-2015) or "du" (University of Denver coding, 2008-2016).
    """
    ids = {"kelley_heiss": "tip_tiers_kelley_heiss", "du": "du_tip_tiers"}
    if coding not in ids:
        raise ValueError(f"unknown tier coding {coding!r}; choose from {sorted(ids)}")
    return _load(ids[coding], validate=validate)


def load_tip_flows(*, validate: Validate = "quick") -> pd.DataFrame:
    """Load the University of Denver origin -> destination coding of TIP narratives (2008-2016)."""
    return _load("du_tip_flows", validate=validate)


def info() -> pd.DataFrame:
    """Summarise every source: release, rows, years, countries, checksum status, origin.

    Returns
    -------
    pandas.DataFrame
        One row per source of the manifest. ``raw`` is "verified", "missing" or "MISMATCH";
        ``curated`` is the state of the curated table (:func:`tiptrends.io.curate.status`:
        "current", "not built", "stale" or "DAMAGED"); rows, years and countries are read
        only from a current table. Nothing is fetched or built.
    """
    rows = []
    origins = sources.read_origins()
    for sid, source in sources.load_manifest().items():
        status = sources.verify(sid)
        row = {
            "source": sid,
            "release": source.release,
            "raw": status,
            "origin": origins.get(sid, "-") if status != "missing" else "-",
            "curated": curate.status(sid),
            "rows": None,
            "years": "",
            "countries": None,
        }
        if row["curated"] == curate.CURRENT:
            table = curate.read_curated(sid)
            row["rows"] = len(table)
            low = next((c for c in ("year", "year_from") if c in table.columns), None)
            high = next((c for c in ("year", "year_to") if c in table.columns), None)
            if low is not None:
                years_low = pd.to_numeric(table[low], errors="coerce").dropna()
                years_high = pd.to_numeric(table[high], errors="coerce").dropna()
                if len(years_low):
                    row["years"] = f"{int(years_low.min())}-{int(years_high.max())}"
            iso_columns = [c for c in table.columns if c == "iso3" or c.endswith("_iso3")]
            if iso_columns:
                keep = ~table["is_aggregate"] if "is_aggregate" in table.columns else slice(None)
                codes = pd.concat([table.loc[keep, c] for c in iso_columns]).dropna()
                row["countries"] = int(codes.nunique())
        rows.append(row)
    out = pd.DataFrame(rows)
    out[["rows", "countries"]] = out[["rows", "countries"]].astype("Int64")
    return out


def gsi_population(gsi: pd.DataFrame) -> pd.Series:
    """Population by ISO3 code from the Walk Free GSI 2023 summary table.

    The figures describe population in 2020 (see :func:`tiptrends.io.data.load_gsi`).

    Parameters
    ----------
    gsi : DataFrame
        Output of :func:`tiptrends.io.data.load_gsi` (columns ``iso3``, ``population``); a table
        without ``iso3`` has its ``country`` names matched with
        :func:`tiptrends.io.countries.to_iso3`.

    Returns
    -------
    Series
        Population (float) indexed by ``iso3``; rows without a code or a population are dropped.

    Raises
    ------
    ValueError
        If two GSI rows map to the same code.
    """
    require_columns(gsi, ["population"], what="gsi_population: gsi")
    require_columns(
        gsi, ["iso3" if "iso3" in gsi.columns else "country"], what="gsi_population: gsi"
    )
    if "iso3" in gsi.columns:
        iso = gsi["iso3"].to_numpy()
    else:
        iso = countries.to_iso3(gsi["country"]).to_numpy()
    pop = pd.Series(gsi["population"].astype(float).to_numpy(), index=iso, name="population")
    pop = pop[pop.index.notna() & pop.notna()]
    if pop.index.duplicated().any():
        raise ValueError(
            f"GSI names map to the same ISO3: {sorted(pop.index[pop.index.duplicated()])}"
        )
    pop.index.name = "iso3"
    return pop
