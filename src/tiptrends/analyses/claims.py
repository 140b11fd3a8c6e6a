"""A ledger of the quantitative claims of a press release and the rule that judges them.

The ledger (:data:`PRESS_RELEASE_2025_CLAIMS`) lists each quantitative claim of the joint
European Commission (DG HOME) / UNODC news release of 30 July 2025 for the World Day against
Trafficking in Persons, *in our own words*, with the id of the row of
``data/published/figures.csv`` that holds the claimed number (``pr2025_*``) and the ids of the
rows of other publications that carry the same number.

Verdict rule
------------
A notebook computes what the data show and passes it to one of the ``verdict_*`` functions,
which return one of :data:`VERDICTS`:

``reproduced``
    Our main computation gives the claimed figure: within ``tolerance`` of a point claim,
    inside the rounding band of a "one in N" claim, on the right side of an "over" /
    "under" bound and within ``tolerance`` of it, or a record that holds in every reading.
``consistent``
    Not reproduced by the main computation, but the claim holds under at least one of the
    documented alternatives (another aggregation, denominator, release or source), or an
    "over" / "under" bound holds but is loose (ours is beyond the bound by more than the
    tolerance), or a record that holds in some readings but not all.
``not testable with these data``
    The data of this collection have nothing to test the claim with (court-case coding,
    police operations, legislation counts, sub-forms the country data do not separate).
``not reproduced`` (:data:`CONTRADICTED`)
    The claim fails under the main computation and under every alternative. This says that
    no documented computation on these data gives the number, not that the source's own
    (unpublished) computation is wrong.

Two data bases
--------------
The verdict is reached on the *reproduction* (``basis="report"``: the current release
without the country-years restated after the report and without the collection's
exclusions, :func:`tiptrends.methods.vintage.data_bases`), because the release restates
figures of reports written from the data UNODC held then. The same computation on the
*re-analysis* (``basis="current"``: the current release with the exclusions) is carried
beside it (:func:`on_both_bases`: ``current``, ``current_shown``, ``current_verdict``): it is
what the data say today, not what the claim was made from.

The rule is mechanical on purpose: the notebook shows the numbers and says why a claim that
is not reproduced fails (usually definitions, not arithmetic).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from tiptrends import settings, vocab
from tiptrends.io import published as published_figures
from tiptrends.methods import aggregate, figures, headline, vintage
from tiptrends.methods.eu_figures import eu_subset, eurostat_form_shares, published_annual
from tiptrends.methods.sensitivity import BASIS_SWITCH_LABELS, BASIS_SWITCHES
from tiptrends.methods.verdicts import (
    BOUND_TOLERANCE,
    CONSISTENT,
    CONTRADICTED,
    KINDS,
    NOT_TESTABLE,
    REPRODUCED,
    RULES,
    VERDICTS,
    is_record,
    one_in_n_band,
    published_figure,
    verdict,
    verdict_record,
)

__all__ = ["CONSISTENT", "CONTRADICTED", "KINDS", "NOT_TESTABLE", "REPRODUCED", "RULES"]
__all__ += ["VERDICTS", "is_record", "one_in_n_band", "verdict", "verdict_record"]


@dataclass(frozen=True)
class Claim:
    """One quantitative claim of a press release.

    Attributes
    ----------
    claim_id : str
        Short stable id (snake_case).
    paraphrase : str
        The claim in our own words (never the release's sentence).
    figure_id : str or None
        Row of ``data/published/figures.csv`` holding the claimed number (None when the
        claim has no number of its own, e.g. "multiplied").
    kind : str
        One of :data:`KINDS`.
    same_as : tuple of str
        Rows of other publications that give the same quantity (the claim's likely source).
    notebooks : tuple of str
        Notebook stems whose pages show the evidence (linked as ``<stem>.html``).
    claimed_text : str or None
        What is claimed, in words, when the row's number alone does not say it.
    """

    claim_id: str
    paraphrase: str
    figure_id: str | None
    kind: str
    same_as: tuple[str, ...] = ()
    notebooks: tuple[str, ...] = ()
    claimed_text: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"claim {self.claim_id!r}: kind must be one of {KINDS}")


@dataclass(frozen=True)
class Evidence:
    """What the data show for one claim, and the verdict.

    Attributes
    ----------
    claim_id : str
        The claim.
    shown : str
        One line, with numbers, of what the computation gives.
    verdict : str
        One of :data:`VERDICTS`.
    main : float or None
        The main computed number (in the claim's unit), if any.
    alternatives : dict
        Alternative computations (label -> value).
    """

    claim_id: str
    shown: str
    verdict: str
    main: float | None = None
    alternatives: dict[str, float] = field(default_factory=dict)
    current: float | None = None
    current_shown: str = ""
    current_verdict: str | None = None

    def __post_init__(self) -> None:
        for v in (self.verdict, self.current_verdict):
            if v is not None and v not in VERDICTS:
                raise ValueError(f"verdict must be one of {VERDICTS}, got {v!r}")


def on_both_bases(report_basis: Evidence, current_release: Evidence) -> Evidence:
    """One claim's evidence: the verdict of the report basis, the current release beside it.

    Parameters
    ----------
    report_basis, current_release : Evidence
        The same computation on the two data bases (same ``claim_id``).

    Returns
    -------
    Evidence
        ``report_basis`` with ``current``, ``current_shown`` and ``current_verdict`` taken
        from ``current_release`` (its ``main``, ``shown`` and ``verdict``).

    Examples
    --------
    >>> e = on_both_bases(Evidence("x", "35%", CONTRADICTED, 35.0), Evidence("x", "26%", CONTRADICTED, 26.0))
    >>> (e.verdict, e.main, e.current, e.current_shown)
    ('not reproduced', 35.0, 26.0, '26%')
    """
    if report_basis.claim_id != current_release.claim_id:
        raise ValueError(
            f"claim ids differ: {report_basis.claim_id!r} vs {current_release.claim_id!r}"
        )
    return replace(
        report_basis,
        current=current_release.main,
        current_shown=current_release.shown,
        current_verdict=current_release.verdict,
    )


PRESS_RELEASE_2025_CLAIMS: tuple[Claim, ...] = (
    Claim(
        "organised_crime_share",
        "About three quarters of detected trafficking cases involve organised criminal groups.",
        "pr2025_organised_crime_share_pct",
        "untestable",
        ("glotip2024_organised_crime_share_pct",),
    ),
    Claim(
        "forced_labour_share_world",
        "Forced labour is the purpose of roughly two in five detected cases worldwide.",
        "pr2025_forced_labour_share_world_pct",
        "value",
        ("glotip2024_forced_labour_share_2022_pct",),
        ("02_forced_labour",),
    ),
    Claim(
        "forced_labour_share_eu",
        "In the EU, a little over a third of cases are forced labour.",
        "pr2025_forced_labour_share_eu_pct",
        "value",
        ("eurostat_forced_labour_share_2024_pct",),
        ("06_european_union", "02_forced_labour"),
    ),
    Claim(
        "forced_labour_record",
        "These forced-labour shares are the highest ever recorded.",
        None,
        "record",
        ("glotip2024_forced_labour_share_2022_pct", "eurostat_forced_labour_share_2024_pct"),
        ("02_forced_labour", "06_european_union"),
        claimed_text="highest share on record (world 42%, EU 37%)",
    ),
    Claim(
        "forced_criminality_growth",
        "Trafficking to force victims into crime grew several-fold in ten years.",
        None,
        "untestable",
        (
            "glotip2024_forced_criminality_share_2016_pct",
            "glotip2024_forced_criminality_share_2022_pct",
        ),
        ("03_forced_criminality",),
        claimed_text="multiplied over the past decade (no number given)",
    ),
    Claim(
        "victims_2021",
        "UNODC data count more than fifty thousand victims detected worldwide in 2021.",
        "pr2025_victims_total_2021",
        "bound",
        (),
        ("01_detected_victims", "00_data_and_coverage"),
    ),
    Claim(
        "children_share_2021",
        "About a third of the victims detected in 2021 were children.",
        "pr2025_children_share_2021_one_in_n",
        "one_in_n",
        (),
        ("04_child_victims",),
    ),
    Claim(
        "operation_potential_victims",
        "A recent European joint operation safeguarded some twelve hundred potential victims.",
        "pr2025_operation_potential_victims",
        "untestable",
        ("globalchain2025_potential_victims",),
    ),
    Claim(
        "operation_arrests",
        "The same operation led to about one hundred and sixty arrests.",
        "pr2025_operation_arrests",
        "untestable",
        ("globalchain2025_arrests",),
    ),
    Claim(
        "operation_suspects",
        "It also identified about two hundred further suspects.",
        "pr2025_operation_suspects_identified",
        "untestable",
        ("globalchain2025_suspects_identified",),
    ),
    Claim(
        "legislation_countries",
        "More than 180 countries have laws making trafficking a crime.",
        "pr2025_legislation_countries",
        "untestable",
    ),
    Claim(
        "prosecutors_forum_countries",
        "Prosecutors from more than sixty countries met at UNODC's first forum on trafficking "
        "and smuggling.",
        "pr2025_prosecutors_forum_countries",
        "untestable",
    ),
)


def claim(claim_id: str, claims: Sequence[Claim] = PRESS_RELEASE_2025_CLAIMS) -> Claim:
    """Return the claim with this id (``KeyError`` if absent)."""
    for c in claims:
        if c.claim_id == claim_id:
            return c
    raise KeyError(f"no claim {claim_id!r}")


# --------------------------------------------------------------------------- readings
def record_readings_table(readings: Mapping[str, tuple[pd.Series, object]]) -> pd.DataFrame:
    """One row per reading of a record claim: claimed period, its value, the maximum.

    Returns
    -------
    DataFrame
        Index reading label; columns ``claimed_period, value, max_period, max_value,
        n_periods, holds``.
    """
    rows = []
    for label, (s, p) in readings.items():
        s = s.dropna()
        rows.append(
            {
                "reading": label,
                "claimed_period": p,
                "value": float(s.loc[p]),
                "max_period": s.idxmax(),
                "max_value": float(s.max()),
                "n_periods": len(s),
                "holds": is_record(s, p),
            }
        )
    return pd.DataFrame(rows).set_index("reading")


# --------------------------------------------------------------------------- ledger
def source_agreement(c: Claim, published: pd.DataFrame) -> str:
    """Say whether the rows in ``c.same_as`` carry the same number as the claim's row.

    Parameters
    ----------
    c : Claim
    published : DataFrame
        The published-figures table.

    Returns
    -------
    str
        E.g. ``"same as glotip2024_organised_crime_share_pct (74)"``; for a claim without
        a number of its own, ``"cf. <id> (<value>)"``; empty if ``same_as`` is empty.
    """
    table = published.set_index("figure_id")
    claimed = None if c.figure_id is None else float(table.at[c.figure_id, "value"])
    parts = []
    for fid in c.same_as:
        v = float(table.at[fid, "value"])
        if claimed is None:
            word = "cf."
        else:
            word = "same as" if math.isclose(v, claimed) else "differs from"
        parts.append(f"{word} {fid} ({v:g})")
    return "; ".join(parts)


def _link(stem: str) -> str:
    return f'<a href="{stem}.html">{stem}</a>'


NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 8: "eight", 10: "ten"}
"""Small numbers written as words ("one in three")."""

UNIT_WORDS = {"persons": "people", "percent": "%", "countries": "countries"}
"""How the published table's units read after a number."""


def claimed_words(row: Mapping[str, Any]) -> str:
    """The claimed number as a reader says it: "over 50,000 people", "42%", "one in three".

    Parameters
    ----------
    row : mapping
        A row of the published-figures table (``value``, ``unit``, ``qualifier``).

    Examples
    --------
    >>> claimed_words({"value": 3.0, "unit": "one in N", "qualifier": "exact"})
    'one in three'
    >>> claimed_words({"value": 50000.0, "unit": "persons", "qualifier": "over"})
    'over 50,000 people'
    >>> claimed_words({"value": 42.0, "unit": "percent", "qualifier": "exact"})
    '42%'
    """
    value, unit = float(row["value"]), str(row["unit"])
    if unit == "one in N":
        n = round(value)
        return f"one in {NUMBER_WORDS.get(n, str(n))}"
    q = {"over": "over ", "under": "under ", "about": "about "}.get(str(row["qualifier"]), "")
    words = UNIT_WORDS.get(unit, unit)
    number = f"{value:,.0f}" if value == round(value) else f"{value:,.1f}"
    return f"{q}{number}%" if words == "%" else f"{q}{number} {words}"


def chapter_refs(stems: Sequence[str]) -> str:
    """Chapters as a reader names them: ``("06_european_union", "02_forced_labour")`` ->
    ``"chapters 06, 02"``; empty for none."""
    numbers = [s.split("_", 1)[0] for s in stems]
    if not numbers:
        return ""
    return ("chapter " if len(numbers) == 1 else "chapters ") + ", ".join(numbers)


def ledger(
    evidence: Mapping[str, Evidence],
    published: pd.DataFrame,
    claims: Sequence[Claim] = PRESS_RELEASE_2025_CLAIMS,
    *,
    html_links: bool = True,
) -> pd.DataFrame:
    """Assemble the claims ledger.

    Parameters
    ----------
    evidence : mapping
        ``claim_id`` -> :class:`Evidence`; every claim must have one.
    published : DataFrame
        The published-figures table.
    claims : sequence of Claim
        The claims (default the 30 July 2025 release).
    html_links : bool
        Notebook column as HTML links (``<a href="stem.html">``) or plain ``stem.html``.

    Returns
    -------
    DataFrame
        Index ``claim_id``; columns ``claim, claimed, source, what the data show, verdict,
        current release, verdict on the current release, rule, see`` (the two current-release
        columns are empty strings where the evidence has no current-release reading).

    Raises
    ------
    KeyError
        If a claim has no evidence.
    """
    missing = [c.claim_id for c in claims if c.claim_id not in evidence]
    if missing:
        raise KeyError(f"no evidence for claims {missing}")
    table = published.set_index("figure_id")
    rows = []
    for c in claims:
        if c.claimed_text is not None:
            claimed = c.claimed_text
        else:
            claimed = claimed_words(table.loc[c.figure_id])
        ev = evidence[c.claim_id]
        links = [(_link(s) if html_links else f"{s}.html") for s in c.notebooks]
        rows.append(
            {
                "claim_id": c.claim_id,
                "claim": c.paraphrase,
                "claimed": claimed,
                "source": source_agreement(c, published) or "release only",
                "what the data show": ev.shown,
                "verdict": ev.verdict,
                "current release": ev.current_shown,
                "verdict on the current release": ev.current_verdict or "",
                "rule": RULES[c.kind],
                "see": ", ".join(links),
            }
        )
    return pd.DataFrame(rows).set_index("claim_id")


def verdict_counts(ledger_table: pd.DataFrame) -> pd.Series:
    """Number of claims per verdict, in :data:`VERDICTS` order (zeros kept)."""
    return ledger_table["verdict"].value_counts().reindex(list(VERDICTS), fill_value=0)


# --------------------------------------------------------------------------- evidence
GLOTIP_EDITIONS = (
    "glotip2009",
    "glotip2012",
    "glotip2016",
    "glotip2018",
    "glotip2020",
    "glotip2024",
)
"""GLOTIP report editions whose published forced-labour shares form one reading."""

EC_PERIODS = {
    "2013-2014": "ec1_labour_exploitation_share_2013_2014_pct",
    "2015-2016": "ec2_labour_exploitation_share_2015_2016_pct",
    "2017-2018": "ec3_labour_exploitation_share_2017_2018_pct",
    "2021-2022": "ec5_labour_exploitation_share_2021_2022_pct",
}
"""The Commission's two-year EU shares of labour exploitation (period -> figure id)."""

EU_MIN_MEMBER_STATES = 10
"""UNODC EU-27 forced-labour shares are read only for years with this many member states."""

UNTESTABLE_OPERATION = {
    "operation_potential_victims": "globalchain2025_potential_victims",
    "operation_arrests": "globalchain2025_arrests",
    "operation_suspects": "globalchain2025_suspects_identified",
}
"""Claims about the Global Chain 2025 operation -> the figure reporting them."""


VICTIMS_2021 = "victims_total_2021_pooled_all"
"""The registered figure the "over X victims in 2021" claim is judged on."""


def victims_2021(
    data: pd.DataFrame, raw: pd.DataFrame, raw23: pd.DataFrame, basis: str = "reproduction"
) -> tuple[Evidence, dict]:
    """Evidence for "over X victims detected in 2021": plain sums of the 2021 country totals.

    Parameters
    ----------
    data : DataFrame
        The table the verdict is read on (a data basis of
        :func:`tiptrends.methods.vintage.data_bases`: exclusions, repairs and, for the
        report basis, the vintage rule applied).
    raw, raw23 : DataFrame
        Curated GLOTIP tables of the 2025 and 2023 releases as loaded (the alternatives:
        nothing excluded; the 2023 release, 2021 only partly filled).
    basis : str
        Name of ``data`` in the evidence line.

    Returns
    -------
    (Evidence, dict)
        The evidence and ``total``, ``countries``, ``total_2023_release``,
        ``total_nothing_excluded``.
    """

    def total_2021(table: pd.DataFrame) -> tuple[float, int]:
        totals = aggregate.country_year_counts(table)
        t21 = totals[(totals["year"] == 2021) & totals[vocab.TOTAL].notna()]
        return float(t21[vocab.TOTAL].sum()), len(t21)

    (_, n), (old_total, n_old) = total_2021(data), total_2021(raw23)
    total = figures.evaluate(VICTIMS_2021, data)
    alts = {
        "2025 release, nothing excluded": total_2021(raw)[0],
        "2023 release (2021 partly filled)": old_total,
    }
    ev = Evidence(
        "victims_2021",
        f"{total:,.0f} detected victims in {n} countries (plain sum, {basis}); the 2023 "
        f"release had {old_total:,.0f} from {n_old} countries for 2021",
        verdict(total, published_figure("pr2025_victims_total_2021"), alts),
        total,
        alts,
    )
    return ev, {
        "total": total,
        "countries": n,
        "total_2023_release": old_total,
        "total_nothing_excluded": alts["2025 release, nothing excluded"],
    }


def bound_words(total: float, bound: float, judged: str) -> str:
    """Why an "over X" claim gets its verdict, in words, from the verdict itself.

    Examples
    --------
    >>> bound_words(54_127, 50_000, REPRODUCED)
    '8.3% above the claimed 50,000: within the 10% the rule allows, so reproduced'
    >>> bound_words(75_504, 50_000, CONSISTENT)
    '51.0% above the claimed 50,000: the bound holds but loosely (more than 10% above), so consistent'
    """
    over = 100 * (total / bound - 1)
    allowed = f"{100 * BOUND_TOLERANCE:.0f}%"
    if over < 0:
        return f"{-over:.1f}% below the claimed {bound:,.0f}, so {judged}"
    if judged == REPRODUCED:
        return f"{over:.1f}% above the claimed {bound:,.0f}: within the {allowed} the rule allows, so {judged}"
    return (
        f"{over:.1f}% above the claimed {bound:,.0f}: the bound holds but loosely "
        f"(more than {allowed} above), so {judged}"
    )


def children_2021(glotip: pd.DataFrame, raw: pd.DataFrame) -> Evidence:
    """Evidence for "one in N victims detected in 2021 is a child".

    ``glotip`` is the data basis the verdict is read on, ``raw`` the same data without
    exclusions (the alternative "no exclusions").
    """
    main = headline.children_share_pct(glotip, 2021)
    alts = {
        "denominator: country totals": headline.children_share_pct(glotip, 2021, denominator="all"),
        "no exclusions": headline.children_share_pct(raw, 2021),
        "mean of country shares": headline.children_share_pct(glotip, 2021, method="mean"),
    }
    n = published_figures.published_value("pr2025_children_share_2021_one_in_n")
    low, high = one_in_n_band(n)
    shown = (
        f"children {main:.1f}% of 2021 victims with known sex and age (alternatives "
        f"{min(alts.values()):.1f}-{max(alts.values()):.1f}%); "
        f"“one in {NUMBER_WORDS.get(round(n), f'{n:.0f}')}” spans {low:.1f}-{high:.1f}%"
    )
    judged = verdict(main, published_figure("pr2025_children_share_2021_one_in_n"), alts)
    return Evidence("children_share_2021", shown, judged, main, alts)


WORLD_ALTERNATIVES = {
    "mean of country shares": {"method": "mean"},
    "mean of UN-region shares": {"method": "two_stage"},
    "country shares weighted by population": {"method": "weighted"},
    "UN-region shares weighted by population": {"method": "two_stage_population"},
}
"""Alternative aggregations of the worldwide forced-labour share (label -> figure options)."""

WORLD_SHARE = "forced_labour_share_2022_pct"
"""The registered figure the worldwide forced-labour claim is judged on."""


def forced_labour_world(glotip: pd.DataFrame, raw: pd.DataFrame) -> Evidence:
    """Evidence for the worldwide forced-labour share: the registered figure and alternatives.

    Parameters
    ----------
    glotip, raw : DataFrame
        The data basis the verdict is read on, and the same data without the collection's
        exclusions (the alternative "no exclusions").
    """
    inputs = figures.Inputs(glotip)
    main = figures.evaluate(WORLD_SHARE, inputs)
    alts = {"no exclusions": figures.evaluate(WORLD_SHARE, raw)}
    alts |= {k: figures.evaluate(WORLD_SHARE, inputs, **o) for k, o in WORLD_ALTERNATIVES.items()}
    # the registry's two-stage share groups by UN region; GLOTIP's regions are read here
    counts = aggregate.country_year_counts(glotip, dimension=vocab.DIM_FORM)
    grouped = aggregate.add_grouping(counts[counts["year"] == settings.LATEST_YEAR], "glotip")
    alts["mean of GLOTIP-region shares"] = (
        100
        * aggregate.aggregate_share(
            grouped.assign(region=grouped["group"]), vocab.FORCED_LABOUR, method="two_stage"
        ).share
    )
    shown = (
        f"{settings.LATEST_YEAR}: {main:.1f}% pooled; alternatives "
        f"{min(alts.values()):.1f}-{max(alts.values()):.1f}%"
    )
    judged = verdict(main, published_figure("pr2025_forced_labour_share_world_pct"), alts)
    return Evidence("forced_labour_share_world", shown, judged, main, alts)


def eu_forced_labour_series(
    glotip: pd.DataFrame, published: pd.DataFrame
) -> tuple[pd.Series, pd.Series]:
    """Forced-labour share (%) in the EU: Eurostat's counts, and UNODC EU-27 pooled.

    Returns
    -------
    (Series, Series)
        Eurostat (shares of its published counts, by year) and UNODC EU-27 (pooled, years
        with at least :data:`EU_MIN_MEMBER_STATES` member states).
    """
    fl = vocab.FORCED_LABOUR
    forms = eurostat_form_shares(published)
    eurostat = forms[forms["category"] == fl].set_index("year")["share_pct"]
    counts = eu_subset(aggregate.country_year_counts(glotip, dimension=vocab.DIM_FORM))
    shares = aggregate.shares_by_year(counts, vocab.DIM_FORM, categories=[fl]).set_index("year")
    unodc = shares.loc[shares["n_countries"] >= EU_MIN_MEMBER_STATES, "share"] * 100
    return eurostat, unodc


def forced_labour_eu(eurostat: pd.Series, unodc: pd.Series) -> Evidence:
    """Evidence for the EU forced-labour share: Eurostat's 2024 counts, with alternatives."""
    alts = {"Eurostat counts, 2023": float(eurostat[2023]), "UNODC EU-27, 2022": float(unodc[2022])}
    main = float(eurostat[2024])
    shown = f"Eurostat's 2024 counts give {main:.1f}%; UNODC EU-27 data give {unodc[2022]:.1f}% for 2022"
    judged = verdict(main, published_figure("pr2025_forced_labour_share_eu_pct"), alts)
    return Evidence("forced_labour_share_eu", shown, judged, main, alts)


def record_readings(
    glotip: pd.DataFrame, published: pd.DataFrame, eurostat: pd.Series, unodc_eu: pd.Series
) -> dict[str, tuple[pd.Series, object]]:
    """Every series at hand on which "the highest forced-labour share on record" can be read.

    Returns
    -------
    dict
        Label -> (series, claimed period), for :func:`verdict_record` and
        :func:`record_readings_table`.
    """
    fl = vocab.FORCED_LABOUR

    def world(method: str) -> pd.Series:
        shares = aggregate.shares_by_year(glotip, vocab.DIM_FORM, categories=[fl], method=method)
        return shares.set_index("year")["share"] * 100

    reports = pd.concat(
        [published_annual(published, e, "forced_labour_share", "_pct") for e in GLOTIP_EDITIONS]
    ).sort_index()
    annual = published_annual(published, "eurostat", "forced_labour_share", "_pct")
    periods = pd.Series({k: published_figures.published_value(v) for k, v in EC_PERIODS.items()})
    return {
        "World: UNODC data, pooled (2003-2022)": (world("pooled"), 2022),
        "World: UNODC data, mean of countries (2003-2022)": (world("mean"), 2022),
        "World: GLOTIP reports as published (2006-2022)": (reports, 2022),
        "EU: UNODC EU-27 data, pooled (years with 10+ member states)": (unodc_eu, 2022),
        "EU: Eurostat annual (2020-2024)": (annual.combine_first(eurostat), 2024),
        "EU: Commission two-year periods (2013-2022)": (periods, "2021-2022"),
    }


def forced_labour_record(readings: Mapping[str, tuple[pd.Series, object]]) -> Evidence:
    """Evidence for "the highest forced-labour share on record" from its readings.

    Parameters
    ----------
    readings : mapping
        As returned by :func:`record_readings`.
    """
    table = record_readings_table(readings)
    shown = (
        f"holds in {int(table['holds'].sum())} of {len(table)} readings (see the table of readings)"
    )
    return Evidence("forced_labour_record", shown, verdict_record(readings))


def readings_on_both_bases(
    report_basis: Mapping[str, tuple[pd.Series, object]],
    current_release: Mapping[str, tuple[pd.Series, object]],
) -> pd.DataFrame:
    """:func:`record_readings_table` of the report basis with ``holds_current`` beside it.

    ``holds_current`` says whether the claim holds in the same reading of the current
    release (readings that do not use the country data give the same answer on both).
    """
    table = record_readings_table(report_basis)
    table["holds_current"] = record_readings_table(current_release)["holds"]
    return table


def untestable(glotip: pd.DataFrame, raw: pd.DataFrame) -> dict[str, Evidence]:
    """Evidence for the claims that no series here measures (verdict :data:`NOT_TESTABLE`)."""
    fc = {
        y: published_figures.published_value(f"glotip2024_forced_criminality_share_{y}_pct")
        for y in (2016, 2022)
    }
    other = aggregate.shares_by_year(glotip, vocab.DIM_FORM, categories=[vocab.OTHER_FORMS])
    other = other.set_index("year")["share"] * 100
    shown = {
        "forced_criminality_growth": (
            f"the country data fold forced criminality into “other forms” ({other[2012]:.0f}% "
            f"in 2012, {other[2022]:.0f}% in 2022); GLOTIP 2024 reports {fc[2016]:.0f}% (2016) "
            f"and {fc[2022]:.0f}% (2022), {fc[2022] / fc[2016]:.0f} times as much"
        ),
        "organised_crime_share": "comes from UNODC's coding of court cases; the country data "
        "hold no case or offender detail",
        "legislation_countries": f"no legislation data here; "
        f"{raw.loc[~raw['is_aggregate'], 'iso3'].nunique()} countries appear in the UNODC data, "
        "which says nothing about their laws",
        "prosecutors_forum_countries": "a meeting of prosecutors, not in any data set here",
    }
    for key, fid in UNTESTABLE_OPERATION.items():
        shown[key] = (
            "police operation (Global Chain 2025), not in any data set here; reports of the "
            f"operation give {published_figures.published_value(fid):,.0f}"
        )
    return {key: Evidence(key, text, NOT_TESTABLE) for key, text in shown.items()}


RULES_FOR_PEOPLE = {
    "A share or a count": "Reproduced if the main computation is within 1 percentage point of a "
    "share (0.5 of a change in points, 2% of a count). Consistent if an alternative comes that "
    "close. Otherwise not reproduced.",
    "“Over X”": f"Reproduced if the main computation is at least X and at most "
    f"{100 * BOUND_TOLERANCE:.0f}% above it. Consistent if it is further above, or if only an "
    "alternative reaches X. Otherwise not reproduced.",
    "“One in N”": "Reproduced if the main share rounds to one in N (one in three: "
    f"{one_in_n_band(3)[0]:.1f}% to {one_in_n_band(3)[1]:.1f}%). Consistent if an alternative "
    "does. Otherwise not reproduced.",
    "“Highest on record”": "Reproduced if the claimed year is the highest in every series read. "
    "Consistent if it is in at least one. Otherwise not reproduced.",
    "No series here measures it": "Not testable with these data.",
}
"""The verdict rule of :data:`RULES`, one plain sentence per kind of claim."""


READING_COLUMNS = {
    "claimed_period": "Claimed period",
    "value": "Share then (%)",
    "max_period": "Highest in",
    "max_value": "Highest share (%)",
    "holds": "Holds (reproduction)",
    "holds_current": "Holds (re-analysis)",
}
"""Readable column names of :func:`record_readings_table`."""


def readings_for_people(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`record_readings_table` with readable columns, periods as text, yes / no."""
    out = table.drop(columns="n_periods").astype({"claimed_period": str, "max_period": str})
    for col in {"holds", "holds_current"} & set(out.columns):
        out[col] = out[col].map({True: "Yes", False: "No"})
    return out.rename(columns=READING_COLUMNS).rename_axis("Reading")


REPRODUCTION = "Reproduction (report's data)"
REANALYSIS = "Re-analysis (current data)"
"""Column headers of the two data bases, as in every chapter of the book."""


def ledger_for_people(ledger_table: pd.DataFrame) -> pd.DataFrame:
    """The ledger as a reader sees it (:data:`LEDGER_FOR_PEOPLE`): claim, published, the
    verdict on the reproduction and on the re-analysis, what each shows, see.

    The claim ids, the rule (shown once in its own table) and the figure ids of the
    ``source`` column are left out.
    """
    out = ledger_table[list(LEDGER_FOR_PEOPLE)].replace("", "-")
    out["see"] = [chapter_refs(_STEM.findall(v)) or "-" for v in out["see"]]
    return out.rename(columns=LEDGER_FOR_PEOPLE).reset_index(drop=True)


_STEM = re.compile(r"(\d\d_[a-z0-9_]+)\.html")


LEDGER_FOR_PEOPLE = {
    "claim": "Claim",
    "claimed": "Published",
    "verdict": REPRODUCTION,
    "verdict on the current release": REANALYSIS,
    "what the data show": "What the reproduction shows",
    "current release": "What the re-analysis shows",
    "see": "See",
}
"""Ledger columns a reader sees, with their headings."""


def convictions_table(c: Mapping[str, float]) -> pd.DataFrame:
    """The change in convictions 2017-2020 (:func:`convictions`) on both bases, as shown."""
    rows = {
        "Change, trend panel": ("trend", "{:+.1f}%"),
        "Part of the 2020 total carried from an earlier year": ("filled", "{:.1f}%"),
        "Change, matched set (countries reporting both years)": ("matched", "{:+.1f}%"),
    }
    return pd.DataFrame(
        {
            REPRODUCTION: [fmt.format(c[k]) for k, fmt in rows.values()],
            REANALYSIS: [fmt.format(c[k + "_now"]) for k, fmt in rows.values()],
        },
        index=pd.Index(list(rows), name="Convictions, 2017 to 2020"),
    )


def computations_table(
    report_basis: Evidence, current_release: Evidence, main_label: str
) -> pd.DataFrame:
    """The main computation and every alternative of one claim, on both data bases.

    Parameters
    ----------
    report_basis, current_release : Evidence
        The same claim computed on the report basis and on the current release.
    main_label : str
        Row label of the main computation.

    Returns
    -------
    DataFrame
        Index "Computation"; columns :data:`REPRODUCTION`, :data:`REANALYSIS` (NaN where the
        re-analysis has no such alternative).

    Examples
    --------
    >>> b = Evidence("x", "", CONSISTENT, 40.0, {"mean": 33.5})
    >>> c = Evidence("x", "", REPRODUCED, 30.0, {"mean": 33.3})
    >>> computations_table(b, c, "pooled").loc["mean"].tolist()
    [33.5, 33.3]
    """
    rows = {main_label: (report_basis.main, current_release.main)}
    for label, value in report_basis.alternatives.items():
        rows[label] = (value, current_release.alternatives.get(label, math.nan))
    table = pd.DataFrame.from_dict(rows, orient="index", columns=[REPRODUCTION, REANALYSIS])
    return table.astype(float).rename_axis("Computation")


SWITCH_KEYS = (
    "victims_total_2021_pooled_all",
    "victims_total_2022_pooled_all",
    "children_share_2020_pct",
    "children_share_2022_pct",
    WORLD_SHARE,
    "forced_labour_share_2022_popweighted_pct",
)
"""Registered figures of the chapter's rule-switch table (those registered are shown)."""

SWITCHES = {
    **BASIS_SWITCHES,
    "no form fallback": {"form_fallback": False},
}
"""Columns of the rule-switch table (label -> :func:`tiptrends.methods.figures.value` kwargs)."""

COVERED = "vintage rule, years after 2021 kept"
"""Column of the rule-switch table: the reproduction keeping Pakistan's 2022."""

SWITCH_COLUMNS = {
    **BASIS_SWITCH_LABELS,
    COVERED: "Reproduction keeping Pakistan's 2022",
    "no form fallback": "Reproduction without the form fallback",
}
"""Readable names of the rule switches (rows of the table as shown)."""

SWITCH_HEADINGS = {
    "victims_total_2021_pooled_all": "Victims 2021",
    "victims_total_2022_pooled_all": "Victims 2022",
    "children_share_2020_pct": "Children 2020 (%)",
    "children_share_2022_pct": "Children 2022 (%)",
    WORLD_SHARE: "Forced labour 2022 (%)",
    "forced_labour_share_2022_popweighted_pct": "Forced labour 2022, population-weighted (%)",
}
"""Short headings of the figures of the rule-switch table (its columns as shown)."""


def rule_switch_table(covered: vintage.DataBases) -> pd.DataFrame:
    """The chapter's figures with one rule switched off at a time (index: figure keys).

    ``covered`` are the data bases with the vintage rule stopped after 2021
    (``continuation="covered"``: Pakistan 2022 kept); its reproduction is shown as its own
    column, read from the earlier release for a figure the report took from it, as the main
    column is.
    """
    keys = [k for k in SWITCH_KEYS if k in figures.FIGURES]
    table = figures.switch_table(keys, SWITCHES, labels=False)
    kept = [
        figures.evaluate(
            k,
            covered.earlier
            if figures.FIGURES[k].report_data == "earlier"
            else covered.report_basis,
        )
        for k in keys
    ]
    table.insert(2, COVERED, kept)
    return table


def switches_for_people(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`rule_switch_table` as shown: one row per rule switch, one short column per
    figure, each value written with its figure's precision ("no effect" where a rule cannot
    change it)."""

    def cell(key: str, v: object) -> str:
        if isinstance(v, str):
            return v
        fig = figures.FIGURES[key]
        digits = 0 if fig.unit == "persons" else fig.precision
        return f"{float(v):,.{digits}f}"

    out = pd.DataFrame(
        {
            SWITCH_HEADINGS.get(k, figures.FIGURES[k].label): [cell(k, v) for v in row]
            for k, row in table.iterrows()
        },
        index=pd.Index([SWITCH_COLUMNS.get(c, c) for c in table.columns], name="Data and rules"),
    )
    return out


@dataclass
class Results:
    """Everything chapter 11 shows: evidence per claim, its tables and the glued numbers."""

    evidence: dict[str, Evidence]
    victims: dict
    victims_now: dict
    pakistan_2021: float
    children: tuple[Evidence, Evidence]
    world: tuple[Evidence, Evidence]
    eu: Evidence
    eurostat: pd.Series
    unodc_eu: tuple[pd.Series, pd.Series]
    readings: tuple[dict, dict]
    switches: pd.DataFrame
    ledger: pd.DataFrame
    counts: pd.Series
    release: str
    release_2023: str
    convictions: dict[str, float] = field(default_factory=dict)
    numbers: dict[str, float] = field(default_factory=dict)
    shares: dict[str, float] = field(default_factory=dict)
    changes: dict[str, float] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)


def results(published: pd.DataFrame | None = None) -> Results:
    """Run every computation of chapter 11 on both data bases and assemble the ledger."""
    pub = published_figures.load_published() if published is None else published
    raw, raw23 = figures.glotip(settings.CURRENT_RELEASE), figures.glotip(settings.EARLIER_RELEASE)
    bases = figures.data_bases()
    basis, current = bases.report_basis, bases.current_release
    unexcluded = vintage.report_basis(raw, raw23)
    v_basis, victims = victims_2021(basis, raw, raw23)
    v_now, victims_now = victims_2021(current, raw, raw23, basis="re-analysis")
    children = children_2021(basis, unexcluded), children_2021(current, raw)
    world = forced_labour_world(basis, unexcluded), forced_labour_world(current, raw)
    eurostat, unodc_eu = eu_forced_labour_series(basis, pub)
    unodc_eu_now = eu_forced_labour_series(current, pub)[1]
    eu = forced_labour_eu(eurostat, unodc_eu)
    readings = record_readings(basis, pub, eurostat, unodc_eu)
    readings_now = record_readings(current, pub, eurostat, unodc_eu_now)
    ev = {
        "victims_2021": on_both_bases(v_basis, v_now),
        "children_share_2021": on_both_bases(*children),
        "forced_labour_share_world": on_both_bases(*world),
        "forced_labour_share_eu": on_both_bases(eu, forced_labour_eu(eurostat, unodc_eu_now)),
        "forced_labour_record": on_both_bases(
            forced_labour_record(readings), forced_labour_record(readings_now)
        ),
        **untestable(basis, raw),
    }
    ev["forced_criminality_growth"] = on_both_bases(
        ev["forced_criminality_growth"], untestable(current, raw)["forced_criminality_growth"]
    )
    table = ledger(ev, pub, html_links=False)
    covered = vintage.data_bases(raw, raw23, continuation="covered")
    out = Results(
        ev,
        victims,
        victims_now,
        float(bases.flags.query("iso3 == 'PAK'").set_index("year").at[2021, "value_current"]),
        children,
        world,
        eu,
        eurostat,
        (unodc_eu, unodc_eu_now),
        (readings, readings_now),
        rule_switch_table(covered),
        table,
        verdict_counts(table),
        str(raw["release"].iloc[0]),
        str(raw23["release"].iloc[0]),
    )
    out.convictions = convictions()
    _glued(out, pub)
    return out


TOTAL_2022 = "victims_total_2022_pooled_all"
"""The plain sum of 2022 totals (set against the larger published 2022 total)."""

PANEL_2022 = "victims_total_2022"
"""The trend panel's 2022 level (set against the smaller published 2022 total)."""

CONVICTIONS = "convictions_change_2017_2020_pct"
"""The published change in convictions set beside the release's "convictions are limited"."""

CONVICTIONS_FILLED = "convictions_change_2017_2020_filled_share_pct"
"""Share of the 2020 convictions on the trend panel carried from an earlier year."""


def convictions() -> dict[str, float]:
    """The change in convictions 2017-2020 on both bases: trend panel, matched set, and the
    share of the trend panel's 2020 total carried from an earlier year.

    Returns
    -------
    dict
        ``published``, then ``trend``, ``matched``, ``filled`` (reproduction) and the same
        with the suffix ``_now`` (re-analysis).
    """
    out = {
        "published": published_figures.published_value(figures.FIGURES[CONVICTIONS].published_id)
    }
    for basis, suffix in (("report", ""), ("current", "_now")):
        out["trend" + suffix] = figures.value(CONVICTIONS, basis)
        out["matched" + suffix] = figures.value(CONVICTIONS, basis, panel="matched")
        out["filled" + suffix] = figures.value(CONVICTIONS_FILLED, basis)
    return out


def _glued(r: Results, pub: pd.DataFrame) -> None:
    """Fill the numbers the chapter's prose quotes (``cl_*`` glue names)."""
    value = pub.set_index("figure_id")["value"].astype(float)
    world, world_now = r.world
    low, high = one_in_n_band(value["pr2025_children_share_2021_one_in_n"])
    now = r.ledger["verdict on the current release"].replace("", NOT_TESTABLE)
    names = dict(
        zip(VERDICTS, ("reproduced", "consistent", "not_testable", "not_reproduced"), strict=True)
    )
    total_2022 = r.switches.loc[TOTAL_2022]
    r.numbers = {
        "cl_total_2022": total_2022["all rules (main)"],
        "cl_total_2022_covered": total_2022[COVERED],
        "cl_total_2022_published": value[figures.FIGURES[TOTAL_2022].published_id],
        "cl_total_2022_panel_published": value[figures.FIGURES[PANEL_2022].published_id],
        "cl_record_held": int(record_readings_table(r.readings[0])["holds"].sum()),
        "cl_record_readings": len(r.readings[0]),
        "cl_victims_2021": r.victims["total"],
        "cl_victims_countries": r.victims["countries"],
        "cl_victims_2021_now": r.victims_now["total"],
        "cl_victims_2021_pak": r.pakistan_2021,
        "cl_victims_2021_2023": r.victims["total_2023_release"],
        "cl_n_claims": len(r.ledger),
        **{f"cl_n_{names[v]}": int(r.counts[v]) for v in VERDICTS},
        **{f"cl_n_{names[v]}_now": int((now == v).sum()) for v in VERDICTS},
    }
    bound = value["pr2025_victims_total_2021"]
    r.shares = {
        "cl_children_2021": r.children[0].main,
        "cl_children_2021_now": r.children[1].main,
        "cl_children_band_low": low,
        "cl_children_band_high": high,
        "cl_fl_world_main": world.main,
        "cl_fl_world_now": world_now.main,
        "cl_fl_world_max": max(world.alternatives.values()),
        "cl_fl_world_now_max": max(world_now.alternatives.values()),
        "cl_fl_world_min": min(world.main, *world.alternatives.values()),
        **{f"cl_fl_eurostat_{y}": float(r.eurostat[y]) for y in (2022, 2024)},
        "cl_conv_filled": r.convictions["filled"],
        "cl_conv_filled_now": r.convictions["filled_now"],
    }
    r.changes = {
        f"cl_conv_{k}": r.convictions[k] for k in ("trend", "matched", "trend_now", "matched_now")
    }
    victims_ev = r.evidence["victims_2021"]
    r.texts = {
        "cl_fl_eu_unodc_2022_now": f"{r.unodc_eu[1][2022]:.1f}%",
        "cl_victims_2021_reason": bound_words(r.victims["total"], bound, victims_ev.verdict),
        "cl_victims_2021_reason_now": bound_words(
            r.victims_now["total"], bound, str(victims_ev.current_verdict)
        ),
        "cl_fl_world_verdict": world.verdict,
        "cl_fl_world_verdict_now": str(r.evidence["forced_labour_share_world"].current_verdict),
        "cl_fl_eu_verdict": r.eu.verdict,
        "cl_record_verdict": r.evidence["forced_labour_record"].verdict,
        "cl_fl_world_claimed": f"{value['pr2025_forced_labour_share_world_pct']:.0f}%",
        "cl_fl_eu_claimed": f"{value['pr2025_forced_labour_share_eu_pct']:.0f}%",
        "cl_conv_published": f"{r.convictions['published']:+.0f}%",
        "cl_children_verdict": r.children[0].verdict,
        "cl_children_verdict_now": r.children[1].verdict,
        "cl_fl_world_max_label": max(world.alternatives, key=world.alternatives.__getitem__),
        "cl_fl_eu_shown": r.eu.shown,
        "cl_glotip_release": r.release,
        "cl_glotip_release_2023": r.release_2023,
    }


def plot_record(r: Results, style: Any) -> Any:
    """Figure 11.1: the forced-labour share series of the record claim (``style``: the
    house-style module :mod:`tiptrends.report.style`, passed in: analyses do not import it)."""
    readings, readings_now = r.readings
    world, reports, eurostat = (s for s, _ in list(readings.values())[0:5:2])
    lines = {
        "World, reproduction": world,
        "World, re-analysis": next(iter(readings_now.values()))[0],
        "EU-27, UNODC data (reproduction)": r.unodc_eu[0],
    }
    series = pd.concat([s.rename("v").reset_index().assign(series=k) for k, s in lines.items()])
    fig, ax = style.plot_shares_over_time(
        series,
        "year",
        "v",
        "series",
        xlabel="Year",
        ylabel="Share of detected victims (%)",
        title="Forced labour's share of detected victims",
    )
    ax.plot(
        reports.index,
        reports.to_numpy(),
        "D",
        color=style.OKABE_ITO["black"],
        label="World, GLOTIP reports",
    )
    ax.plot(
        eurostat.index,
        eurostat.to_numpy(),
        "s",
        color=style.OKABE_ITO["vermillion"],
        label="EU, Eurostat",
    )
    # in a band above every share, off the last years the claim is about
    ax.legend(loc="upper left", ncol=3, frameon=False, fontsize=9)
    ax.set_ylim(0, 72)
    ax.set_yticks(range(0, 61, 10))
    return fig, ax
