"""Tests for tiptrends.methods.decomposition (shift-share) on hand-made data."""

from __future__ import annotations

import pandas as pd
import pytest

from tiptrends.methods.decomposition import shift_share


def s(**kw):
    return pd.Series(kw, dtype=float)


def test_pure_within_change():
    r = shift_share(s(A=10, B=20), s(A=100, B=100), s(A=20, B=30), s(A=100, B=100))
    assert r.total_change == pytest.approx(0.10)
    assert r.within == pytest.approx(0.10) and r.composition == pytest.approx(0.0)


def test_pure_composition_change():
    # shares fixed at .1 and .5; weights move from 50/50 to 10/90
    r = shift_share(s(A=10, B=50), s(A=100, B=100), s(A=2, B=90), s(A=20, B=180), centre=False)
    assert r.within == pytest.approx(0.0)
    assert r.reweighting == pytest.approx(0.46 - 0.30)
    assert r.total_change == pytest.approx(0.16)


def test_entry_and_exit_sum_exactly():
    r = shift_share(s(A=10, X=30), s(A=100, X=100), s(A=20, E=90), s(A=100, E=100), centre=False)
    assert r.share_y0 == pytest.approx(0.2) and r.share_y1 == pytest.approx(0.55)
    assert r.entry == pytest.approx(0.5 * 0.9) and r.exit == pytest.approx(-0.5 * 0.3)
    parts = r.within + r.reweighting + r.entry + r.exit
    assert parts == pytest.approx(r.total_change, abs=1e-12)
    assert r.within + r.composition == pytest.approx(r.total_change, abs=1e-12)
    bc = r.by_country.set_index("iso3")
    assert bc.loc["E", "status"] == "entering" and bc.loc["X", "status"] == "exiting"
    assert bc["total"].sum() == pytest.approx(r.total_change, abs=1e-12)


def test_zero_denominator_is_absent():
    r = shift_share(s(A=1, B=5), s(A=10, B=0), s(A=2), s(A=10))
    assert set(r.by_country["iso3"]) == {"A"}  # B (denominator 0) is in neither year
    assert r.total_change == pytest.approx(0.1)
    with pytest.raises(ValueError, match="positive denominator"):
        shift_share(s(A=1), s(A=0), s(A=1), s(A=1))


def test_centred_entry_and_exit_known_answer():
    # S0 = .2, S1 = .55, C = .375; A within .5 * .1; E enters at .9, X (share .3) exits
    r = shift_share(s(A=10, X=30), s(A=100, X=100), s(A=20, E=90), s(A=100, E=100))
    assert r.centre_share == pytest.approx(0.375)
    assert r.within == pytest.approx(0.05)
    assert r.entry == pytest.approx(0.5 * (0.9 - 0.375))
    assert r.exit == pytest.approx(-0.5 * (0.3 - 0.375))  # leaving below average raises S
    assert r.reweighting == pytest.approx(0.0)
    assert r.within + r.composition == pytest.approx(r.total_change, abs=1e-12)


def test_country_lowering_the_share_gets_a_negative_term():
    # A keeps 50%; E enters with 10% and as many victims: S falls from .5 to .3
    args = (s(A=50), s(A=100), s(A=50, E=10), s(A=100, E=100))
    r = shift_share(*args)
    bc = r.by_country.set_index("iso3")
    assert r.total_change == pytest.approx(-0.2)
    assert bc.loc["E", "entry"] == pytest.approx(0.5 * (0.1 - 0.4))  # negative
    assert bc.loc["A", "reweighting"] == pytest.approx((0.5 - 0.4) * (0.5 - 1.0))
    assert bc["total"].sum() == pytest.approx(r.total_change, abs=1e-12)
    # uncentred, the entrant that lowers the share shows a positive term
    u = shift_share(*args, centre=False)
    assert u.by_country.set_index("iso3").loc["E", "entry"] == pytest.approx(0.05)
    assert u.composition == pytest.approx(r.composition, abs=1e-12)
    assert u.within == pytest.approx(r.within, abs=1e-12)


def test_centred_reweighting_signs():
    # shares .1 and .5, weights 50/50 -> 10/90: C = (.3 + .46) / 2 = .38
    r = shift_share(s(A=10, B=50), s(A=100, B=100), s(A=2, B=90), s(A=20, B=180))
    bc = r.by_country.set_index("iso3")
    assert bc.loc["A", "reweighting"] == pytest.approx((0.1 - 0.38) * (0.1 - 0.5))  # > 0
    assert bc.loc["B", "reweighting"] == pytest.approx((0.5 - 0.38) * (0.9 - 0.5))
    assert r.reweighting == pytest.approx(0.16)
