"""The specification space and the grid of chapter 12 (tiptrends.methods.multiverse)."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from tests.tables import META, curated_row
from tiptrends.methods import figures
from tiptrends.methods import multiverse as mv
from tiptrends.vocab import DIM_FORM, FORCED_LABOUR, OTHER_FORMS, SEXUAL

FL = "forced_labour_share_2022_pct"


def _rows(iso3: str, total: float, forms: dict[str, float | str]) -> list[dict]:
    place = META[iso3]
    out = [curated_row(iso3, 2022, total, place=place)]
    out += [curated_row(iso3, 2022, v, DIM_FORM, f, place=place) for f, v in forms.items()]
    return out


def synthetic() -> pd.DataFrame:
    """AAA: 4 forced labour, 6 sexual; BBB: 15 forced labour, '<5' sexual, 2 other."""
    rows = _rows("AAA", 10, {FORCED_LABOUR: 4, SEXUAL: 6, OTHER_FORMS: 0})
    rows += _rows("BBB", 20, {FORCED_LABOUR: 15, SEXUAL: "<5", OTHER_FORMS: 2})
    return pd.DataFrame(rows)


def small_space() -> mv.Space:
    """The declared axes cut to two '<5' policies and two methods (others collapse to one)."""
    space = mv.load_space()
    keep = {"suppressed": ("exclude", "impute"), "method": ("pooled", "mean")}
    axes = []
    for a in space.axes:
        values = tuple(v for v in a.values if v.value in keep.get(a.name, (a.default,)))
        axes.append(dataclasses.replace(a, values=values))
    return mv.Space(tuple(axes), space.invalid, space.unavailable)


def test_synthetic_table_gives_the_hand_computed_shares() -> None:
    grid = mv.run([FL], small_space(), table=synthetic())
    got = grid.set_index(["suppressed", "method"])["value"]
    expected = {
        ("exclude", "pooled"): 100 * 19 / 27,  # (4 + 15) / (10 + 17)
        ("impute", "pooled"): 100 * 19 / 29.5,  # the '<5' counts 2.5
        ("exclude", "mean"): (40 + 100 * 15 / 17) / 2,
        ("impute", "mean"): (40 + 100 * 15 / 19.5) / 2,
    }
    assert len(grid) == 4
    for spec, value in expected.items():
        assert got[spec] == pytest.approx(value), spec
    assert grid.loc[grid["prespecified"], "value"].tolist() == pytest.approx([100 * 19 / 27])
    # on a caller's table the data axes collapse; axes the figure does not read too
    assert set(grid["basis"]) == {mv.NOT_READ} and set(grid["panel"]) == {mv.NOT_READ}


def test_axes_a_figure_does_not_read_collapse() -> None:
    space = mv.load_space()
    read = {a.name for a in mv.axes_read("victims_total_2022_pooled_all", space)}
    assert "method" not in read and "panel" not in read and "suppressed" in read
    assert "panel" in {a.name for a in mv.axes_read("victims_change_2019_2022_pct", space)}
    n = len(mv.specifications("victims_total_2022_pooled_all", space))
    assert n == len(space.axis("basis").values) * len(space.axis("exclusions").values) * 4


def test_invalid_combinations_are_left_out() -> None:
    space = mv.load_space()
    specs = mv.specifications(FL, space)
    bad = (specs["denominator"] == "all") & (specs["method"] != "pooled")
    assert not bad.any() and ((specs["denominator"] == "all").sum() > 0)
    assert mv.is_invalid({"denominator": "all", "method": "mean"}, space)
    assert mv.is_invalid({"denominator": "known", "method": "mean"}, space) is None


def test_values_the_registry_cannot_compute_are_unavailable() -> None:
    space = mv.load_space(accepted=mv.accepted_keywords() - {"exclusions"})
    assert ("exclusions", "off", "figures.value has no 'exclusions'") in space.unavailable
    assert [v.value for v in space.axis("basis").values] == ["report", "current"]
    assert all(name != "total" for name in (a.name for a in mv.load_space().axes)) == (
        "total" not in figures.OPTION_NAMES
    )


def test_prespecified_specification_is_the_recorded_reproduction() -> None:
    space = mv.load_space()
    only = mv.Space(
        tuple(
            dataclasses.replace(a, values=tuple(v for v in a.values if v.value == a.default))
            for a in space.axes
        ),
        space.invalid,
    )
    keys = list(mv.load_tolerances().index)
    grid = mv.run(keys, only)
    assert grid["prespecified"].all() and len(grid) == len(keys)
    for key, value in zip(grid["figure"], grid["value"], strict=True):
        assert value == pytest.approx(figures.value(key), nan_ok=True), key
    for key in keys:  # the pre-specified specification is in each figure's full space
        specs = mv.specifications(key, space)
        pre = (specs == pd.Series({c: space.prespecified[c] for c in specs.columns})).all(axis=1)
        assert pre.sum() == 1, key


def test_within_tolerance_and_bounds() -> None:
    v = pd.Series([38.0, 42.5, 46.0])
    assert within(v, 42, 3, "value").tolist() == [False, True, False]
    assert within(v, 42, 0, "bound").tolist() == [False, True, True]


def test_tolerances_agree_with_the_reproduction_tests() -> None:
    from tests.test_reproduction import TARGETS

    tol = mv.load_tolerances()
    for t in TARGETS:
        assert tol.loc[t.key, "tolerance"] == t.tolerance, t.key
        assert (tol.loc[t.key, "kind"] == "bound") == (t.status == "at_least"), t.key


def test_spread_and_joint_fit_on_a_hand_made_grid() -> None:
    space = small_space()
    grid = pd.DataFrame(
        {
            "figure": ["a"] * 4 + ["b"] * 2,
            "spec": [0, 1, 2, 3, 0, 1],
            **{a.name: [mv.NOT_READ] * 6 for a in space.axes},
            "value": [1.0, 3.0, 1.0, 3.0, 10.0, 20.0],
            "prespecified": [True, False, False, False, True, False],
        }
    )
    grid["suppressed"] = ["exclude", "exclude", "impute", "impute", "exclude", "impute"]
    grid["method"] = ["pooled", "mean", "pooled", "mean"] + [mv.NOT_READ] * 2
    spread = mv.spread_by_axis(grid, ["suppressed", "method"])
    assert spread.loc["a", "method"] == pytest.approx(100) and spread.loc["a", "suppressed"] == 0
    targets = pd.DataFrame(
        {"published": [3.0, 20.0], "tolerance": [0.5, 1.0], "kind": ["value"] * 2}, index=["a", "b"]
    )
    joint = mv.joint_fit(grid, targets, space)
    assert joint.iloc[0][["suppressed", "method", "held"]].tolist() == ["impute", "mean", 2]
    assert joint.loc[joint["prespecified"], "held"].tolist() == [0]


within = mv.within


def test_stored_grid_round_trips_the_declared_values() -> None:
    grid = mv.run([FL], small_space(), table=synthetic())
    stored = mv.storable(grid)
    assert all(stored[a.name].map(type).eq(str).all() for a in small_space().axes)
    back = mv.restored(stored, small_space())
    pd.testing.assert_frame_equal(back, grid, check_dtype=False)
    assert (
        back["form_fallback"].map(type).eq(bool).all()
        or (back["form_fallback"] == mv.NOT_READ).all()
    )


def test_run_cached_reads_the_stored_grid_and_computes_what_it_lacks(monkeypatch) -> None:
    space = mv.load_space()
    pre = mv.Space(
        tuple(
            dataclasses.replace(a, values=tuple(v for v in a.values if v.value == a.default))
            for a in space.axes
        ),
        space.invalid,
    )
    stored = mv.storable(mv.run([FL], pre))
    stored.loc[:, "value"] = 12.5  # the stored values, whatever they are, are what is read
    built = []
    monkeypatch.setattr(mv, "stored_product", lambda build: built.append(1) or stored)
    monkeypatch.setattr(mv, "load_space", lambda *a, **k: pre)
    got = mv.run_cached(["eu_victims_2022", FL], pre)
    assert got["figure"].tolist()[-1] == FL and got.loc[got["figure"] == FL, "value"].eq(12.5).all()
    assert got.loc[got["figure"] == "eu_victims_2022", "value"].iloc[0] == pytest.approx(
        figures.value("eu_victims_2022")
    )
    assert built == [1]


def test_the_grid_is_a_data_product_of_the_data_build() -> None:
    from tiptrends import paths
    from tiptrends.io import derived
    from tiptrends.methods import derived_tables

    name = derived_tables.multiverse_name()
    assert name in derived_tables.products() and name in derived_tables.product_status()
    assert name == mv.product_name()
    inputs = mv.product_inputs()
    rel = {p.relative_to(paths.data_dir()).as_posix() for p in inputs}
    assert {"multiverse/axes.toml", "exclusions.toml", "sources.toml"} <= rel
    assert any(r.startswith("curated/glotip_") and r.endswith(".parquet") for r in rel)
    assert not any(r.startswith("raw/") for r in rel)
    assert not any(derived.derived_dir() in p.parents for p in inputs)


def test_the_grid_in_two_processes_is_the_grid_in_one(glotip_2025, glotip_2023) -> None:
    """The stored grid is computed over two processes: the same rows, values and order."""
    keys = ["eu_victims_2022", "victims_total_2022_pooled_all", "eu_convicted_2022"]
    one = mv.run(keys)
    two = mv.run_in_processes(keys, processes=2)
    pd.testing.assert_frame_equal(two, one, check_exact=True)
    assert two["figure"].drop_duplicates().tolist() == keys
    assert mv.run_in_processes(keys[:1], processes=2).equals(mv.run(keys[:1]))


def test_the_source_note_goes_under_the_lowest_panel_of_the_first_column() -> None:
    import matplotlib.pyplot as plt

    from tiptrends.analyses import multiverse as mvc

    fig = plt.figure(figsize=(7.2, 8.4))
    outer = fig.add_gridspec(2, 2)
    pairs = [outer[i // 2, i % 2].subgridspec(2, 1) for i in range(3)]  # three curves
    axes = [fig.add_subplot(pair[j]) for pair in pairs for j in range(2)]
    assert mvc.note_axes(fig) is axes[5]  # the third curve's matrix: first column, row 2
    fig.axes[5].remove()
    fig.axes[4].remove()
    assert mvc.note_axes(fig) is axes[1]  # two curves: the first's matrix
    plt.close(fig)


def test_a_figure_of_curves_is_saved_without_refitting(
    glotip_2025, glotip_2023, tmp_path, monkeypatch
) -> None:
    """The note under the first column runs across the page: the figure fits as drawn, so
    save_figure lays it out once (under the last panel the note ran past the page's edge and
    was wrapped, then laid out again)."""
    from matplotlib.figure import Figure

    from tiptrends.analyses import multiverse as mvc
    from tiptrends.report import style

    r = mvc.results()
    fig = mvc.curve_figure(r, "changes")  # an even number of curves: the last is on the right
    style.source_note(mvc.note_axes(fig), "UNODC GLOTIP; published figures as cited")
    note = fig.findobj(lambda a: a.get_gid() == style.SOURCE_NOTE_GID)[0]
    layouts = []
    original = Figure.draw_without_rendering

    def counting(self: Figure) -> None:
        layouts.append(self)
        original(self)

    monkeypatch.setattr(Figure, "draw_without_rendering", counting)
    style.save_figure(fig, "curves", alt="Curves", directory=tmp_path)
    assert len(layouts) == 1
    assert "\n" not in note.get_text()


def test_results_read_their_slowest_tables_stored_and_equal_to_computed(
    glotip_2025, glotip_2023, monkeypatch
) -> None:
    """The targets, spread, joint fit and claims of chapter 12 are a derived product: read
    (no published figure loaded) and equal, table by table and number by number, to the
    tables computed from the grid."""
    from tiptrends.analyses import multiverse as mvc

    mvc.results()  # stores the product if it is missing or stale
    with monkeypatch.context() as m:

        def not_read(*args, **kwargs):
            raise AssertionError("the published targets were computed again")

        m.setattr(mv, "published_targets", not_read)
        stored = mvc.results()
    monkeypatch.setattr(mvc, "stored_tables", mvc._tables)  # computed, the product bypassed
    computed = mvc.results()
    for name in ("grid", "summary", "spread", "joint", "claims", "axes", "codebook"):
        pd.testing.assert_frame_equal(
            getattr(stored, name), getattr(computed, name), check_exact=True
        )
    assert (stored.numbers, stored.shares, stored.texts) == (
        computed.numbers,
        computed.shares,
        computed.texts,
    )
