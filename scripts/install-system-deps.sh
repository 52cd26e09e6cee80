#!/usr/bin/env bash
# Installs the Debian packages the tests need, when they are missing: Chromium for the browser
# tests, a CJK font so Chinese text renders, PostgreSQL and nginx for the store's and the local
# cluster's tests (the tests start their own servers on 127.0.0.1; the packages' own are never
# started). Safe to run every time.
set -euo pipefail

packages=()
[ -x /usr/bin/chromium ] || packages+=(chromium)
fc-list 2>/dev/null | grep -qi "wenquanyi" || packages+=(fonts-wqy-microhei fontconfig)
[ -x /usr/lib/postgresql/15/bin/initdb ] || packages+=(postgresql)
[ -x /usr/sbin/nginx ] || packages+=(nginx-light)

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
# The tests run PostgreSQL in a folder of their own: no server of the package's own is wanted.
if [[ " ${packages[*]} " == *" postgresql "* && ! -e /etc/postgresql-common/createcluster.conf ]]; then
    "${sudo[@]}" mkdir -p /etc/postgresql-common
    echo "create_main_cluster = false" | "${sudo[@]}" tee /etc/postgresql-common/createcluster.conf >/dev/null
fi
echo "Installing ${packages[*]} from Debian…"
"${sudo[@]}" apt-get update -q
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q "${packages[@]}"
# Where services start on install, nginx's own would now answer on port 80: the tests and the
# local cluster run their own, on 127.0.0.1 only.
if [[ " ${packages[*]} " == *" nginx-light "* ]] && pgrep -x nginx >/dev/null; then
    "${sudo[@]}" service nginx stop || true
fi
