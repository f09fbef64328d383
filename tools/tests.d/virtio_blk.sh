# SPDX-License-Identifier: MIT
# virtio-blk (sourced by tools/run-tests.sh: uses q, record, fail, OUT, ONLY).
#
# virtio-blk-modern, -legacy, -transitional, -forced-legacy, -q35: one
# 64 MiB disk per boot, on each transport (disable-legacy=on,
# disable-modern=on, both offered, both offered with virtio=legacy, and a
# transitional device on q35's PCI Express), and a legacy device with a
# 4-entry queue (virtio-blk-small-queue); virtio-blk-modern-no-event-idx
# is the modern one with event_idx=off on the device. In the guest: t_blk over the
# whole disk; 64 MiB written with dd bs=64k and read back, with the request
# and sector counts of /proc/diskstats matching what dd did; a copy of
# BusyBox at an unaligned offset and md5sum of the disk. On the host, after
# QEMU: the image's md5 equals the guest's and the copy is byte-exact.
# virtio-blk-two-disks: vda, vdb (4096-byte blocks, INTx: no MSI-X vectors)
# and vdc (read-only) in one boot: all in /proc/partitions, t_blk on vdb,
# writing vdb leaves vda unchanged (md5 before and after), writes to vdc
# fail (EPERM) and its image stays zero.
# virtio-blk-wrap: 70,000 one-sector writes and reads on a legacy device
# (the ring indices wrap), counted exactly, checked against the image.
# Images are sparse files under build/tests, deleted afterwards.

vblk_wanted() {
    [ -z "${ONLY:-}" ] || [[ "$1" =~ $ONLY ]]
}

# The md5 the guest printed as `MD5-<tag> <md5>` (the last one).
vblk_guest_md5() {
    tr -d '\r' < "$1" | sed -n "s/^MD5-$2 \([0-9a-f]\{32\}\).*/\1/p" | tail -n 1
}

vblk_host_md5() {
    md5sum < "$1" | cut -d' ' -f1
}

# Compares the guest's md5 of a disk with the image's.
vblk_check_md5() {
    local name=$1 log=$2 tag=$3 img=$4 gm hm
    gm=$(vblk_guest_md5 "$log" "$tag")
    hm=$(vblk_host_md5 "$img")
    if [ -n "$gm" ] && [ "$gm" = "$hm" ]; then
        echo "PASS $name: guest md5 of /dev/$tag matches the image on the host" | record
    else
        fail "$name: guest md5 of /dev/$tag '${gm:-none}' != host md5 of the image $hm"
    fi
}

# BusyBox copied at byte offset off of the image is byte-exact.
vblk_check_copy() {
    local name=$1 img=$2 off=$3 disk=${4:-vda} bb=build/busybox/busybox
    if cmp -s -n "$(stat -c %s "$bb")" "$bb" <(tail -c +$((off + 1)) "$img"); then
        echo "PASS $name: BusyBox written to $disk at offset $off is in the image byte for byte" |
            record
    else
        fail "$name: the image of $disk does not hold BusyBox at offset $off"
    fi
}

# Written 1000 bytes at a time from byte 1049000: no write is
# sector-aligned, so each reads, patches and writes back its end sectors.
VBLK_COPY_OFF=1049000

vblk_mode() {
    local name=$1 devopts=$2 extra=$3 transport=$4
    shift 4 # the rest: extra QEMU arguments
    vblk_wanted "$name" || return
    local img=$OUT/$name.img log=$OUT/$name.log
    rm -f "$img" "$log"
    truncate -s 64M "$img"
    q --name "$name" --cmdline "console=ttyS0 $extra" --timeout 300 --expect-exit 0 "$@" \
        --qemu-arg=-drive --qemu-arg="if=none,id=d0,file=$img,format=raw,cache=unsafe" \
        --qemu-arg=-device --qemu-arg="virtio-blk-pci,drive=d0$devopts" \
        --expect "vda: virtio-blk at virtio[0-9]+ \\($transport\\), 131072 sectors \\(64 MiB\\), block size 512, flush" \
        --expect "^ 254        0      65536 vda" \
        --expect "t_blk finished: [0-9]+ pass, 0 fail" --reject "FAIL t_blk" \
        --expect "STREAM-W 1024 131072" --expect "STREAM-R 1024 131072" \
        --expect "^COPY [0-9]+ OK" \
        --reject "KERNEL PANIC" --reject "I/O error" --reject "virtio: virtio" \
        --send '# =cat /proc/partitions; /tests/t_blk /dev/vda; echo T-$((1+1))\r' \
        --send 'T-2[^#]*# =set -- $(cat /proc/diskstats); w=$8 ws=${10}; dd if=/dev/zero of=/dev/vda bs=64k count=1024; set -- $(cat /proc/diskstats); echo STREAM-W $(($8-w)) $((${10}-ws)) W-$((1+1))\r' \
        --send 'W-2[^#]*# =set -- $(cat /proc/diskstats); r=$4 rs=$6; dd if=/dev/vda of=/dev/null bs=64k; set -- $(cat /proc/diskstats); echo STREAM-R $(($4-r)) $(($6-rs)) R-$((1+1))\r' \
        --send "R-2[^#]*# =dd if=/bin/busybox of=/dev/vda bs=1000 seek=$((VBLK_COPY_OFF / 1000)) conv=notrunc 2>/dev/null && echo COPY \$(stat -c %s /bin/busybox) OK; echo MD5-vda \$(md5sum < /dev/vda); echo DONE-\$((1+1))\r" \
        --until 'DONE-2'
    if [ -f "$log" ] && grep -q 'DONE-2' "$log"; then
        vblk_check_md5 "$name" "$log" vda "$img"
        vblk_check_copy "$name" "$img" "$VBLK_COPY_OFF"
    fi
    rm -f "$img"
}

vblk_mode virtio-blk-modern ",disable-legacy=on" "" modern \
    --expect "virtio[0-9]+: block .*, event-idx"
# The same without VIRTIO_RING_F_EVENT_IDX (flags suppress interrupts, kicks).
vblk_mode virtio-blk-modern-no-event-idx ",disable-legacy=on,event_idx=off" "" modern \
    --expect "virtio[0-9]+: block .*, MSI-X\r?$" --reject "event-idx"
vblk_mode virtio-blk-legacy ",disable-modern=on" "" legacy
vblk_mode virtio-blk-transitional "" "" modern
vblk_mode virtio-blk-forced-legacy "" "virtio=legacy" legacy
vblk_mode virtio-blk-q35 "" "" modern --qemu-arg=-M --qemu-arg=q35
# A 4-entry ring holds one 3-descriptor request: every other request waits
# for descriptors (backpressure), none may be lost or overwritten.
vblk_mode virtio-blk-small-queue ",disable-modern=on,queue-size=4" "" legacy

vblk_two_disks() {
    local name=virtio-blk-two-disks
    vblk_wanted "$name" || return
    local a=$OUT/$name-a.img b=$OUT/$name-b.img c=$OUT/$name-c.img log=$OUT/$name.log
    rm -f "$a" "$b" "$c" "$log"
    truncate -s 8M "$a" "$b" "$c"
    q --name "$name" --cmdline "console=ttyS0" --timeout 240 --expect-exit 0 \
        --qemu-arg=-drive --qemu-arg="if=none,id=d0,file=$a,format=raw,cache=unsafe" \
        --qemu-arg=-device --qemu-arg="virtio-blk-pci,drive=d0" \
        --qemu-arg=-drive --qemu-arg="if=none,id=d1,file=$b,format=raw,cache=unsafe" \
        --qemu-arg=-device \
        --qemu-arg="virtio-blk-pci,drive=d1,logical_block_size=4096,physical_block_size=4096,vectors=0" \
        --qemu-arg=-drive --qemu-arg="if=none,id=d2,file=$c,format=raw,readonly=on" \
        --qemu-arg=-device --qemu-arg="virtio-blk-pci,drive=d2" \
        --expect "vdb: virtio-blk at virtio[0-9]+ \\(modern\\), 16384 sectors \\(8 MiB\\), block size 4096" \
        --expect "vdc: virtio-blk at .*read-only" --expect "virtio1: block .*INTx" \
        --expect "^ 254        0       8192 vda" --expect "^ 254       16       8192 vdb" \
        --expect "^ 254       32       8192 vdc" \
        --expect "t_blk finished: [0-9]+ pass, 0 fail" --reject "FAIL t_blk" \
        --expect "logical block size 4096" \
        --expect "^SAME-VDA yes" --expect "^VDC-WRITE refused" \
        --reject "KERNEL PANIC" --reject "I/O error" \
        --send '# =dd if=/bin/busybox of=/dev/vda bs=4k 2>/dev/null; a=$(md5sum < /dev/vda); cat /proc/partitions; /tests/t_blk /dev/vdb; echo T-$((1+1))\r' \
        --send 'T-2[^#]*# =dd if=/bin/busybox of=/dev/vdb bs=4k seek=7 conv=notrunc 2>/dev/null; [ "$a" = "$(md5sum < /dev/vda)" ] && echo SAME-VDA yes; echo MD5-vda $a; echo MD5-vdb $(md5sum < /dev/vdb)\r' \
        --send 'MD5-vdb [0-9a-f][^#]*# =if echo x | dd of=/dev/vdc 2>/dev/null; then echo VDC-WRITE done; else echo VDC-WRITE refused; fi; cat /proc/diskstats; echo DONE-$((1+1))\r' \
        --until 'DONE-2'
    if [ -f "$log" ] && grep -q 'DONE-2' "$log"; then
        vblk_check_md5 "$name" "$log" vda "$a"
        vblk_check_md5 "$name" "$log" vdb "$b"
        vblk_check_copy "$name" "$a" 0 vda
        vblk_check_copy "$name" "$b" 28672 vdb
        if [ "$(vblk_host_md5 "$c")" = "$(head -c 8M /dev/zero | md5sum | cut -d' ' -f1)" ]; then
            echo "PASS $name: the read-only disk is unchanged" | record
        else
            fail "$name: the read-only disk's image changed"
        fi
    fi
    rm -f "$a" "$b" "$c"
}

vblk_two_disks

# 70,000 single-sector reads and writes: past 65,536 requests, so the ring's
# 16-bit indices wrap; /proc/diskstats must count every request.
vblk_wrap() {
    local name=virtio-blk-wrap
    vblk_wanted "$name" || return
    local img=$OUT/$name.img
    rm -f "$img"
    truncate -s 64M "$img"
    q --name "$name" --cmdline "console=ttyS0" --timeout 240 --expect-exit 0 \
        --qemu-arg=-drive --qemu-arg="if=none,id=d0,file=$img,format=raw,cache=unsafe" \
        --qemu-arg=-device --qemu-arg="virtio-blk-pci,drive=d0,disable-modern=on" \
        --expect "^WRAP-W 70000 70000" --expect "^WRAP-R 70000 70000" \
        --reject "KERNEL PANIC" --reject "I/O error" --reject "virtio: virtio" \
        --send '# =set -- $(cat /proc/diskstats); w=$8 ws=${10}; dd if=/dev/urandom of=/dev/vda bs=512 count=70000 2>/dev/null; set -- $(cat /proc/diskstats); echo WRAP-W $(($8-w)) $((${10}-ws)); set -- $(cat /proc/diskstats); r=$4 rs=$6; dd if=/dev/vda of=/dev/null bs=512 count=70000 2>/dev/null; set -- $(cat /proc/diskstats); echo WRAP-R $(($4-r)) $(($6-rs)); echo MD5-vda $(head -c 35840000 /dev/vda | md5sum); echo DONE-$((1+1))\r' \
        --until 'DONE-2'
    local log=$OUT/$name.log
    if [ -f "$log" ] && grep -q 'DONE-2' "$log"; then
        local gm hm
        gm=$(vblk_guest_md5 "$log" vda)
        hm=$(head -c 35840000 "$img" | md5sum | cut -d' ' -f1)
        if [ -n "$gm" ] && [ "$gm" = "$hm" ]; then
            echo "PASS $name: the 70,000 sectors written match the image on the host" | record
        else
            fail "$name: guest md5 '${gm:-none}' of the first 70,000 sectors != host $hm"
        fi
    fi
    rm -f "$img"
}

vblk_wrap
