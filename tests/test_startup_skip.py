"""The project's processes do without pandera's optional hypothesis strategies."""

from __future__ import annotations

import json
import os
import subprocess
import sys

CODE = """
import sys
from tiptrends.report.startup import skip_slow_optional_imports
skip_slow_optional_imports()
from tiptrends.io import curate, data
table = data.load_glotip("2025", validate="full")
schema = curate.curated_schema("unodc")
bad = table.head(3).assign(year=[2022, 2022, "x"])
try:
    schema.validate(bad)
except Exception as exc:
    print("refused", type(exc).__name__)
print("hypothesis", sys.modules.get("hypothesis", "absent"))
print("rows", len(table))
"""


def test_schema_checks_run_and_fail_without_hypothesis(glotip_2025) -> None:
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.splitlines()
    assert "refused SchemaError" in lines
    assert "hypothesis None" in lines  # never imported: looks absent to pandera
    assert f"rows {len(glotip_2025)}" in lines


def test_the_projects_kernels_collect_garbage_less_often_and_others_as_usual() -> None:
    """A kernel the command starts (SKIP_ENV set) takes the thresholds when it imports prose,
    as the command itself does; a researcher's own process keeps Python's."""
    from tiptrends.report import startup

    threshold = "import gc\nprint(list(gc.get_threshold()))\n"
    plain = subprocess.run([sys.executable, "-c", threshold], capture_output=True, text=True)
    code = "import tiptrends.report.prose\n" + threshold
    env = {k: v for k, v in os.environ.items() if k != startup.SKIP_ENV}
    for skip, expected in (("1", list(startup.GC_THRESHOLD)), (None, json.loads(plain.stdout))):
        run_env = {**env, startup.SKIP_ENV: skip} if skip else env
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=run_env
        )
        assert json.loads(out.stdout) == expected, skip
