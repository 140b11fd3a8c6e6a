"""The book's Sphinx process does ahead, while it waits, what every build does first."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
from tiptrends.report.startup import skip_slow_optional_imports
skip_slow_optional_imports()
from tiptrends.report import sphinx_runner
sphinx_runner._import_sphinx()
from sphinx.application import builtin_extensions
from soupsieve import css_parser
before = [m for m in builtin_extensions if m not in sys.modules]
sphinx_runner.warm_up()
after = [m for m in builtin_extensions if m not in sys.modules]
print(json.dumps({"before": before, "after": after,
                  "selectors": css_parser._cached_css_compile.cache_info().currsize,
                  "wanted": len(sphinx_runner.THEME_SELECTORS)}))
"""


def test_warm_up_imports_the_extensions_and_compiles_the_theme_selectors() -> None:
    # in a fresh process: what a build would import and compile first is done
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
    ).stdout
    found = json.loads(out.strip().splitlines()[-1])
    assert found["before"], "the probe should start with extensions not yet imported"
    assert found["after"] == []
    assert found["selectors"] >= found["wanted"]


def test_warm_up_leaves_highlighting_as_it_was() -> None:
    from sphinx.highlighting import PygmentsBridge

    from tiptrends.report import sphinx_runner

    code = "import pandas as pd\nprint(pd.__version__)  # version\n"
    before = PygmentsBridge("html").highlight_block(code, "ipython3")
    sphinx_runner.warm_up()
    assert PygmentsBridge("html").highlight_block(code, "ipython3") == before
