"""The package works outside its checkout: a wheel installed elsewhere, run from another folder.

A researcher installs tiptrends as a library (``pip install tiptrends-*.whl``) and works in
their own folder: the manifest, exclusions, mappings and published figures come with the
package; raw files and curated tables go to a per-user folder (``TIPTRENDS_DATA_DIR`` here).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import RAW_MIRROR, copy_checkout, missing_input, seed_derived
from tiptrends import paths

#: Long tests start first on the worker that does not render (tests/conftest.py); the wheel is
#: built once, for both tests, on that worker.
pytestmark = pytest.mark.xdist_group("long")

#: Loads the GLOTIP table as a library user would, and says where everything came from.
_PROBE = """
import json, tiptrends
from tiptrends import paths
from tiptrends.io import data
table = data.load_glotip(release="2025")
print(json.dumps({"package": tiptrends.__file__, "rows": len(table),
                  "manifest": str(paths.manifest_path()), "curated": str(paths.curated_dir())}))
"""


def _readme_example() -> str:
    """The README's "Using the helpers in a new analysis" example (its first Python block)."""
    readme = (paths.project_root() / "README.md").read_text()
    return re.findall(r"```python\n(.*?)```", readme, flags=re.S)[0]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the checkout (the build writes build/ and *.egg-info)."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "checkout"
    copy_checkout(source)
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "-w",
            str(tmp / "dist"),
            str(source),
        ],
        capture_output=True,
        text=True,
    )
    if build.returncode != 0:
        missing_input(f"pip could not build the wheel here: {build.stderr.strip()[-300:]}")
    return next((tmp / "dist").glob("tiptrends-*.whl"))


def test_wheel_ships_the_configuration_not_the_data(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {n.removeprefix("tiptrends/_project/") for n in names if "/_project/" in n}
    assert {
        "data/sources.toml",
        "data/exclusions.toml",
        "data/mappings/country_names.csv",
        "data/mappings/citizenship.csv",
        "data/published/figures.csv",
    } <= shipped
    assert not [n for n in shipped if n.startswith(("data/raw/", "data/curated/"))]


def test_installed_wheel_fetches_builds_and_runs_the_readme_example(
    wheel: Path, tmp_path: Path, derived_products: Path
) -> None:
    """Install the wheel into a new venv, then work from an empty folder elsewhere."""
    if not RAW_MIRROR.is_dir():
        missing_input(f"raw mirror not available at {RAW_MIRROR}")
    venv = tmp_path / "venv"
    # no pip of its own (ensurepip takes about 5 s of CPU): this environment's pip installs
    # into it (``pip --python``)
    subprocess.run(
        [sys.base_prefix + "/bin/python3", "-m", "venv", "--without-pip", str(venv)], check=True
    )
    python = venv / "bin" / "python"
    # the dependencies come from the running environment (no resolution, no download); the
    # venv's own site-packages, holding the wheel, comes first on sys.path
    site = next((venv / "lib").glob("python3.*/site-packages"))
    deps = [p for p in sys.path if p.endswith("site-packages")]
    (site / "zz_dependencies.pth").write_text("\n".join(deps) + "\n")
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps"]
        + ["--no-index", str(wheel)],
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    work = tmp_path / "my analysis"  # a researcher's folder, nothing of the checkout in it
    work.mkdir()
    user = tmp_path / "user data"
    drop = ("PYTHONPATH", "TIPTRENDS_ROOT", "TIPTRENDS_BUILD_DIR", "JUPYTER_PATH")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        PATH=f"{venv / 'bin'}:{env['PATH']}",
        TIPTRENDS_DATA_MIRROR=str(RAW_MIRROR),
        TIPTRENDS_DATA_DIR=str(user),
        MPLBACKEND="Agg",
    )

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        out = subprocess.run(list(args), cwd=work, env=env, capture_output=True, text=True)
        assert out.returncode == 0, (args, out.stdout[-1500:], out.stderr[-1500:])
        return out

    fetched = run(str(venv / "bin" / "tiptrends"), "data", "fetch").stdout
    assert fetched.count("from mirror") == 7, fetched
    # the checkout's derived products, seeded: the installed package names their inputs as
    # the checkout does, so its build finds them current (not computing the grid again)
    seeded = seed_derived(derived_products, user / "curated")
    built = run(str(venv / "bin" / "tiptrends"), "data", "build").stdout
    states = {line.split()[0]: line.split()[1] for line in built.splitlines() if line.strip()}
    assert seeded and {n: states.get(n) for n in seeded} == dict.fromkeys(seeded, "current"), built
    probe = json_line(run(str(python), "-c", _PROBE).stdout)
    assert probe["package"].startswith(str(site))  # the installed wheel, not the checkout
    assert probe["manifest"].startswith(str(site)) and probe["rows"] > 0
    assert probe["curated"] == str(user / "curated")
    assert len(list((user / "raw").rglob("*.*"))) >= 7
    assert len(list((user / "curated").glob("*.parquet"))) == 7
    example = run(str(python), "-c", _readme_example())
    assert "Forced labour" in example.stdout
    assert (user / "_build" / "scratch" / "figures" / "readme_forms_over_time.png").is_file()
    assert list(work.iterdir()) == []  # nothing written into the researcher's folder


def json_line(stdout: str) -> dict:
    """The JSON object printed on the last line of ``stdout``."""
    import json

    return json.loads(stdout.strip().splitlines()[-1])
