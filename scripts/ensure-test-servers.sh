#!/usr/bin/env bash
# Installs, from Debian's packages, the servers and tools the test suite starts itself on loopback:
# PostgreSQL (the archive's second backend), iproute2 (network-namespace tests), and headless Chromium
# with its WebDriver for the web app's browser tests (plus a CJK font, so screenshots show Chinese).
# Needs root; without root it only reports what is missing, and those tests skip with that reason (under
# CI=true they fail).
set -euo pipefail

missing=()
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
command -v unshare >/dev/null 2>&1 || missing+=(util-linux)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
ls /usr/share/fonts/truetype/wqy/wqy-microhei.ttc >/dev/null 2>&1 || missing+=(fonts-wqy-microhei)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "note: ${missing[*]} not installed (need root and apt-get); the tests that use them will skip" >&2
  exit 0
fi
echo "installing test servers from Debian packages: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
