"""Downloads: what may be shared, the codebook of every offered file, results.json's fields, citation."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import inputs_required
from tiptrends import paths
from tiptrends.errors import DataError
from tiptrends.io import sources
from tiptrends.report import book, codebook, results, site_pages


def test_sources_that_may_not_be_shared_are_not_offered() -> None:
    manifest = sources.load_manifest()
    withheld = {sid for sid, s in manifest.items() if not s.redistribute}
    assert withheld == {"du_tip_tiers", "du_tip_flows"}
    offered = {p.stem for p in book.offered_tables()}
    assert not offered & withheld
    if paths.curated_dir().is_dir() and any(paths.curated_dir().glob("du_tip_*.parquet")):
        assert "glotip_2025" in offered


def test_redistribute_must_be_a_boolean(tmp_path: Path) -> None:
    text = paths.manifest_path().read_text(encoding="utf-8")
    bad = tmp_path / "sources.toml"
    bad.write_text(text.replace("redistribute = false", 'redistribute = "no"', 1), encoding="utf-8")
    with pytest.raises(DataError, match="redistribute must be true or false"):
        sources.load_manifest(bad)


def test_every_column_of_every_offered_table_is_in_the_codebook() -> None:
    tables = book.offered_tables()
    if not tables:
        if inputs_required():
            pytest.fail("no curated tables: run `tiptrends data build`")
        pytest.skip("no curated tables")
    entries = codebook.load_codebook()
    missing = {}
    for table in tables:
        columns = pd.read_parquet(table).columns
        if gaps := codebook.undocumented(table.stem, columns, entries):
            missing[table.stem] = gaps
    assert not missing, f"columns without a codebook entry: {missing}"


def test_a_malformed_codebook_names_its_problem(tmp_path: Path) -> None:
    path = tmp_path / "codebook.csv"
    path.write_text("table,column,type,description\nt,a,text,One\nt,a,text,Again\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"line 3: t\.a is described twice"):
        codebook.load_codebook(path)
    path.write_text("table,column,type,description\nt,a,,One\n", encoding="utf-8")
    with pytest.raises(DataError, match="line 2: every field must be filled"):
        codebook.load_codebook(path)
    path.write_text("table,column\nt,a\n", encoding="utf-8")
    with pytest.raises(DataError, match="columns must be"):
        codebook.load_codebook(path)


def test_the_downloads_page_has_a_codebook_and_a_citation(tmp_path: Path) -> None:
    cff = tmp_path / "CITATION.cff"
    cff.write_text(
        'cff-version: 1.2.0\nmessage: "Please cite it."\ntitle: "A book"\n'
        'authors:\n  - name: "Ann Author"\nversion: "1.2"\ndate-released: "2026-01-31"\n',
        encoding="utf-8",
    )
    files = [("downloads/results.json", "numbers", 2000),
             ("downloads/curated/glotip_2025.csv", "table", 3000)]
    page = site_pages.downloads_markdown(files, citation=cff)
    assert "## Codebook" in page and "glotip_2025 (18 columns)" in page
    assert "results.json (" in page and "<code>basis</code>" in page
    assert "> Ann Author (2026). *A book*. Version 1.2, 2026-01-31." in page


def test_the_project_citation_file_is_read_and_the_readme_cites_the_same() -> None:
    fields = site_pages.citation_fields()
    assert fields["title"].startswith("tiptrends") and fields["version"]
    readme = " ".join((paths.project_root() / "README.md").read_text(encoding="utf-8").split())
    cited = " ".join(line.lstrip("> ") for line in readme.split("## How to cite", 1)[1].split("\n"))
    assert fields["title"] in cited.replace("> ", "") and f"Version {fields['version']}" in cited


def test_results_json_says_basis_year_and_one_unit_spelling(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "results.json"
    monkeypatch.setenv(results.RESULTS_FILE_ENV, str(target))
    results.record("some_change_2019_2022_pct", 20.4, unit="%")
    results.record("some_change_2019_2022_pct_current_release", 7.0, unit="%")
    results.record("n_countries", 95, unit="countries")
    results.record("victims_2022_total", 1000, unit="victims", basis="re-analysis", year="2022")
    table = json.loads(target.read_text())
    assert table["some_change_2019_2022_pct"]["basis"] == "reproduction"
    assert table["some_change_2019_2022_pct_current_release"]["basis"] == "re-analysis"
    assert table["some_change_2019_2022_pct"]["year"] == "2019-2022"
    assert table["some_change_2019_2022_pct"]["unit"] == "percent"
    assert table["n_countries"]["basis"] is None and table["n_countries"]["year"] is None
    assert table["victims_2022_total"]["unit"] == "persons"
    with pytest.raises(ValueError, match="basis must be"):
        results.record("x_2022", 1.0, basis="report")


def test_a_registered_figure_takes_its_years_from_the_registry(tmp_path: Path, monkeypatch) -> None:
    from tiptrends.methods import figures

    key, fig = next((k, f) for k, f in figures.FIGURES.items() if len(f.years) == 2)
    monkeypatch.setenv(results.RESULTS_FILE_ENV, str(tmp_path / "r.json"))
    results.record(key, 1.0)
    entry = json.loads((tmp_path / "r.json").read_text())[key]
    assert entry["basis"] == "reproduction"
    assert entry["year"] == f"{min(fig.years)}-{max(fig.years)}"


@pytest.mark.notebooks
@pytest.mark.xdist_group("render")
def test_the_built_site_offers_no_withheld_table_and_every_entry_has_its_fields(site_render) -> None:
    site = paths.build_dir() / "html"
    offered = {p.name for p in (site / "downloads" / "curated").glob("*")}
    assert offered and not any(name.startswith("du_tip_") for name in offered)
    assert (site / "downloads" / "codebook.csv").is_file()
    page = (site / "downloads.html").read_text(encoding="utf-8")
    assert "Codebook" in page and "Cite this book" in page and "du_tip_tiers.csv" not in page
    entries = json.loads((paths.build_dir() / "results.json").read_text())
    units = {e["unit"] for e in entries.values()}
    assert not units & set(results.UNIT_SPELLINGS), units
    assert all({"basis", "year"} <= set(e) for e in entries.values())
    assert {e["basis"] for e in entries.values()} >= {"reproduction", "re-analysis"}
