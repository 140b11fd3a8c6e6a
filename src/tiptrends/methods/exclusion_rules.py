"""Derive the exclusion entries of ``data/exclusions.toml`` from its written rules.

The exclusions file states its rules as numbers (:class:`tiptrends.io.exclusions.ExclusionRules`);
:func:`derive_exclusions` applies them, exhaustively, to a release with the diagnostics of
:mod:`tiptrends.methods.diagnostics`, and :func:`entry_keys` flattens the file's entries so
that a test can require the two lists to be equal. A rule that would flag a country-year
the file omits, or an entry no rule produces, then fails the test.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from tiptrends.io.checks import require_glotip
from tiptrends.io.exclusions import Exclusion, ExclusionRules
from tiptrends.methods import aggregate
from tiptrends.methods.diagnostics import citizenship_consistency, consistency_checks, revisions
from tiptrends.vocab import DIM_FORM, FORMS, TOTAL, VICTIMS

DERIVED_COLUMNS = ("iso3", "year", "scope", "criteria", "repair_from", "earlier_total")


def _exceeds(t: pd.DataFrame, rules: ExclusionRules) -> pd.DataFrame:
    return t[(t["excess"] >= rules.min_excess) & (t["excess"] >= rules.min_rel_excess * t["total"])]


def _breakdown_sums(df: pd.DataFrame) -> pd.Series:
    """Largest of the form and sex x age sums ("<5" as 1) per (iso3, year)."""
    fm = aggregate.country_year_counts(df, dimension=DIM_FORM, suppressed="lower", with_total=False)
    sa = aggregate.country_year_counts(
        df, dimension=aggregate.SEX_AGE, suppressed="lower", with_total=False
    )
    parts = [
        fm.set_index(["iso3", "year"])[list(FORMS)].sum(axis=1),
        sa.set_index(["iso3", "year"])[aggregate.category_columns(sa)].sum(axis=1),
    ]
    return pd.concat(parts).groupby(level=[0, 1]).max()


def derive_exclusions(
    release: pd.DataFrame,
    other: pd.DataFrame | None,
    rules: ExclusionRules,
    *,
    other_is_earlier: bool,
) -> pd.DataFrame:
    """Apply the written exclusion rules to one release.

    Parameters
    ----------
    release : DataFrame
        Curated table of the release the entries are for.
    other : DataFrame or None
        Curated table of the other release (for revisions; None: no revision can hold).
    rules : ExclusionRules
        The thresholds (:func:`tiptrends.io.exclusions.load_rules`).
    other_is_earlier : bool
        Whether ``other`` precedes ``release``: only an earlier release can repair a total
        (a later one would put a restatement the release did not know into it).

    Returns
    -------
    DataFrame
        :data:`DERIVED_COLUMNS`, one row per flagged country-year: ``scope`` ``"all"`` or
        ``"form"``, ``criteria`` (the rules that hold, joined by "; "), ``repair_from``
        (the earlier release's ``release`` value where the repair rule holds, else None)
        and ``earlier_total``.
    """
    require_glotip(release, "derive_exclusions: release")
    cons = consistency_checks(release)
    sa = _exceeds(cons[cons["check"] == "sex_age_sum_exceeds_total"], rules)
    fm = _exceeds(cons[cons["check"] == "form_sum_exceeds_total"], rules)
    cit = _exceeds(citizenship_consistency(release, indicators=(VICTIMS,)), rules)
    placeholder = cons[
        (cons["total"] <= rules.placeholder_total)
        & (cons["breakdown_sum"] >= rules.placeholder_breakdown)
    ]
    revised: set[tuple[str, int]] = set()
    if other is not None:
        old, new = (other, release) if other_is_earlier else (release, other)
        rev = revisions(old, new, threshold=rules.revision_rel, min_abs=rules.revision_min)
        rev = rev[rev["large"] & (rev["status"] == "both")]
        revised = set(zip(rev["iso3"], rev["year"].astype(int), strict=True))

    def keys(t: pd.DataFrame) -> set[tuple[str, int]]:
        return set(zip(t["iso3"], t["year"].astype(int), strict=True))

    crit: dict[tuple[str, int], list[str]] = {}
    for k in keys(sa):
        crit.setdefault(k, []).append("sex x age exceed the total")
    for k in keys(placeholder):
        crit.setdefault(k, []).append("placeholder total beside a large breakdown")
    for k in keys(fm) & revised:
        crit.setdefault(k, []).append("forms exceed the total; total revised")
    for k in keys(cit) & revised:
        crit.setdefault(k, []).append("citizenship exceeds the total; total revised")
    rows = [(i, y, "all", "; ".join(c)) for (i, y), c in crit.items()]
    rows += [(i, y, "form", "forms exceed the total") for (i, y) in keys(fm) - set(crit)]
    out = pd.DataFrame(rows, columns=["iso3", "year", "scope", "criteria"])
    out["repair_from"] = None
    out["earlier_total"] = float("nan")
    if other is not None and other_is_earlier and len(out):
        bounds = aggregate.country_year_counts(other, suppressed="exclude")
        earlier = bounds.set_index(["iso3", "year"])[TOTAL]
        sums = _breakdown_sums(release)
        csum = citizenship_consistency(release, indicators=(VICTIMS,), min_excess=-float("inf"))
        csum = csum.set_index(["iso3", "year"])["breakdown_sum"]
        label = str(other["release"].iloc[0]) if "release" in other.columns else "earlier"
        for i, r in out.iterrows():
            if r["scope"] != "all":
                continue
            key = (r["iso3"], int(r["year"]))
            e_total = earlier.get(key, float("nan"))
            largest = max(float(sums.get(key, 0.0)), float(csum.get(key, 0.0)))
            if pd.notna(e_total) and largest <= e_total:
                out.loc[i, "repair_from"] = label
                out.loc[i, "earlier_total"] = float(e_total)
    out["year"] = out["year"].astype("int64")
    return out.sort_values(["iso3", "year"]).reset_index(drop=True)[list(DERIVED_COLUMNS)]


def entry_keys(exclusions: Sequence[Exclusion], release: str) -> pd.DataFrame:
    """The file's entries for one release, one row per country-year.

    Returns
    -------
    DataFrame
        ``iso3, year, scope, repair_from`` sorted by iso3, year.
    """
    rows = [
        (e.iso3, int(y), e.scope, e.repair_from)
        for e in exclusions
        if (e.releases is None or release in e.releases) and e.years is not None
        for y in e.years
    ]
    out = pd.DataFrame(rows, columns=["iso3", "year", "scope", "repair_from"])
    out["year"] = out["year"].astype("int64")
    return out.sort_values(["iso3", "year", "scope"]).reset_index(drop=True)
