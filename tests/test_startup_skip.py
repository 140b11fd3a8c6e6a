"""The project's processes do without pandera's optional hypothesis strategies."""

from __future__ import annotations

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
