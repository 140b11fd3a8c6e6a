"""Sensitivity tables: a headline figure re-evaluated under every ``"<5"`` policy and exclusion.

A *headline function* takes a curated GLOTIP table and a suppression policy and returns one
number (e.g. ``lambda d, p: headline.form_share_pct(d, FORCED_LABOUR, 2022, suppressed=p)``).
:func:`sensitivity_table` evaluates several of them under each policy and with each exclusion
lifted in turn, so a chapter shows how much each choice moves each figure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import pandas as pd

from tiptrends.io.exclusions import Exclusion, apply_exclusions, exclusion_label
from tiptrends.methods.aggregate import Policy

POLICY_LABELS: dict[str, str] = {
    "exclude": '"<5" left out',
    "impute": '"<5" = 2.5',
    "lower": '"<5" = 1',
    "upper": '"<5" = 4',
}
"""Column labels of the suppression policies in :func:`sensitivity_table`."""


HeadlineFunc = Callable[[pd.DataFrame, Policy], float]
"""A headline figure: ``func(curated_table, suppressed_policy) -> float``."""


def sensitivity_table(
    df: pd.DataFrame,
    figures: Mapping[str, HeadlineFunc],
    exclusions: Sequence[Exclusion] = (),
    *,
    years: Iterable[int] | None = None,
    policies: Sequence[Policy] = ("exclude", "impute", "lower", "upper"),
    baseline_policy: Policy = "exclude",
) -> pd.DataFrame:
    """Headline figures under each suppression policy and with each exclusion lifted.

    The main figures apply every exclusion under ``baseline_policy``. Columns: one per
    policy (every exclusion applied; the ``baseline_policy`` column is the main figure), then
    ``"no exclusions"`` and one ``"keeping <exclusion>"`` column per exclusion (all other
    exclusions applied, baseline policy): how far lifting that one exclusion moves the
    figure. An exclusion that drops no row of ``df`` (within ``years``) cannot move a figure
    and gets no column; its label is listed in ``table.attrs["no_effect"]``.

    Parameters
    ----------
    df : DataFrame
        Curated GLOTIP table (without exclusions applied).
    figures : mapping of str to callable
        Label -> ``func(table, policy) -> float``.
    exclusions : sequence of Exclusion
        The exclusions of the main figures.
    years : iterable of int, optional
        Restrict ``df`` to these years first (the figures must use no other year).
    policies : sequence of str
        Suppression policies for the policy columns.
    baseline_policy : str
        Policy of the main figures, used in the exclusion columns.

    Returns
    -------
    DataFrame
        Figures x scenarios.
    """
    if years is not None:
        df = df[df["year"].isin(list(years))]
    exclusions = list(exclusions)
    main = apply_exclusions(df, exclusions)[0] if exclusions else df
    scenarios: dict[str, tuple[pd.DataFrame, Policy]] = {
        POLICY_LABELS[p]: (main, p) for p in policies
    }
    no_effect = []
    if exclusions:
        scenarios["no exclusions"] = (df, baseline_policy)
        for i, e in enumerate(exclusions):
            if int(apply_exclusions(df, [e])[1]["rows_dropped"].sum()) == 0:
                no_effect.append(exclusion_label(e))
                continue
            others = exclusions[:i] + exclusions[i + 1 :]
            kept = apply_exclusions(df, others)[0] if others else df
            scenarios[f"keeping {exclusion_label(e)}"] = (kept, baseline_policy)
    table = pd.DataFrame(
        {
            name: [float(f(data, pol)) for f in figures.values()]
            for name, (data, pol) in scenarios.items()
        },
        index=pd.Index(list(figures), name="figure"),
    )
    table.attrs["no_effect"] = no_effect
    return table


def spread(table: pd.DataFrame) -> pd.Series:
    """Range (max - min) of each figure across the scenarios of :func:`sensitivity_table`."""
    return (table.max(axis=1) - table.min(axis=1)).rename("range")
