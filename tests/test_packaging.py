"""Packaging, set-up commands and CI stay consistent with each other.

- pyproject.toml and environment.yml list the same packages and lower bounds;
- apt.txt, .ci/run and the Makefile do what the README says;
- the wheel carries the data (budgetkit/_data/) and works without the
  repository: it is built, installed into a fresh venv and used from there.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parent.parent
RAW_NAME = "2023-longhua-iit-department-budget.txt"
DEPARTMENT = "深圳市龙华区工业和信息化局"

# PyPI name -> conda-forge name, where they differ.
PYPI_TO_CONDA = {"build": "python-build"}


# --- helpers -------------------------------------------------------------------


def _pyproject() -> dict:
    with (REPO / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)


def _makefile_var(name: str) -> str:
    text = (REPO / "Makefile").read_text(encoding="utf-8")
    m = re.search(rf"^{name}\s*[:?]?=\s*(.*?)\s*$", text, flags=re.MULTILINE)
    assert m, f"Makefile does not define {name}"
    return m.group(1)


def _make_extras() -> list[str]:
    return [e.strip() for e in _makefile_var("EXTRAS").split(",") if e.strip()]


def _pip_requirements(extras: list[str]) -> dict[str, Requirement]:
    """Runtime requirements plus the given extras, self-references expanded."""
    project = _pyproject()["project"]
    optional = project.get("optional-dependencies", {})
    reqs: dict[str, Requirement] = {}
    todo = [("", r) for r in project["dependencies"]]
    for extra in extras:
        assert extra in optional, f"Makefile installs extra [{extra}], pyproject.toml has no such extra"
        todo += [(extra, r) for r in optional[extra]]
    seen_extras = set(extras)
    while todo:
        _, line = todo.pop(0)
        req = Requirement(line)
        name = canonicalize_name(req.name)
        if name == "budgetkit":  # e.g. dev = ["budgetkit[test,notebooks]"]
            for extra in req.extras - seen_extras:
                seen_extras.add(extra)
                todo += [(extra, r) for r in optional[extra]]
            continue
        assert name not in reqs, f"{name} is listed twice in pyproject.toml"
        reqs[name] = req
    return reqs


def _parse_environment_yml(text: str) -> tuple[dict[str, str], list[str]]:
    """Parse the simple environment.yml layout used here (no PyYAML needed).

    Returns ({conda package name: version spec}, [pip lines]).
    Anything outside that layout makes the test fail loudly.
    """
    conda: dict[str, str] = {}
    pip: list[str] = []
    section = None
    in_pip = False
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line.strip():
            continue
        if not line.startswith(" "):
            key = line.split(":", 1)[0].strip()
            section = key
            in_pip = False
            continue
        if section != "dependencies":
            continue
        m = re.fullmatch(r"(\s*)-\s+(.*)", line)
        assert m, f"environment.yml: cannot read line {raw!r}"
        indent, item = len(m.group(1)), m.group(2).strip()
        if item == "pip:":
            in_pip = True
            pip_indent = None
            continue
        if in_pip:
            if pip_indent is None:
                pip_indent = indent
            if indent >= pip_indent and indent > 2:
                pip.append(item)
                continue
            in_pip = False
        spec = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*(.*)", item)
        assert spec, f"environment.yml: cannot read package {item!r}"
        name = canonicalize_name(spec.group(1))
        assert name not in conda, f"environment.yml lists {name} twice"
        conda[name] = spec.group(2).replace(" ", "")
    return conda, pip


def _lower_bound(spec: SpecifierSet) -> Version | None:
    bounds = [Version(s.version) for s in spec if s.operator in (">=", "==", "~=")]
    return max(bounds) if bounds else None


def _section_commands(markdown: str, heading: str) -> list[str]:
    """The commands of the first fenced block under a heading, as a reader sees them."""
    lines = markdown.splitlines()
    for i, line in enumerate(lines):
        m = re.fullmatch(r"(#+)\s+(.*?)\s*#*\s*", line)
        if m and m.group(2) == heading:
            level = len(m.group(1))
            break
    else:
        raise AssertionError(f"README has no heading {heading!r}")
    block: list[str] | None = None
    for line in lines[i + 1 :]:
        m = re.match(r"(#+)\s", line)
        if block is None and m and len(m.group(1)) <= level:
            break
        if line.strip().startswith("```"):
            if block is None:
                block = []
                continue
            return [c for c in block if c.strip() and not c.strip().startswith("#")]
        if block is not None:
            block.append(line.split(" #", 1)[0].strip())
    raise AssertionError(f"README section {heading!r} has no fenced command block")


def _readme() -> str:
    return (REPO / "README.md").read_text(encoding="utf-8")


def _data_files() -> dict[str, Path]:
    """Files of the repository's data/ tree, keyed by path relative to it."""
    out = {}
    for path in sorted((REPO / "data").rglob("*")):
        rel = path.relative_to(REPO / "data")
        if path.is_file() and not any(p.startswith(".") or p == "__pycache__" for p in rel.parts):
            out[rel.as_posix()] = path
    return out


# --- dependencies --------------------------------------------------------------


def test_runtime_dependencies_are_the_lean_set():
    names = {canonicalize_name(Requirement(r).name) for r in _pyproject()["project"]["dependencies"]}
    assert {"pandas", "matplotlib", "ipywidgets"} <= names
    # Test/notebook tooling must not leak into what `pip install budgetkit` pulls in.
    assert not names & {"pytest", "nbval", "hypothesis", "frictionless", "jupyterlab", "build"}


def test_make_installs_what_the_tests_and_lab_need():
    reqs = _pip_requirements(_make_extras())
    needed = {"pytest", "nbval", "hypothesis", "frictionless", "build", "jupyterlab", "ipykernel", "nbconvert"}
    assert needed <= set(reqs), f"missing from the extras make installs: {needed - set(reqs)}"


def test_requires_python_matches_environment_yml():
    requires = SpecifierSet(_pyproject()["project"]["requires-python"])
    assert _lower_bound(requires) == Version("3.11")
    conda, _ = _parse_environment_yml((REPO / "environment.yml").read_text(encoding="utf-8"))
    assert _lower_bound(SpecifierSet(conda["python"])) == _lower_bound(requires)


def test_environment_yml_matches_pyproject():
    conda, pip = _parse_environment_yml((REPO / "environment.yml").read_text(encoding="utf-8"))
    reqs = _pip_requirements(_make_extras())
    expected = {canonicalize_name(PYPI_TO_CONDA.get(n, n)): r for n, r in reqs.items()}
    listed = {n for n in conda if n not in {"python", "pip"}}
    assert listed == set(expected), (
        f"only in pyproject.toml: {sorted(set(expected) - listed)}; "
        f"only in environment.yml: {sorted(listed - set(expected))}"
    )
    for name, req in expected.items():
        pip_bound = _lower_bound(req.specifier)
        conda_bound = _lower_bound(SpecifierSet(conda[name])) if conda[name] else None
        assert conda_bound == pip_bound, f"{name}: pyproject {req.specifier or 'any'} vs environment.yml {conda[name] or 'any'}"
    assert "-e ." in pip, "environment.yml must install budgetkit itself (pip: -e .)"


def test_environment_yml_parser_rejects_what_it_cannot_read():
    with pytest.raises(AssertionError):
        _parse_environment_yml("dependencies:\n  - pandas>=3\n  pandas\n")
    conda, pip = _parse_environment_yml(
        "name: x\nchannels:\n  - conda-forge\ndependencies:\n  - python>=3.11\n  - pip:\n      - -e .\n  - numpy >=2  # c\n"
    )
    assert conda == {"python": ">=3.11", "numpy": ">=2"} and pip == ["-e ."]


# --- system packages, README commands, CI ---------------------------------------


def test_apt_txt_lists_the_cjk_font():
    lines = [l.strip() for l in (REPO / "apt.txt").read_text(encoding="utf-8").splitlines()]
    assert "fonts-noto-cjk" in lines


def test_readme_commands():
    readme = _readme()
    assert _section_commands(readme, "Explore the notebooks") == ["make lab"]
    assert _section_commands(readme, "Run the tests") == ["make test"]


def test_ci_runs_the_readme_test_command():
    ci = REPO / ".ci" / "run"
    assert os.access(ci, os.X_OK), ".ci/run must be executable"
    text = ci.read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env bash") or text.startswith("#!/bin/bash")
    assert "set -euo pipefail" in text
    code = [l for l in text.splitlines() if l.strip() and not l.strip().startswith("#")]
    for command in _section_commands(_readme(), "Run the tests"):
        assert any(re.match(rf"\s*{re.escape(command)}(\s|$)", l) for l in code), (
            f".ci/run does not run the README's test command {command!r}"
        )
    assert "fonts-noto-cjk" in text or "apt.txt" in text
    assert "BUDGETKIT_CORPUS" in text and "shared/corpus" in text


def test_license_is_mit():
    project = _pyproject()["project"]
    assert project["license"] == "MIT"
    assert "MIT License" in (REPO / "LICENSE").read_text(encoding="utf-8")


def test_console_script_is_declared():
    assert _pyproject()["project"]["scripts"] == {"budgetkit": "budgetkit.cli:main"}


def test_pytest_markers_are_declared():
    markers = _pyproject()["tool"]["pytest"]["ini_options"]["markers"]
    assert {m.split(":", 1)[0] for m in markers} >= {"browser", "corpus", "slow"}


# --- Makefile behaviour (dry runs; nothing is installed) --------------------------


def _make_dry(cwd: Path, *targets: str) -> str:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("MAKE") and k not in {"VENV", "PYTHON", "ARGS", "EXTRAS", "MFLAGS"}
    }
    proc = subprocess.run(
        ["make", "--no-print-directory", "-n", *targets], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


@needs_make
def test_make_test_runs_the_documented_pytest_command(tmp_path):
    shutil.copy(REPO / "Makefile", tmp_path / "Makefile")
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    out = _make_dry(tmp_path, "test")
    # Fresh machine: venv, install with the extras, then the tests.
    assert re.search(r"-m venv \.venv", out)
    assert ".venv/bin/python -m pip install" in out and "-e '.[test,notebooks]'" in out
    assert ".venv/bin/python -m pytest --nbval-lax tests notebooks" in out
    assert out.index("-m venv") < out.index("pip install") < out.index("-m pytest")
    lab = _make_dry(tmp_path, "lab")
    assert ".venv/bin/jupyter lab notebooks/" in lab


@needs_make
def test_make_venv_step_is_incremental(tmp_path):
    shutil.copy(REPO / "Makefile", tmp_path / "Makefile")
    pyproject = tmp_path / "pyproject.toml"
    shutil.copy(REPO / "pyproject.toml", pyproject)
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    python = tmp_path / ".venv" / "bin" / "python"
    stamp = tmp_path / ".venv" / ".budgetkit-installed"
    python.touch()
    stamp.touch()
    os.utime(pyproject, (1_000_000, 1_000_000))
    os.utime(python, (2_000_000, 2_000_000))
    os.utime(stamp, (3_000_000, 3_000_000))
    out = _make_dry(tmp_path, "test")
    assert "pip install" not in out and "-m venv" not in out
    assert "-m pytest" in out
    # Changing pyproject.toml reinstalls, but does not recreate the venv.
    os.utime(pyproject, (4_000_000, 4_000_000))
    out = _make_dry(tmp_path, "test")
    assert "pip install" in out and "-m venv" not in out


# --- where the data is -----------------------------------------------------------


def test_source_checkout_uses_repository_data(monkeypatch):
    import budgetkit
    from budgetkit import _paths

    if Path(budgetkit.__path__[0]).resolve() != REPO / "budgetkit":
        pytest.skip("budgetkit is not imported from this checkout")
    monkeypatch.delenv(_paths.DATA_ROOT_ENV, raising=False)
    assert not (REPO / "budgetkit" / "_data").exists(), "budgetkit/_data must not exist in the source tree"
    assert _paths.data_root() == REPO / "data"
    assert (_paths.raw_dir() / RAW_NAME).read_bytes() == (REPO / "data" / "raw" / RAW_NAME).read_bytes()


def test_dataset_dir_rejects_paths_and_unknown_ids(monkeypatch, tmp_path):
    from budgetkit import _paths
    from budgetkit.errors import DataError

    (tmp_path / "raw").mkdir()
    (tmp_path / "demo-2023").mkdir()
    (tmp_path / "demo-2023" / "datapackage.json").write_text("{}", encoding="utf-8")
    (tmp_path / "not-a-dataset").mkdir()
    monkeypatch.setenv(_paths.DATA_ROOT_ENV, str(tmp_path))
    assert _paths.data_root() == tmp_path.resolve()
    assert _paths.raw_dir() == tmp_path.resolve() / "raw"
    assert _paths.dataset_dir("demo-2023") == tmp_path.resolve() / "demo-2023"
    assert _paths.dataset_ids() == ["demo-2023"]
    for bad in ["../demo-2023", "demo-2023/", "/etc", "", "raw", "Demo", ".."]:
        with pytest.raises(ValueError):
            _paths.dataset_dir(bad)
    with pytest.raises(DataError, match="demo-2023"):
        _paths.dataset_dir("nope-2023")
    monkeypatch.setenv(_paths.DATA_ROOT_ENV, str(tmp_path / "missing"))
    with pytest.raises(DataError):
        _paths.data_root()


# --- the wheel ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(REPO)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    wheels = list(out.glob("budgetkit-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def _clean_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "BUDGETKIT_DATA_ROOT", "__PYVENV_LAUNCHER__"}
    }
    env.update(PYTHONNOUSERSITE="1", PYTHONIOENCODING="utf-8", MPLBACKEND="Agg", **extra)
    return env


@pytest.fixture(scope="session")
def wheel_venv(wheel, tmp_path_factory) -> Path:
    """A fresh venv with only the wheel installed in it.

    The heavy dependencies (pandas, matplotlib, …) come from the dev venv via a
    .pth line added *after* the install. That line only puts the dev
    site-packages on sys.path: .pth files inside it (such as the editable
    install's, which points at this checkout) are not processed.
    """
    root = tmp_path_factory.mktemp("wheelenv")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    py = venv / "bin" / "python"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "--no-index", "--no-compile", str(wheel)],
        cwd=root,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    site = Path(
        subprocess.run(
            [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True, capture_output=True, text=True, cwd=root, env=_clean_env(),
        ).stdout.strip()
    )
    dev_paths = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (site / "zz_budgetkit_test_devdeps.pth").write_text("".join(f"{p}\n" for p in dev_paths), encoding="utf-8")
    return venv


def _run_in(venv: Path, code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(venv / "bin" / "python"), "-c", code],
        cwd=venv.parent,  # a tmp dir, not the checkout
        env=_clean_env(),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


@pytest.mark.slow
def test_wheel_contents(wheel):
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        raw = zf.read(f"budgetkit/_data/raw/{RAW_NAME}")
        entry_points = zf.read("budgetkit-0.1.0.dist-info/entry_points.txt").decode()
    assert raw == (REPO / "data" / "raw" / RAW_NAME).read_bytes()
    data = {n.removeprefix("budgetkit/_data/") for n in names if n.startswith("budgetkit/_data/")}
    assert data == set(_data_files()), "the wheel's budgetkit/_data/ must be exactly the repository's data/"
    assert {"budgetkit/__init__.py", "budgetkit/_paths.py", "budgetkit-0.1.0.dist-info/licenses/LICENSE"} <= names
    assert all(n.startswith(("budgetkit/", "budgetkit-0.1.0.dist-info/")) for n in names), sorted(names)
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
    assert re.search(r"^budgetkit\s*=\s*budgetkit\.cli:main$", entry_points, flags=re.MULTILINE)


@pytest.mark.slow
def test_wheel_install_is_self_contained(wheel_venv):
    proc = _run_in(
        wheel_venv,
        "import json, budgetkit, pandas; from budgetkit import _paths; "
        "print(json.dumps({'budgetkit': budgetkit.__file__, 'pandas': pandas.__file__, "
        "'root': str(_paths.data_root()), 'raw': sorted(p.name for p in _paths.raw_dir().iterdir())}))",
    )
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    venv = wheel_venv.resolve()
    assert Path(info["budgetkit"]).resolve().is_relative_to(venv), info
    assert not Path(info["pandas"]).resolve().is_relative_to(venv)  # the .pth trick works
    root = Path(info["root"])
    assert root.is_relative_to(venv) and root.parts[-2:] == ("budgetkit", "_data"), info
    assert RAW_NAME in info["raw"]


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(root.rglob("*"))}


@pytest.mark.slow
def test_wheel_load_works_without_the_checkout(wheel_venv):
    lib = Path(
        _run_in(wheel_venv, "import budgetkit, pathlib; print(pathlib.Path(budgetkit.__file__).parent)").stdout.strip()
    )
    data = lib / "_data"
    assert data.is_dir()
    before = _snapshot(lib)
    proc = _run_in(
        wheel_venv,
        "import budgetkit, pathlib; b = budgetkit.load(); print(b.meta['department']); print(budgetkit.__file__)",
    )
    assert proc.returncode == 0, proc.stderr[-5000:]
    lines = proc.stdout.strip().splitlines()
    assert DEPARTMENT in lines[0]
    assert Path(lines[-1]).resolve().is_relative_to(wheel_venv.resolve())
    after = {k: v for k, v in _snapshot(lib).items() if "__pycache__" not in k}
    assert after == {k: v for k, v in before.items() if "__pycache__" not in k}, "load() wrote into the package"


@pytest.mark.slow
def test_wheel_console_script(wheel_venv):
    script = wheel_venv / "bin" / "budgetkit"
    assert script.is_file()
    proc = subprocess.run(
        [str(script), "--help"], cwd=wheel_venv.parent, env=_clean_env(), capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "parse" in proc.stdout and "info" in proc.stdout
