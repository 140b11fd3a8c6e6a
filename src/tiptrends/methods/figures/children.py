"""Figures of children and of the sex x age profile: the 2022 and 2020 shares, the change
since 2019 and the base of the profile (registered on import)."""

from __future__ import annotations

from collections.abc import Sequence

from tiptrends import settings
from tiptrends.methods import headline, panels
from tiptrends.methods.figures.core import Figure, Inputs, Options, register

YEAR, BASE, PREVIOUS = settings.LATEST_YEAR, settings.BASE_YEAR, settings.PREVIOUS_EDITION_YEAR

SHARE_OPTIONS = frozenset(
    {"suppressed", "method", "denominator", "countries", "population", "form_fallback"}
)
"""Options every share of the sex x age profile reads."""

KNOWN = "victims of known sex and age (women + men + girls + boys)"
PROFILE_IDS = {g: f"glotip2024_{g}_share_2022_pct" for g in ("women", "men", "girls", "boys")}


def profile_year(groups: Sequence[str], year: int, inputs: Inputs, o: Options):
    """Row of :func:`~tiptrends.methods.headline.children_share_by_year` for ``groups``:
    ``share_pct``, ``n_countries``, ``n_victims`` (NaN share where no country reports)."""
    method, weights = inputs.method(o)
    # the sex x age counts of the year, shared by every group, method and denominator
    counts = inputs.memo(
        ("sex_age_counts", year, o.suppressed, o.form_fallback),
        lambda: headline.sex_age_counts(
            inputs.rows(year),
            suppressed=o.suppressed,  # type: ignore[arg-type]
            form_fallback=o.form_fallback,
        ),
    )
    t = headline.children_share_by_year(
        counts,
        groups=groups,
        suppressed=o.suppressed,  # type: ignore[arg-type]
        countries=o.countries,
        denominator=o.denominator,  # type: ignore[arg-type]
        method=method,  # type: ignore[arg-type]
        form_fallback=o.form_fallback,
        **weights,
    )
    return t.iloc[0] if len(t) else None


def group_share(groups: Sequence[str], year: int, inputs: Inputs, o: Options) -> float:
    """Share (%) of ``groups`` among detected victims of ``year`` under the options ``o``."""
    row = profile_year(groups, year, inputs, o)
    return float("nan") if row is None else float(row["share_pct"])


def _share(groups: Sequence[str], year: int = YEAR, **fixed: object):
    def compute(inputs: Inputs, o: Options) -> float:
        return group_share(groups, year, inputs, o.replace(**fixed) if fixed else o)

    return compute


def _previous_edition(inputs: Inputs, o: Options) -> float:
    return group_share(headline.CHILD_GROUPS, PREVIOUS, inputs, o)


def children_change(group: str, inputs: Inputs, o: Options) -> float:
    """Change (%) in detected children (or girls) from 2019 to 2022 on ``o.panel``."""
    kw = {"suppressed": o.suppressed, "form_fallback": o.form_fallback}
    counts = inputs.memo(
        ("measure_counts", group, o.suppressed, o.form_fallback),
        lambda: panels.measure_counts(inputs.table, group, **kw),  # type: ignore[arg-type]
    )
    if o.countries is not None:
        counts = counts[counts["iso3"].isin(o.countries)]
    return panels.change_pct(counts, BASE, YEAR, "value", panel=o.panel)


def _known_base(inputs: Inputs, o: Options) -> float:
    row = profile_year(headline.CHILD_GROUPS, YEAR, inputs, o.replace(denominator="known"))
    return float("nan") if row is None else float(row["n_victims"])


register(
    Figure(
        "children_share_2022_pct",
        "Children's share of detected victims, 2022",
        "%",
        (YEAR,),
        _share(headline.CHILD_GROUPS),
        SHARE_OPTIONS,
        "glotip2024_children_share_2022_pct",
        note=f"Girls + boys, pooled over reporting countries; denominator: {KNOWN}.",
    )
)
WORDS = {"girls": "Girls'", "boys": "Boys'", "women": "Women's", "men": "Men's"}
for _group, _word in WORDS.items():
    register(
        Figure(
            f"{_group}_share_2022_pct",
            f"{_word} share of detected victims, 2022",
            "%",
            (YEAR,),
            _share((_group,)),
            SHARE_OPTIONS,
            PROFILE_IDS[_group],
            note=f"Pooled over reporting countries; denominator: {KNOWN}.",
        )
    )
register(
    Figure(
        "children_share_2022_popweighted_pct",
        "Children's share of detected victims, 2022, country shares weighted by population",
        "%",
        (YEAR,),
        _share(headline.CHILD_GROUPS, method="weighted"),
        SHARE_OPTIONS - {"method"},
        "glotip2024_children_share_2022_pct",
        note="Mean of country shares weighted by population (Walk Free GSI 2023).",
    )
)
register(
    Figure(
        "children_share_2020_pct",
        "Children's share of detected victims, 2020",
        "%",
        (PREVIOUS,),
        _previous_edition,
        SHARE_OPTIONS,
        "glotip2022_children_share_2020_pct",
        note="Report basis: the 2023 release, the data GLOTIP 2022 was written from; pooled, "
        f"denominator: {KNOWN}.",
        report_data="earlier",
    )
)
register(
    Figure(
        "children_change_2019_2022_pct",
        "Change in detected child victims, 2019 to 2022",
        "%",
        (BASE, YEAR),
        lambda inputs, o: children_change("children", inputs, o),
        frozenset({"suppressed", "panel", "countries", "form_fallback"}),
        "glotip2024_children_change_2019_2022_pct",
        note="Girls + boys (form fallback) on the trend panel of 2019-2022.",
    )
)
register(
    Figure(
        "victims_known_sex_age_2022",
        "Detected victims of known sex and age, 2022",
        "victims",
        (YEAR,),
        _known_base,
        frozenset({"suppressed", "countries", "form_fallback"}),
        None,
        precision=0,
        note=f"The base of the 2022 profile: {KNOWN}, summed over reporting countries.",
    )
)
