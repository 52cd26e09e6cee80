#!/usr/bin/env bash
# Installs the Debian packages the tests need, when they are missing: Chromium for the browser
# tests and a CJK font so Chinese text renders. Safe to run every time.
set -euo pipefail

packages=()
[ -x /usr/bin/chromium ] || packages+=(chromium)
fc-list 2>/dev/null | grep -qi "wenquanyi" || packages+=(fonts-wqy-microhei fontconfig)

if [ ${#packages[@]} -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null; then
    sudo=(sudo)
else
    echo "Need root to install: ${packages[*]} (apt-get install -y ${packages[*]})" >&2
    exit 1
fi
echo "Installing ${packages[*]} from Debian…"
"${sudo[@]}" apt-get update -q
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q "${packages[@]}"
