#!/usr/bin/env bash
# Debian/Ubuntu libraries that PySide6's wheels need to run (offscreen or on a desktop) and the CJK font
# that keeps Chinese text from rendering as boxes. The app's own dependencies come from pip. PyInstaller
# (tests/packaging builds the bundle) needs objdump (binutils) and Python's shared library (libpython3-dev).
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  python3 python3-venv python3-pip \
  libegl1 libgl1 libopengl0 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3 \
  libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 \
  libxcb-randr0 libxcb-render-util0 libxcb-image0 libxcb-xinerama0 libxcb-xkb1 libx11-xcb1 \
  libpulse0 fonts-noto-cjk \
  binutils libpython3-dev >/dev/null
