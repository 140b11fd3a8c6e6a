"""Place profiles as the render runs them: its pool, its cache, its lock, its messages.

A small parametrised notebook stands in for ``notebooks/profiles/place_profile.ipynb`` where
the pool and the cache are tested; the command's messages and exit statuses are tested with
the real notebook and data.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from tests.test_render import quick_a
from tiptrends import paths
from tiptrends.cli import main
from tiptrends.report import render


def _fake_profile(nb_dir: Path) -> None:
    """A profile notebook: a parameters cell, a title, one figure named after the place."""
    params = new_code_cell("code = None\nregion = None\nrelease = '2025'")
    params.metadata["tags"] = ["parameters"]
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Place profile\n\nOne place."),
            new_code_cell("import matplotlib\nmatplotlib.use('Agg')"),
            params,
            new_code_cell(
                "import matplotlib.pyplot as plt\n"
                "from tiptrends.report.style import save_figure, source_note\n"
                "fig, ax = plt.subplots()\nax.plot([1, 2], [1, 2])\nsource_note(ax, 'UNODC')\n"
                "save_figure(fig, f'profile_{(code or region).lower()}_line', f'Line of {code}')"
            ),
        ]
    )
    (nb_dir / "profiles").mkdir(exist_ok=True)
    nbformat.write(nb, nb_dir / render.PROFILE_NOTEBOOK)


def _request(slug: str, name: str, release: str = "2025") -> render.ProfileRequest:
    return render.ProfileRequest(
        slug, name, {"code": slug.upper(), "region": None, "release": release}
    )


@pytest.fixture
def collection(scratch_root: Path, tmp_path: Path, monkeypatch) -> tuple[Path, Path]:
    nb_dir = tmp_path / "nbs"
    nb_dir.mkdir()
    quick_a(nb_dir)  # a chapter beside the profiles in the pool; only has to run
    _fake_profile(nb_dir)
    monkeypatch.setattr(render, "package_fingerprint", lambda: "pinned")
    return nb_dir, tmp_path / "_build"


@pytest.mark.notebooks
@pytest.mark.xdist_group("long")
def test_profiles_run_in_the_renders_pool_cached_and_pruned(collection) -> None:
    nb_dir, build = collection
    render.request_profiles(
        build, [_request("nga", "Nigeria"), _request("deu", "Germany")], replace=True
    )
    lines: list[str] = []
    cold = render.render(
        notebooks_dir=nb_dir, build_dir=build, jobs=2, book=False, echo=lines.append
    )
    assert cold.exit_code == 0, lines
    assert cold.status() == {
        "01_a.ipynb": "ok",
        "profiles/nga.ipynb": "ok",
        "profiles/deu.ipynb": "ok",
    }
    assert "executing 3 notebook(s) with 2 worker(s)" in lines  # one pool for all of them
    executed = build / "executed" / "profiles" / "nga.ipynb"
    assert "# Nigeria: place profile" in executed.read_text()
    assert (build / "figures" / "profile_nga_line.png").exists()
    assert "profile_nga_line" not in json.loads((build / "results.json").read_text())

    warm = render.render(notebooks_dir=nb_dir, build_dir=build, book=False)
    assert set(warm.status().values()) == {"cached"}

    # a changed parameter runs that profile again, and only it
    render.request_profiles(build, [_request("deu", "Germany", release="2023")], replace=False)
    changed = render.render(notebooks_dir=nb_dir, build_dir=build, book=False)
    assert changed.status()["profiles/deu.ipynb"] == "ok"
    assert changed.status()["profiles/nga.ipynb"] == "cached"
    assert {o.reason for o in changed.outcomes if o.status == "ok"} == {"parameters changed"}

    # a profile no longer requested leaves the executed copies, the cache and the figures
    render.request_profiles(build, [_request("deu", "Germany", release="2023")], replace=True)
    pruned = render.render(notebooks_dir=nb_dir, build_dir=build, book=True)
    assert pruned.exit_code == 0, pruned.problems
    assert not executed.exists()
    assert not (build / "cache" / "profiles" / "nga.json").exists()
    assert not (build / "figures" / "profile_nga_line.png").exists()
    assert (build / "figures" / "profile_deu_line.png").exists()
    assert (build / "html" / "profiles" / "deu.html").exists()
    assert not (build / "html" / "profiles" / "nga.html").exists()


# --------------------------------------------------------------------------- the command


def _one_error_line(capsys) -> str:
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("tiptrends: error: "), err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture
def real_data(glotip_2025, tmp_path: Path, monkeypatch) -> Path:
    """The real notebook and data; a build folder of its own."""
    build = tmp_path / "_build"
    monkeypatch.setenv("TIPTRENDS_BUILD_DIR", str(build))
    return build


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["ATA"], "ATA is the ISO3 code of Antarctica, which has no rows"),
        (["X" * 5000], "(5,000 characters) is not an ISO3 country code"),
        (["--all-default", "--top", "-3"], "--top must be a whole number >= 1, got -3"),
        (["--all-default", "--top", "0"], "--top must be a whole number >= 1, got 0"),
    ],
    ids=["known-code-without-data", "5000-characters", "top-negative", "top-zero"],
)
def test_bad_places_are_one_line_exit_2(real_data, capsys, argv, expected) -> None:
    assert main(["profile", *argv, "--no-site"]) == 2
    line = _one_error_line(capsys)
    assert expected in line and len(line) < 300, line
    assert not (real_data / "executed" / "profiles").exists()


def test_a_build_folder_that_is_a_file_exits_3(glotip_2025, tmp_path, monkeypatch, capsys) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("TIPTRENDS_BUILD_DIR", str(blocker / "_build"))
    assert main(["profile", "NGA", "--no-site"]) == 3
    assert "Not a directory" in _one_error_line(capsys)


@pytest.mark.notebooks
@pytest.mark.xdist_group("long")
def test_a_write_error_in_no_site_exits_3_and_writes_nothing(real_data, capsys) -> None:
    (real_data / "executed").mkdir(parents=True)
    (real_data / "executed" / "profiles").write_text("a file where the folder goes")
    assert main(["profile", "NGA", "--no-site"]) == 3
    line = _one_error_line(capsys)
    assert str(real_data / "executed" / "profiles") in line
    assert not (real_data / "cache" / "profiles" / "nga.json").exists()
    assert not list((real_data / "figures").glob("profile_nga_*"))


@pytest.mark.notebooks
@pytest.mark.xdist_group("long")
def test_a_timeout_is_one_line_naming_the_notebook_and_cell(real_data, capsys) -> None:
    assert main(["profile", "DEU", "--no-site", "--timeout", "1"]) == 1
    line = _one_error_line(capsys)
    assert line.startswith("tiptrends: error: profiles/deu.ipynb: cell "), line
    assert "CellTimeoutError" in line and "----" not in line
    assert not (real_data / "cache" / "profiles" / "deu.json").exists()


@pytest.mark.notebooks
@pytest.mark.xdist_group("long")
def test_a_profile_waits_for_the_render_that_holds_the_lock(real_data) -> None:
    held, release = threading.Event(), threading.Event()

    def hold() -> None:  # as a render holds it (the lock of everything writing _build)
        from filelock import FileLock

        real_data.mkdir(parents=True, exist_ok=True)
        with FileLock(str(real_data / ".render.lock")):
            held.set()
            release.wait(120)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(30)
    proc = subprocess.Popen(
        [sys.executable, "-m", "tiptrends", "profile", "NGA", "--no-site"],
        env={**os.environ, "PYTHONUNBUFFERED": "1"},  # its lines arrive as it says them
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    executed = real_data / "executed" / "profiles" / "nga.ipynb"
    said: list[str] = []
    try:
        # event-driven: read what the command says until it says that it waits ...
        for line in proc.stdout:  # type: ignore[union-attr]
            said.append(line)
            if "waiting for another render or profile to finish" in line:
                break
        # ... then check that it writes nothing while the lock is held: holding the lock, a
        # profile writes its request into the build folder at once (milliseconds)
        before = sorted(real_data.rglob("*"))
        time.sleep(2)
        written_meanwhile = sorted(real_data.rglob("*")) != before or executed.exists()
        still_waiting = proc.poll() is None
        released_at = time.time()
    finally:
        release.set()
        holder.join()
    out, err = proc.communicate(timeout=240)
    out = "".join(said) + out
    assert still_waiting and not written_meanwhile, (out, err)
    assert "waiting for another render or profile to finish" in out
    assert proc.returncode == 0, err
    # written after the lock was released (file times may be whole seconds)
    assert executed.exists() and executed.stat().st_mtime > released_at - 1


def test_the_makefile_queues_the_default_profiles_for_the_render() -> None:
    makefile = (paths.project_root() / "Makefile").read_text()
    report = makefile.split("\nreport:", 1)[1].split("\n\n", 1)[0]
    assert "profile --all-default --queue" in report and "render --jobs" in report
