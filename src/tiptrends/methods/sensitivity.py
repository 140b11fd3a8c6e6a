"""Sensitivity tables: a headline figure re-evaluated under every ``"<5"`` policy and exclusion.

A *headline function* takes a curated GLOTIP table and a suppression policy and returns one
number (e.g. ``lambda d, p: headline.form_share_pct(d, FORCED_LABOUR, 2022, suppressed=p)``).
:func:`sensitivity_table` evaluates several of them under each policy and with each exclusion
lifted in turn, so a chapter shows how much each choice moves each figure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from tiptrends.io.exclusions import Exclusion, RowIndex, exclusion_label
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

    Examples
    --------
    The 2022 forced-labour share with every exclusion applied, and with none:

    >>> from tiptrends import vocab
    >>> from tiptrends.io.data import load_glotip
    >>> from tiptrends.io.exclusions import load_exclusions
    >>> from tiptrends.methods.headline import form_share_pct
    >>> def share(table, policy):
    ...     return form_share_pct(table, vocab.FORCED_LABOUR, 2022, suppressed=policy)
    >>> raw = load_glotip(release="2025")
    >>> table = sensitivity_table(raw, {"FL 2022 (%)": share}, load_exclusions(), years=[2022])
    >>> table.loc["FL 2022 (%)", ['"<5" left out', '"<5" = 4', "no exclusions"]].round(1).tolist()
    [25.7, 25.6, 26.4]
    """
    if years is not None:
        df = df[df["year"].isin(list(years))]
    exclusions = list(exclusions)
    # every entry's rows once (as apply_exclusions selects them, no repair); a scenario's
    # table is then the rows no applied entry selects
    index = RowIndex(df)
    masks = np.array([index.mask(e) for e in exclusions], dtype=bool).reshape(-1, len(df))
    hits = masks.sum(axis=0)
    main = df.loc[hits == 0] if exclusions else df
    scenarios: dict[str, tuple[pd.DataFrame, Policy]] = {
        POLICY_LABELS[p]: (main, p) for p in policies
    }
    same_as_main: list[str] = []
    no_effect = []
    if exclusions:
        scenarios["no exclusions"] = (df, baseline_policy)
        for e, mask in zip(exclusions, masks, strict=True):
            if not mask.any():
                no_effect.append(exclusion_label(e))
                continue
            name = f"keeping {exclusion_label(e)}"
            if not (mask & (hits == 1)).any():  # every row also dropped by another entry
                same_as_main.append(name)
            scenarios[name] = (df.loc[hits - mask == 0], baseline_policy)
    values: dict[tuple[str, Policy], list[float]] = {}
    columns = {}
    for name, (data, pol) in scenarios.items():
        # a scenario whose table is the main table under the same policy has its values
        memo = (("main" if name in same_as_main or data is main else name), pol)
        if memo not in values:
            values[memo] = [float(f(data, pol)) for f in figures.values()]
        columns[name] = values[memo]
    table = pd.DataFrame(columns, index=pd.Index(list(figures), name="figure"))
    table.attrs["no_effect"] = no_effect
    return table


def spread(table: pd.DataFrame) -> pd.Series:
    """Range (max - min) of each figure across the scenarios of :func:`sensitivity_table`."""
    return (table.max(axis=1) - table.min(axis=1)).rename("range")


def rule_switches(
    figures: Mapping[str, Callable[..., float]],
    switches: Mapping[str, Mapping[str, object]],
) -> pd.DataFrame:
    """Each figure with each of the project's rules switched off in turn.

    Parameters
    ----------
    figures : mapping of str to callable
        Label -> ``func(**switch) -> float``; every function accepts every switch keyword
        it may be given (e.g. ``data=``, ``panel=``, ``form_fallback=``) and uses the
        project's rule when a keyword is absent.
    switches : mapping of str to mapping
        Column label -> keyword arguments, e.g. ``{"all rules": {}, "vintage rule off":
        {"data": bases.current_release}, "matched countries": {"panel": "matched"}}``.

    Returns
    -------
    DataFrame
        Figures x switches.

    Examples
    --------
    >>> t = rule_switches({"x": lambda scale=1: 2.0 * scale}, {"rule": {}, "off": {"scale": 3}})
    >>> t.loc["x"].tolist()
    [2.0, 6.0]
    """
    return pd.DataFrame(
        {name: [float(f(**kw)) for f in figures.values()] for name, kw in switches.items()},
        index=pd.Index(list(figures), name="figure"),
    )


SENSITIVITY_PANELS: dict[str, str] = {
    "matched countries": "matched",
    "open sets": "open",
    "balanced panel": "balanced",
}
"""Column label -> country set of the change sensitivity (the rule: the trend panel)."""


BASIS_SWITCHES: dict[str, dict[str, object]] = {
    "all rules (main)": {},
    "exclusions on": {"exclusions": True},
    "re-analysis (current release, exclusions)": {"basis": "current"},
    "re-analysis, vintage rule on": {"basis": "current", "vintage": True},
}
"""The data columns of every chapter's rule-switch table (keyword arguments of
:func:`tiptrends.methods.figures.value`): the reproduction (main), the reproduction with the
collection's exclusions, the re-analysis, and the re-analysis with the vintage rule."""

BASIS_SWITCH_LABELS: dict[str, str] = {
    "all rules (main)": "Reproduction (report's data)",
    "exclusions on": "Reproduction with the exclusions",
    "re-analysis (current release, exclusions)": "Re-analysis (current data)",
    "re-analysis, vintage rule on": "Re-analysis with the vintage rule",
}
"""Readers' names of the :data:`BASIS_SWITCHES` columns, as the rule-switch tables show them."""


def standard_switches(
    current_release: pd.DataFrame,
    unrepaired: pd.DataFrame,
    *,
    panels: bool = True,
    form_fallback: bool = False,
) -> dict[str, dict[str, object]]:
    """The columns of a chapter's rule-switch table: each project rule switched off in turn.

    Parameters
    ----------
    current_release : DataFrame
        The data with the vintage rule off (``DataBases.current_release``).
    unrepaired : DataFrame
        The report basis with exclusions dropped instead of repaired
        (``data_bases(..., repair=False).report_basis``).
    panels : bool
        Add the sensitivity country sets of change figures (:data:`SENSITIVITY_PANELS`).
    form_fallback : bool
        Add "no form fallback" (for sex-and-age figures).

    Returns
    -------
    dict
        Column label -> keyword arguments, for :func:`rule_switches`.

    Examples
    --------
    >>> list(standard_switches(pd.DataFrame(), pd.DataFrame(), panels=False, form_fallback=True))
    ['all rules (main)', 'vintage rule off (current release)', 'no exclusion repairs', 'no form fallback']
    """
    columns: dict[str, dict[str, object]] = {
        "all rules (main)": {},
        "vintage rule off (current release)": {"data": current_release},
        "no exclusion repairs": {"data": unrepaired},
    }
    if panels:
        columns |= {label: {"panel": kind} for label, kind in SENSITIVITY_PANELS.items()}
    if form_fallback:
        columns["no form fallback"] = {"form_fallback": False}
    return columns
