"""Skipping the slow optional imports leaves a package alone while a loaded module needs it.

Hypothesis's pytest plugin imports hypothesis around every test. The ``tiptrends`` command
skips hypothesis in its process; run inside a test process (the session render queues its
profiles with it), it made every later test of the session fail in the plugin.
"""

from __future__ import annotations

import subprocess
import sys

CODE = """
import sys
{before}
from tiptrends.report.startup import skip_slow_optional_imports
print("skipped", sorted(skip_slow_optional_imports()))
import hypothesis
print("hypothesis imported")
"""


def _run(before: str) -> subprocess.CompletedProcess:
    code = CODE.format(before=before)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def test_hypothesis_left_alone_while_its_pytest_plugin_is_loaded() -> None:
    out = _run("import _hypothesis_pytestplugin")
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.splitlines() == ["skipped ['rfc3987_syntax']", "hypothesis imported"]


def test_hypothesis_skipped_in_the_projects_own_processes() -> None:
    out = _run("")
    assert "skipped ['hypothesis', 'rfc3987_syntax']" in out.stdout
    assert out.returncode != 0 and "ModuleNotFoundError" in out.stderr
