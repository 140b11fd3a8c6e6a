"""Numbers glued in code appear inline in the prose of the built book (MyST-NB glue)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from tiptrends.report import render


def test_glued_numbers_round_trip_into_the_html(scratch_root, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(render, "package_fingerprint", lambda: "pinned")
    nb_dir = tmp_path / "nbs"
    nb_dir.mkdir()
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Glue\n\nNumbers in prose."),
            new_code_cell("import pandas as pd\nfrom tiptrends.report.prose import glue_number"),
            new_code_cell(
                "glue_number('victims_2022', 24033.0, 'count', 'victims')\n"
                "glue_number('children_share', 38.14, 'pct')\n"
                "glue_number('change', -5.66, 'pp')"
            ),
            new_markdown_cell(
                "Authorities detected {glue:md}`victims_2022` in 2022; children were "
                "{glue:md}`children_share` of them, a change of {glue:md}`change`."
            ),
            new_code_cell(  # the claims ledger of chapter 11 reaches the landing page
                "from tiptrends.report.claims_export import record_claims\n"
                "ledger = pd.DataFrame({'claim': ['Over 50,000 victims in 2021.'],"
                " 'claimed': ['over 50000'], 'verdict': ['consistent'],"
                " 'what the data show': ['73,000 in 110 countries'],"
                " 'see': ['<a href=\"01_glue.html\">01</a>']},"
                " index=pd.Index(['victims_2021'], name='claim_id'))\n"
                "_ = record_claims(ledger, source='A release')"
            ),
            new_code_cell(
                "from tiptrends.report.tables import people_table\n"
                "people_table(pd.DataFrame({'country': ['A', 'B'], 'victims': [1000.0 + 200, None]}))"
            ),
        ]
    )
    nbformat.write(nb, nb_dir / "01_glue.ipynb")
    build = tmp_path / "_build"
    report = render.render(notebooks_dir=nb_dir, build_dir=build, jobs=1)
    assert report.exit_code == 0, [str(o.failure) for o in report.outcomes] + report.problems
    assert not [p for p in report.problems if p.startswith("sphinx")], report.problems
    page = (build / "html" / "01_glue.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", page)
    text = " ".join(text.split())
    assert (
        "Authorities detected 24,033 victims in 2022; children were 38.1% of them, "
        "a change of -5.7 percentage points." in text
    ), "glued values not inline"
    assert "glue:md" not in page and "victims_2022`" not in page
    assert "1,200" in page and "1200.0" not in page, "people_table formatting lost"
    assert "import pandas" not in page, "setup cell shown"
    index_html = (build / "html" / "index.html").read_text()
    # what a wide screen shows: the column labels of the stacked (phone) layout are hidden
    wide = re.sub(r'<span class="tt-cell-label">[^<]*</span>', "", index_html)
    index = " ".join(re.sub(r"<[^>]+>", "", wide).split())
    assert "Over 50,000 victims in 2021. consistent 73,000 in 110 countries" in index
    assert '<span class="tt-cell-label">Verdict</span>' in index_html
    assert json.loads((build / "claims.json").read_text())["claims"][0]["verdict"] == "consistent"
    assert (build / "html" / "downloads" / "claims.json").exists()
