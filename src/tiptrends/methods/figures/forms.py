"""Figures of the forms of exploitation: shares by form, the forced-labour change and its
shift-share decomposition."""

from __future__ import annotations

from tiptrends import settings
from tiptrends.io.countries import EU27
from tiptrends.methods import decomposition, headline
from tiptrends.methods.figures.core import Figure, Inputs, Options, register
from tiptrends.vocab import FORCED_LABOUR, OTHER_FORMS, SEXUAL

YEAR, BASE = settings.LATEST_YEAR, settings.BASE_YEAR

OTHER_FORMS_YEARS = (2018, 2020, YEAR)
"""Years of the published forced-criminality points the "other forms" share bounds."""

SHARE_OPTIONS = frozenset({"suppressed", "method", "denominator", "countries", "population"})
"""Options every share by form reads."""


def form_share(form: str, year: int, inputs: Inputs, o: Options) -> float:
    """Share (%) of detected victims of ``form`` in ``year`` under the options ``o``."""
    method, weights = inputs.method(o)
    # the form counts of the year, shared by every form, method and denominator
    counts = inputs.memo(
        ("form_counts", year, o.suppressed),
        lambda: headline.form_counts(inputs.rows(year), suppressed=o.suppressed),  # type: ignore[arg-type]
    )
    t = headline.form_share_by_year(
        counts,
        form,
        denominator=o.denominator,  # type: ignore[arg-type]
        method=method,  # type: ignore[arg-type]
        countries=o.countries,
        **weights,
    )
    return float(t["share_pct"].iloc[0]) if len(t) else float("nan")


def _share(form: str, year: int = YEAR, **fixed: object):
    def compute(inputs: Inputs, o: Options) -> float:
        return form_share(form, year, inputs, o.replace(**fixed) if fixed else o)

    return compute


def form_change(form: str, y0: int, y1: int, inputs: Inputs, o: Options) -> float:
    """Change (%) in detected victims of ``form`` from ``y0`` to ``y1`` on ``o.panel``."""
    # the form's counts of the window, shared by every panel and country set
    counts = inputs.memo(
        ("form_change_counts", form, y0, y1, o.suppressed),
        lambda: headline.form_change_counts(
            inputs.table,
            form,
            y0,
            y1,
            suppressed=o.suppressed,  # type: ignore[arg-type]
        ),
    )
    return headline.form_change_pct(counts, form, y0, y1, panel=o.panel, countries=o.countries)


KNOWN_FORM = "victims with a known form"

register(
    Figure(
        "forced_labour_share_2022_pct",
        "Forced-labour share of detected victims, 2022",
        "%",
        (YEAR,),
        _share(FORCED_LABOUR),
        SHARE_OPTIONS,
        "glotip2024_forced_labour_share_2022_pct",
        note=f"Pooled over reporting countries; denominator: {KNOWN_FORM}.",
    )
)
register(
    Figure(
        "sexual_exploitation_share_2022_pct",
        "Sexual-exploitation share of detected victims, 2022",
        "%",
        (YEAR,),
        _share(SEXUAL),
        SHARE_OPTIONS,
        "glotip2024_sexual_exploitation_share_2022_pct",
        note=f"Pooled over reporting countries; denominator: {KNOWN_FORM}.",
    )
)
register(
    Figure(
        "forced_labour_share_2022_popweighted_pct",
        "Forced-labour share of detected victims, 2022, country shares weighted by population",
        "%",
        (YEAR,),
        _share(FORCED_LABOUR, method="weighted"),
        SHARE_OPTIONS - {"method"},
        "glotip2024_forced_labour_share_2022_pct",
        note="Mean of country shares weighted by population (Walk Free GSI 2023).",
    )
)
register(
    Figure(
        "sexual_exploitation_share_2022_popweighted_pct",
        "Sexual-exploitation share of detected victims, 2022, country shares weighted by "
        "population",
        "%",
        (YEAR,),
        _share(SEXUAL, method="weighted"),
        SHARE_OPTIONS - {"method"},
        "glotip2024_sexual_exploitation_share_2022_pct",
        note="Mean of country shares weighted by population (Walk Free GSI 2023).",
    )
)
register(
    Figure(
        "other_forms_share_2022_pct",
        "Share of detected victims of other forms of exploitation, 2022",
        "%",
        (YEAR,),
        _share(OTHER_FORMS),
        SHARE_OPTIONS,
        "glotip2024_other_forms_share_2022_pct",
        note="Other forms (forced criminality among them), an upper bound on forced criminality.",
    )
)
register(
    Figure(
        "eu_forced_labour_share_2022_pct",
        "Forced-labour share of detected victims, EU-27, 2022",
        "%",
        (YEAR,),
        _share(FORCED_LABOUR, countries=EU27),
        SHARE_OPTIONS - {"countries"},
        "pr2025_forced_labour_share_eu_pct",
        note="UNODC data of the 27 member states; the published figure is Eurostat's for 2024.",
    )
)
register(
    Figure(
        "forced_labour_change_2019_2022_pct",
        "Change in detected forced-labour victims, 2019 to 2022",
        "%",
        (BASE, YEAR),
        lambda inputs, o: form_change(FORCED_LABOUR, BASE, YEAR, inputs, o),
        frozenset({"suppressed", "panel", "countries"}),
        "glotip2024_forced_labour_change_2019_2022_pct",
        note="On the trend panel of 2019-2022 (every country reporting forms, gaps filled).",
    )
)


def form_share_change(inputs: Inputs, o: Options) -> decomposition.ShiftShareResult:
    """Shift-share of the 2019-2022 change in the pooled forced-labour share (known form)."""
    t = inputs.rows(BASE, YEAR)
    counts = headline.form_counts(t, suppressed=o.suppressed)  # type: ignore[arg-type]
    if o.countries is not None:
        counts = counts[counts["iso3"].isin(o.countries)]
    return decomposition.pooled_share_change(counts, FORCED_LABOUR, BASE, YEAR)


for _year in OTHER_FORMS_YEARS[:-1]:
    register(
        Figure(
            f"other_forms_share_{_year}_pct",
            f"Share of detected victims of other forms of exploitation, {_year}",
            "%",
            (_year,),
            _share(OTHER_FORMS, _year),
            SHARE_OPTIONS,
            note="Other forms (forced criminality among them), an upper bound on forced "
            "criminality.",
        )
    )

_PARTS = {
    "total": ("total_change", "Change in the forced-labour share, 2019 to 2022"),
    "within": ("within", "Change in the forced-labour share within countries, 2019 to 2022"),
    "composition": (
        "composition",
        "Change in the forced-labour share from the set and weight of reporting countries, "
        "2019 to 2022",
    ),
}
for _part, (_attr, _label) in _PARTS.items():
    register(
        Figure(
            f"forced_labour_share_change_{_part}_pct_points",
            _label,
            "percentage points",
            (BASE, YEAR),
            lambda inputs, o, a=_attr: 100 * getattr(form_share_change(inputs, o), a),
            frozenset({"suppressed", "countries"}),
            note="Shift-share of the pooled share over victims with a known form: within "
            "countries present in both years, composition = reweighting + entering - exiting.",
        )
    )
