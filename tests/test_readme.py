"""The README's example of using the helpers in a new analysis runs as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tiptrends import paths


@pytest.mark.xdist_group("long")
def test_readme_example_runs(tmp_path: Path) -> None:
    readme = (paths.project_root() / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert blocks, "README has no python example"
    env = {**os.environ, "TIPTRENDS_BUILD_DIR": str(tmp_path), "MPLBACKEND": "Agg"}
    out = subprocess.run([sys.executable, "-c", blocks[0]], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "Forced labour" in out.stdout
    assert (tmp_path / "figures" / "readme_forms_over_time.png").exists()
    assert (tmp_path / "figures" / "readme_forms_over_time.svg").exists()
