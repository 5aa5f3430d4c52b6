#!/usr/bin/env bash
# Installs the Debian packages MoKus builds against, when they are missing:
# OpenBLAS (CBLAS), LAPACKE, libpng, libturbojpeg (JPEG concept photos), libyaml; GNU time (the fuzz tests read a run's peak memory
# with it). Uses sudo when not run as root.
set -euo pipefail
packages=(libopenblas-dev liblapacke-dev libpng-dev libturbojpeg0-dev libyaml-dev pkg-config time)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "system packages: all present (${packages[*]})"
    exit 0
fi
echo "system packages: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq "${missing[@]}"
