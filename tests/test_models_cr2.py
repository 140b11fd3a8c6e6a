"""CR2 standard errors against the Bell-McCaffrey sandwich written out by hand on tiny designs.

The hand computation forms each cluster's adjustment ``A_g = (I - H_gg)^(-1/2)`` with
``scipy.linalg.sqrtm`` of the inverse (the library uses an eigendecomposition), so the two
agree only if both are the CR2 sandwich; plain, CR0 and CR1 errors differ on these designs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import linalg

from tiptrends.methods import models as M


def hand_cr2(x: np.ndarray, e: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """``(X'X)^-1 [sum_g X_g' A_g e_g e_g' A_g X_g] (X'X)^-1``, ``A_g = (I - X_g (X'X)^-1 X_g')^-1/2``."""
    bread = np.linalg.inv(x.T @ x)
    meat = np.zeros((x.shape[1], x.shape[1]))
    for g in dict.fromkeys(groups):
        rows = groups == g
        xg, eg = x[rows], e[rows]
        a = np.real(linalg.sqrtm(np.linalg.inv(np.eye(len(eg)) - xg @ bread @ xg.T)))
        score = xg.T @ a @ eg
        meat += np.outer(score, score)
    return bread @ meat @ bread


def hand_cr0(x: np.ndarray, e: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """The unadjusted cluster sandwich (``A_g = I``)."""
    bread = np.linalg.inv(x.T @ x)
    scores = [x[groups == g].T @ e[groups == g] for g in dict.fromkeys(groups)]
    return bread @ sum(np.outer(s, s) for s in scores) @ bread


# A tiny regression: 3 clusters of 3, 2 and 2 observations, intercept and slope.
X = np.column_stack([np.ones(7), [0.0, 1.0, 2.0, 0.0, 3.0, 1.0, 4.0]])
Y = np.array([1.0, 2.5, 2.0, 0.5, 4.5, 2.0, 3.0])
GROUPS = np.array(["a", "a", "a", "b", "b", "c", "c"])


def test_cr2_vcov_is_the_hand_sandwich_on_a_tiny_regression() -> None:
    beta = np.linalg.lstsq(X, Y, rcond=None)[0]
    e = Y - X @ beta
    expected = hand_cr2(X, e, GROUPS)
    np.testing.assert_allclose(M.cr2_vcov(X, e, GROUPS), expected, rtol=1e-10)
    # the design discriminates: CR2 is not the plain, the CR0 or the CR1 variance
    plain = np.linalg.inv(X.T @ X) * (e @ e) / (len(e) - 2)
    cr0 = hand_cr0(X, e, GROUPS)
    cr1 = cr0 * 3 / 2 * 6 / 5
    for other in (plain, cr0, cr1):
        assert not np.isclose(expected[1, 1], other[1, 1], rtol=1e-3)


def test_cr2_vcov_by_hand_for_one_cluster_term() -> None:
    # intercept only, clusters {0, 1} and {2}: A_g = (I - J/3)^(-1/2), written out
    x, e, groups = np.ones((3, 1)), np.array([1.0, -2.0, 1.0]), np.array([0, 0, 1])
    # I - J/3 on a cluster of two has eigenvalues 1 (along 1-1) and 1/3 (along 1 1):
    # A e = (e - mean e) + sqrt(3) mean e; for e = (1, -2): (1.5, -1.5) + sqrt(3) (-0.5, -0.5)
    a_e0 = np.array([1.5, -1.5]) + np.sqrt(3) * np.array([-0.5, -0.5])
    a_e1 = np.array([1.0]) / np.sqrt(2 / 3)
    expected = ((a_e0.sum()) ** 2 + a_e1.sum() ** 2) / 9
    assert M.cr2_vcov(x, e, groups)[0, 0] == pytest.approx(expected, rel=1e-12)


SHARES = pd.DataFrame(
    [
        ("AAA", 2010, 10, 100), ("AAA", 2011, 30, 120), ("AAA", 2012, 20, 80),
        ("BBB", 2010, 50, 200), ("BBB", 2011, 40, 100), ("BBB", 2012, 90, 150),
        ("CCC", 2010, 5, 60), ("CCC", 2011, 12, 50), ("CCC", 2012, 9, 40),
        ("DDD", 2010, 25, 50), ("DDD", 2011, 20, 60), ("DDD", 2012, 45, 70),
    ],
    columns=["iso3", "year", "num", "den"],
)  # fmt: skip


def _binomial_fit(x: np.ndarray, num: np.ndarray, den: np.ndarray) -> np.ndarray:
    beta = np.zeros(x.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-(x @ beta)))
        w = den * p * (1 - p)
        beta = beta + np.linalg.solve(x.T @ (w[:, None] * x), x.T @ (num - den * p))
    return beta


@pytest.mark.filterwarnings("ignore:Matrix is singular:scipy.linalg.LinAlgWarning")
@pytest.mark.parametrize("country_fe", [False, True])
def test_share_trend_default_errors_are_cr2_of_the_working_regression(country_fe) -> None:
    t = SHARES
    columns = [np.ones(len(t)), t["year"].to_numpy(float) - 2010.0]
    if country_fe:
        columns += [(t["iso3"] == c).to_numpy(float) for c in ("BBB", "CCC", "DDD")]
    x = np.column_stack(columns)
    num, den = t["num"].to_numpy(float), t["den"].to_numpy(float)
    beta = _binomial_fit(x, num, den)
    p = 1 / (1 + np.exp(-(x @ beta)))
    sw = np.sqrt(den * p * (1 - p))
    x_work, pearson = x * sw[:, None], (num - den * p) / sw
    groups = t["iso3"].to_numpy()
    if country_fe:
        # with country effects I - H_gg is singular: CR2 takes the pseudo-inverse's root
        bread = np.linalg.inv(x_work.T @ x_work)
        meat = np.zeros((x.shape[1], x.shape[1]))
        for g in dict.fromkeys(groups):
            rows = groups == g
            xg = x_work[rows]
            m = np.eye(rows.sum()) - xg @ bread @ xg.T
            a = np.real(linalg.sqrtm(np.linalg.pinv(m, rcond=1e-10, hermitian=True)))
            score = xg.T @ a @ pearson[rows]
            meat += np.outer(score, score)
        cov = bread @ meat @ bread
    else:
        cov = hand_cr2(x_work, pearson, groups)
    se = float(np.sqrt(cov[1, 1]))

    r = M.share_trend_glm(t, country_fe=country_fe)  # the default: CR2
    assert r.se_type == "cr2"
    assert r.odds_ratio == pytest.approx(np.exp(beta[1]), rel=1e-8)
    assert r.se_year == pytest.approx(se, rel=1e-8)
    # plain (model-based), CR0 and statsmodels' CR1 errors all differ from it here
    plain = float(np.sqrt(np.linalg.inv(x_work.T @ x_work)[1, 1]))
    cr0 = float(np.sqrt(hand_cr0(x_work, pearson, groups)[1, 1]))
    cr1 = M.share_trend_glm(t, country_fe=country_fe, se_type="cr1").se_year
    for other in (plain, cr0, cr1):
        assert r.se_year != pytest.approx(other, rel=1e-3)
