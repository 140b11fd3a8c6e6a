"""Spearman's rank correlation and the Theil-Sen slope without scipy.stats: equal to scipy's,
by hand, and scipy.stats left unloaded by the chapters that use them."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
from scipy import stats

from tiptrends.methods.models import spearman, theil_sen


def test_by_hand() -> None:
    # ranks 1..5 against 2 1 4 3 5: d^2 sums to 4, rho = 1 - 6 * 4 / (5 * 24) = 0.8;
    # t = 0.8 * sqrt(3 / 0.36) = 2.3094, two-sided p of t(3) = 0.1041
    rho, p = spearman([10, 20, 30, 40, 50], [2.0, 1.0, 4.0, 3.0, 5.0])
    assert rho == pytest.approx(0.8, abs=1e-15)
    assert p == pytest.approx(0.10408803866182779, rel=1e-12)
    # ties take their average rank: (1, 2.5, 2.5, 4) against (1, 2, 3, 4)
    rho, _ = spearman([1, 2, 2, 3], [1, 2, 3, 4])
    assert rho == pytest.approx(np.corrcoef([1, 2.5, 2.5, 4], [1, 2, 3, 4])[0, 1])


@pytest.mark.parametrize("seed", range(6))
def test_equals_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 200))
    x = rng.integers(0, 12, n).astype(float)  # many ties
    y = np.round(0.3 * x + rng.normal(size=n), 1)
    rho, p = spearman(x, y)
    ref = stats.spearmanr(x, y)
    assert rho == float(ref.statistic)
    assert p == float(ref.pvalue)


def test_missing_or_constant_gives_nan() -> None:
    assert all(math.isnan(v) for v in spearman([1.0, np.nan, 3.0], [1.0, 2.0, 3.0]))
    assert all(math.isnan(v) for v in spearman([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]))
    assert all(math.isnan(v) for v in spearman([1.0, 2.0], [2.0, 1.0]))


def test_theil_sen_by_hand() -> None:
    # pairwise slopes of (1, 1) (2, 2) (3, 2.5) (4, 4) (5, 5.5), sorted: 0.5, 0.75, 1, 1,
    # 1, 1.125, 1.1667, 1.5, 1.5, 1.5; median (1 + 1.125) / 2 = 1.0625; intercept
    # median(y) - slope * median(x) = 2.5 - 3 * 1.0625; no ties: sigma = sqrt(5 * 4 * 15 / 18)
    # = 4.08, z = -1.96: upper round((10 + 8.0) / 2) = 9, lower round((10 - 8.0) / 2) - 1 = 0
    # (0-based ranks of the sorted slopes): 0.5 and 1.5
    assert theil_sen([1.0, 2.0, 2.5, 4.0, 5.5], [1, 2, 3, 4, 5]) == (1.0625, -0.6875, 0.5, 1.5)


@pytest.mark.parametrize("seed", range(6))
def test_theil_sen_equals_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 120))
    x = rng.integers(0, 15, n).astype(float)  # repeated x and y: the tie correction
    y = np.round(2.0 * x + rng.normal(scale=3.0, size=n), 0)
    ref = stats.theilslopes(y, x, alpha=0.95)
    assert theil_sen(y, x, alpha=0.95) == (
        float(ref.slope),
        float(ref.intercept),
        float(ref.low_slope),
        float(ref.high_slope),
    )


@pytest.mark.parametrize("module", ["flows", "detection"])
def test_chapters_do_not_load_scipy_stats(module: str) -> None:
    code = f"import sys, tiptrends.analyses.{module}; print('scipy.stats' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
