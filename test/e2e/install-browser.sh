#!/usr/bin/env bash
# Debian's Chromium for the end-to-end test (playwright-core drives it; no browser download).
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=120 chromium fonts-dejavu-core >/dev/null
/usr/bin/chromium --version
