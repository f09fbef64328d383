#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds a bootable GRUB ISO (BIOS, hybrid: also boots as a disk image).
#   tools/mkiso.sh OUT.iso "KERNEL CMDLINE" [MODULE...]
# Each MODULE becomes a module2 line, in order. With no MODULE the ISO has
# no module at all. The kernel is build/kiln.elf (or $KERNEL).
set -euo pipefail
out=$1
cmdline=$2
shift 2
kernel=${KERNEL:-build/kiln.elf}
root=$(dirname "$0")/..

stage=$(mktemp -d "${TMPDIR:-/tmp}/kiln-iso.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/boot/grub"
cp "$kernel" "$stage/boot/kiln.elf"

modlines=""
i=0
for m in "$@"; do
    name="module$i-$(basename "$m")"
    cp "$m" "$stage/boot/$name"
    modlines+="    module2 /boot/$name $name"$'\n'
    i=$((i + 1))
done

# Escape characters special to sed's replacement text.
esc_cmdline=$(printf '%s' "$cmdline" | sed -e 's/[\/&|]/\\&/g')
awk -v mods="$modlines" '
    /^[[:space:]]*module2 / { printf "%s", mods; next }
    { print }' "$root/boot/grub.cfg" |
    sed "s|@CMDLINE@|$esc_cmdline|" > "$stage/boot/grub/grub.cfg"

# Only the GRUB modules the menu needs: a smaller ISO loads faster under TCG.
if ! grub-mkrescue -o "$out" --install-modules="multiboot2 normal serial terminal iso9660 biosdisk echo test halt part_acorn part_amiga part_apple part_bsd part_dfly part_dvh part_gpt part_msdos part_plan part_sun part_sunpc" \
    --locales= --fonts= --themes= "$stage" > "$stage.log" 2>&1; then
    cat "$stage.log" >&2
    rm -f "$stage.log"
    exit 1
fi
rm -f "$stage.log"
