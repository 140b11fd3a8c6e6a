"""The landing page presents the collection as one report: parts, summaries, gaps, sources."""

from __future__ import annotations

from pathlib import Path

from tiptrends.report import render


def test_index_groups_notebooks_into_parts(tmp_path: Path) -> None:
    entries = [
        {
            "notebook": "01_a.ipynb",
            "status": render.OK,
            "title": "First",
            "summary": "S1",
            "results": {"k_pct": {}},
        },
        {
            "notebook": "07_b.ipynb",
            "status": render.FAILED,
            "title": "Second",
            "summary": "S2",
            "failure": {
                "notebook": "07_b.ipynb",
                "cell": 3,
                "line": "x = 1/0",
                "ename": "ZeroDivisionError",
                "evalue": "division by zero",
            },
        },
    ]
    results = {"k_pct": {"value": 30.5, "published": 42, "unit": "%", "notebook": "01_a.ipynb"}}
    render.build_index(entries, results, tmp_path)
    page = (tmp_path / "html" / "index.html").read_text()
    assert (
        page.index("Part I.") < page.index("First") < page.index("Part II.") < page.index("Second")
    )
    assert "About this report" in page
    assert "-11.5" in page  # gap column: reproduced minus published
    assert "07_b.ipynb: cell 3 `x = 1/0`: ZeroDivisionError: division by zero" in page
    assert 'href="01_a.html"' in page
