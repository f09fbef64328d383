# SPDX-License-Identifier: MIT
# PCI enumeration, configuration mechanisms and interrupts (sourced by
# tools/run-tests.sh: uses q, OUT).
#
# pci-list: the default machine (i440fx, ports 0xCF8/0xCFC) with a virtio-net
# and a virtio-blk device: one boot line per function with the right ids,
# and /proc/bus/pci/devices lists them in the Linux format; BusyBox lspci
# lists them from sysfs, which also shows eth0 and vda.
# pci-q35: q35 uses ECAM and finds a device behind a PCIe root port on bus 1.
# pci-off: pci=off skips enumeration.
# pci-intx / pci-msix: the self-tests that make an e1000 (INTx, shared
# level line) and an e1000e (MSI-X) interrupt through their cause-set
# register; --expect makes sure they ran rather than skipped.

pci_disk=$OUT/pci-disk.img
rm -f "$pci_disk"
truncate -s 1M "$pci_disk"

q --name pci-list --timeout 90 --cmdline "console=ttyS0" --expect-exit 0 \
    --reject "KERNEL PANIC" \
    --qemu-arg=-device --qemu-arg=virtio-net-pci,netdev=n0 \
    --qemu-arg=-netdev --qemu-arg=user,id=n0,restrict=on \
    --qemu-arg=-drive --qemu-arg=if=none,id=d0,file=$pci_disk,format=raw \
    --qemu-arg=-device --qemu-arg=virtio-blk-pci,drive=d0 \
    --send '# =cat /proc/bus/pci/devices; lspci -k; echo SYS $(cat /sys/class/net/eth0/address /sys/class/net/eth0/mtu /sys/class/net/eth0/operstate /sys/block/vda/size /sys/block/vda/dev); echo pci-done-$((6*7))\r' \
    --until 'pci-done-42' \
    --expect 'pci: config space via ports 0xcf8/0xcfc' \
    --expect 'pci 0000:00:00\.0: 8086:1237 class 0600 \(host bridge\)' \
    --expect 'pci 0000:00:01\.0: 8086:7000 class 0601' \
    --expect 'pci 0000:00:[0-9a-f]{2}\.0: 1af4:1000 class 0200 \(ethernet\) subsys 1af4:0001 irq pin A line [0-9]+ bars: io 0x[0-9a-f]+/32 mem 0x[0-9a-f]+/4K mem64 0x[0-9a-f]+/16K pref .*msix [0-9]+' \
    --expect 'pci 0000:00:[0-9a-f]{2}\.0: 1af4:1001 class 0100 .*msix [0-9]+' \
    --expect 'pci: [0-9]+ functions' \
    --expect '(?m)^0000\t80861237\t0(\t +0){14}\t' \
    --expect '(?m)^00[0-9a-f]{2}\t1af41000\t[0-9a-f]+\t +[0-9a-f]+1\t +[0-9a-f]+000\t +0\t +0\t +[0-9a-f]+00c\t +0\t +[0-9a-f]+\t +20\t +1000\t +0\t +0\t +4000\t +0\t +[0-9a-f]+\t' \
    --expect '(?m)^00[0-9a-f]{2}\t1af41001\t' \
    --expect '(?m)^00:00\.0 Class 0600: 8086:1237\r?$' \
    --expect '(?m)^00:[0-9a-f]{2}\.0 Class 0200: 1af4:1000 virtio-pci\r?$' \
    --expect '(?m)^00:[0-9a-f]{2}\.0 Class 0100: 1af4:1001 virtio-pci\r?$' \
    --expect 'SYS 52:54:00:12:34:56 1500 up 2048 254:0'

q --name pci-q35 --timeout 90 --cmdline "console=ttyS0" --expect-exit 0 \
    --reject "KERNEL PANIC" \
    --qemu-arg=-M --qemu-arg=q35 \
    --qemu-arg=-device --qemu-arg=pcie-root-port,id=rp1,chassis=1 \
    --qemu-arg=-device --qemu-arg=virtio-net-pci,bus=rp1,netdev=n0 \
    --qemu-arg=-netdev --qemu-arg=user,id=n0,restrict=on \
    --send '# =cat /proc/bus/pci/devices; echo pci-done-$((6*7))\r' \
    --until 'pci-done-42' \
    --expect 'pci: config space via ECAM at 0x[0-9a-f]+, segment 0000 buses 00-ff' \
    --expect 'pci 0000:00:00\.0: 8086:29c0 class 0600 \(host bridge\)' \
    --expect 'pci 0000:00:[0-9a-f]{2}\.0: 1b36:000c class 0604 \(PCI bridge\).* bridge to bus 01' \
    --expect 'pci 0000:01:00\.0: 1af4:1041 class 0200 \(ethernet\)' \
    --expect '(?m)^0100\t1af41041\t'

q --name pci-off --timeout 60 --cmdline "console=ttyS0 pci=off" --expect-exit 0 \
    --reject "KERNEL PANIC" --reject 'pci 0000:' --reject 'pci: config space' \
    --send '# =cat /proc/bus/pci/devices; echo pci-done-$((6*7))\r' \
    --until 'pci-done-42' \
    --expect 'pci: disabled by pci=off' \
    --expect 'devices; echo pci-done-\$\(\(6\*7\)\)\r?\npci-done-42'

q --name pci-intx --timeout 90 --selftests --cmdline "console=ttyS0 test selftest=pci_intx" \
    --qemu-arg=-device --qemu-arg=e1000 \
    --expect 'e1000-test: INTx pin A line [0-9]+ -> GSI [0-9]+'

q --name pci-msix --timeout 90 --selftests --cmdline "console=ttyS0 test selftest=pci_msix" \
    --qemu-arg=-device --qemu-arg=e1000e \
    --expect 'e1000e-test: MSI-X with 1 vectors'

# q35: SeaBIOS's INTERRUPT_LINE (a PIC IRQ) also works as the IOAPIC input.
q --name pci-q35-intx --timeout 90 --selftests --cmdline "console=ttyS0 test selftest=pci_intx" \
    --qemu-arg=-M --qemu-arg=q35 --qemu-arg=-device --qemu-arg=e1000 \
    --expect 'e1000-test: INTx pin A line [0-9]+ -> GSI [0-9]+'
rm -f "$pci_disk"
