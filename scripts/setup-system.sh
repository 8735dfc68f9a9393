#!/usr/bin/env bash
# Installs the Debian packages the tests and the SBC use as real parts:
#   sip-tester        sipp, a real SIP peer for call tests and benchmarks
#   rtpengine-daemon  the userspace media proxy (not the `rtpengine` metapackage:
#                     that one pulls a kernel module through dkms)
#   chromium          real browser for the web editor tests (driven by playwright-core)
#   iproute2          `ip`, to bring up loopback in the test network namespaces
#   postgresql        the shared store of several SBC nodes (cluster and store tests
#                     run their own server from /usr/lib/postgresql/*/bin in a temp dir)
#   redis-server      the shared admission counters of several SBC nodes
# Idempotent: when every package is present it changes nothing and does not
# touch the network; otherwise it runs `apt-get update` once, then installs.
set -euo pipefail

packages=(sip-tester rtpengine-daemon chromium iproute2 util-linux openssl postgresql redis-server)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup-system: all present (${packages[*]})"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup-system: missing ${missing[*]}; run this script as root (it uses apt-get)" >&2
  exit 1
fi

echo "setup-system: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"

for tool in sipp rtpengine chromium ip unshare openssl redis-server; do
  command -v "$tool" >/dev/null || { echo "setup-system: '$tool' still missing after install" >&2; exit 1; }
done
echo "setup-system: done"
