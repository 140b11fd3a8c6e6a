"""A chapter's first cell does not pay for imports it does not need."""

from __future__ import annotations

import subprocess
import sys


def test_methods_and_chapter_modules_do_not_import_statsmodels():
    code = (
        "import sys\n"
        "from tiptrends.methods import models, aggregate, figures\n"
        "from tiptrends.analyses import forms\n"
        "print('statsmodels' in sys.modules or 'scipy.stats' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_published_figures_module_imports_pandera_only_to_validate(scratch_root):
    """pandera is imported to check the table, in the first process that loads it; a later
    process loading the same table (its check remembered) does without."""
    code = (
        "import sys\n"
        "from tiptrends.io import published\n"
        "before = 'pandera' in sys.modules\n"
        "published.load_published()\n"
        "print(before, 'pandera' in sys.modules)\n"
    )
    for expected in (["False", "True"], ["False", "False"]):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert out.stdout.split() == expected
