"""The place explorer: one JSON file of every place, drawn in the browser by ``explorer.html``.

The render writes ``_build/explorer/places.json`` (:func:`write_explorer`) and the book stages
it for the page ``notebooks/explorer.md`` (:func:`stage_explorer`), whose script
(``notebooks/_static/explorer.js``) draws the charts with Vega-Lite, bundled in the site.

Every place with data is in the file: every country or territory of the UNODC data (those
without a published count of detected victims too, with the reason), the EU-27, the GLOTIP
regions, the UN M49 regions and sub-regions, and the world. For each, by year:

* ``victims``: detected victims (the sum of published counts), the same with the
  interpolated counts of the profiles, and how many member countries are in each status of
  :data:`tiptrends.analyses.places.STATUSES` (reported, ``"<5"``, excluded, interpolated,
  not reported);
* ``forms``: shares (%) by form of exploitation with their denominator, the countries
  pooled, the ``"<5"`` cells left out and the countries an exclusion dropped;
* ``sex_age``: shares (%) of women, men, girls, boys and children among victims of known sex
  and age, with the form fallback of the registered figures (chapter 4's rule);
* ``convictions``: persons convicted, and per 100 detected victims on the countries that
  publish both counts.

The numbers come from the functions of the place profiles
(:mod:`tiptrends.analyses.places`) and, for sex and age, the function of the registered
sex-and-age figures (:func:`tiptrends.methods.headline.children_share_by_year`), on the
current release with the collection's exclusions: the basis of the profiles and of
``figures.value(key, "current", countries=...)``.

The report layer does not import the chapters' modules: the file is built by the notebook
``notebooks/profiles/explorer_data.ipynb``, which passes :mod:`tiptrends.analyses.places`
to :func:`explorer_data`, run through the render's executor
(:func:`tiptrends.report.render.execute_notebook`) when its inputs changed.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tiptrends import vocab
from tiptrends.io.atomic import write_bytes_atomic

if TYPE_CHECKING:  # pandas and the methods are imported where the data are built (fast import)
    import pandas as pd

#: The JSON of every place, relative to the build folder.
EXPLORER_JSON = Path("explorer") / "places.json"
#: The notebook that builds it, relative to ``notebooks/``.
BUILDER_NOTEBOOK = "profiles/explorer_data.ipynb"
#: The staged script holding the JSON for the page (``file://`` pages cannot fetch JSON).
STAGED_SCRIPT = Path("_static") / "explorer" / "places.js"
#: The JSON offered for download beside the page.
STAGED_JSON = Path("_extra") / "explorer" / "places.json"


def sex_age_groups() -> dict[str, tuple[str, ...]]:
    """Sex-and-age groups of the explorer: the four known groups, then children."""
    from tiptrends.methods import headline

    known = {g: (g,) for g in headline.SEX_AGE_KNOWN}
    return {**known, "children": tuple(headline.CHILD_GROUPS)}


#: Kinds of region, in the order the page lists them, with their id prefix.
REGION_KINDS: dict[str, str] = {
    "eu27": "eu27",
    "glotip_region": "glotip",
    "un_region": "m49",
    "un_subregion": "m49sub",
    "world": "world",
}

SHARE_DECIMALS = 6  # shares and rates in the file: % to 1e-6 (the page shows one decimal)


# --------------------------------------------------------------------------- numbers
def _num(x: Any, decimals: int | None = None) -> int | float | None:
    """A JSON number: None for NaN, an int for a whole count, else rounded."""
    if x is None:
        return None
    x = float(x)
    if math.isnan(x):
        return None
    if decimals is None:
        return int(round(x))
    return round(x, decimals)


def _column(values: Iterable[Any], decimals: int | None = None) -> list[int | float | None]:
    return [_num(v, decimals) for v in values]


def place_id(place: Any) -> str:
    """Id of a place in the file and in the page's address (``#NGA``, ``#glotip-...``)."""
    if place.kind == "country":
        return str(place.code)
    prefix = REGION_KINDS[place.kind]
    if place.kind in ("eu27", "world"):
        return prefix
    return f"{prefix}-{place.slug.removeprefix('region-')}"


# --------------------------------------------------------------------------- sections
# Each section is computed for every place at once by the profile functions' many-place
# forms (:func:`tiptrends.analyses.places.stack_places`: each place's rows under coded
# years, pooled in one call), then cut into one table per place.


def _by_place(table: pd.DataFrame) -> dict[int, pd.DataFrame]:
    """The rows of each place (``place`` column: position in the list of places)."""
    return {int(k): g for k, g in table.groupby("place", sort=False)}


def victims_section(by_year: pd.DataFrame, statuses: Iterable[str]) -> dict[str, list]:
    """Detected victims by year of one place (:func:`tiptrends.analyses.places.victims_by_year`)."""
    out: dict[str, list] = {
        "year": [int(y) for y in by_year["year"]],
        "victims": _column(by_year["victims"]),
        # the profiles' table rounds interpolated counts to whole persons, as here
        "with_interpolated": _column(by_year["with_interpolated"]),
    }
    for status in statuses:
        out[status.replace(" ", "_")] = [int(v) for v in by_year[status]]
    return out


def forms_section(shares: pd.DataFrame | None) -> dict[str, list]:
    """Shares by form of one place (:func:`tiptrends.analyses.places.form_shares`)."""
    if shares is None or shares.empty:
        return {}
    wide = shares.pivot(index="year", columns="category", values="share_pct")
    extra = shares.groupby("year")[
        ["denominator", "n_countries", "suppressed_cells", "excluded_countries"]
    ].first()
    out: dict[str, list] = {"year": [int(y) for y in wide.index]}
    for category in dict.fromkeys(shares["category"]):  # in the order of the table
        out[str(category)] = _column(wide[category], SHARE_DECIMALS)
    out["denominator"] = _column(extra["denominator"])
    out["countries"] = _column(extra["n_countries"])
    out["suppressed_cells"] = _column(extra["suppressed_cells"])
    out["excluded_countries"] = _column(extra["excluded_countries"])
    return out


def sex_age_tables(
    places: Any, pdata: Any, chosen: list[Any], counts: pd.DataFrame
) -> dict[str, pd.DataFrame]:
    """Shares by sex and age of every place, one table per group of :func:`sex_age_groups`.

    ``counts``: :func:`tiptrends.methods.headline.sex_age_counts` of ``pdata.glotip`` (all
    countries). Each table is :func:`tiptrends.methods.headline.children_share_by_year`
    with the registered figures' default options (pooled, ``"<5"`` left out, known
    denominator) over each place's countries: ``place, year, share_pct, n_countries,
    n_victims``.
    """
    from tiptrends.methods import headline

    stacked = places.stack_places(counts, [p.members for p in chosen])
    return {
        name: places.unstack_places(headline.children_share_by_year(stacked, groups=groups))
        for name, groups in sex_age_groups().items()
    }


def sex_age_section(
    tables: dict[str, pd.DataFrame | None], fallback: pd.Series, excluded: pd.Series
) -> dict[str, list]:
    """Shares by sex and age of one place with the form fallback, as the registered figures.

    ``tables``: the place's rows of :func:`sex_age_tables`; ``fallback`` and ``excluded``:
    countries whose split came from the form cells (the ``attrs["form_fallback"]`` of the
    counts), and whose sex-and-age rows an exclusion dropped, by year.
    """
    base = next(iter(tables.values()))
    if base is None or base.empty:
        return {}
    base = base.set_index("year")
    years = [int(y) for y in base.index]
    out: dict[str, list] = {"year": years}
    for name, table in tables.items():
        series = table.set_index("year")["share_pct"] if table is not None else None
        out[name] = _column(
            series.reindex(base.index) if series is not None else [math.nan] * len(years),
            SHARE_DECIMALS,
        )
    out["denominator"] = _column(base["n_victims"])
    out["countries"] = _column(base["n_countries"])
    out["form_fallback_countries"] = [int(fallback.get(y, 0)) for y in years]
    out["excluded_countries"] = [int(excluded.get(y, 0)) for y in years]
    return out


def convictions_section(t: pd.DataFrame | None) -> dict[str, list]:
    """Convictions by year of one place (:func:`tiptrends.analyses.places.convictions_per_victim`)."""
    if t is None:
        return {}
    t = t[t["convicted"].notna() | t["per_100_victims"].notna()]
    if t.empty:
        return {}
    return {
        "year": [int(y) for y in t["year"]],
        "convicted": _column(t["convicted"]),
        "countries_convicting": _column(t["countries convicting"]),
        "convicted_with_victims": _column(t["convicted, with victims"]),
        "victims": _column(t["victims"]),
        "per_100_victims": _column(t["per_100_victims"], SHARE_DECIMALS),
        "countries": _column(t["n_countries"]),
        "suppressed": _column(t["suppressed"]),
        "excluded": _column(t["excluded"]),
    }


# --------------------------------------------------------------------------- places
def places_to_explore(places: Any, pdata: Any) -> list[tuple[Any, str]]:
    """Every place of the explorer with a note: countries, the EU-27, regions, the world.

    A country without a published count of detected victims (only ``"<5"`` cells or other
    indicators) is kept with the reason :func:`tiptrends.analyses.places.resolve_place`
    gives (:func:`tiptrends.analyses.places.country_places`); its page shows what the data
    hold (the ``"<5"`` years, convictions). The comparison group's members, which the
    explorer does not show, are left empty.

    Returns
    -------
    list of (Place, str)
        The place and its note ("" for a place that can be profiled).
    """
    glotip = pdata.glotip
    meta = places._data_countries(glotip)
    found: list[tuple[Any, str]] = list(places.country_places(glotip))
    names = places.region_names(glotip)
    for kind in REGION_KINDS:
        for name in names.get(kind, ["World"] if kind == "world" else []):
            members = places._region_members(meta, kind, name)
            if not members:
                continue
            label = "EU-27" if kind == "eu27" else name
            code = "EU27" if kind == "eu27" else name
            found.append((places.Place(kind, code, label, members, "World", ()), ""))
    return found


#: Order in which :func:`tiptrends.analyses.places.resolve_place` reads a region name.
PROFILE_PRECEDENCE = ("glotip_region", "un_subregion", "un_region")


def profile_slug(place: Any, note: str, names: dict[str, list[str]]) -> str | None:
    """The slug of the place's profile page, were one rendered; None if none can be.

    ``names``: :func:`tiptrends.analyses.places.region_names`. A region name that is also
    a name of a kind read before it ("Sub-Saharan Africa" is a GLOTIP region and a UN
    sub-region) is profiled as that other kind: this place gets no profile link.
    """
    if note:
        return None
    if place.kind in PROFILE_PRECEDENCE:
        before = PROFILE_PRECEDENCE[: PROFILE_PRECEDENCE.index(place.kind)]
        if any(place.name in names.get(k, []) for k in before):
            return None
    return str(place.slug)


def _per_year(pairs: pd.DataFrame, places: Any, groups: list[tuple[str, ...]]) -> dict:
    """Countries per place and year of a table of ``iso3, year`` pairs: place -> Series."""
    if pairs.empty:
        return {}
    counted = places.unstack_places(
        places.stack_places(pairs, groups).groupby("year")["iso3"].nunique()
    )
    return {k: g.set_index("year")["iso3"] for k, g in _by_place(counted).items()}


def explorer_data(places: Any, pdata: Any = None, *, only: Iterable[str] | None = None) -> dict:
    """The explorer's JSON: every place with its victims, shares and convictions by year.

    Every section is computed for all places at once (one pass over the countries, pooled
    per place and year), with the profile functions' many-place forms.

    Parameters
    ----------
    places : module
        :mod:`tiptrends.analyses.places` (passed in: the report layer does not import the
        chapters' modules).
    pdata : ProfileData, optional
        :func:`tiptrends.analyses.places.load_profile_data` (default: loaded here).
    only : iterable of str, optional
        Ids of the places to include (tests); default every place.

    Returns
    -------
    dict
        ``release``, ``years``, ``statuses`` (status -> meaning), ``kinds`` (kind -> words),
        ``forms``, ``sex_age``, ``colours`` and ``places``: a list of ``{id, name, kind, group, members,
        note, profile, victims, forms, sex_age, convictions}``.
    """
    import pandas as pd

    from tiptrends.methods import headline

    if pdata is None:
        pdata = places.load_profile_data()
    wanted = None if only is None else set(only)
    chosen = [
        (place, note)
        for place, note in places_to_explore(places, pdata)
        if wanted is None or place_id(place) in wanted
    ]
    spots = [place for place, _ in chosen]
    groups = [place.members for place in spots]
    everyone = tuple(sorted({iso for members in groups for iso in members}))
    # victims: each country's status once, pooled per place
    every_country = places.Place("world", "World", "World", everyone, "World", ())
    status = places.victim_status(pdata, every_country) if spots else None
    victims = (
        _by_place(places.unstack_places(places.victims_by_year(places.stack_places(status, groups))))
        if status is not None
        else {}
    )
    forms = _by_place(places.form_shares_by_place(pdata, spots)) if spots else {}
    counts = headline.sex_age_counts(pdata.glotip, suppressed="exclude", form_fallback=True)
    fallback = pd.DataFrame(
        counts.attrs.get("form_fallback", []), columns=["iso3", "year"]
    ).drop_duplicates()
    counts.attrs = {}  # pandas deep-copies ``attrs`` into every derived frame
    sex_age = {
        name: _by_place(table)
        for name, table in (sex_age_tables(places, pdata, spots, counts) if spots else {}).items()
    }
    used = _per_year(fallback, places, groups)
    excluded = places.unstack_places(places._excluded_by_year(pdata, groups, "sex_age"))
    excluded_sa = {k: g.set_index("year")["iso3"] for k, g in _by_place(excluded).items()}
    convictions = _by_place(places.convictions_by_place(pdata, spots)) if spots else {}
    names = places.region_names(pdata.glotip)
    empty = pd.Series(dtype="int64")
    records = []
    for k, (place, note) in enumerate(chosen):
        records.append(
            {
                "id": place_id(place),
                "name": str(place.name),
                "kind": str(place.kind),
                "group": str(place.comparison) if place.kind == "country" else "",
                "members": list(place.members) if place.kind != "country" else [],
                "note": note,
                "profile": profile_slug(place, note, names),
                "victims": victims_section(victims[k], places.STATUSES),
                "forms": forms_section(forms.get(k)),
                "sex_age": sex_age_section(
                    {name: table.get(k) for name, table in sex_age.items()},
                    used.get(k, empty),
                    excluded_sa.get(k, empty),
                ),
                "convictions": convictions_section(convictions.get(k)),
            }
        )
    first, last = pdata.years
    return {
        "release": str(pdata.release),
        "years": [int(first), int(last)],
        "statuses": {s: places.STATUS_MEANING[s] for s in places.STATUSES},
        "kinds": dict(places.KIND_LABELS),
        "forms": list(vocab.FORMS),
        "sex_age": list(sex_age_groups()),
        "colours": colours(),
        "places": records,
    }


def colours() -> dict[str, str]:
    """The house colours of the charts: victims, each form, each sex-and-age group."""
    from tiptrends.report import style

    return {
        "victims": style.OKABE_ITO["blue"],
        **{str(k): v for k, v in style.FORM_COLOURS.items() if k in vocab.FORMS},
        **style.SEX_AGE_COLOURS,
        "children": style.OKABE_ITO["black"],
        "convictions": style.OKABE_ITO["vermillion"],
    }


def to_json(data: dict) -> bytes:
    """The file's bytes: compact JSON (no spaces), keys in the order written."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def write_json(data: dict, target: str | Path) -> Path:
    """Write :func:`explorer_data`'s result to ``target`` atomically; return the path."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(target, to_json(data))
    return target


# --------------------------------------------------------------------------- render
def write_explorer(
    build: Path,
    nb_dir: Path,
    *,
    key: str,
    execute: Callable[..., tuple[Any, Any]],
    kernel_name: str = "tiptrends",
    timeout: int = 600,
    say: Callable[[str], None] = print,
) -> Path | None:
    """Write ``_build/explorer/places.json`` unless it is current; return its path.

    Parameters
    ----------
    build, nb_dir : Path
        The build folder and ``notebooks/``.
    key : str
        Hash of what the file is built from (the render's: package, data, installed
        packages, the builder notebook's cells). Equal to the key kept in ``places.key``
        beside the file: nothing runs.
    execute : callable
        The render's executor (:func:`tiptrends.report.render.execute_notebook`), which
        runs the builder notebook in a fresh kernel with ``output`` injected.
    kernel_name, timeout
        Kernel and per-cell timeout of the builder.
    say : callable
        Progress messages.

    Returns
    -------
    Path or None
        The file; None for a collection without the builder notebook (a test's folder).

    Raises
    ------
    RuntimeError
        When the builder notebook fails (the message names the cell).
    """
    if not (nb_dir / BUILDER_NOTEBOOK).exists():
        return None
    target = build / EXPLORER_JSON
    stamp = target.with_suffix(".key")
    try:
        if target.exists() and stamp.read_text() == key:
            return target
    except FileNotFoundError:
        pass
    t0 = time.perf_counter()
    _, failure = execute(
        nb_dir / BUILDER_NOTEBOOK,
        timeout=timeout,
        kernel_name=kernel_name,
        cwd=nb_dir,
        parameters={"output": str(target)},
    )
    if failure is not None:
        raise RuntimeError(f"the explorer's data were not built: {failure}")
    write_bytes_atomic(stamp, key.encode())
    size = target.stat().st_size
    seconds = time.perf_counter() - t0
    say(f"[explorer] {target.name} built in {seconds:.1f} s ({size / 1e3:,.0f} kB)")
    return target


def stage_explorer(src: Path, build: Path, profiles: Iterable[str]) -> set[Path]:
    """Stage the explorer's data into the book source ``src``; return the files written.

    ``_static/explorer/places.js`` holds the JSON for the page (a script, so that the page
    works from ``file://``, where a page cannot fetch a JSON file) and the list of the
    profile pages in the site; ``_extra/explorer/places.json`` is the file for download.
    Nothing is staged when the render has not written the JSON.
    """
    data = build / EXPLORER_JSON
    if not data.exists():
        return set()
    raw = data.read_bytes()
    pages = sorted(str(p).removeprefix("profiles/") for p in profiles)
    script = (
        b"// The explorer's data (written by tiptrends render): every place, by year.\n"
        b"window.TIPTRENDS_EXPLORER = " + raw + b";\n"
        b"window.TIPTRENDS_PROFILES = " + json.dumps(pages).encode() + b";\n"
    )
    written = set()
    for rel, content in ((STAGED_SCRIPT, script), (STAGED_JSON, raw)):
        target = src / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            same = target.read_bytes() == content
        except FileNotFoundError:
            same = False
        if not same:
            write_bytes_atomic(target, content)
        written.add(target)
    return written
