"""Check every configuration file of ``data/`` at once: the manifest, the exclusions, the two
mapping tables and the published figures.

Each file has one loader that checks it on its own (types, vocabulary, known codes and
releases, duplicates): :func:`tiptrends.io.sources.load_manifest`,
:func:`tiptrends.io.exclusions.load_exclusions`,
:func:`tiptrends.io.countries.load_country_names`,
:func:`tiptrends.io.citizenship.load_citizenship_map` and
:func:`tiptrends.io.published.load_published`. :func:`check_config` runs them all and then
checks the entries against the curated tables that are current: an exclusion must drop rows
in each of its releases and years, a citizenship category must occur in a release, a name of
``country_names.csv`` that maps to a code must be written by a source (a row without a code
is a guard that keeps a name unmatched, such as a historical entity, and may stay unused).
``tiptrends data check`` and ``tiptrends data info --strict`` call it.
"""

from __future__ import annotations

import pandas as pd

from tiptrends.errors import DataError
from tiptrends.io import citizenship, countries, curate, exclusions, published, releases, sources


def _current_tables(ids: list[str]) -> dict[str, pd.DataFrame] | None:
    """The curated tables of ``ids`` when every one is current (None otherwise: no build)."""
    if not all(curate.is_current(sid) for sid in ids):
        return None
    return {sid: curate.read_curated(sid) for sid in ids}


def check_config() -> list[str]:
    """Check every configuration file, alone and against the current curated tables.

    Returns
    -------
    list of str
        Warnings: findings that change no number (a mapping row no source uses).

    Raises
    ------
    DataError
        The first problem, in one line naming the file, the entry and the problem.
    """
    manifest = sources.load_manifest()
    entries = exclusions.load_exclusions()
    names = countries.load_country_names()
    cit = citizenship.load_citizenship_map()
    published.load_published()
    warnings: list[str] = []

    glotip = releases.glotip_sources()
    tables = _current_tables(list(glotip))
    if tables is not None:
        by_release = {glotip[sid].release: t for sid, t in tables.items()}
        exclusions.check_against_data(entries, by_release)
        seen = set()
        for table in by_release.values():
            seen |= set(table.loc[table["dimension"] == "by citizenship", "category"].dropna())
        unused = cit.loc[~cit["category"].isin(seen), "category"]
        if len(unused):
            line = int(unused.index[0]) + 2
            raise DataError(
                citizenship.citizenship_map_path(),
                f"category {unused.iloc[0]!r} (line {line}) occurs in no GLOTIP release "
                f"({len(unused)} such rows)",
            )

    named = {
        sid: [c for c, _ in curate.READERS[s.reader].country_columns]
        for sid, s in manifest.items()
        if curate.READERS[s.reader].country_columns
    }
    tables = _current_tables(list(named))
    if tables is not None:
        written = set()
        for sid, table in tables.items():
            for column in named[sid]:
                written |= {countries._clean(v) for v in table[column].dropna()}
        # a row with a code that no source writes is stale (a typo, or a source since
        # corrected); a row without a code is a guard that keeps a name unmatched whenever
        # a source writes it (historical entities, regions) and may wait unused
        unused = names[~names["name"].isin(written) & names["iso3"].fillna("").ne("")]
        if len(unused):
            first = unused.iloc[0]
            raise DataError(
                countries.mappings_dir() / countries.COUNTRY_NAMES_FILE,
                f"name {first['name']!r} (line {int(unused.index[0]) + 2}) -> {first['iso3']} "
                f"is written by no source; remove it ({len(unused)} stale "
                f"row{'' if len(unused) == 1 else 's'} in all)",
            )
    return warnings
