#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Install the Debian packages Kiln needs to build, run and test.
# Idempotent: installs only what is missing, says what it installs, and runs
# `apt-get update` only when a package or the source index is missing.
# Also makes sure a `deb-src` entry exists, because the userland build fetches
# BusyBox with `apt-get source` (tools/build-busybox.sh).
set -euo pipefail

PACKAGES=(
    gcc make binutils
    qemu-system-x86 qemu-utils
    grub-pc-bin grub-common xorriso mtools
    cpio gzip
    python3
    gdb
    musl-tools    # musl-gcc: BusyBox and the in-guest tests are static musl binaries
    dpkg-dev      # dpkg-source, used by `apt-get source`
    xz-utils bzip2 # unpacking Debian source packages
    linux-libc-dev # kernel headers BusyBox needs (linux/kd.h ...)
    prometheus    # promtool: make test checks /proc/metrics with `promtool check metrics`
    lcov          # make coverage: line coverage of the host unit tests
)

DEB_SRC_FILE=/etc/apt/sources.list.d/kiln-deb-src.sources

missing=()
for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done

# Is there any deb-src entry (one-line or deb822 format)?
have_deb_src() {
    grep -Eqs '^[[:space:]]*deb-src[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list ||
        grep -Eqs '^Types:.*deb-src' /etc/apt/sources.list.d/*.sources
}

# Are source indexes downloaded (there is at least one *_Sources* list)?
have_src_index() {
    compgen -G '/var/lib/apt/lists/*_Sources*' > /dev/null
}

need_src=0
have_deb_src || need_src=1
have_src_index || need_src=1

if [ ${#missing[@]} -eq 0 ] && [ "$need_src" -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    [ ${#missing[@]} -eq 0 ] || echo "deps: missing packages: ${missing[*]}" >&2
    [ "$need_src" -eq 0 ] || echo "deps: no deb-src entry or source index for apt-get source" >&2
    echo "deps: run as root (or install them yourself)" >&2
    exit 1
fi

if ! have_deb_src; then
    # Copy the Debian deb entries with Types: deb-src.
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
        sed -E 's/^Types:[[:space:]]*deb[[:space:]]*$/Types: deb-src/' \
            /etc/apt/sources.list.d/debian.sources > "$DEB_SRC_FILE"
    elif grep -Eqs '^[[:space:]]*deb[[:space:]].*debian' /etc/apt/sources.list; then
        grep -E '^[[:space:]]*deb[[:space:]].*debian' /etc/apt/sources.list |
            sed -E 's/^[[:space:]]*deb[[:space:]]/deb-src /' > "${DEB_SRC_FILE%.sources}.list"
    else
        echo "deps: cannot find a Debian deb entry to derive a deb-src entry from" >&2
        exit 1
    fi
    echo "deps: added a deb-src entry (${DEB_SRC_FILE%.sources}.*)"
fi

export DEBIAN_FRONTEND=noninteractive
echo "deps: apt-get update"
apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
    echo "deps: installing: ${missing[*]}"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "deps: done"
