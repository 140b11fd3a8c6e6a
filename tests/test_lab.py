"""Working in JupyterLab: notebooks stay clean in git, and a fresh install finds its kernel."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tests.conftest import RAW_MIRROR, copy_checkout, missing_input, seed_curated, seed_derived
from tiptrends import paths
from tiptrends.report.nbclean import normalise, normalised_text

ROOT = paths.project_root()
SRC = Path(__file__).resolve().parents[1] / "src"


def _kernel_language_info() -> dict:
    """The language_info the "tiptrends" kernel reports, which Lab writes into a notebook."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="tiptrends")
    try:
        reply = client.kernel_info(reply=True, timeout=60)
        return reply["content"]["language_info"]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def _lab_autosave(repo: Path, path: str, language_info: dict, *, hook: bool) -> None:
    """Open and save a notebook through the Jupyter server's contents manager, as Lab does.

    Lab fills ``language_info`` from the kernel and marks code cells' view state; its
    autosave then writes the model through the server (with the repository's pre-save hook
    when ``hook``, as ``jupyter_server_config.py`` sets it).
    """
    from jupyter_server.services.contents.filemanager import FileContentsManager

    options = {"pre_save_hook": "tiptrends.report.nbclean.lab_pre_save_hook"} if hook else {}
    manager = FileContentsManager(root_dir=str(repo), **options)
    model = manager.get(path)
    model["content"]["metadata"]["language_info"] = language_info
    for cell in model["content"]["cells"]:
        if cell["cell_type"] == "code":
            cell["metadata"]["scrolled"] = False
    manager.save(model, path)


def _git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(repo.parent)}
    out = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return out.stdout


def test_committed_notebooks_are_in_stored_form() -> None:
    for path in sorted(paths.notebooks_dir().rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        assert normalised_text(text) == text, path.name


def test_normalise_keeps_content_and_tags() -> None:
    nb = nbformat.read(paths.notebooks_dir() / "profiles" / "place_profile.ipynb", 4)
    before = [(c.cell_type, c.source, c.id) for c in nb.cells]
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="x")]
    clean = normalise(nb)
    assert [(c.cell_type, c.source, c.id) for c in clean.cells] == before
    assert "parameters" in clean.cells[1].metadata["tags"] and clean.cells[1].outputs == []


def test_filter_passes_other_text_through() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "tiptrends.report.nbclean"],
        input="not a notebook {",
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(SRC)},
    )
    assert out.returncode == 0 and out.stdout == "not a notebook {"


@pytest.mark.notebooks
def test_opening_a_notebook_in_lab_leaves_git_status_clean(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "notebooks").mkdir(parents=True)
    for kept in (".gitattributes", ".gitignore"):
        shutil.copy(ROOT / kept, repo / kept)
    name = "notebooks/02_forced_labour.ipynb"
    shutil.copy(paths.notebooks_dir() / "02_forced_labour.ipynb", repo / name)
    _git(repo, "init", "-q")
    for key, value in (("user.email", "t@example.org"), ("user.name", "t")):
        _git(repo, "config", key, value)
    clean = f"env PYTHONPATH={SRC} {sys.executable} -m tiptrends.report.nbclean"
    _git(repo, "config", "filter.tiptrends-notebook.clean", clean)
    _git(repo, "config", "filter.tiptrends-notebook.smudge", "cat")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "start")
    language_info = _kernel_language_info()
    assert language_info.get("version")  # what Lab would write into the notebook
    # without the pre-save hook, git reports the notebook modified (so this test can fail)
    _lab_autosave(repo, name, language_info, hook=False)
    assert _git(repo, "status", "--porcelain").strip() == f"M {name}"
    _git(repo, "checkout", "--", name)
    _lab_autosave(repo, name, language_info, hook=True)
    assert _git(repo, "status", "--porcelain").strip() == ""
    assert (repo / name).read_bytes() == (
        paths.notebooks_dir() / "02_forced_labour.ipynb"
    ).read_bytes()


def test_makefile_registers_the_filter_and_serves_the_root() -> None:
    text = (ROOT / "Makefile").read_text()
    assert "filter.tiptrends-notebook.clean" in text and "-m tiptrends.report.nbclean" in text
    assert "--ServerApp.root_dir" in text and "default_url=/lab/tree/notebooks" in text
    config = (ROOT / "jupyter_server_config.py").read_text()
    assert "tiptrends.report.nbclean.lab_pre_save_hook" in config
    assert "*.ipynb filter=tiptrends-notebook" in (ROOT / ".gitattributes").read_text()


#: The chapter the fresh install runs: the fastest of 00-11 (11-17 s in a fresh kernel on 2 CPUs).
FRESH_INSTALL_CHAPTER = "00_data_and_coverage.ipynb"

#: Run by the fresh venv's Python in the copied checkout: the chapter, plus one cell that
#: prints the kernel's interpreter and prefix, through the renderer's executor ("tiptrends"
#: kernel, working directory notebooks/). The chapter file itself is not changed.
_RUN_CHAPTER = """
import json, sys
import nbformat
from tiptrends import paths
from tiptrends.report import render

out = sys.argv[2]
nb = nbformat.read(paths.notebooks_dir() / sys.argv[1], as_version=4)
nb.cells.append(nbformat.v4.new_code_cell("import sys\\nprint(sys.executable)\\nprint(sys.prefix)"))
probe = f"{out}/{sys.argv[1]}"
nbformat.write(nb, probe)
executed, failure = render.execute_notebook(probe, cwd=paths.notebooks_dir(), timeout=600)
nbformat.write(executed, f"{out}/executed.ipynb")
print(json.dumps({"failure": None if failure is None else str(failure)}))
"""


def _find_uv(scratch: Path) -> Path | None:
    """Return a uv executable: on PATH, bootstrapped by ``make setup`` beside the running
    environment (``.venv/.uv``), else installed from PyPI with pip into ``scratch``."""
    for candidate in (shutil.which("uv"), Path(sys.prefix) / ".uv" / "bin" / "uv"):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    pip = [sys.executable, "-m", "pip", "install", "-q", "--target", str(scratch), "uv"]
    if subprocess.run(pip, capture_output=True).returncode != 0:
        return None
    return scratch / "bin" / "uv"


@pytest.mark.notebooks
@pytest.mark.xdist_group("long")
def test_fresh_pip_install_runs_a_chapter_in_the_tiptrends_kernel(
    tmp_path: Path, derived_products: Path
) -> None:
    """The lock into a new venv, ``pip install -e .``, ``tiptrends data build``, then a chapter.

    The dependencies are installed from the lock (``uv pip sync requirements.lock.txt``,
    seconds from uv's cache), as ``make setup`` installs them; the package and its kernel are
    installed the README's way. The install, the curated tables and the build go to a copy of
    the checkout in ``tmp_path`` (an editable install writes ``src/tiptrends.egg-info``), so the
    repository is not touched. The copy is seeded with this checkout's curated tables and
    derived products, which its build finds current (building them from the raw files in a
    fresh environment is tests/test_wheel.py's and tests/test_makefile.py's part). The venv's
    processes may write bytecode (``make setup`` installs it compiled), so the kernel and each
    command do not compile pandas and matplotlib from source again where
    ``PYTHONDONTWRITEBYTECODE`` is set.
    """
    if not RAW_MIRROR.is_dir():
        missing_input(f"raw mirror not available at {RAW_MIRROR}")
    project = tmp_path / "checkout"
    copy_checkout(project)
    seeded = seed_curated(project / "data" / "curated")
    seed_derived(derived_products, project / "data" / "curated")
    venv = tmp_path / "venv"
    # no pip of its own (ensurepip takes about 5 s of CPU): uv syncs the lock into it and this
    # environment's pip installs the package (``pip --python``)
    subprocess.run(
        [sys.base_prefix + "/bin/python3", "-m", "venv", "--without-pip", str(venv)], check=True
    )
    python = venv / "bin" / "python"
    uv = _find_uv(tmp_path / "uv")
    if uv is None:
        missing_input("uv neither installed nor installable from PyPI")
    sync = subprocess.run(
        [str(uv), "pip", "sync", "-q", "--python", str(python), "requirements.lock.txt"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert sync.returncode == 0, sync.stderr[-2000:]
    drop = ("PYTHONPATH", "JUPYTER_PATH", "TIPTRENDS_ROOT", "TIPTRENDS_BUILD_DIR")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        PATH=f"{venv / 'bin'}:{env['PATH']}",
        TIPTRENDS_DATA_MIRROR=str(RAW_MIRROR),
        TIPTRENDS_BUILD_DIR=str(tmp_path / "_build"),
    )
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps"]
        + ["-e", str(project)],
        env=env,
        capture_output=True,
        text=True,
    )
    if install.returncode != 0:
        missing_input(f"pip could not build the package here: {install.stderr.strip()[-300:]}")
    probe = "import tiptrends; print(tiptrends.__file__)"
    where = subprocess.run(
        [str(python), "-c", probe], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert where == str(project / "src" / "tiptrends" / "__init__.py")
    # the dependencies are the venv's own, at their locked versions
    probe = "import pandas; print(pandas.__file__, pandas.__version__)"
    pandas_file, pandas_version = subprocess.run(
        [str(python), "-c", probe], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert pandas_file.startswith(str(venv))
    assert f"pandas=={pandas_version}\n" in (project / "requirements.lock.txt").read_text()
    build = subprocess.run(
        [str(venv / "bin" / "tiptrends"), "data", "build"], env=env, capture_output=True, text=True
    )
    assert build.returncode == 0, build.stderr
    said = {line.split()[0]: line for line in build.stdout.splitlines() if line.strip()}
    assert len(seeded) == 7, seeded
    assert all(" up to date " in said.get(name, "") for name in seeded), build.stdout
    spec = json.loads((venv / "share/jupyter/kernels/tiptrends/kernel.json").read_text())
    assert spec["argv"][0] == str(python)
    out = tmp_path / "run"
    out.mkdir()
    run = subprocess.run(
        [str(python), "-c", _RUN_CHAPTER, FRESH_INSTALL_CHAPTER, str(out)],
        env=env,
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert json.loads(run.stdout.strip().splitlines()[-1]) == {"failure": None}
    executed = nbformat.read(out / "executed.ipynb", as_version=4)
    assert executed.metadata.kernelspec.name == "tiptrends"
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code)
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert errors == []
    # the kernel that ran the chapter is the fresh venv's Python, not the test's
    printed = "".join(o.text for o in code[-1].outputs if o.output_type == "stream")
    assert printed.splitlines() == [str(python), str(venv)]
    # the chapter's figures went to the build folder in tmp_path
    assert any((tmp_path / "_build" / "figures").rglob("*.png"))


def test_notebook_before_make_data_says_what_to_do(scratch_root, monkeypatch) -> None:
    """Loading data that were never built, offline: one message naming the two ways out."""
    import pooch

    from tiptrends.errors import DataError
    from tiptrends.io import data

    def offline(*args, **kwargs):
        raise ConnectionError("no network")

    monkeypatch.setattr(pooch, "retrieve", offline)
    with pytest.raises(DataError) as err:
        data.load_glotip(release="2025")
    message = str(err.value)
    assert "make data" in message and "TIPTRENDS_DATA_MIRROR" in message
    assert "\n" not in message
