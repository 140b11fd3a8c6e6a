"""Build hook: the wheel carries the checkout's data configuration as package data.

Everything else about the package is in pyproject.toml. ``data/`` holds the files the library
reads (the source manifest ``sources.toml``, ``exclusions.toml``, ``mappings/``,
``published/``) beside ``raw/`` and ``curated/``, which are built on each machine and never
shipped. The files stay in ``data/`` for the checkout; a wheel (or a non-editable install)
gets a copy in ``tiptrends/_project/data/``, which :mod:`tiptrends.paths` finds with
``importlib.resources`` when there is no checkout.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent

#: Folders of data/ that are built on each machine (raw downloads, curated tables): not shipped.
BUILT = ("raw", "curated")


def shipped_data() -> Iterator[Path]:
    """Yield the files of ``data/`` to ship, relative to it (no built, hidden or cache files)."""
    data = ROOT / "data"
    for path in sorted(data.rglob("*")):
        parts = path.relative_to(data).parts
        if (
            path.is_file()
            and parts[0] not in BUILT
            and not any(p.startswith(".") or p == "__pycache__" for p in parts)
        ):
            yield path.relative_to(data)


class BuildPyWithData(build_py):
    """``build_py`` that also copies the shipped ``data/`` files into the package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install runs from the checkout, which reads data/ itself
        target = Path(self.build_lib) / "tiptrends" / "_project" / "data"
        for relative in shipped_data():
            self.mkpath(str((target / relative).parent))
            self.copy_file(str(ROOT / "data" / relative), str(target / relative))


setup(cmdclass={"build_py": BuildPyWithData})
