#!/usr/bin/env bash
# Headless Chromium for the rendering tests of the evidence report (test/evidence-render.test.ts):
# the Debian package, with metric-compatible fonts for Helvetica/Arial. Skips when already there.
set -euo pipefail
if [ -x /usr/bin/chromium ] && fc-match Arial 2>/dev/null | grep -qi liberation; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then echo "install-chromium: no apt-get; install Chromium yourself (the rendering tests skip without it)"; exit 0; fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-liberation fonts-dejavu-core >/dev/null
