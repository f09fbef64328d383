#!/usr/bin/env bash
# Install the Debian packages Kiln needs to build, run and test.
# Idempotent: installs only what is missing, says what it installs, and runs
# `apt-get update` only when a package is missing.
set -euo pipefail

PACKAGES=(
    gcc make binutils
    qemu-system-x86 qemu-utils
    grub-pc-bin grub-common xorriso mtools
    cpio gzip
    python3
    gdb
)

missing=()
for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing packages: ${missing[*]}" >&2
    echo "deps: run as root (or install them yourself)" >&2
    exit 1
fi

echo "deps: installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: done"
