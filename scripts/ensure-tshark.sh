#!/usr/bin/env bash
# Installs Debian's tshark for the Wireshark dissector tests when it is missing. CI runs as root
# on a clean Debian machine, so the test suite calls this itself rather than relying on a machine
# someone prepared by hand. debconf would otherwise ask whether non-root users may capture.
set -euo pipefail
if command -v tshark >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-tshark: tshark is not installed and this is not root: apt-get install tshark" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends tshark >/dev/null
command -v tshark >/dev/null
