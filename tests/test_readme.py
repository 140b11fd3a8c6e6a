"""The README's example of using the helpers in a new analysis runs as written.

It runs in this process (a fresh interpreter would add seconds of imports);
``tests/test_wheel.py`` runs the same example in a fresh interpreter, from an installed wheel.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from tiptrends import paths


def test_readme_example_runs(tmp_path: Path, monkeypatch, capsys) -> None:
    import matplotlib.pyplot as plt

    readme = (paths.project_root() / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert blocks, "README has no python example"
    monkeypatch.setenv("TIPTRENDS_BUILD_DIR", str(tmp_path))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    plt.switch_backend("Agg")
    already = set(plt.get_fignums())
    try:
        with warnings.catch_warnings():  # record() outside a render says it wrote nothing
            warnings.filterwarnings("ignore", "record\\(", UserWarning)
            exec(compile(blocks[0], "README.md", "exec"), {"__name__": "__readme__"})
    finally:
        for number in set(plt.get_fignums()) - already:
            plt.close(number)
    assert "Forced labour" in capsys.readouterr().out
    assert (tmp_path / "figures" / "readme_forms_over_time.png").exists()
    assert (tmp_path / "figures" / "readme_forms_over_time.svg").exists()
