"""environment.yml (conda) and pyproject.toml (pip) describe the same environment."""

from __future__ import annotations

import re
import tomllib

import yaml
from packaging.requirements import Requirement

from tiptrends import paths


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


def test_same_packages() -> None:
    assert set(_pip_requirements()) == set(_conda_requirements())


def test_same_bounds() -> None:
    pip, conda = _pip_requirements(), _conda_requirements()
    for name, req in pip.items():
        assert _lower_bound(req) is not None, f"{name}: pin a minimum version"
        assert str(req.specifier) == str(conda[name].specifier) or (
            _lower_bound(req) == _lower_bound(conda[name])
        ), name


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
    """``pip install -e ".[...]"`` in the Makefile, README and environment.yml names real extras."""
    with open(paths.project_root() / "pyproject.toml", "rb") as fh:
        extras = set(tomllib.load(fh)["project"]["optional-dependencies"])
    named = set()
    for name in ("Makefile", "README.md", "environment.yml"):
        text = (paths.project_root() / name).read_text()
        for group in re.findall(r"""-e\s+["']?\.\[([^\]]+)\]""", text):
            named |= {extra.strip() for extra in group.split(",")}
    assert named and named <= extras, named - extras
