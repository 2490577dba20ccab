"""Where budgetkit's bundled data lives.

The repository keeps its data in the top-level ``data/`` folder::

    data/raw/<source>.txt              source texts, unedited
    data/<dataset-id>/*.csv            processed tables
    data/<dataset-id>/datapackage.json

A wheel ships that same tree inside the package as ``budgetkit/_data/``
(see ``[tool.hatch.build.targets.wheel.force-include]`` in pyproject.toml).
:func:`data_root` finds ``budgetkit/_data`` when budgetkit is installed from a
wheel and falls back to the repository's ``data/`` in a source or editable
checkout.

The data root is read-only for the library: nothing in budgetkit writes there
at run time (``budgetkit parse --out DIR`` writes only where it is told).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .errors import DataError

__all__ = ["data_root", "raw_dir", "dataset_dir", "dataset_ids", "DATA_ROOT_ENV"]

#: Environment variable that, when set, overrides :func:`data_root`
#: (e.g. to point a test at a temporary copy). Never needed for normal use.
DATA_ROOT_ENV = "BUDGETKIT_DATA_ROOT"

_PACKAGE_DIR = Path(__file__).resolve().parent
_BUNDLED = _PACKAGE_DIR / "_data"
_CHECKOUT = _PACKAGE_DIR.parent / "data"

# Dataset ids are folder names like "longhua-iit-2023": lower-case ASCII
# letters, digits and single hyphens/underscores/dots inside, never a path.
_DATASET_ID = re.compile(r"[a-z0-9]+(?:[._-][a-z0-9]+)*")


def _is_checkout(root: Path) -> bool:
    """True when ``root`` is the ``data/`` folder of a budgetkit source tree."""
    pyproject = root.parent / "pyproject.toml"
    if not (root.is_dir() and pyproject.is_file()):
        return False
    try:
        text = pyproject.read_text(encoding="utf-8")
    except OSError:
        return False
    return re.search(r'^name\s*=\s*"budgetkit"\s*$', text, flags=re.MULTILINE) is not None


def data_root() -> Path:
    """Return the folder that holds ``raw/`` and the processed datasets.

    Order: ``$BUDGETKIT_DATA_ROOT`` if set; ``budgetkit/_data`` (installed
    from a wheel); the repository's ``data/`` (source or editable checkout).

    Raises
    ------
    DataError
        If none of them exists.
    """
    override = os.environ.get(DATA_ROOT_ENV)
    if override:
        root = Path(override).expanduser().resolve()
        if not root.is_dir():
            raise DataError(f"{DATA_ROOT_ENV}={override!r} is not a folder")
        return root
    if _BUNDLED.is_dir():
        return _BUNDLED
    if _is_checkout(_CHECKOUT):
        return _CHECKOUT
    raise DataError(
        "budgetkit's data folder was not found: neither "
        f"{_BUNDLED} (installed wheel) nor {_CHECKOUT} (source checkout) exists. "
        "Reinstall budgetkit from a wheel, or run it from a complete checkout."
    )


def raw_dir() -> Path:
    """Return the folder of unedited source texts (``<data root>/raw``)."""
    path = data_root() / "raw"
    if not path.is_dir():
        raise DataError(f"the raw source folder {path} does not exist")
    return path


def dataset_dir(dataset_id: str) -> Path:
    """Return the folder of one processed dataset, e.g. ``"longhua-iit-2023"``.

    Raises
    ------
    ValueError
        If ``dataset_id`` is not a plain dataset name (no paths allowed).
    DataError
        If that dataset's folder does not exist.
    """
    if not isinstance(dataset_id, str) or not _DATASET_ID.fullmatch(dataset_id) or dataset_id == "raw":
        raise ValueError(f"not a dataset id: {dataset_id!r} (expected a name like 'longhua-iit-2023')")
    root = data_root()
    path = root / dataset_id
    if not path.is_dir():
        known = ", ".join(dataset_ids(root)) or "none"
        raise DataError(f"no dataset {dataset_id!r} in {root} (available: {known})")
    return path


def dataset_ids(root: Path | None = None) -> list[str]:
    """Return the ids of the processed datasets present, sorted.

    A dataset is a sub-folder of the data root (other than ``raw``) holding a
    ``datapackage.json``.
    """
    root = data_root() if root is None else root
    return sorted(
        p.name
        for p in root.iterdir()
        if p.is_dir() and p.name != "raw" and (p / "datapackage.json").is_file()
    )
