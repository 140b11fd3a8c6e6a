"""Exclusions apply only to the releases they name."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tests.tables import META, curated_row
from tiptrends.io import exclusions as X

TOML = """
default_releases = ["2025-04-14"]

[[exclusion]]
iso3 = "AAA"
years = [2020]
reason = "r"
diagnostic = "d"
value = "v"

[[exclusion]]
iso3 = "BBB"
years = [2020]
releases = ["2023-05-30"]
reason = "r"
diagnostic = "d"
value = "v"
"""


def _two_releases() -> pd.DataFrame:
    rows = []
    for release in ("2023-05-30", "2025-04-14"):
        for iso3 in ("AAA", "BBB"):
            row = curated_row(iso3, 2020, 10.0, place=META[iso3])
            row["release"] = release
            rows.append(row)
    return pd.DataFrame(rows)


def test_entries_apply_to_their_releases_only(tmp_path: Path) -> None:
    path = tmp_path / "exclusions.toml"
    path.write_text(TOML)
    entries = X.load_exclusions(path)
    assert entries[0].releases == ("2025-04-14",)  # from default_releases
    assert entries[1].releases == ("2023-05-30",)
    kept, report = X.apply_exclusions(_two_releases(), entries)
    assert sorted(zip(kept["release"], kept["iso3"], strict=True)) == [
        ("2023-05-30", "AAA"),
        ("2025-04-14", "BBB"),
    ]
    assert report["rows_dropped"].tolist() == [1, 1]
    assert report["releases"].tolist() == ["2025-04-14", "2023-05-30"]
    assert X.exclusions_table(entries)["releases"].tolist() == ["2025-04-14", "2023-05-30"]


def test_entries_without_releases_apply_everywhere(tmp_path: Path) -> None:
    path = tmp_path / "exclusions.toml"
    path.write_text(TOML.replace('default_releases = ["2025-04-14"]\n', ""))
    entries = X.load_exclusions(path)
    assert entries[0].releases is None
    kept, _ = X.apply_exclusions(_two_releases(), entries[:1])
    assert set(kept["iso3"]) == {"BBB"}
