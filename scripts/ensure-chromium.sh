#!/usr/bin/env bash
# The overlay's end-to-end tests drive Debian's Chromium (test tools cannot download their own
# browser here). Installs it when missing and we may; otherwise says how.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	echo "Installing Debian's chromium for the overlay's browser tests..."
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
	exit 0
fi
echo "The overlay tests need Chromium at /usr/bin/chromium: sudo apt-get install -y chromium" >&2
exit 1
