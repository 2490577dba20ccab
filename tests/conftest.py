"""Shared pytest fixtures and settings (keep this file small).

Fixtures
--------
repo_root   the repository's root folder (pathlib.Path)
raw_path    data/raw/2023-longhua-iit-department-budget.txt, the source of truth
corpus_dir  the PDF corpus folder named by $BUDGETKIT_CORPUS; tests using it
            (or marked ``corpus``) are skipped when the variable is unset
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
RAW_PATH = REPO_ROOT / "data" / "raw" / "2023-longhua-iit-department-budget.txt"
CORPUS_ENV = "BUDGETKIT_CORPUS"


def pytest_configure(config: pytest.Config) -> None:
    # Never open plot windows from the test process. (Notebook kernels that
    # nbval starts are separate processes and keep their inline backend.)
    import matplotlib

    matplotlib.use("Agg", force=True)

    # 2-core CI machines are slow and noisy: no per-example deadline there.
    from hypothesis import settings

    settings.register_profile("ci", deadline=None, print_blob=True)
    if os.environ.get("CI"):
        settings.load_profile("ci")


def _corpus_dir() -> Path | None:
    value = os.environ.get(CORPUS_ENV)
    if not value:
        return None
    path = Path(value)
    if not path.is_dir():
        # Set but wrong is a configuration error, not a reason to skip.
        raise pytest.UsageError(f"{CORPUS_ENV}={value!r} is not a folder")
    return path.resolve()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _corpus_dir() is not None:
        return
    skip = pytest.mark.skip(reason=f"{CORPUS_ENV} is not set (see README: Run the tests)")
    for item in items:
        if item.get_closest_marker("corpus") is not None:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def raw_path() -> Path:
    return RAW_PATH


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    path = _corpus_dir()
    if path is None:
        pytest.skip(f"{CORPUS_ENV} is not set")
    return path
