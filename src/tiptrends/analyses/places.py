"""Place profiles: everything the UNODC data say about one country or region.

The chapter module of ``notebooks/profiles/place_profile.ipynb``, a parametrised notebook
(run with papermill by ``tiptrends profile``) that shows, for one ISO3 code, the EU-27, a
UN M49 region or sub-region, or a GLOTIP region (approximation, see
:mod:`tiptrends.io.countries`):

* detected victims over time, every year marked reported, suppressed (``"<5"``),
  excluded (``data/exclusions.toml``), interpolated (a gap between two reports) or not
  reported;
* shares by form of exploitation and by sex and age, each with its denominator and the
  number of ``"<5"`` cells left out;
* persons convicted per detected victim;
* citizenship of detected victims (domestic, foreign, unknown) and the top foreign origins;
* revisions of the country totals between the 2023 and 2025 releases;
* every data-quality flag (:mod:`tiptrends.methods.diagnostics`) and exclusion that touches
  the place;
* the Walk Free prevalence estimate where one exists;
* how the place compares with its region (a country: its GLOTIP region; a region: the world).

A region's figures pool its member countries (the countries of the grouping that appear in
the UNODC data). Bad input raises :class:`PlaceError`, whose message is one line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from tiptrends import settings, vocab
from tiptrends.io import citizenship, countries, data
from tiptrends.io import exclusions as ex
from tiptrends.methods import aggregate as ag
from tiptrends.methods import diagnostics, figures, headline, panels
from tiptrends.methods.figures.eu import totals_by_year

if TYPE_CHECKING:  # matplotlib is imported by the plotting function only (faster CLI start)
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

PlaceKind = Literal["country", "eu27", "glotip_region", "un_subregion", "un_region", "world"]

#: What each kind of place is, in words.
KIND_LABELS: dict[str, str] = {
    "country": "country or territory",
    "eu27": "European Union (27 current member states, fixed membership)",
    "glotip_region": "GLOTIP region (approximation of the UNODC report's grouping)",
    "un_subregion": "UN M49 sub-region",
    "un_region": "UN M49 region",
    "world": "all countries in the data",
}

EU27_ALIASES = ("EU27", "EU-27", "EU", "EUU", "EU 27", "EUROPEAN UNION")
WORLD_ALIASES = ("WORLD", "WLD", "GLOBAL")

#: Status of a country-year count of detected victims, in the order they are checked.
STATUSES = ("reported", "suppressed", "excluded", "interpolated", "not reported")
STATUS_MEANING: dict[str, str] = {
    "reported": "published count",
    "suppressed": "published as '<5' (a count of 1 to 4), left out of sums",
    "excluded": "dropped by one of the book's exclusions of implausible series",
    "interpolated": "no report: filled by log-linear interpolation between two reports",
    "not reported": "no report, before the first or after the last one: left empty",
}

TOP_ORIGINS = 10


class PlaceError(ValueError):
    """A place that cannot be profiled; the message is one line, fit for the command line."""


@dataclass(frozen=True)
class Place:
    """A country or a region to profile.

    Attributes
    ----------
    kind : str
        One of :data:`KIND_LABELS`.
    code : str
        ISO3 code of a country, ``"EU27"``, or the region's name.
    name : str
        Name for people.
    members : tuple of str
        ISO3 codes of the countries pooled (one for a country), all present in the data.
    comparison : str
        Name of the group the place is compared with.
    comparison_members : tuple of str
        ISO3 codes of that group.
    """

    kind: str
    code: str
    name: str
    members: tuple[str, ...]
    comparison: str
    comparison_members: tuple[str, ...] = field(repr=False)

    @property
    def is_country(self) -> bool:
        """True for a single country or territory."""
        return self.kind == "country"

    @property
    def slug(self) -> str:
        """File stem of the profile page: ``nga``, ``eu27``, ``region-sub-saharan-africa``."""
        if self.kind in ("country", "eu27"):
            return self.code.lower()
        return "region-" + re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")

    @property
    def label(self) -> str:
        """Name with its code or kind, e.g. ``"Nigeria (NGA)"``."""
        if self.is_country:
            return f"{self.name} ({self.code})"
        return f"{self.name} ({len(self.members)} countries in the data)"


@dataclass(frozen=True)
class ProfileData:
    """The tables a profile reads, loaded once.

    Attributes
    ----------
    raw : DataFrame
        Curated GLOTIP table of the release profiled, before exclusions.
    glotip : DataFrame
        The same after the collection's exclusions.
    previous : DataFrame
        The previous release (for revisions).
    exclusions : list of Exclusion
        The entries of ``data/exclusions.toml``.
    excluded_rows : DataFrame
        What :func:`tiptrends.io.exclusions.apply_exclusions` dropped, per entry.
    gsi : DataFrame
        Walk Free Global Slavery Index 2023 (prevalence estimates for 2021, population 2020).
    release : str
        Release date of ``raw``.
    """

    raw: pd.DataFrame = field(repr=False)
    glotip: pd.DataFrame = field(repr=False)
    previous: pd.DataFrame = field(repr=False)
    exclusions: list = field(repr=False)
    excluded_rows: pd.DataFrame = field(repr=False)
    gsi: pd.DataFrame = field(repr=False)
    release: str = ""

    @property
    def years(self) -> tuple[int, int]:
        """First and last year of the release."""
        return int(self.raw["year"].min()), int(self.raw["year"].max())

    @cached_property
    def victim_totals(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Country totals of detected victims per year (:func:`_totals`) of ``raw`` and of
        ``glotip``, computed once for every place profiled from these tables."""
        return _totals(self.raw), _totals(self.glotip)


def load_profile_data(release: str = "2025", previous: str = "2023") -> ProfileData:
    """Load the UNODC releases, apply the exclusions and load the Walk Free estimates.

    Parameters
    ----------
    release, previous : str
        The release profiled and the one its revisions are measured against.

    Returns
    -------
    ProfileData
    """
    entries = ex.load_exclusions()
    if release == settings.CURRENT_RELEASE and previous == settings.EARLIER_RELEASE:
        # the releases as the figure registry loaded them (one load per process)
        raw, earlier = figures.glotip(release), figures.glotip(previous)
        # the re-analysis of the figure registry: the table every chapter's current-release
        # figure reads, so a profile of the EU-27 or a region states the chapters' numbers
        bases = figures.data_bases()
        filtered, report = bases.current_release, bases.exclusions
    else:
        raw, earlier = data.load_glotip(release=release), data.load_glotip(release=previous)
        filtered, report = ex.apply_exclusions(raw, entries)
    return ProfileData(
        raw=raw,
        glotip=filtered,
        previous=earlier,
        exclusions=entries,
        excluded_rows=report,
        gsi=data.load_gsi(),
        release=str(raw["release"].iloc[0]),
    )


# --------------------------------------------------------------------------- places
def _data_countries(glotip: pd.DataFrame) -> pd.DataFrame:
    """One row per country of the data: iso3, country, region, subregion, glotip_region.

    Rows without an ISO3 code (Sark, a dependency without one) cannot be profiled.
    """
    rows = glotip[~glotip["is_aggregate"].astype(bool) & glotip["iso3"].notna()]
    meta = rows[["iso3", "country", "region", "subregion"]].drop_duplicates("iso3")
    return countries.add_glotip_region(meta, "iso3", "subregion").reset_index(drop=True)


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(text).lower()).strip()


def region_names(glotip: pd.DataFrame) -> dict[str, list[str]]:
    """The region names a profile accepts, by kind (GLOTIP, UN sub-region, UN region)."""
    return _region_names(_data_countries(glotip))


def _region_names(meta: pd.DataFrame) -> dict[str, list[str]]:
    """:func:`region_names` from the table's countries (:func:`_data_countries`)."""
    return {
        "eu27": ["EU27"],
        "glotip_region": [r for r in countries.GLOTIP_REGIONS if r in set(meta["glotip_region"])],
        "un_subregion": sorted(meta["subregion"].dropna().unique()),
        "un_region": sorted(meta["region"].dropna().unique()),
    }


def _region_members(meta: pd.DataFrame, kind: str, name: str) -> tuple[str, ...]:
    if kind == "eu27":
        mask = meta["iso3"].isin(countries.EU27)
    elif kind == "world":
        mask = pd.Series(True, index=meta.index)
    else:
        column = {"glotip_region": "glotip_region", "un_subregion": "subregion"}.get(kind, "region")
        mask = meta[column] == name
    return tuple(sorted(meta.loc[mask, "iso3"]))


def _find_region(text: str, meta: pd.DataFrame, names: dict[str, list[str]]) -> Place | None:
    key = _norm(text)
    if key.upper() in {_norm(a).upper() for a in EU27_ALIASES}:
        kind, name = "eu27", "EU-27"
    elif key.upper() in WORLD_ALIASES:
        kind, name = "world", "World"
    else:
        found = [
            (k, n)
            for k in ("glotip_region", "un_subregion", "un_region")
            for n in names[k]
            if _norm(n) == key
        ]
        if not found:
            return None
        kind, name = found[0]
    members = _region_members(meta, kind, name)
    world = tuple(sorted(meta["iso3"]))
    return Place(kind, "EU27" if kind == "eu27" else name, name, members, "World", world)


def _shown(text: str, limit: int = 40) -> str:
    """``text`` quoted for a message, cut to ``limit`` characters (a pasted page is not echoed)."""
    text = str(text)
    return repr(text) if len(text) <= limit else f"{text[:limit]!r}... ({len(text):,} characters)"


def resolve_place(
    code: str | None = None, region: str | None = None, glotip: pd.DataFrame | None = None
) -> Place:
    """Turn an ISO3 code (or a country name) or a region name into a :class:`Place`.

    Parameters
    ----------
    code : str, optional
        ISO3 code such as ``"NGA"`` (a country name such as ``"Nigeria"`` is accepted too).
    region : str, optional
        ``"EU27"``, a GLOTIP region (``"Sub-Saharan Africa"``), a UN M49 sub-region
        (``"Western Europe"``) or region (``"Africa"``). A name that is both a GLOTIP region
        and a UN sub-region is read as the GLOTIP region.
    glotip : DataFrame, optional
        Curated GLOTIP table (default: the 2025 release, after exclusions).

    Returns
    -------
    Place

    Raises
    ------
    PlaceError
        With a one-line message: neither or both of ``code`` and ``region``, an unknown
        code or region, a region given as a code, or a country with no detected-victim
        counts in the data.
    """
    if (code is None) == (region is None):
        raise PlaceError("give either a country code (e.g. NGA) or a region, not both or neither")
    table = data.load_glotip() if glotip is None else glotip
    meta = _data_countries(table)
    names = _region_names(meta)
    if region is not None:
        place = _find_region(region, meta, names)
        if place is None:
            options = "; ".join(
                [*names["glotip_region"], "EU27", *names["un_subregion"], *names["un_region"]]
            )
            raise PlaceError(f"unknown region {_shown(region)}; choose one of: {options}")
        if not place.members:
            raise PlaceError(f"region {place.name!r} has no country in the data")
        return place
    return _resolve_code(code, table, meta, names)


def _resolve_code(
    code: str, table: pd.DataFrame, meta: pd.DataFrame, names: dict[str, list[str]]
) -> Place:
    """:func:`resolve_place` of a code or country name, the table's countries and region
    names (:func:`_data_countries`, :func:`region_names`) given."""
    text = str(code).strip()
    iso = text.upper()
    shown = _shown(text)
    if _find_region(text, meta, names) is not None and iso not in set(meta["iso3"]):
        raise PlaceError(
            f'{shown} is a region, not a country: run tiptrends profile --region "{text}"'
        )
    in_data = set(meta["iso3"])
    known = (
        meta.set_index("iso3")["country"]
        if iso in in_data
        else countries.country_table().set_index("iso3")["name_short"]
    )
    coded = len(iso) == 3 and iso.isalpha()
    if not (coded and (iso in known.index or iso in countries.valid_iso3())):
        match = countries.to_iso3([text]).iloc[0] if 3 < len(text) <= 100 else None
        if not isinstance(match, str):
            raise PlaceError(
                f"{shown} is not an ISO3 country code (e.g. NGA, IND, DEU) nor a country name"
            )
        iso = match
    if iso not in set(meta["iso3"]):
        name = known.get(iso) or countries.converter().convert(iso, src="ISO3", to="name_short")
        raise PlaceError(
            f"{iso} is the ISO3 code of {name}, which has no rows in the UNODC GLOTIP data: "
            "nothing to profile"
        )
    victims = table[(table["iso3"] == iso) & (table["indicator"] == vocab.VICTIMS)]
    row = meta.set_index("iso3").loc[iso]
    if victims.empty:
        raise PlaceError(
            f"{row['country']} ({iso}) has no detected-victim counts in the UNODC GLOTIP data "
            "(only other indicators): nothing to profile"
        )
    published = victims["value"].notna() & (victims["dimension"] != vocab.DIM_REPATRIATION)
    if _totals(victims).empty and not published.any():
        dims = ", ".join(sorted(victims["dimension"].unique()))
        raise PlaceError(
            f"{row['country']} ({iso}) publishes no count of detected victims in the UNODC "
            f"GLOTIP data, only {len(victims)} row(s) of '<5' or repatriation ({dims}): "
            "nothing to profile"
        )
    group = row["glotip_region"]
    if isinstance(group, str):
        comparison, kind = group, "glotip_region"
    else:
        comparison, kind = row["subregion"], "un_subregion"
    return Place(
        "country",
        iso,
        str(row["country"]),
        (iso,),
        str(comparison),
        _region_members(meta, kind, comparison),
    )


def country_places(glotip: pd.DataFrame) -> list[tuple[Place, str]]:
    """Every country of the data as a place, by name, with why it cannot be profiled.

    Each country is resolved as :func:`resolve_place` resolves its code, the table's
    countries and region names read once for all. A country that cannot be profiled (no
    published count of detected victims) gets a place of its own rows and the one-line
    reason; the others an empty reason. The comparison group's members are left empty.

    Returns
    -------
    list of (Place, str)
        In the order of the countries' names.
    """
    meta = _data_countries(glotip)
    names = region_names(glotip)
    own = dict(tuple(glotip.groupby("iso3", sort=False)))
    found: list[tuple[Place, str]] = []
    for row in meta.sort_values("country").itertuples():
        try:
            place = _resolve_code(row.iso3, own[row.iso3], meta, names)
            found.append((replace(place, comparison_members=()), ""))
        except PlaceError as exc:
            group = row.glotip_region if isinstance(row.glotip_region, str) else row.subregion
            place = Place("country", row.iso3, str(row.country), (row.iso3,), str(group), ())
            found.append((place, str(exc)))
    return found


def default_places(glotip: pd.DataFrame, top: int = 15) -> list[tuple[str | None, str | None]]:
    """The places ``make report`` profiles: the EU-27, the GLOTIP regions, the top countries.

    Parameters
    ----------
    glotip : DataFrame
        Curated GLOTIP table.
    top : int
        Number of countries (>= 1), ranked by detected victims summed over every year
        reported.

    Returns
    -------
    list of (code, region)
        Arguments for :func:`resolve_place`.
    """
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise PlaceError(f"--top must be a whole number >= 1, got {top!r}")
    totals = ag.country_year_counts(glotip).groupby("iso3")[ag.TOTAL_COLUMN].sum()
    ranked = totals.sort_values(ascending=False, kind="stable").head(top).index
    regions = [(None, "EU27"), *((None, r) for r in region_names(glotip)["glotip_region"])]
    return [*regions, *((str(iso), None) for iso in ranked)]


# --------------------------------------------------------------------------- victims
def _members(df: pd.DataFrame, members: Iterable[str]) -> pd.DataFrame:
    return df[df["iso3"].isin(list(members))]


#: Many places pooled at once: each place's rows are copied under a year coded with the
#: place's position, ``position * PLACE_CODE + year`` (:func:`stack_places`), so that one call
#: of a function that pools per year pools per place and year.
PLACE_CODE = 10_000


def stack_places(df: pd.DataFrame, groups: Sequence[Iterable[str]]) -> pd.DataFrame:
    """The rows of ``df`` of each group's countries, one copy per group, with coded years.

    Parameters
    ----------
    df : DataFrame
        A table with ``iso3`` and ``year`` (a curated table, a counts table...).
    groups : sequence of iterables of str
        The member countries of each place.

    Returns
    -------
    DataFrame
        The rows of the first group's countries, then the second's..., each in its order in
        ``df`` (the order in which a single place's rows are summed); ``year`` is
        ``position * PLACE_CODE + year`` (:func:`unstack_places` reads it back).

    Examples
    --------
    >>> t = pd.DataFrame({"iso3": ["A", "B", "A"], "year": [2020, 2020, 2021]})
    >>> stack_places(t, [("A",), ("A", "B")])["year"].tolist()
    [2020, 2021, 12020, 12020, 12021]
    """
    codes, uniques = pd.factorize(df["iso3"])
    positions, places = [], []
    for k, members in enumerate(groups):
        inside = np.append(uniques.isin(list(members)), False)  # code -1 (no iso3): nobody's
        rows = np.flatnonzero(inside[codes])
        positions.append(rows)
        places.append(np.full(len(rows), k, dtype="int64"))
    taken = np.concatenate(positions) if positions else np.array([], dtype="int64")
    out = df.iloc[taken].reset_index(drop=True)
    place = np.concatenate(places) if places else np.array([], dtype="int64")
    out["year"] = place * PLACE_CODE + out["year"].to_numpy(dtype="int64")
    return out


def unstack_places(df: pd.DataFrame | pd.Series) -> pd.DataFrame:
    """A table of coded years (:func:`stack_places`) with ``place`` (position) and ``year``.

    ``year`` may be a column or the index (of a table or a Series); the result has both as
    columns, ``place`` first.
    """
    if isinstance(df, pd.DataFrame) and "year" in df.columns:
        out = df.reset_index(drop=True)
    else:
        out = df.reset_index()
    place = np.array([], dtype="int64")
    if len(out):  # (an empty table keeps its columns' types, as the single-place one)
        coded = out["year"].to_numpy(dtype="int64")
        out["year"] = coded % PLACE_CODE
        place = coded // PLACE_CODE
    out.insert(0, "place", place)
    return out


def _totals(df: pd.DataFrame, indicator: str = vocab.VICTIMS) -> pd.DataFrame:
    """Country totals per year with a suppressed flag (all rows of the cell '<5')."""
    rows = df[
        (df["indicator"] == indicator)
        & (df["dimension"] == vocab.DIM_TOTAL)
        & (df["category"] == vocab.TOTAL)
        & (df["sex"] == vocab.TOTAL)
        & (df["age"] == vocab.TOTAL)
    ]
    g = rows.groupby(["iso3", "year"])
    return pd.DataFrame(
        {"value": g["value"].sum(min_count=1), "suppressed": g["suppressed"].all()}
    ).reset_index()


def victim_status(pdata: ProfileData, place: Place) -> pd.DataFrame:
    """Detected victims per member country and year, each with its status.

    Parameters
    ----------
    pdata : ProfileData
    place : Place

    Returns
    -------
    DataFrame
        ``iso3, year, victims, status, estimate`` for every member and every year of the
        release. ``victims`` is the published count (NaN unless ``status == "reported"``);
        ``status`` is one of :data:`STATUSES`; ``estimate`` is the count for reported years
        and the log-linear interpolation between the country's two nearest reports for
        interpolated and excluded years inside its reporting span (NaN otherwise).
    """
    first, last = pdata.years
    raw_totals, kept_totals = pdata.victim_totals
    raw = _members(raw_totals, place.members)
    kept = _members(kept_totals, place.members)[["iso3", "year", "value"]]
    grid = pd.MultiIndex.from_product(
        [list(place.members), range(first, last + 1)], names=["iso3", "year"]
    ).to_frame(index=False)
    out = grid.merge(raw, on=["iso3", "year"], how="left")
    # one row per country and year on both sides: the left merge keeps the grid's rows in order
    kept = kept.rename(columns={"value": "kept_value"}).assign(is_kept=True)
    out = out.merge(kept, on=["iso3", "year"], how="left")
    in_raw = out["suppressed"].notna()
    is_kept = out.pop("is_kept").notna()
    excluded = in_raw & ~is_kept
    # the kept value: a total an exclusion repairs from the earlier release is that release's
    out["value"] = out.pop("kept_value").where(is_kept, out["value"])
    reported = ~excluded & out["value"].notna()
    suppressed = ~excluded & ~reported & in_raw
    counts = out[reported].rename(columns={"value": ag.TOTAL_COLUMN})[
        ["iso3", "year", ag.TOTAL_COLUMN]
    ]
    estimate = pd.Series(np.nan, index=out.index)
    inside = pd.Series(False, index=out.index)
    for iso, g in counts.sort_values("year").groupby("iso3"):
        obs_years = g["year"].to_numpy()
        span = (out["iso3"] == iso) & out["year"].between(obs_years[0], obs_years[-1])
        inside |= span
        estimate[span] = panels.interpolate_log(
            out.loc[span, "year"].to_numpy(), obs_years, g[ag.TOTAL_COLUMN].to_numpy(float)
        )
    out["status"] = np.select(
        [reported, suppressed, excluded, inside],
        ["reported", "suppressed", "excluded", "interpolated"],
        default="not reported",
    )
    out["victims"] = out["value"].where(reported)
    out["estimate"] = estimate.where(reported | excluded | (out["status"] == "interpolated"))
    out.loc[excluded & ~inside, "estimate"] = np.nan
    return out[["iso3", "year", "victims", "status", "estimate"]]


def victims_by_year(status: pd.DataFrame) -> pd.DataFrame:
    """Pool :func:`victim_status` over the member countries, year by year.

    Returns
    -------
    DataFrame
        Indexed by ``year``: ``victims`` (sum of the published counts; NaN if none),
        ``with_interpolated`` (published plus interpolated counts), then the number of
        member countries in each status of :data:`STATUSES`.
    """
    table = status.pivot_table(
        index="year", columns="status", values="iso3", aggfunc="count", fill_value=0
    ).reindex(columns=list(STATUSES), fill_value=0)
    table.columns.name = None
    g = status.groupby("year")
    out = pd.DataFrame(
        {
            "victims": g["victims"].sum(min_count=1),
            "with_interpolated": g["estimate"].sum(min_count=1),
        }
    ).join(table.astype("int64"))
    return out


def status_legend() -> pd.DataFrame:
    """The statuses of :data:`STATUSES` and what each means, as a table."""
    return pd.DataFrame(
        {"status": list(STATUSES), "meaning": [STATUS_MEANING[s] for s in STATUSES]}
    )


def victims_table(status: pd.DataFrame) -> pd.DataFrame:
    """Detected victims per year for people, newest first.

    A single country: ``year, victims, status, interpolated`` (``interpolated``: the
    interpolated count of a year without one). A region: ``year, victims`` (published,
    summed), ``with interpolated`` and the number of member countries in each status.
    Interpolated counts are rounded to whole persons here (the figure and
    :func:`victims_by_year` keep the unrounded values).
    """
    if status["iso3"].nunique() == 1:
        out = status[["year", "victims", "status"]].copy()
        out["interpolated"] = status["estimate"].where(status["status"] != "reported").round()
    else:
        out = victims_by_year(status).rename(columns={"with_interpolated": "with interpolated"})
        out["with interpolated"] = out["with interpolated"].round()
        out = out.reset_index()
    return out.sort_values("year", ascending=False).reset_index(drop=True)


def latest_year(status: pd.DataFrame) -> int | None:
    """Last year with at least one published count (None if there is none)."""
    years = status.loc[status["status"] == "reported", "year"]
    return int(years.max()) if len(years) else None


def plot_victims(
    by_year: pd.DataFrame,
    *,
    colour: str = "#0072B2",
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    """Detected victims over time with the reporting gaps marked.

    Published counts are solid bars; interpolated parts are hatched bars on top of them;
    years with no published count are shaded grey, with "<5" or "excl." written in them
    when the country's count was suppressed or excluded (a single country) or the number
    of such countries (a region).

    Parameters
    ----------
    by_year : DataFrame
        Output of :func:`victims_by_year`.
    colour : str
        Bar colour.
    ax : Axes, optional
        Draw into these axes.

    Returns
    -------
    (Figure, Axes)
    """
    import matplotlib.pyplot as plt  # here: resolving a place needs no plotting

    if ax is None:
        fig, ax = plt.subplots()
    else:
        fig = ax.figure
    years = by_year.index.to_numpy()
    published = by_year["victims"].fillna(0.0).to_numpy()
    filled = (by_year["with_interpolated"].fillna(0.0) - by_year["victims"].fillna(0.0)).clip(0)
    ax.bar(years, published, color=colour, label="published count")
    if filled.sum() > 0:
        ax.bar(
            years,
            filled.to_numpy(),
            bottom=published,
            color="white",
            edgecolor=colour,
            hatch="///",
            label="interpolated (no report)",
        )
    n_members = int(by_year[list(STATUSES)].sum(axis=1).max())
    top = max(float(by_year["with_interpolated"].max(skipna=True) or 0.0), 1.0)
    for year, row in by_year.iterrows():
        if pd.notna(row["victims"]):
            continue
        ax.axvspan(year - 0.5, year + 0.5, color="#dddddd", alpha=0.6, lw=0)
        marks = []
        if row["suppressed"]:
            marks.append("<5" if n_members == 1 else f"{row['suppressed']} <5")
        if row["excluded"]:
            marks.append("excl." if n_members == 1 else f"{row['excluded']} excl.")
        if marks:
            ax.text(year, top * 0.02, "\n".join(marks), ha="center", va="bottom", fontsize=7)
    ax.set_xlim(years.min() - 0.6, years.max() + 0.6)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    # right of the axes, off the bars
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    return fig, ax


# --------------------------------------------------------------------------- shares
def _suppressed_cells(df: pd.DataFrame, dimension: str) -> pd.Series:
    cells = ag.country_year_counts(df, dimension=dimension, with_total=False, wide=False)
    return _suppressed_by_year(cells)


def _suppressed_by_year(cells: pd.DataFrame) -> pd.Series:
    """``"<5"`` cells per year of a long counts table."""
    return cells.groupby("year")["n_suppressed"].sum().astype("int64")


def form_shares(pdata: ProfileData, place: Place) -> pd.DataFrame:
    """Shares of detected victims by form of exploitation, with their denominators.

    Pooled over the member countries that report forms that year (after exclusions);
    denominator: victims with a known form (sum of the three forms).

    Returns
    -------
    DataFrame
        ``year, category, share_pct, n_countries, denominator, suppressed_cells,
        excluded_countries`` where ``denominator`` is the number of victims with a known
        form, ``suppressed_cells`` the "<5" form cells left out that year and
        ``excluded_countries`` the member countries whose form rows an exclusion dropped.
    """
    return form_shares_by_place(pdata, [place]).drop(columns="place")


def form_shares_by_place(pdata: ProfileData, places: Sequence[Place]) -> pd.DataFrame:
    """:func:`form_shares` of many places at once, with their position in ``places``.

    The counts of every member country are extracted once and pooled per place and year in
    one call (:func:`stack_places`); the single-place table is this one for one place.

    Returns
    -------
    DataFrame
        ``place`` (position in ``places``), then the columns of :func:`form_shares`.
    """
    groups = [p.members for p in places]
    rows = _members(pdata.glotip, _union(groups))
    counts = ag.country_year_counts(rows, vocab.VICTIMS, vocab.DIM_FORM, suppressed="exclude")
    shares = ag.shares_by_year(
        stack_places(counts, groups), dimension=vocab.DIM_FORM, suppressed="exclude"
    )
    cells = ag.country_year_counts(rows, dimension=vocab.DIM_FORM, with_total=False, wide=False)
    suppressed = _suppressed_by_year(stack_places(cells, groups))
    excluded = _excluded_by_year(pdata, groups, "form")
    return unstack_places(_finish_shares(shares, suppressed, excluded))


def _union(groups: Iterable[Iterable[str]]) -> list[str]:
    """Every country of the groups, sorted."""
    return sorted({iso for members in groups for iso in members})


def sex_age_shares(pdata: ProfileData, place: Place) -> pd.DataFrame:
    """Shares of women, men, girls, boys and children among detected victims.

    Denominator: victims of known sex (female / male) and age (child / adult), as in the
    published GLOTIP profile; children are girls plus boys.

    Returns
    -------
    DataFrame
        As :func:`form_shares`.
    """
    rows = _members(pdata.glotip, place.members)
    # the registry's sex-and-age counts (form fallback), as chapter 04 and the explorer
    counts = headline.sex_age_counts(rows, suppressed="exclude", form_fallback=True)
    shares = ag.shares_by_year(counts, dimension=ag.SEX_AGE, suppressed="exclude")
    excluded = excluded_countries(pdata, place, "sex_age")
    return _finish_shares(shares, _suppressed_cells(rows, ag.SEX_AGE), excluded)


def excluded_countries(pdata: ProfileData, place: Place, rows: str) -> pd.Series:
    """Member countries whose rows of a kind an exclusion dropped, per year.

    Parameters
    ----------
    pdata, place
        See :func:`victim_status`.
    rows : {"form", "sex_age", "citizenship", "total"}
        The rows a table is built from (detected victims).

    Returns
    -------
    Series
        Number of member countries, indexed by year (years without any: absent).
    """
    return _excluded_by_year(pdata, [place.members], rows)


def _excluded_by_year(
    pdata: ProfileData, groups: Sequence[Iterable[str]], rows: str
) -> pd.Series:
    """:func:`excluded_countries` of many places, indexed by coded year (:func:`stack_places`)."""
    raw = _members(pdata.raw, _union(groups))
    raw = raw[raw["indicator"] == vocab.VICTIMS]
    both_total = (raw["sex"] == vocab.TOTAL) & (raw["age"] == vocab.TOTAL)
    kinds = {
        "form": raw["dimension"] == vocab.DIM_FORM,
        "sex_age": (raw["dimension"] == vocab.DIM_TOTAL) & ~both_total,
        "citizenship": raw["dimension"] == vocab.DIM_CITIZENSHIP,
        "total": (raw["dimension"] == vocab.DIM_TOTAL) & both_total,
    }
    chosen = raw[kinds[rows]]
    dropped = chosen[~chosen.index.isin(pdata.glotip.index)]
    pairs = dropped[["iso3", "year"]].drop_duplicates()
    return stack_places(pairs, groups).groupby("year")["iso3"].nunique().astype("int64")


def _finish_shares(
    shares: pd.DataFrame, suppressed: pd.Series, excluded: pd.Series
) -> pd.DataFrame:
    out = shares.drop(columns="denominator").assign(share_pct=100 * shares["share"])
    out = out.rename(columns={"n_victims": "denominator"})
    out["suppressed_cells"] = out["year"].map(suppressed).fillna(0).astype("int64")
    out["excluded_countries"] = out["year"].map(excluded).fillna(0).astype("int64")
    cols = ["year", "category", "share_pct", "n_countries", "denominator", "suppressed_cells"]
    return out[[*cols, "excluded_countries"]]


def share_table(shares: pd.DataFrame, last: int = 8) -> pd.DataFrame:
    """Shares (%) wide by category for the last ``last`` years, with their denominators.

    Returns
    -------
    DataFrame
        Indexed by year; one column per category, then ``countries``, ``denominator``
        (victims), ``"<5" cells left out`` and ``countries excluded``.
    """
    if shares.empty:
        return pd.DataFrame()
    wide = shares.pivot(index="year", columns="category", values="share_pct")
    wide = wide[list(pd.unique(shares["category"]))]
    wide.columns.name = None
    columns = ["n_countries", "denominator", "suppressed_cells", "excluded_countries"]
    extra = (
        shares.groupby("year")[columns]
        .first()
        .rename(
            columns={
                "n_countries": "countries",
                "suppressed_cells": '"<5" cells left out',
                "excluded_countries": "countries excluded",
            }
        )
    )
    return wide.join(extra).tail(last)


# --------------------------------------------------------------------------- justice
def convictions_per_victim(pdata: ProfileData, place: Place) -> pd.DataFrame:
    """Persons convicted, and convicted per detected victim on the countries that report both.

    Returns
    -------
    DataFrame
        Indexed by ``year``: ``convicted`` and ``countries convicting`` (every member country
        with a published total of persons convicted:
        :func:`tiptrends.methods.figures.eu.totals_by_year`, the function of the registered
        convictions figures), then ``convicted, with victims``, ``victims`` (summed over the
        countries that publish both counts that year), ``per_100_victims``, ``n_countries``,
        ``suppressed`` (member countries whose conviction or victim total is "<5") and
        ``excluded`` (member countries whose victim total an exclusion dropped).
    """
    out = convictions_by_place(pdata, [place]).drop(columns="place").set_index("year")
    return out


def convictions_by_place(pdata: ProfileData, places: Sequence[Place]) -> pd.DataFrame:
    """:func:`convictions_per_victim` of many places at once (one pass over the countries).

    Returns
    -------
    DataFrame
        ``place`` (position in ``places``), ``year``, then the columns of
        :func:`convictions_per_victim`.
    """
    groups = [p.members for p in places]
    union = _union(groups)
    rows = _members(pdata.glotip, union)
    victims = _totals(rows, vocab.VICTIMS)
    convicted = _totals(rows, vocab.CONVICTED)
    both = victims.merge(convicted, on=["iso3", "year"], suffixes=("_v", "_c"), how="outer")
    both = stack_places(both, groups)
    sup = (both["suppressed_v"].eq(True) & both["value_v"].isna()) | (
        both["suppressed_c"].eq(True) & both["value_c"].isna()
    )
    ok = both["value_v"].notna() & both["value_c"].notna() & (both["value_v"] > 0)
    g = both[ok].groupby("year")
    out = pd.DataFrame(
        {
            "convicted": g["value_c"].sum(),
            "victims": g["value_v"].sum(),
            "n_countries": g["iso3"].nunique(),
        }
    )
    out["per_100_victims"] = 100 * out["convicted"] / out["victims"]
    suppressed = both[sup].groupby("year")["iso3"].nunique()
    # a place where no country publishes both counts keeps a row for each of its "<5" years
    counted = np.unique(out.index.to_numpy(dtype="int64") // PLACE_CODE)
    alone = suppressed.index[~np.isin(suppressed.index.to_numpy() // PLACE_CODE, counted)]
    if len(alone):
        out = out.reindex(out.index.union(alone))
    out["suppressed"] = suppressed
    out["suppressed"] = out["suppressed"].fillna(0).astype("int64")
    out["excluded"] = out.index.map(_excluded_by_year(pdata, groups, "total")).fillna(0)
    out["excluded"] = out["excluded"].astype("int64")
    # the registered convictions figures' function, on each place's rows (coded years)
    convicting = stack_places(rows[rows["indicator"] == vocab.CONVICTED], groups)
    everyone = totals_by_year(convicting, vocab.CONVICTED, union)
    out = everyone.rename(
        columns={"total": "convicted", "n_countries": "countries convicting"}
    ).join(out.rename(columns={"convicted": "convicted, with victims"}), how="outer")
    cols = ["convicted", "countries convicting", "convicted, with victims", "victims"]
    return unstack_places(out[[*cols, "per_100_victims", "n_countries", "suppressed", "excluded"]])


# --------------------------------------------------------------------------- citizenship
def _citizenship_rows(pdata: ProfileData, place: Place) -> pd.DataFrame:
    rows = _members(pdata.glotip, place.members)
    rows = rows[
        (rows["indicator"] == vocab.VICTIMS)
        & (rows["dimension"] == vocab.DIM_CITIZENSHIP)
        & (rows["sex"] == vocab.TOTAL)
        & (rows["age"] == vocab.TOTAL)
    ]
    if rows.empty:
        return rows.assign(origin=pd.Series(dtype=object), citizenship_iso3=pd.Series(dtype=object))
    mapped = citizenship.map_citizenship(rows)
    return mapped.assign(origin=citizenship.classify_domestic(mapped))


def citizenship_by_year(pdata: ProfileData, place: Place) -> pd.DataFrame:
    """Detected victims by citizenship: domestic, foreign, unknown, per year.

    Domestic means a citizen of the reporting country (for a region, of the member country
    that detected the victim). Categories are mapped by ``data/mappings/citizenship.csv``.

    Returns
    -------
    DataFrame
        Indexed by ``year``: ``domestic``, ``foreign``, ``unknown`` (victims),
        ``domestic_pct`` (of victims with known citizenship), ``n_countries``,
        ``suppressed_cells`` ("<5" citizenship cells left out) and ``excluded_countries``
        (member countries whose citizenship rows an exclusion dropped).
    """
    rows = _citizenship_rows(pdata, place)
    cols = ["domestic", "foreign", "unknown", "domestic_pct", "n_countries", "suppressed_cells"]
    cols.append("excluded_countries")
    if rows.empty:
        return pd.DataFrame(columns=cols, index=pd.Index([], name="year"))
    sums = rows.pivot_table(
        index="year", columns="origin", values="value", aggfunc="sum", fill_value=0.0
    ).reindex(columns=["domestic", "foreign", "unknown"], fill_value=0.0)
    sums.columns.name = None
    known = sums["domestic"] + sums["foreign"]
    sums["domestic_pct"] = 100 * sums["domestic"] / known.where(known > 0)
    sums["n_countries"] = rows.groupby("year")["iso3"].nunique()
    sums["suppressed_cells"] = rows.groupby("year")["suppressed"].sum().astype("int64")
    excluded = excluded_countries(pdata, place, "citizenship")
    sums["excluded_countries"] = sums.index.map(excluded).fillna(0).astype("int64")
    return sums[cols]


def top_origins(
    pdata: ProfileData, place: Place, years: int = 5, n: int = TOP_ORIGINS
) -> pd.DataFrame:
    """The foreign citizenships most often recorded among detected victims.

    Parameters
    ----------
    pdata, place
        See :func:`victim_status`.
    years : int
        Window: the last ``years`` years of the release.
    n : int
        Number of origins shown.

    Returns
    -------
    DataFrame
        ``citizenship, iso3, victims, share_of_foreign_pct, years_reported`` (published
        counts only; "<5" cells left out). Only citizenships that name an origin (a country
        or a region: :func:`tiptrends.io.citizenship.origin_key`) with at least one victim
        are listed; the share is of all foreign victims, those not itemised included.
    """
    rows = _citizenship_rows(pdata, place)
    last = pdata.years[1]
    rows = rows[(rows["year"] > last - years) & (rows["origin"] == "foreign")]
    cols = ["citizenship", "iso3", "victims", "share_of_foreign_pct", "years_reported"]
    if rows.empty:
        return pd.DataFrame(columns=cols)
    all_foreign = float(rows["value"].sum())
    key = citizenship.origin_key(rows)
    rows, key = rows[key.notna()], key[key.notna()]
    if rows.empty:
        return pd.DataFrame(columns=cols)
    g = rows.groupby(key)
    out = pd.DataFrame(
        {
            "citizenship": g["category"].agg(lambda s: s.value_counts().index[0]),
            "victims": g["value"].sum(),
            "years_reported": g["year"].nunique(),
        }
    )
    out.index.name = "key"
    out = out.reset_index()
    out["iso3"] = out["key"].where(out["key"].str.fullmatch(r"[A-Z]{3}"), "")
    names = _data_countries(pdata.raw).set_index("iso3")["country"]
    named = out["iso3"].map(names)
    # a country by its name in the data, a region by its own name, else the text as published
    fallback = np.where(out["iso3"] == "", out["key"] + " (region)", out["citizenship"])
    out["citizenship"] = np.where(named.notna(), named, fallback)
    out["share_of_foreign_pct"] = 100 * out["victims"] / all_foreign
    out = out[out["victims"] > 0]
    out = out.sort_values(["victims", "citizenship"], ascending=[False, True], kind="stable")
    return out[cols].head(n).reset_index(drop=True)


# --------------------------------------------------------------------------- quality
def release_revisions(pdata: ProfileData, place: Place) -> pd.DataFrame:
    """Country totals of detected victims revised between the previous release and this one.

    Returns
    -------
    DataFrame
        The rows of :func:`tiptrends.methods.diagnostics.revisions` for the members whose
        total changed, appeared or disappeared (``status``: both, only_old, only_new),
        sorted by country and year.
    """
    rev = diagnostics.revisions(
        _members(pdata.previous, place.members), _members(pdata.raw, place.members)
    )
    changed = (rev["status"] != "both") | (rev["abs_revision"].abs() > 0)
    return rev[changed].sort_values(["iso3", "year"]).reset_index(drop=True)


def quality_flags(pdata: ProfileData, place: Place) -> pd.DataFrame:
    """Every data-quality flag and exclusion that touches the place.

    Collects, for the member countries (before exclusions): breakdowns exceeding their
    total (:func:`~tiptrends.methods.diagnostics.consistency_checks`), citizenship
    breakdowns exceeding the total
    (:func:`~tiptrends.methods.diagnostics.citizenship_consistency`), jumps far outside the
    country's own history (:func:`~tiptrends.methods.diagnostics.jumps`), large revisions
    between releases, and the entries of ``data/exclusions.toml``.

    Returns
    -------
    DataFrame
        ``iso3, year, flag, detail, excluded`` (``excluded``: an exclusion drops rows of
        that country-year), sorted by country, year and flag; ``year`` is 0 for an
        exclusion that covers every year.
    """
    raw = _members(pdata.raw, place.members)
    found: list[dict] = []
    for r in diagnostics.consistency_checks(raw).itertuples():
        detail = (
            f"breakdown {r.breakdown_sum:,.0f} vs total {r.total:,.0f}"
            if pd.notna(r.total)
            else f"breakdown {r.breakdown_sum:,.0f}, no total"
        )
        found.append({"iso3": r.iso3, "year": r.year, "flag": r.check, "detail": detail})
    for r in diagnostics.citizenship_consistency(raw).itertuples():
        found.append(
            {
                "iso3": r.iso3,
                "year": r.year,
                "flag": "citizenship_sum_exceeds_total",
                "detail": f"{r.indicator}: citizenships {r.breakdown_sum:,.0f} vs total "
                f"{r.total:,.0f} (largest: {r.largest_category})",
            }
        )
    counts = ag.country_year_counts(raw)
    for r in diagnostics.jumps(counts).query("flag").itertuples():
        found.append(
            {
                "iso3": r.iso3,
                "year": r.year,
                "flag": "jump",
                "detail": f"{r.prev_value:,.0f} ({r.prev_year}) -> {r.value:,.0f}, "
                f"robust z {r.robust_z:+.1f}",
            }
        )
    rev = release_revisions(pdata, place)
    for r in rev[rev["large"]].itertuples():
        found.append(
            {
                "iso3": r.iso3,
                "year": r.year,
                "flag": "large_revision",
                "detail": f"{r.total_old:,.0f} -> {r.total_new:,.0f} ({100 * r.rel_revision:+.0f}%)",
            }
        )
    release = pdata.release
    for e in pdata.exclusions:
        if e.iso3 not in place.members or (e.releases is not None and release not in e.releases):
            continue
        for year in e.years or (0,):
            found.append(
                {
                    "iso3": e.iso3,
                    "year": year,
                    "flag": f"exclusion ({e.scope})",
                    "detail": f"{e.reason} [{e.value}]",
                }
            )
    cols = ["iso3", "year", "flag", "detail", "excluded"]
    if not found:
        return pd.DataFrame(columns=cols)
    out = pd.DataFrame(found)
    out["year"] = out["year"].astype("int64")
    dropped = set()
    for e in pdata.exclusions:
        if e.iso3 in place.members and (e.releases is None or release in e.releases):
            dropped.update((e.iso3, y) for y in (e.years or range(1900, 2100)))
    out["excluded"] = [
        (i, y) in dropped or ("exclusion" in f and y == 0)
        for i, y, f in zip(out["iso3"], out["year"], out["flag"], strict=True)
    ]
    return out.sort_values(["iso3", "year", "flag"]).reset_index(drop=True)[cols]


# --------------------------------------------------------------------------- prevalence
def prevalence(pdata: ProfileData, place: Place) -> pd.DataFrame:
    """Walk Free's estimate of modern slavery beside the detected victims.

    Walk Free's Global Slavery Index 2023 estimates prevalence for 2021 (population 2020).
    For a region the estimate is pooled: estimated people in modern slavery over the
    population of the members that have an estimate.

    Returns
    -------
    DataFrame
        One row: ``countries_with_estimate, population, estimated_in_modern_slavery,
        prevalence_per_1000, detected_victims_2021, detected_per_1000_estimated``
        (``detected_victims_2021``: published 2021 totals of the members with an estimate);
        empty if no member has an estimate.
    """
    gsi = pdata.gsi[pdata.gsi["iso3"].isin(place.members)]
    gsi = gsi[gsi["number_in_modern_slavery"].notna() & gsi["population"].notna()]
    cols = [
        "countries_with_estimate",
        "population",
        "estimated_in_modern_slavery",
        "prevalence_per_1000",
        "detected_victims_2021",
        "detected_per_1000_estimated",
    ]
    if gsi.empty:
        return pd.DataFrame(columns=cols)
    estimated = float(gsi["number_in_modern_slavery"].astype(float).sum())
    population = float(gsi["population"].astype(float).sum())
    totals = _totals(_members(pdata.glotip, gsi["iso3"]))
    detected = totals.loc[totals["year"] == 2021, "value"].sum(min_count=1)
    row = {
        "countries_with_estimate": len(gsi),
        "population": population,
        "estimated_in_modern_slavery": estimated,
        "prevalence_per_1000": 1000 * estimated / population,
        "detected_victims_2021": detected,
        "detected_per_1000_estimated": 1000 * detected / estimated if estimated else np.nan,
    }
    return pd.DataFrame([row], columns=cols)


# --------------------------------------------------------------------------- comparison
def _measures(pdata: ProfileData, members: tuple[str, ...], year: int) -> dict[str, float]:
    """Headline measures of a set of countries in one year (NaN where nothing reports)."""
    group = Place("world", "", "", members, "", ())
    # every measure is computed year by year: the other years' rows only cost time
    pdata = replace(
        pdata,
        raw=pdata.raw[pdata.raw["year"] == year],
        glotip=pdata.glotip[pdata.glotip["year"] == year],
    )
    out: dict[str, float] = {}
    forms = form_shares(pdata, group)
    sexage = sex_age_shares(pdata, group)
    for label, table, category in (
        ("Forced labour (% of victims of known form)", forms, vocab.FORCED_LABOUR),
        ("Sexual exploitation (% of victims of known form)", forms, vocab.SEXUAL),
        ("Children (% of victims of known sex and age)", sexage, ag.CHILDREN),
    ):
        hit = table[(table["year"] == year) & (table["category"] == category)]
        out[label] = float(hit["share_pct"].iloc[0]) if len(hit) else np.nan
    justice = convictions_per_victim(pdata, group)
    out["Persons convicted per 100 detected victims"] = (
        float(justice.loc[year, "per_100_victims"]) if year in justice.index else np.nan
    )
    cit = citizenship_by_year(pdata, group)
    out["Domestic victims (% of known citizenship)"] = (
        float(cit.loc[year, "domestic_pct"]) if year in cit.index else np.nan
    )
    totals = _totals(_members(pdata.glotip, members))
    totals = totals[(totals["year"] == year) & totals["value"].notna()]
    pop = pdata.gsi.set_index("iso3")["population"].astype(float)
    pop = totals["iso3"].map(pop)
    ok = pop.notna()
    out["Detected victims per 100,000 inhabitants"] = (
        1e5 * totals.loc[ok, "value"].sum() / pop[ok].sum() if ok.any() else np.nan
    )
    return out


def compare_with_region(pdata: ProfileData, place: Place, year: int | None = None) -> pd.DataFrame:
    """The place's headline measures beside those of its comparison group, in one year.

    Parameters
    ----------
    pdata, place
        See :func:`victim_status`.
    year : int, optional
        Default: the last year the place published a count of detected victims.

    Returns
    -------
    DataFrame
        Indexed by measure: the place, the comparison group (its GLOTIP region for a
        country, the world for a region; pooled over the group's reporting countries,
        the place included) and the difference. Rates use Walk Free's 2020 population.
    """
    if year is None:
        year = latest_year(victim_status(pdata, place))
    if year is None:
        return pd.DataFrame(columns=["measure", place.name, place.comparison, "difference"])
    mine = _measures(pdata, place.members, year)
    theirs = _measures(pdata, place.comparison_members, year)
    out = pd.DataFrame({place.name: mine, place.comparison: theirs})
    out["difference"] = out[place.name] - out[place.comparison]
    out.index.name = f"measure ({year})"
    return out


# --------------------------------------------------------------------------- for readers
# The functions below turn the tables above into what a profile page shows: plain column
# names, Yes / No instead of True / False, percentages named as such, no code names.

#: What each data-quality check flags, in words.
FLAG_LABELS: dict[str, str] = {
    "form_sum_exceeds_total": "Forms add up to more than the total",
    "sex_age_sum_exceeds_total": "Sex and age add up to more than the total",
    "form_breakdown_without_total": "Forms published without a total",
    "sex_age_breakdown_without_total": "Sex and age published without a total",
    "citizenship_sum_exceeds_total": "Citizenships add up to more than the total",
    "jump": "Jump far outside the country's own history",
    "large_revision": "Large revision between releases",
}

#: What each revision status of :func:`tiptrends.methods.diagnostics.revisions` means.
REVISION_STATUS: dict[str, str] = {
    "both": "revised",
    "only_new": "new in this release",
    "only_old": "dropped from this release",
}

#: Plain labels of the categories of :func:`sex_age_shares`.
CATEGORY_LABELS: dict[str, str] = {
    "women": "Women",
    "men": "Men",
    "girls": "Girls",
    "boys": "Boys",
    "children": "Children",
}


def flag_label(flag: str) -> str:
    """The flag of :func:`quality_flags` in words (``"exclusion (form)"`` -> ``"Excluded (form)"``)."""
    if flag.startswith("exclusion"):
        scope = flag.partition("(")[2].rstrip(")")
        return f"Excluded ({scope.replace('_', ' ')})" if scope else "Excluded"
    return FLAG_LABELS.get(flag, flag.replace("_", " ").capitalize())


def _yes_no(values: pd.Series) -> pd.Series:
    return values.map({True: "Yes", False: "No"})


def _country_names(pdata: ProfileData) -> pd.Series:
    return _data_countries(pdata.raw).set_index("iso3")["country"]


def victims_for_readers(status: pd.DataFrame) -> pd.DataFrame:
    """:func:`victims_table` with plain column names (a region: countries per status).

    The years before the first report are left out (nothing was reported in them).
    """
    table = victims_table(status)
    reported = status.loc[status["status"] != "not reported", "year"]
    if len(reported):
        # a row number is not shown: the kept rows are numbered afresh (a RangeIndex)
        table = table[table["year"] >= reported.min()].reset_index(drop=True)
    if status["iso3"].nunique() == 1:
        names = {"year": "Year", "victims": "Detected victims", "status": "Status"}
        names["interpolated"] = "Interpolated estimate"
        if table["interpolated"].isna().all():
            table = table.drop(columns="interpolated")
        return table.rename(columns=names)
    names = {
        "year": "Year",
        "victims": "Detected victims",
        "with interpolated": "With interpolated estimates",
        "reported": "Countries reporting",
        "suppressed": 'Countries "<5"',
        "excluded": "Countries excluded",
        "interpolated": "Countries interpolated",
        "not reported": "Countries not reporting",
    }
    return table.rename(columns=names)


def shares_for_readers(
    shares: pd.DataFrame, known: str, *, single_country: bool, last: int = 8
) -> pd.DataFrame:
    """:func:`share_table` for a page: categories as shares (%), plain denominators.

    Parameters
    ----------
    shares : DataFrame
        :func:`form_shares` or :func:`sex_age_shares`.
    known : str
        What the denominator counts, e.g. ``"known form"``.
    single_country : bool
        Leave out the number of countries (always one).
    last : int
        Years shown.
    """
    table = share_table(shares, last)
    if table.empty:
        return table
    categories = [c for c in table.columns if c in set(shares["category"])]
    table = table.rename(columns={c: f"{CATEGORY_LABELS.get(c, c)} (%)" for c in categories})
    table = table.rename(
        columns={
            "countries": "Countries",
            "denominator": f"Victims of {known}",
            '"<5" cells left out': 'Cells "<5" left out',
            "countries excluded": "Countries excluded",
        }
    )
    if single_country:
        table = table.drop(columns=["Countries", "Countries excluded"])
    table.index.name = "Year"
    return table


def convictions_for_readers(pdata: ProfileData, place: Place, last: int = 10) -> pd.DataFrame:
    """:func:`convictions_per_victim` for a page, last ``last`` years.

    A country shows persons convicted, detected victims and convicted per 100 victims; a
    region also the countries behind each number.
    """
    table = convictions_per_victim(pdata, place).tail(last)
    if place.is_country:
        out = pd.DataFrame(
            {
                "Persons convicted": table["convicted"],
                "Detected victims": table["victims"],
                "Convicted per 100 victims": table["per_100_victims"],
            }
        )
    else:
        out = table.rename(
            columns={
                "convicted": "Persons convicted",
                "countries convicting": "Countries publishing convictions",
                "convicted, with victims": "Convicted, countries with both counts",
                "victims": "Detected victims, same countries",
                "per_100_victims": "Convicted per 100 victims",
                "n_countries": "Countries with both counts",
                "suppressed": 'Countries with a "<5" count',
                "excluded": "Countries excluded",
            }
        )
    out.index.name = "Year"
    return out


def citizenship_for_readers(pdata: ProfileData, place: Place, last: int = 10) -> pd.DataFrame:
    """:func:`citizenship_by_year` for a page, last ``last`` years."""
    table = citizenship_by_year(pdata, place).tail(last)
    out = table.rename(
        columns={
            "domestic": "Domestic",
            "foreign": "Foreign",
            "unknown": "Unknown",
            "domestic_pct": "Domestic (% of known)",
            "n_countries": "Countries",
            "suppressed_cells": 'Cells "<5" left out',
            "excluded_countries": "Countries excluded",
        }
    )
    if place.is_country:
        out = out.drop(columns=["Countries", "Countries excluded"])
    out.index.name = "Year"
    return out


def origins_for_readers(pdata: ProfileData, place: Place) -> pd.DataFrame:
    """:func:`top_origins` for a page (no zero rows, no placeholders, plain names)."""
    table = top_origins(pdata, place)
    return table.drop(columns="iso3").rename(
        columns={
            "citizenship": "Citizenship",
            "victims": "Victims",
            "share_of_foreign_pct": "Share of foreign victims (%)",
            "years_reported": "Years with a count",
        }
    )


def _change_text(old: float, new: float) -> str:
    """A relative revision in words: ``+40.0%``, ``under 0.1%``, ``x910`` (10-fold or more)."""
    if pd.isna(old) or pd.isna(new) or old == 0:
        return "-"
    if new / old >= 10:
        return f"x{new / old:,.0f}"
    pct = 100 * (new - old) / old
    if abs(pct) < 0.05:
        return "under 0.1%"
    return f"{pct:+.1f}%"


def revisions_for_readers(pdata: ProfileData, place: Place) -> pd.DataFrame:
    """:func:`release_revisions` for a page: the two releases' totals and the change."""
    rev = release_revisions(pdata, place)
    old, new = _release_label(pdata.previous), _release_label(pdata.raw)
    out = pd.DataFrame(
        {
            "Country": rev["country"],
            "Year": rev["year"],
            f"Release of {old}": rev["total_old"],
            f"Release of {new}": rev["total_new"],
            "Change": [
                _change_text(o, n) for o, n in zip(rev["total_old"], rev["total_new"], strict=True)
            ],
            "What changed": rev["status"].map(REVISION_STATUS).fillna(rev["status"]),
            "Large revision": _yes_no(rev["large"].astype(bool)),
        }
    )
    return out.drop(columns="Country") if place.is_country else out


def _release_label(table: pd.DataFrame) -> str:
    """``"30 May 2023"`` from a table's ``release`` column."""
    when = pd.Timestamp(str(table["release"].iloc[0])) if len(table) else None
    return f"{when.day} {when:%B %Y}" if when is not None else "unknown date"


def flags_summary(flags: pd.DataFrame) -> pd.DataFrame:
    """One row per kind of flag: how many country-years, countries, years, excluded."""
    cols = ["Flag", "Country-years", "Countries", "Years", "Excluded from the figures"]
    if flags.empty:
        return pd.DataFrame(columns=cols)
    f = flags.assign(label=flags["flag"].map(flag_label))
    rows = []
    for label, g in f.groupby("label", sort=False):
        years = g.loc[g["year"] > 0, "year"]
        span = (
            "every year"
            if years.empty
            else (
                str(years.min()) if years.min() == years.max() else f"{years.min()}-{years.max()}"
            )
        )
        rows.append([label, len(g), g["iso3"].nunique(), span, int(g["excluded"].sum())])
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["Country-years", "Flag"], ascending=[False, True]).reset_index(
        drop=True
    )


def flags_for_readers(pdata: ProfileData, flags: pd.DataFrame) -> pd.DataFrame:
    """Every flag of :func:`quality_flags`, in words: country, year, flag, detail, excluded.

    Flags on country-years the figures leave out come first (then by country and year), so a
    list cut short keeps those.
    """
    flags = flags.sort_values("excluded", ascending=False, kind="stable")
    return pd.DataFrame(
        {
            "Country": flags["iso3"].map(_country_names(pdata)).fillna(flags["iso3"]),
            "Year": flags["year"].map(lambda y: "every year" if y == 0 else str(y)),
            "Flag": flags["flag"].map(flag_label),
            "Detail": flags["detail"],
            "Excluded from the figures": _yes_no(flags["excluded"].astype(bool)),
        }
    ).reset_index(drop=True)


def prevalence_for_readers(pdata: ProfileData, place: Place) -> pd.DataFrame:
    """:func:`prevalence` as rows of measure and value (formatted text; empty if no estimate)."""
    table = prevalence(pdata, place)
    if table.empty:
        return pd.DataFrame(columns=["Measure", "Value"])
    r = table.iloc[0]
    rows = [
        ("Population (2020)", f"{r['population']:,.0f}"),
        ("Estimated people in modern slavery (2021)", f"{r['estimated_in_modern_slavery']:,.0f}"),
        ("Estimated per 1,000 inhabitants", f"{r['prevalence_per_1000']:.1f}"),
        (
            "Detected victims (2021)",
            "-" if pd.isna(r["detected_victims_2021"]) else f"{r['detected_victims_2021']:,.0f}",
        ),
        (
            "Detected per 1,000 estimated",
            "-"
            if pd.isna(r["detected_per_1000_estimated"])
            else f"{r['detected_per_1000_estimated']:.1f}",
        ),
    ]
    if not place.is_country:
        rows.insert(0, ("Countries with an estimate", f"{r['countries_with_estimate']:,.0f}"))
    return pd.DataFrame(rows, columns=["Measure", "Value"])


def comparison_for_readers(
    pdata: ProfileData, place: Place, year: int | None = None, decimals: int = 1
) -> pd.DataFrame:
    """:func:`compare_with_region` rounded as shown, the difference of the rounded values.

    So that the three columns add up on the page (41.9 - 28.5 = 13.4, not 13.3).
    """
    table = compare_with_region(pdata, place, year)
    if table.empty:
        return table
    shown = table[[place.name, place.comparison]].round(decimals)
    # + 0.0 turns a difference of -0.0 into 0.0
    shown["Difference"] = (shown[place.name] - shown[place.comparison]).round(decimals) + 0.0
    shown.index.name = table.index.name.replace("measure", "Measure")
    return shown


def summary_lines(pdata: ProfileData, place: Place) -> list[str]:
    """Three lines for the top of a profile: victims, who they are, how far to trust them.

    Returns
    -------
    list of str
        Markdown lines, each a sentence with its year.
    """
    status = victim_status(pdata, place)
    by_year = victims_by_year(status)
    year = latest_year(status)
    if year is None:
        return [
            f"{place.name}: no published count of detected victims in this release.",
            "",
            "",
        ]
    n_years = int((by_year["reported"] > 0).sum())
    first, last = pdata.years
    span = last - first + 1
    victims = by_year.loc[year, "victims"]
    lines = [
        f"**{victims:,.0f} detected victims in {year}**, the last year with a published count; "
        f"counts for {n_years} of the {span} years {first}-{last}."
    ]
    forms = form_shares(pdata, place)
    forms = forms[forms["year"] == forms["year"].max()] if len(forms) else forms
    sexage = sex_age_shares(pdata, place)
    sexage = sexage[sexage["year"] == sexage["year"].max()] if len(sexage) else sexage
    parts = []
    if len(forms):
        top = forms.sort_values("share_pct", ascending=False).iloc[0]
        parts.append(
            f"{top['category'].capitalize()} is the most common form "
            f"({top['share_pct']:.1f}% of victims of known form, {int(top['year'])})"
        )
    if len(sexage):
        kids = sexage[sexage["category"] == ag.CHILDREN]
        if len(kids):
            k = kids.iloc[0]
            parts.append(
                f"children are {k['share_pct']:.1f}% of victims of known sex and age "
                f"({int(k['year'])})"
            )
    lines.append(
        ("; ".join(parts) + ".")
        if parts
        else "No breakdown by form or by sex and age is published."
    )
    flags = quality_flags(pdata, place)
    n_flags, n_excl = len(flags), int(flags["excluded"].sum()) if len(flags) else 0
    flag_word = "flag" if n_flags == 1 else "flags"
    if n_flags == 0:
        quality = "No data-quality flag or exclusion touches the data."
    elif n_excl == 0:
        quality = (
            f"{n_flags:,} data-quality {flag_word}, none on a country-year the figures leave out."
        )
    else:
        quality = (
            f"{n_flags:,} data-quality {flag_word}, {n_excl:,} of them on country-years "
            "the figures leave out (see the flags below)."
        )
    lines.append(quality)
    return lines


def with_year_gaps(shares: pd.DataFrame) -> pd.DataFrame:
    """Shares with a NaN row for every category in a year without a breakdown.

    A line chart then breaks at a missing year instead of drawing across it.
    """
    if shares.empty:
        return shares
    years = range(int(shares["year"].min()), int(shares["year"].max()) + 1)
    grid = pd.MultiIndex.from_product(
        [years, list(pd.unique(shares["category"]))], names=["year", "category"]
    ).to_frame(index=False)
    return grid.merge(shares, on=["year", "category"], how="left")


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def revisions_sentence(revisions: pd.DataFrame) -> str:
    """One sentence counting the totals revised, added and dropped (:func:`revisions_for_readers`)."""
    if revisions.empty:
        return "No country total changed between the two releases."
    what = revisions["What changed"].value_counts()
    revised = int(what.get(REVISION_STATUS["both"], 0))
    added = int(what.get(REVISION_STATUS["only_new"], 0))
    dropped = int(what.get(REVISION_STATUS["only_old"], 0))

    def n(k: int) -> str:
        return "none" if k == 0 else f"{k:,}"

    text = (
        f"Between the two releases, {n(revised)} of the country totals "
        f"{'was' if revised == 1 else 'were'} revised, {n(added)} added and {n(dropped)} dropped"
    )
    large = int((revisions["Large revision"] == "Yes").sum())
    if large:
        text += f"; {_count(large, 'revision is', 'revisions are')} large"
    return text + "."


def flags_sentence(flags: pd.DataFrame) -> str:
    """One sentence counting the flags and those on country-years left out of the figures."""
    n = len(flags)
    if n == 0:
        return "No flag or exclusion touches the place."
    excluded = int(flags["excluded"].sum())
    text = f"The place carries {_count(n, 'flag', 'flags')}"
    if excluded == 0:
        return text + ", none on a country-year the figures leave out."
    return text + f", {excluded:,} of them on country-years the figures leave out."
