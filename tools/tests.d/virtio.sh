# SPDX-License-Identifier: MIT
# Virtio PCI transports (sourced by tools/run-tests.sh; uses its q).
#
# Each boot has a virtio-net device (whatever its driver does, the log line
# names the transport and interrupt mode chosen) and most a virtio-rng
# device, which no driver takes: the virtio_pci_entropy self-test drives
# it through the core (queue, notify, completions via the interrupt), so
# every transport x interrupt pair is exercised end to end. Networking is
# user mode with restrict=on. Four self-test boots and one to user space.

virtio_q() {
    local name=$1 mode=$2 machine=$3 net=$4 rng=$5
    shift 5
    q --name "$name" --timeout 60 --cmdline "console=ttyS0 test selftest=virtio_pci_entropy virtio=$mode" \
        --selftests --qemu-arg=-M --qemu-arg="$machine" \
        --qemu-arg=-netdev --qemu-arg=user,id=n0,restrict=on \
        --qemu-arg=-device --qemu-arg="virtio-net-pci,netdev=n0$net" \
        --qemu-arg=-device --qemu-arg="virtio-rng-pci$rng" \
        --reject "KERNEL PANIC" --reject "Oops" "$@"
}

# Transitional devices, auto: modern with MSI-X.
virtio_q virtio-auto-modern-msix auto pc "" "" \
    --expect "virtio0: net \(1af4:1000\) at 0000:00:0[0-9a-f]\.0, modern transport, MSI-X" \
    --expect "virtio1: entropy \(1af4:1005\) at .*, modern transport, MSI-X" \
    --expect "virtio_pci_entropy: virtio1: 20 requests over the modern transport with MSI-X"

# virtio=legacy on transitional devices; no MSI-X vectors: INTx.
virtio_q virtio-legacy-intx legacy pc "" ",vectors=0" \
    --expect "virtio0: net \(1af4:1000\) at .*, legacy transport, MSI-X" \
    --expect "virtio1: entropy \(1af4:1005\) at .*, legacy transport, INTx" \
    --expect "virtio_pci_entropy: virtio1: 20 requests over the legacy transport with INTx"

# virtio=modern: a legacy-only device is refused, a modern-only one works
# with INTx (q35, ECAM).
virtio_q virtio-modern-intx-q35 modern q35 ",disable-modern=on" ",disable-legacy=on,vectors=0" \
    --expect "virtio: virtio0: no modern interface" \
    --expect "virtio1: entropy \(1af4:1044\) at .*, modern transport, INTx" \
    --expect "virtio_pci_entropy: virtio1: 20 requests over the modern transport with INTx"

# auto on legacy-only devices: legacy with MSI-X (device config at 0x18).
virtio_q virtio-auto-legacy-msix-q35 auto q35 ",disable-modern=on" ",disable-modern=on" \
    --expect "virtio0: net \(1af4:1000\) at .*, legacy transport, MSI-X" \
    --expect "virtio1: entropy \(1af4:1005\) at .*, legacy transport, MSI-X" \
    --expect "virtio_pci_entropy: virtio1: 20 requests over the legacy transport with MSI-X"

# Bad input QEMU allows: virtio=legacy on a modern-only device. It is left
# alone and the system comes up to user space anyway.
q --name virtio-no-legacy-interface --timeout 60 --expect-exit 0 \
    --cmdline "console=ttyS0 shutdown=poweroff virtio=legacy" \
    --qemu-arg=-netdev --qemu-arg=user,id=n0,restrict=on \
    --qemu-arg=-device --qemu-arg=virtio-net-pci,netdev=n0,disable-legacy=on \
    --expect "virtio: virtio0: no legacy interface" \
    --expect "virtio0: net \(1af4:1041\) at .* left alone" \
    --expect "kiln: ready" --expect "power: off" \
    --reject "KERNEL PANIC" --reject "Oops"
