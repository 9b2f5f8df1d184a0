"""One distribution, one import name: the wheel installs nothing at the top level of
site-packages but `okrank` (and its dist-info), holds every module of api/, domain/ and
projections/ under it, and runs from an installed copy (also from the repository root)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.support.paths import ROOT

# Offline: the build backend is the test environment's setuptools (pyproject.toml's test extra).
PIP_WHEEL = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
PIP_WHEEL += ["--no-index"]
FOLDERS = {"api": "okrank/api", "domain": "okrank/domain", "projections": "okrank/projections"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built from a copy of the sources: setuptools' build/ cache in the checkout would keep
    modules that were since deleted."""
    source, out = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("wheel")
    ignore = shutil.ignore_patterns("__pycache__")
    for name in ["pyproject.toml", "README.md"]:
        shutil.copy(ROOT / name, source / name)
    for name in ["okrank-package", *FOLDERS]:
        shutil.copytree(ROOT / name, source / name, ignore=ignore)
    subprocess.run(
        [*PIP_WHEEL, "-w", str(out), str(source)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    (built,) = out.glob("okrank-*.whl")
    return built


def test_the_wheel_adds_only_okrank_at_the_top_level(wheel: Path):
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names}
    dist_info = {t for t in top if t.startswith("okrank-") and t.endswith(".dist-info")}
    assert len(dist_info) == 1 and top == {"okrank", *dist_info}
    (info,) = dist_info
    entry_points = zipfile.ZipFile(wheel).read(f"{info}/entry_points.txt").decode()
    assert "okrank = okrank.api.cli.main:main" in entry_points


def test_the_wheel_holds_every_module_of_the_tree_under_okrank(wheel: Path):
    """A sub-package missing from pyproject.toml's list would be left out of the wheel."""
    expected = {"okrank/__init__.py"} | {
        f"{prefix}/{p.relative_to(ROOT / folder).as_posix()}"
        for folder, prefix in FOLDERS.items()
        for p in (ROOT / folder).rglob("*.py")
    }
    names = zipfile.ZipFile(wheel).namelist()
    modules = {n for n in names if not n.startswith("okrank-") and n.endswith(".py")}
    assert modules == expected
    # Package data ships too: GraphiQL's vendored assets with their licences.
    folder = "okrank/api/http/graphiql_assets/"
    assets = {n.rsplit("/", 1)[1] for n in names if n.startswith(folder)}
    assert assets == {p.name for p in (ROOT / "api" / "http" / "graphiql_assets").iterdir()}


@pytest.mark.parametrize("cwd", ["elsewhere", "repository root"])
def test_an_installed_copy_imports_as_okrank_only(wheel: Path, tmp_path: Path, cwd: str):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)  # what `pip install` puts into site-packages
    check = (
        "import importlib.util, okrank.api.http.app, okrank.projections.engine.runner;"
        f"app = okrank.api.http.app.__file__; assert app.startswith({str(site)!r}), app;"
        "assert okrank.domain.event_names.STORED_NAMES;"
        "print(importlib.util.find_spec('api'))"
    )
    run = subprocess.run(
        [sys.executable, "-c", check],
        cwd=ROOT if cwd == "repository root" else tmp_path,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    if cwd == "elsewhere":  # in a checkout the folders are importable by their own names
        assert run.stdout.strip() == "None"
