"""What a reader meets on each page of the built book: words, figures, distance to the first figure.

Prints, per page (chapters, landing page, headline numbers, two profiles): the words of the
visible article, the number of figures, the pixels from the top of the page to the first
figure and to the first table in headless Chromium at 1280 px (and to the first figure at
390 px), and the sentences over 40 words. Run it on two builds to compare them::

    .venv/bin/python benchmarks/page_metrics.py [site folder] [--csv out.csv]

A measurement, not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import csv
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tiptrends import paths  # noqa: E402
from tiptrends.report.text_lint import _read  # noqa: E402

PAGES = ("index", "headline_numbers", "profiles/nga", "profiles/eu27")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")

_POSITIONS = """
const art = document.querySelector('article.bd-article') || document.body;
const top = el => el ? Math.round(el.getBoundingClientRect().top + window.scrollY) : null;
const figs = [...art.querySelectorAll('img')].filter(i => i.naturalWidth > 200 || i.width > 200);
return [top(figs[0]), top(art.querySelector('table')), figs.length];
"""


def _driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")
                                              or "/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(60)
    return driver


def measure(site: Path) -> list[dict[str, object]]:
    """One row of measurements per page of ``site`` that exists."""
    names = sorted(p.stem for p in site.glob("[0-9][0-9]_*.html")) + list(PAGES)
    driver = _driver()
    rows = []
    try:
        for name in names:
            page = site / f"{name}.html"
            if not page.exists():
                continue
            article = _read(page.read_text(encoding="utf-8"))
            prose = article.of("prose")
            words = sum(len(t.split()) for k, t in article.pieces if k != "raw")
            long = sum(1 for t in prose for s in _SENTENCE.split(t) if len(s.split()) > 40)
            row: dict[str, object] = {"page": name, "words": words, "long sentences": long}
            for width in (1280, 390):
                driver.set_window_size(width, 900)
                driver.get(page.as_uri())
                fig, table, n = driver.execute_script(_POSITIONS)
                row[f"px to first figure ({width})"] = fig
                if width == 1280:
                    row["figures"] = n
                    row["px to first table (1280)"] = table
            rows.append(row)
    finally:
        driver.quit()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", type=Path, default=paths.build_dir() / "html")
    parser.add_argument("--csv", type=Path, help="also write the rows to this CSV file")
    args = parser.parse_args()
    rows = measure(args.site)
    columns = ["page", "words", "figures", "px to first figure (1280)",
               "px to first figure (390)", "px to first table (1280)", "long sentences"]
    print(" | ".join(columns))
    for row in rows:
        print(" | ".join("-" if row.get(c) is None else str(row.get(c)) for c in columns))
    if args.csv:
        with open(args.csv, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
