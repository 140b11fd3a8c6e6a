"""The text lint: each rule on a small page with and without the problem, then the built site."""

from __future__ import annotations

from pathlib import Path

import pytest

from tiptrends import paths
from tiptrends.report import text_lint


def _page(body: str) -> str:
    return f'<html><body><nav><h2>Contents</h2></nav><article class="bd-article">{body}</article></body></html>'


def _rules(body: str, name: str = "index") -> list[str]:
    return [f.rule for f in text_lint.lint_html(_page(body), name)]


@pytest.mark.parametrize(
    ("bad", "good", "rule"),
    [
        ("<p>moves it by -0.0 points</p>", "<p>moves it by 0.0 points</p>", "negative zero"),
        ("<p>they detected 19,221 victims victims of it</p>", "<p>19,221 victims of it</p>",
         "doubled word"),
        ("<p>move the figures by at most 0 points</p>", "<p>by at most 0.4 points</p>",
         "at most 0"),
        ("<p>Of these, 1 are reproduced.</p>", "<p>Of these, 2 are reproduced.</p>",
         "count agreement"),
        ("<p>over 3 country, mostly</p>", "<p>76 country totals were revised</p>",
         "count agreement"),
        ("<p>a 2.00-fold rise</p>", "<p>a 2.0 times higher, 1.99-fold rise</p>",
         "excess decimals"),
        ("<p>the 49.60 million people</p>", "<p>the 49.6 million people</p>", "excess decimals"),
        ("<p>as much as 14.06 equally sized ones</p>", "<p>as much as 14 equally sized ones</p>",
         "excess decimals"),
        ("<p>codes Q6.1_s_20 are</p>", "<p>question 6.1 is</p>", "questionnaire code"),
        ("<p>see tiptrends.methods.figures.value</p>", "<p>see the figure registry</p>",
         "machine path"),
        ("<p>the two_stage_population method</p>", "<p>the two-stage method (data_glotip.xlsx)</p>",
         "code name"),
        ("<p>{'best_report': '46,532'}</p>", "<p>46,532 victims</p>", "raw dict or list"),
        ('<div class="cell_output"><div class="output text_plain"><pre>\'69.1%\'</pre></div></div>',
         '<div class="cell_output"><div class="output text_html"><p>69.1%</p></div></div>',
         "raw output"),
        ("<table><tr><th>per_100_victims</th></tr></table>",
         "<table><tr><th>Per 100 victims</th></tr></table>", "code name as table header"),
        ("<table><tr><td>True</td></tr></table>", "<table><tr><td>Yes</td></tr></table>",
         "True/False cell"),
        ("<table><tr><td>-0.0</td></tr></table>", "<table><tr><td>-0.4</td></tr></table>",
         "negative zero"),
    ],
)
def test_each_rule_finds_its_problem_and_nothing_else(bad: str, good: str, rule: str) -> None:
    assert rule in _rules(bad)
    assert rule not in _rules(good)


def test_a_rule_does_not_match_across_blocks_or_in_collapsed_code() -> None:
    across = "<ul><li>Places</li><li>Places and regions</li></ul>"
    assert "doubled word" not in _rules(across)
    hidden = "<details><p>the two_stage_population method</p></details>"
    assert _rules(hidden) == []
    code = '<div class="cell_input"><pre>x = two_stage_population</pre></div>'
    assert _rules(code) == []


def test_chapters_open_with_key_findings_and_profiles_have_no_command_lines() -> None:
    assert "findings not first" in _rules("<h2>Question</h2><h2>Key findings</h2>", "02_forced_labour")
    assert "findings not first" not in _rules("<h2>Key findings</h2><h2>Data</h2>", "02_forced_labour")
    assert "findings not first" not in _rules("<h2>Question</h2>", "index")
    command = "<p>Run tiptrends profile NGA to build it.</p>"
    assert "command line on a profile" in _rules(command, "profiles/nga")
    assert "command line on a profile" not in _rules(command, "render_any_place")


def test_how_to_pages_may_name_files_and_commands() -> None:
    body = "<p>Download src/tiptrends/settings.py or run tiptrends data build.</p>"
    assert "machine path" in _rules(body, "index")
    assert "machine path" not in _rules(body, "downloads")


def test_the_command_names_each_finding_and_fails(tmp_path: Path, capsys) -> None:
    page = tmp_path / "02_forced_labour.html"
    page.write_text(_page("<h2>Key findings</h2><p>by at most 0 points</p>"), encoding="utf-8")
    assert text_lint.main([str(page)]) == 1
    out = capsys.readouterr().out
    assert "02_forced_labour: at most 0: " in out
    page.write_text(_page("<h2>Key findings</h2><p>by at most 0.4 points</p>"), encoding="utf-8")
    assert text_lint.main([str(page)]) == 0


@pytest.mark.notebooks
@pytest.mark.xdist_group("render")
def test_no_page_for_readers_has_a_text_problem(site_render) -> None:
    site = paths.build_dir() / "html"
    pages = text_lint.lintable_pages(site)
    assert any(p.stem == "index" for p in pages) and any(p.parent.name == "profiles" for p in pages)
    found = text_lint.lint_site(site)
    assert not found, f"{len(found)} text problems:\n" + "\n".join(map(str, found[:60]))
