"""environment.yml (conda), pyproject.toml (pip) and the lock (uv.lock) describe one environment."""

from __future__ import annotations

import re
import sys
import tomllib
from importlib.metadata import version

import yaml
from packaging.markers import Marker, default_environment
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from tiptrends import paths

#: pip (normalised) name -> conda-forge name, where they differ (none today: every package of
#: pyproject.toml has the same name on conda-forge, up to ``-``/``_``).
CONDA_NAMES: dict[str, str] = {}

#: The Python whose locked versions environment.yml pins (its ``python`` line says 3.11).
CONDA_PYTHON = "3.11"

#: Packages that compute the recorded numbers (tests/golden/results.json, 1e-9 relative).
NUMERIC_PACKAGES = ("pandas", "numpy", "scipy", "statsmodels", "pyarrow", "matplotlib")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pip_requirements() -> dict[str, Requirement]:
    with open(paths.project_root() / "pyproject.toml", "rb") as fh:
        project = tomllib.load(fh)["project"]
    reqs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        reqs += extra
    return {_normalise(Requirement(r).name): Requirement(r) for r in reqs}


def _conda_requirements() -> dict[str, Requirement]:
    env = yaml.safe_load((paths.project_root() / "environment.yml").read_text())
    out = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str):
            req = Requirement(dep.replace(" ", ""))
            if req.name not in ("python", "pip"):
                out[_normalise(req.name)] = req
    return out


def _lower_bound(req: Requirement) -> str | None:
    return next((s.version for s in req.specifier if s.operator == ">="), None)


def _lock() -> dict:
    with open(paths.project_root() / "uv.lock", "rb") as fh:
        return tomllib.load(fh)


def _locked_versions(python_full_version: str) -> dict[str, str]:
    """Name -> locked version for one Python (uv.lock forks some packages by Python version)."""
    env = {**default_environment(), "python_full_version": python_full_version}
    env["python_version"] = ".".join(python_full_version.split(".")[:2])
    out: dict[str, str] = {}
    for package in _lock()["package"]:
        markers = package.get("resolution-markers")
        if not markers or any(Marker(m).evaluate(env) for m in markers):
            assert package["name"] not in out, f"{package['name']}: two locked versions"
            out[package["name"]] = package["version"]
    return out


def test_same_packages() -> None:
    conda = {CONDA_NAMES.get(name, name) for name in _pip_requirements()}
    assert conda == set(_conda_requirements())


def test_pyproject_states_minimum_versions() -> None:
    for name, req in _pip_requirements().items():
        assert _lower_bound(req) is not None, f"{name}: pin a minimum version"


def test_conda_pins_are_the_locked_versions() -> None:
    """environment.yml pins each package to uv.lock's version, within pyproject.toml's bounds."""
    conda = _conda_requirements()
    # the same versions at both ends of 3.11 (uv.lock forks at 3.11.5 for a dependency)
    first, last = _locked_versions(f"{CONDA_PYTHON}.0"), _locked_versions(f"{CONDA_PYTHON}.99")
    for name, req in _pip_requirements().items():
        pin = conda[_normalise(CONDA_NAMES.get(name, name))].specifier
        assert len(pin) == 1 and next(iter(pin)).operator == "==", f"{name}: pin {pin}"
        pinned = next(iter(pin)).version
        assert pinned == first[name] == last[name], f"{name}: {pinned} vs uv.lock"
        assert req.specifier.contains(pinned, prereleases=True), f"{name}: {pinned} {req}"


def test_lock_is_current_with_pyproject() -> None:
    """uv.lock was made from today's requirements (else `make setup` stops: run `make lock`)."""
    root = next(p for p in _lock()["package"] if p["name"] == "tiptrends")
    locked = {
        (_normalise(r["name"]), str(SpecifierSet(r.get("specifier", ""))))
        for r in root["metadata"]["requires-dist"]
    }
    wanted = {(name, str(req.specifier)) for name, req in _pip_requirements().items()}
    assert locked == wanted, (sorted(wanted - locked), sorted(locked - wanted))


def test_requirements_export_is_the_lock() -> None:
    """requirements.lock.txt (pip's route) lists every locked package at its locked version."""
    text = (paths.project_root() / "requirements.lock.txt").read_text()
    exported = set(re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)", text, re.M))
    locked = {(p["name"], p["version"]) for p in _lock()["package"] if p["name"] != "tiptrends"}
    assert {(_normalise(n), v) for n, v in exported} == locked


def test_installed_numeric_packages_are_the_locked_versions() -> None:
    """The environment running the tests computes with the reviewed (locked) versions."""
    locked = _locked_versions(".".join(map(str, sys.version_info[:3])))
    installed = {name: version(name) for name in NUMERIC_PACKAGES}
    assert installed == {name: locked[name] for name in NUMERIC_PACKAGES}


def test_every_conda_dependency_is_explained() -> None:
    text = (paths.project_root() / "environment.yml").read_text()
    lines = text.split("dependencies:", 1)[1].splitlines()
    deps = [line for line in lines if re.match(r"^\s+- [A-Za-z]", line) and "pip:" not in line]
    unexplained = [line.strip() for line in deps if "#" not in line and line.strip() != "- pip"]
    assert unexplained == []


def test_environment_installs_the_package_editable() -> None:
    env = yaml.safe_load((paths.project_root() / "environment.yml").read_text())
    pip_block = next(d for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in [p.split("#")[0].strip() for p in pip_block["pip"]]


def test_jupyterlab_is_a_core_dependency() -> None:
    with open(paths.project_root() / "pyproject.toml", "rb") as fh:
        core = [Requirement(r) for r in tomllib.load(fh)["project"]["dependencies"]]
    assert {"jupyterlab", "jupyter-server"} <= {_normalise(r.name) for r in core}


def test_extras_named_in_install_commands_exist() -> None:
    """``pip install -e ".[...]"`` and ``--extra`` in the Makefile, README and environment.yml
    name real extras."""
    with open(paths.project_root() / "pyproject.toml", "rb") as fh:
        extras = set(tomllib.load(fh)["project"]["optional-dependencies"])
    named = set()
    for name in ("Makefile", "README.md", "environment.yml"):
        text = (paths.project_root() / name).read_text()
        for group in re.findall(r"""-e\s+["']?\.\[([^\]]+)\]""", text):
            named |= {extra.strip() for extra in group.split(",")}
        named |= set(re.findall(r"--extra\s+([A-Za-z0-9_-]+)", text))
    assert named and named <= extras, named - extras
