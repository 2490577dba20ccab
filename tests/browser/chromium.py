"""Find and launch a headless Chromium through Playwright.

The browser is Debian's ``chromium`` (``/usr/bin/chromium``; ``.ci/run``
installs it) or, on a developer machine, any Chromium named by
``$BUDGETKIT_CHROMIUM`` or found on PATH, or the one Playwright downloaded
itself (``playwright install chromium``). Playwright never downloads anything
here.

When Playwright or Chromium is missing, browser tests are skipped with the
reason, except under CI (``CI`` set), where that is a failure: CI installs both.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

#: Flags for a quiet, offline, sandbox-free (root, containers) headless run.
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
    "--lang=zh-CN",
]

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def unavailable(reason: str) -> None:
    """Skip the calling test, or fail it under CI, where the browser must exist."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: .ci/run installs chromium and `make test` installs playwright)", pytrace=False)
    pytest.skip(reason)


def find_chromium() -> str | None:
    env = os.environ.get("BUDGETKIT_CHROMIUM")
    if env:
        return env if Path(env).is_file() else None
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


def executable_or_skip(playwright) -> str | None:
    """Path of the Chromium to launch (None: Playwright's own download)."""
    path = find_chromium()
    if path:
        return path
    try:
        own = playwright.chromium.executable_path
    except Exception:  # noqa: BLE001 - Playwright raises its own error types
        own = ""
    if own and Path(own).is_file():
        return None
    unavailable("no Chromium found (install Debian's `chromium`, or set BUDGETKIT_CHROMIUM)")
    return None  # not reached


def import_playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed (pip install -e '.[test]')")
    return sync_playwright


def launch(playwright, user_data_dir: Path, **context_options):
    """A persistent context (fresh profile folder) of headless Chromium."""
    executable = executable_or_skip(playwright)
    options = dict(
        headless=True,
        args=LAUNCH_ARGS,
        viewport={"width": 1280, "height": 900},
        locale="zh-CN",
        accept_downloads=True,
    )
    if executable:
        options["executable_path"] = executable
    options.update(context_options)
    return playwright.chromium.launch_persistent_context(str(user_data_dir), **options)
