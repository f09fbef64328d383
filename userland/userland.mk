# SPDX-License-Identifier: MIT
# User space for the initramfs, included by the top Makefile.
#   make userland     BusyBox (static musl, from Debian's source package) and
#                     the in-guest tests, under build/busybox and build/usertests
# The initramfs depends on it: tools/mkinitramfs.sh packs both. The scripts
# rebuild only what is out of date (BusyBox only when its version,
# userland/busybox.config or tools/build-busybox.sh change).

.PHONY: userland usertests-host
userland:
	@bash tools/build-userland.sh

# Runs the in-guest tests on the host Linux (also part of `make test`).
usertests-host:
	@bash tools/run-host-usertests.sh

$(BUILD)/initramfs.cpio: userland

# Reference run of the same initramfs under Debian's Linux kernel in QEMU
# (downloads linux-image-amd64 once, into build/linux/). Not part of `make test`.
.PHONY: usertests-linux
usertests-linux:
	@bash tools/run-usertests-linux.sh

# User-space figures, Kiln next to Debian's Linux in the same QEMU: the
# in-guest benchmark (userland/bench, /bench/run), boot to the shell prompt,
# smallest -m. Prints, never asserts. Options: BENCH_USER_ARGS="--runs 5
# --skip-linux --skip-mem ..." (see python3 tools/bench-user.py --help).
.PHONY: bench-user
bench-user: deps
	@python3 tools/bench-user.py $(BENCH_USER_ARGS)

# Virtio figures, Kiln next to Debian's Linux in the same QEMU: virtio-blk
# sequential write/read MB/s (/bench/blkbench), raw frames/s between two
# virtio-net NICs on a QEMU hub and interrupts per frame (Kiln: self-test
# net_hub_frames; Linux: /bench/rawframes). Prints, never asserts. Options:
# BENCH_VIRTIO_ARGS="--runs 5 --skip-linux --skip-blk ..." (see
# python3 tools/bench-virtio.py --help).
.PHONY: bench-virtio
bench-virtio: deps
	@python3 tools/bench-virtio.py $(BENCH_VIRTIO_ARGS)
