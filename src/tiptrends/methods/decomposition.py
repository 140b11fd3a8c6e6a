"""Shift-share decomposition of the change in a pooled share between two years.

A pooled share is ``S = sum_i w_i s_i`` with ``s_i = num_i / den_i`` (country share) and
``w_i = den_i / sum_j den_j`` (the country's weight: how many victims with a known value it
detects). The change ``S1 - S0`` splits exactly into

* ``within`` = ``sum_{i in both} wbar_i (s1_i - s0_i)`` with ``wbar_i = (w0_i + w1_i) / 2``:
  the countries present in both years changing their own shares, at average weights;
* ``composition`` = ``reweighting + entry + exit``: who reports and how many victims each
  detects, where ``reweighting = sum_{i in both} sbar_i (w1_i - w0_i)`` with
  ``sbar_i = (s0_i + s1_i) / 2``, ``entry = sum_{i entering} w1_i s1_i`` and
  ``exit = -sum_{i exiting} w0_i s0_i``.

The identity ``w1 s1 - w0 s0 = wbar (s1 - s0) + sbar (w1 - w0)`` makes the parts sum to the
total change exactly (up to floating point).

Centring (the default). Uncentred, every country with a positive share that gains weight or
enters gets a positive composition term, even when it pulls the pooled share down. Because
the weights of each year sum to one, ``sum_i (w1_i - w0_i) = 0`` over all countries
(``w = 0`` in a year a country is absent), so any constant ``C`` can be subtracted from the
country shares in the composition terms without changing their sum. With ``C`` the average
pooled share ``(S0 + S1) / 2``:

* ``reweighting_i = (sbar_i - C) (w1_i - w0_i)``,
* ``entry_i = w1_i (s1_i - C)``, ``exit_i = -w0_i (s0_i - C)``,

so a country whose share is below the pooled share and that gains weight or enters gets a
negative term (it lowers the pooled share), and one above it a positive term. The aggregate
``composition`` and ``within`` are the same centred or not; only the split of composition
into reweighting, entry and exit, and the per-country terms, change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tiptrends.io.checks import require_counts
from tiptrends.methods.aggregate import share_inputs


@dataclass(frozen=True)
class ShiftShareResult:
    """Result of :func:`shift_share`.

    Attributes
    ----------
    share_y0, share_y1 : float
        Pooled shares in the two years.
    total_change : float
        ``share_y1 - share_y0``.
    within, composition : float
        The two parts; ``within + composition == total_change``.
    reweighting, entry, exit : float
        The parts of ``composition`` (centred on ``centre_share`` if it is not zero).
    centre_share : float
        The constant ``C`` subtracted from country shares in the composition terms
        (``(share_y0 + share_y1) / 2`` when centred, 0.0 when not).
    by_country : DataFrame
        ``iso3, status ("both"/"entering"/"exiting"), num0, den0, num1, den1, s0, s1, w0,
        w1, within, reweighting, entry, exit, composition, total``: each country's
        contribution; the columns sum to the aggregate parts.
    """

    share_y0: float
    share_y1: float
    total_change: float
    within: float
    composition: float
    reweighting: float
    entry: float
    exit: float
    by_country: pd.DataFrame
    centre_share: float = 0.0


def _present(num: pd.Series, den: pd.Series) -> pd.DataFrame:
    t = pd.concat([num.rename("num"), den.rename("den")], axis=1)
    t = t[t["den"].notna() & (t["den"] > 0)]
    t["num"] = t["num"].fillna(0.0)
    return t.astype(float)


def shift_share(
    num_by_country_y0: pd.Series,
    den_by_country_y0: pd.Series,
    num_by_country_y1: pd.Series,
    den_by_country_y1: pd.Series,
    *,
    centre: bool = True,
) -> ShiftShareResult:
    """Decompose the change in a pooled share into within-country and composition parts.

    Parameters
    ----------
    num_by_country_y0, den_by_country_y0 : Series
        Numerator and denominator by iso3 in the base year. A country is present in a
        year if its denominator is positive (a missing numerator is then zero).
    num_by_country_y1, den_by_country_y1 : Series
        The same for the comparison year.
    centre : bool
        Centre the per-country composition terms on the average pooled share (see the
        module docstring); False gives the uncentred terms. Totals are identical.

    Returns
    -------
    ShiftShareResult
        See the module docstring for the definitions.
    """
    a = _present(num_by_country_y0, den_by_country_y0)
    b = _present(num_by_country_y1, den_by_country_y1)
    if a.empty or b.empty:
        raise ValueError("both years need at least one country with a positive denominator")
    t = a.join(b, how="outer", lsuffix="0", rsuffix="1")
    t.index.name = "iso3"
    in0, in1 = t["den0"].notna(), t["den1"].notna()
    t["status"] = np.select([in0 & in1, in1], ["both", "entering"], default="exiting")
    t["s0"] = t["num0"] / t["den0"]
    t["s1"] = t["num1"] / t["den1"]
    t["w0"] = t["den0"] / a["den"].sum()
    t["w1"] = t["den1"] / b["den"].sum()
    s0 = float((a["num"]).sum() / a["den"].sum())
    s1 = float((b["num"]).sum() / b["den"].sum())
    c = (s0 + s1) / 2 if centre else 0.0
    both = t["status"] == "both"
    zero = pd.Series(0.0, index=t.index)
    t["within"] = zero.where(~both, (t["w0"] + t["w1"]) / 2 * (t["s1"] - t["s0"]))
    t["reweighting"] = zero.where(~both, ((t["s0"] + t["s1"]) / 2 - c) * (t["w1"] - t["w0"]))
    t["entry"] = zero.where(t["status"] != "entering", t["w1"] * (t["s1"] - c))
    t["exit"] = zero.where(t["status"] != "exiting", -t["w0"] * (t["s0"] - c))
    t["composition"] = t["reweighting"] + t["entry"] + t["exit"]
    t["total"] = t["within"] + t["composition"]
    cols = [
        "status",
        "num0",
        "den0",
        "num1",
        "den1",
        "s0",
        "s1",
        "w0",
        "w1",
        "within",
        "reweighting",
        "entry",
        "exit",
        "composition",
        "total",
    ]
    by_country = t[cols].reset_index()
    by_country = by_country.reindex(
        by_country["total"].abs().sort_values(ascending=False, kind="stable").index
    ).reset_index(drop=True)
    return ShiftShareResult(
        share_y0=s0,
        share_y1=s1,
        total_change=s1 - s0,
        within=float(t["within"].sum()),
        composition=float(t["composition"].sum()),
        reweighting=float(t["reweighting"].sum()),
        entry=float(t["entry"].sum()),
        exit=float(t["exit"].sum()),
        by_country=by_country,
        centre_share=c,
    )


def pooled_share_change(
    counts: pd.DataFrame,
    numerator: Sequence[str] | str,
    y0: int,
    y1: int,
    *,
    known: Sequence[str] | None = None,
) -> ShiftShareResult:
    """:func:`shift_share` of a pooled share over victims with a known category.

    Parameters
    ----------
    counts : DataFrame
        Wide counts table (:func:`tiptrends.methods.headline.form_counts` or
        :func:`tiptrends.methods.headline.sex_age_counts`).
    numerator : str or sequence of str
        Numerator categories.
    y0, y1 : int
        Base and comparison years.
    known : sequence of str, optional
        Denominator categories (default: the known categories of ``counts``).
    """
    require_counts(counts, "pooled_share_change: counts")
    num = [numerator] if isinstance(numerator, str) else list(numerator)
    units = share_inputs(counts[counts["year"].isin([y0, y1])], num, "known", known)
    a = units[units["year"] == y0].set_index("iso3")
    b = units[units["year"] == y1].set_index("iso3")
    return shift_share(a["num"], a["den"], b["num"], b["den"])
