# SPDX-License-Identifier: MIT
# virtio-net (sourced by tools/run-tests.sh: uses q, record, fail, OUT, ONLY).
#
# net_arp on every transport: modern only, legacy only, transitional (auto
# picks modern), transitional with virtio=legacy, MSI-X off (INTx), two
# NICs on two user networks, and on q35 a modern and a legacy NIC. QEMU
# user networking answers ARP for its gateway 10.0.2.2 even with
# restrict=on. net_hub_frames sends 10,000 frames from eth0 to eth1 over a
# QEMU hub, modern and legacy; net_hub_soak sends 70,000 (the rings'
# 16-bit indices wrap), modern with MSI-X and legacy with INTx (both with
# EVENT_IDX), and modern with event_idx=off on the devices. Last, the
# interfaces as user space sees them: /proc/net/dev and /proc/metrics
# (checked with promtool).

vnet_user() {
    echo "--qemu-arg=-netdev --qemu-arg=user,id=$1,restrict=on"
}

vnet_arp() {
    local name=$1 cmdline=$2 transport=$3
    shift 3
    # shellcheck disable=SC2046
    q --name "$name" --selftests --timeout 60 --cmdline "console=ttyS0 test selftest=net_arp $cmdline" \
        --reject "KERNEL PANIC" --reject "virtio: virtio[0-9]+:" \
        --expect "eth0: virtio-net at virtio0 \\($transport\\), MAC 52:54:00:12:34:56, link up, mtu 1500" \
        --expect "net_arp: eth0: 10\\.0\\.2\\.2 is at 52:55:0a:00:02:02" \
        --expect "SELFTEST PASS net_arp" \
        $(vnet_user n0) "$@"
}

vnet_arp virtio-net-modern "" modern \
    --qemu-arg=-device --qemu-arg=virtio-net-pci,netdev=n0,disable-legacy=on
vnet_arp virtio-net-legacy "" legacy \
    --qemu-arg=-device --qemu-arg=virtio-net-pci,netdev=n0,disable-modern=on
vnet_arp virtio-net-transitional "" modern \
    --qemu-arg=-device --qemu-arg=virtio-net-pci,netdev=n0
vnet_arp virtio-net-transitional-legacy "virtio=legacy" legacy \
    --qemu-arg=-device --qemu-arg=virtio-net-pci,netdev=n0
vnet_arp virtio-net-intx "" modern \
    --qemu-arg=-device --qemu-arg=virtio-net-pci,netdev=n0,vectors=0
vnet_arp virtio-net-intx-legacy "" legacy \
    --qemu-arg=-device --qemu-arg=virtio-net-pci,netdev=n0,vectors=0,disable-modern=on

# shellcheck disable=SC2046
q --name virtio-net-two-nics --selftests --timeout 60 \
    --cmdline "console=ttyS0 test selftest=net_arp" \
    --reject "KERNEL PANIC" --reject "virtio: virtio[0-9]+:" \
    --expect "eth0: virtio-net at virtio0 \\(modern\\), MAC 52:54:00:12:34:56, link up" \
    --expect "eth1: virtio-net at virtio1 \\(modern\\), MAC 52:54:00:12:34:57, link up" \
    --expect "net_arp: eth0: 10\\.0\\.2\\.2 is at 52:55:0a:00:02:02" \
    --expect "net_arp: eth1: 10\\.0\\.2\\.2 is at 52:55:0a:00:02:02" \
    --expect "SELFTEST PASS net_arp" \
    $(vnet_user n0) $(vnet_user n1) \
    --qemu-arg=-device --qemu-arg=virtio-net-pci,netdev=n0 \
    --qemu-arg=-device --qemu-arg=virtio-net-pci,netdev=n1

# q35 (PCIe, ECAM): one modern NIC with MSI-X and one legacy-only NIC on INTx.
# shellcheck disable=SC2046
q --name virtio-net-q35-mixed --selftests --timeout 60 \
    --cmdline "console=ttyS0 test selftest=net_arp" \
    --reject "KERNEL PANIC" --reject "virtio: virtio[0-9]+:" \
    --expect "eth0: virtio-net at virtio0 \\(modern\\), MAC 52:54:00:12:34:56, link up" \
    --expect "eth1: virtio-net at virtio1 \\(legacy\\), MAC 52:54:00:12:34:57, link up" \
    --expect "net_arp: eth0: 10\\.0\\.2\\.2 is at 52:55:0a:00:02:02" \
    --expect "net_arp: eth1: 10\\.0\\.2\\.2 is at 52:55:0a:00:02:02" \
    --qemu-arg=-M --qemu-arg=q35 $(vnet_user n0) $(vnet_user n1) \
    --qemu-arg=-device --qemu-arg=virtio-net-pci,netdev=n0 \
    --qemu-arg=-device --qemu-arg=virtio-net-pci,netdev=n1,disable-modern=on,vectors=0

vnet_hub() {
    local name=$1 opts=$2 test=${3:-net_hub_frames} frames=${4:-10000}
    shift 4 # the rest: extra q arguments
    q --name "$name" --selftests --timeout 180 --cmdline "console=ttyS0 test selftest=$test" \
        --reject "KERNEL PANIC" --reject "virtio: virtio[0-9]+:" "$@" \
        --expect "$test: $frames frames in [0-9]+ ms" \
        --expect "SELFTEST PASS $test" \
        --qemu-arg=-netdev --qemu-arg=hubport,id=h0,hubid=0 \
        --qemu-arg=-netdev --qemu-arg=hubport,id=h1,hubid=0 \
        --qemu-arg=-device --qemu-arg="virtio-net-pci,netdev=h0$opts" \
        --qemu-arg=-device --qemu-arg="virtio-net-pci,netdev=h1$opts"
}

# Both sides negotiate VIRTIO_RING_F_EVENT_IDX unless the device has it off.
VNET_EVIDX=(--expect "virtio0: net .*, MSI-X, event-idx" --expect "virtio1: net .*, event-idx")
vnet_hub virtio-net-hub-modern ",disable-legacy=on" net_hub_frames 10000 "${VNET_EVIDX[@]}"
vnet_hub virtio-net-hub-legacy ",disable-modern=on" net_hub_frames 10000 "${VNET_EVIDX[@]}"
# 70,000 frames: past 65,536 completions, so the 16-bit ring indices wrap.
vnet_hub virtio-net-soak-modern ",disable-legacy=on" net_hub_soak 70000 "${VNET_EVIDX[@]}"
vnet_hub virtio-net-soak-legacy ",disable-modern=on,vectors=0" net_hub_soak 70000 \
    --expect "virtio1: net .*, INTx, event-idx"
# Without EVENT_IDX: interrupt suppression by the avail flag, kicks by the
# used flag.
vnet_hub virtio-net-soak-no-event-idx ",disable-legacy=on,event_idx=off" net_hub_soak 70000 \
    --expect "virtio1: net .*, MSI-X\r?$" --reject "event-idx"

# User space: /proc/net/dev lists eth0 in Linux's layout, and /proc/metrics
# with an interface still passes promtool.
vnet_procfs() {
    local log=$OUT/virtio-net-procfs.log m=$OUT/virtio-net-metrics.txt
    rm -f "$log"
    # shellcheck disable=SC2046
    q --name virtio-net-procfs --cmdline "console=ttyS0 init=/bin/sh" --expect-exit 0 --timeout 90 \
        --reject "KERNEL PANIC" \
        --send '# =cat /proc/net/dev; echo M1-$((1+1)); cat /proc/metrics; echo E1-$((1+1))\r' \
        --until 'E1-2' \
        --expect '(?m)^ face \|bytes    packets errs drop fifo frame compressed multicast\|bytes    packets errs drop fifo colls carrier compressed\r?$' \
        --expect '(?m)^  eth0: +[0-9]+ +[0-9]+( +[0-9]+){14}\r?$' \
        --expect 'kiln_network_receive_packets_total\{interface="eth0"\} [0-9]+' \
        $(vnet_user n0) --qemu-arg=-device --qemu-arg=virtio-net-pci,netdev=n0
    [ -f "$log" ] || return
    tr -d '\r' < "$log" | sed -n '/^M1-2$/,/^E1-2$/p' | sed '1d;$d' |
        grep -Ev '^\[ *[0-9]+\.[0-9]+\] ' > "$m"
    if ! command -v promtool > /dev/null; then
        fail "virtio-net: promtool not found (tools/deps.sh installs Debian's prometheus)"
        return
    fi
    local out
    if [ -s "$m" ] && out=$(promtool check metrics < "$m" 2>&1) && [ -z "$out" ]; then
        echo "PASS virtio-net: promtool check metrics accepts /proc/metrics with eth0" | record
    else
        fail "virtio-net: promtool check metrics with eth0: $(echo "$out" | head -5 | tr '\n' ';')"
    fi
}

if [ -z "${ONLY:-}" ] || [[ virtio-net-procfs =~ $ONLY ]]; then
    vnet_procfs
fi
