"""The house style costs no seaborn import, and a seaborn imported afterwards follows it."""

from __future__ import annotations

import json
import subprocess
import sys

SCRIPT = """
import json, sys
import matplotlib
matplotlib.use("Agg")
from matplotlib.colors import to_hex
from tiptrends.report import style
style.use_house_style()
loaded = "seaborn" in sys.modules
import pandas as pd
import seaborn as sns
import matplotlib.pyplot as plt
frame = pd.DataFrame({"year": [1, 2] * 3, "share": range(6), "category": list("aabbcc")})
fig, ax = plt.subplots()
sns.lineplot(frame, x="year", y="share", hue="category", ax=ax)
print(json.dumps({
    "seaborn_loaded_by_style": loaded,
    "lines": [to_hex(line.get_color()) for line in ax.get_lines()[:3]],
    "face": to_hex(ax.get_facecolor()),
    "top_spine": ax.spines["top"].get_visible(),
    "label_size": ax.xaxis.label.get_fontsize(),
}))
"""


def test_house_style_without_importing_seaborn_and_seaborn_follows_it() -> None:
    from tiptrends.report import style

    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, timeout=120
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["seaborn_loaded_by_style"] is False
    assert seen["lines"] == [c.lower() for c in style.CYCLE[:3]]
    assert seen["face"] == "#ffffff"
    assert seen["top_spine"] is False
    assert seen["label_size"] == style.HOUSE_RC["axes.labelsize"]
