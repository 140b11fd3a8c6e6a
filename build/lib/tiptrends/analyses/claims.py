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
``contradicted``
    The claim fails under the main computation and under every alternative.

The rule is mechanical on purpose: the notebook shows the numbers and says why a claim that
is not reproduced fails (usually definitions, not arithmetic).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

REPRODUCED = "reproduced"
CONSISTENT = "consistent"
NOT_TESTABLE = "not testable with these data"
CONTRADICTED = "contradicted"
VERDICTS = (REPRODUCED, CONSISTENT, NOT_TESTABLE, CONTRADICTED)

#: Kinds of claims (which verdict function applies).
KINDS = ("value", "bound", "one_in_n", "record", "untestable")

RULES: dict[str, str] = {
    "value": "reproduced if |main - claim| <= tolerance; consistent if the claim lies within "
    "tolerance of the range of the alternatives; else contradicted",
    "bound": "'over X': reproduced if X <= main <= X + tolerance; consistent if main > X + "
    "tolerance or (main < X but some alternative >= X); else contradicted ('under' mirrored)",
    "one_in_n": "'one in N' is the band 100/(N+0.5) to 100/(N-0.5) percent: reproduced if the "
    "main share is inside; consistent if an alternative is; else contradicted",
    "record": "'highest on record': reproduced if the claimed period is the maximum of every "
    "reading; consistent if of at least one; else contradicted",
    "untestable": "not testable with these data (no series here measures it)",
}


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

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, got {self.verdict!r}")


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
)


def claim(claim_id: str, claims: Sequence[Claim] = PRESS_RELEASE_2025_CLAIMS) -> Claim:
    """Return the claim with this id (``KeyError`` if absent)."""
    for c in claims:
        if c.claim_id == claim_id:
            return c
    raise KeyError(f"no claim {claim_id!r}")


# --------------------------------------------------------------------------- verdict rules
def _finite(values: Mapping[str, float] | None) -> list[float]:
    return [float(v) for v in (values or {}).values() if v is not None and math.isfinite(v)]


def verdict_value(
    claimed: float, main: float, tolerance: float, alternatives: Mapping[str, float] | None = None
) -> str:
    """Verdict for a point claim (see :data:`RULES` ``"value"``).

    Parameters
    ----------
    claimed : float
        The claimed number.
    main : float
        Our main computation, in the same unit.
    tolerance : float
        Allowed absolute difference (e.g. 1.0 percentage point for a percent rounded to
        an integer plus method noise).
    alternatives : mapping, optional
        Alternative computations (label -> value).

    Returns
    -------
    str
    """
    if tolerance < 0:
        raise ValueError("tolerance must be >= 0")
    if math.isfinite(main) and abs(main - claimed) <= tolerance:
        return REPRODUCED
    values = [v for v in [main, *_finite(alternatives)] if math.isfinite(v)]
    if not values:
        return NOT_TESTABLE
    if min(values) - tolerance <= claimed <= max(values) + tolerance:
        return CONSISTENT
    return CONTRADICTED


def verdict_bound(
    claimed: float,
    qualifier: str,
    main: float,
    tolerance: float,
    alternatives: Mapping[str, float] | None = None,
) -> str:
    """Verdict for an "over X" / "under X" claim (see :data:`RULES` ``"bound"``).

    Parameters
    ----------
    claimed : float
        The bound X.
    qualifier : {"over", "under"}
        Direction of the bound.
    main : float
        Our main computation.
    tolerance : float
        How far beyond the bound a value may lie for the bound to count as reproduced
        (a tight bound).
    alternatives : mapping, optional
        Alternative computations.

    Returns
    -------
    str
    """
    if qualifier not in ("over", "under"):
        raise ValueError(f"qualifier must be 'over' or 'under', got {qualifier!r}")
    sign = 1.0 if qualifier == "over" else -1.0

    def beyond(v: float) -> float:
        return sign * (v - claimed)

    if math.isfinite(main) and beyond(main) >= 0:
        return REPRODUCED if beyond(main) <= tolerance else CONSISTENT
    if any(beyond(v) >= 0 for v in _finite(alternatives)):
        return CONSISTENT
    if not math.isfinite(main) and not _finite(alternatives):
        return NOT_TESTABLE
    return CONTRADICTED


def one_in_n_band(n: float) -> tuple[float, float]:
    """Percent band that rounds to "one in ``n``": 100/(n+0.5) to 100/(n-0.5).

    >>> [round(x, 1) for x in one_in_n_band(3)]
    [28.6, 40.0]
    """
    if n <= 0.5:
        raise ValueError("n must be > 0.5")
    return 100.0 / (n + 0.5), 100.0 / (n - 0.5)


def verdict_one_in_n(
    n: float, main_pct: float, alternatives_pct: Mapping[str, float] | None = None
) -> str:
    """Verdict for a "one in N" claim (see :data:`RULES` ``"one_in_n"``); shares in percent."""
    low, high = one_in_n_band(n)
    if math.isfinite(main_pct) and low <= main_pct <= high:
        return REPRODUCED
    alts = _finite(alternatives_pct)
    if any(low <= v <= high for v in alts):
        return CONSISTENT
    if not math.isfinite(main_pct) and not alts:
        return NOT_TESTABLE
    return CONTRADICTED


def is_record(series: pd.Series, period: object) -> bool:
    """Whether ``series`` (indexed by period) takes its maximum at ``period`` (ties count).

    Raises
    ------
    KeyError
        If ``period`` is not in the series or its value is missing.
    """
    s = series.dropna()
    if period not in s.index:
        raise KeyError(f"period {period!r} not in the series (or missing)")
    return bool(s.loc[period] >= s.max())


def verdict_record(readings: Mapping[str, tuple[pd.Series, object]]) -> str:
    """Verdict for a "highest on record" claim (see :data:`RULES` ``"record"``).

    Parameters
    ----------
    readings : mapping
        Label -> (series indexed by period, the period the claim refers to in that series).

    Returns
    -------
    str
    """
    if not readings:
        return NOT_TESTABLE
    held = [is_record(s, p) for s, p in readings.values()]
    if all(held):
        return REPRODUCED
    if any(held):
        return CONSISTENT
    return CONTRADICTED


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
        rule, see``.

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
            r = table.loc[c.figure_id]
            q = {"over": "over ", "under": "under ", "about": "about "}.get(str(r["qualifier"]), "")
            claimed = f"{q}{float(r['value']):g} {r['unit']}"
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
                "rule": RULES[c.kind],
                "see": ", ".join(links),
            }
        )
    return pd.DataFrame(rows).set_index("claim_id")


def verdict_counts(ledger_table: pd.DataFrame) -> pd.Series:
    """Number of claims per verdict, in :data:`VERDICTS` order (zeros kept)."""
    return ledger_table["verdict"].value_counts().reindex(list(VERDICTS), fill_value=0)
