"""A country-name row that maps to a code no source writes is refused; a guard row is not.

The real curated tables and mapping are read; the mapping gets one extra row in memory.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import missing_input
from tiptrends.errors import DataError
from tiptrends.io import config, countries, curate, sources


@pytest.fixture
def all_tables_current() -> None:
    for sid in sources.load_manifest():
        if not curate.is_current(sid):
            missing_input(f"curated table {sid} not current (run `tiptrends data build`)")


def _with_row(monkeypatch: pytest.MonkeyPatch, name: str, iso3: str) -> None:
    real = countries.load_country_names()
    extra = pd.DataFrame({"name": [name], "iso3": [iso3], "note": ["test row"]})
    table = pd.concat([real, extra], ignore_index=True)
    monkeypatch.setattr(countries, "load_country_names", lambda: table.copy())


def test_the_real_mapping_passes(all_tables_current) -> None:
    assert config.check_config() == []


def test_a_coded_row_no_source_writes_is_refused(all_tables_current, monkeypatch) -> None:
    _with_row(monkeypatch, "Republic of Atlantis", "FRA")
    with pytest.raises(DataError) as err:
        config.check_config()
    line = str(err.value)
    assert "country_names.csv" in line and "'Republic of Atlantis'" in line
    assert "-> FRA is written by no source; remove it (1 stale row in all)" in line
    assert "\n" not in line


def test_an_unused_guard_row_is_accepted(all_tables_current, monkeypatch) -> None:
    _with_row(monkeypatch, "Free State of Atlantis", "")
    assert config.check_config() == []
