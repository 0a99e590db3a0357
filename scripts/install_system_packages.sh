#!/usr/bin/env bash
# Installs the Debian packages that some tests need and pip cannot provide:
#   fonts-wqy-microhei  a CJK font, so Chinese figure labels render (tests check them);
#   chromium            the system browser that the Playwright classroom tests drive.
# Idempotent: installs only what is missing. Without root or apt-get it says what is missing and
# exits 0; the tests that need a missing package are then skipped with that reason, never faked.
set -euo pipefail
packages=(fonts-wqy-microhei chromium)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    echo "installed system packages: ${missing[*]}"
else
    echo "note: system packages missing (${missing[*]}); install them with apt-get as root, or the tests needing them skip" >&2
fi
