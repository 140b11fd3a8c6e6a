"""``conftest.once_per_run``: a slow read done once per test run, exactly, for both workers."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pandas as pd

from tests.conftest import once_per_run


def _frame() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "iso3": pd.Series(["NGA", None, "DEU"], dtype="string"),
            "sex": pd.Categorical(["Female", "Male", "Female"]),
            "year": pd.array([2020, None, 2022], dtype="Int64"),
            "value": [1.5, np.nan, 3.0],
            "suppressed": [False, True, False],
        },
        index=pd.Index([10, 11, 12], name="row"),
    )
    frame.attrs["release"] = "2025-04-14"
    return frame


def test_computed_once_and_read_back_exactly(tmp_path: Path) -> None:
    calls: list[int] = []

    def compute() -> pd.DataFrame:
        calls.append(1)
        return _frame()

    first = once_per_run(tmp_path, "frame", compute)
    second = once_per_run(tmp_path, "frame", compute)
    assert len(calls) == 1
    for got in (first, second):
        pd.testing.assert_frame_equal(got, _frame(), check_exact=True)
        assert got.attrs == {"release": "2025-04-14"}
    assert second is not first  # each caller has its own copy
    assert once_per_run(tmp_path, "other", lambda: 7) == 7  # another name, another result


def test_two_workers_at_once_compute_it_once(tmp_path: Path) -> None:
    calls: list[int] = []
    started = threading.Barrier(2)
    results: list[pd.DataFrame] = []

    def compute() -> pd.DataFrame:
        calls.append(1)
        return _frame()

    def worker() -> None:
        started.wait()
        results.append(once_per_run(tmp_path, "frame", compute))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len(results) == 2
    for got in results:
        pd.testing.assert_frame_equal(got, _frame(), check_exact=True)
