#!/usr/bin/env bash
# Browser tests and report screenshots drive Debian's headless Chromium.
# Installs the `chromium` package when it is missing (CI runs as root on a
# fresh Debian machine); does nothing when /usr/bin/chromium is already there.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != "0" ]; then
    echo "chromium is missing: install Debian's 'chromium' package (browser tests are skipped without it)" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
command -v chromium
