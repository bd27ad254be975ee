"""The double-clickable files that open a site's preview, for staff who never open a terminal:
one for Windows, one for macOS and one for Linux, written by `tracker init` beside site.yml.
Each starts `tracker serve --open` in its own folder (the site), and when the preview cannot
start, keeps its window open on the reason."""

from __future__ import annotations

import stat
from pathlib import Path

WINDOWS = "Open the preview (Windows).bat"
MAC = "Open the preview (Mac).command"
LINUX = "Open the preview (Linux).sh"

_UNIX = """\
#!/bin/sh
# Double-click this file to open the site's preview in your web browser.
# Keep this window open while you work; close it to stop the preview.
cd "$(dirname "$0")" || exit 1
if command -v tracker >/dev/null 2>&1; then
  tracker serve --open
else
  python3 -m tracker serve --open
fi
if [ $? -ne 0 ]; then
  echo
  echo "The preview could not start: the lines above say why. Ask your maintainer if"
  echo "they do not help. Press Enter to close this window."
  read -r answer
fi
"""

_WINDOWS = """\
@echo off
rem Double-click this file to open the site's preview in your web browser.
rem Keep this window open while you work; close it to stop the preview.
cd /d "%~dp0"
where tracker >nul 2>nul
if %errorlevel% equ 0 (
  tracker serve --open
) else (
  py -m tracker serve --open
)
if %errorlevel% neq 0 (
  echo.
  echo The preview could not start: the lines above say why. Ask your maintainer if they
  echo do not help.
  pause
)
"""

LAUNCHERS = {WINDOWS: _WINDOWS.replace("\n", "\r\n"), MAC: _UNIX, LINUX: _UNIX}
"""File name → its text (Windows's with Windows line ends)."""


def made_runnable(path: Path) -> Path:
    """`path`, which may now be run by whoever may read it (a double-click runs it)."""
    mode = path.stat().st_mode
    path.chmod(mode | (mode & (stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)) >> 2)
    return path
