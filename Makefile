# SPDX-License-Identifier: MIT
# Kiln: build the kernel, the boot ISO, run it, test it.
#   make            build build/kiln.elf and build/kiln.iso
#   make run        boot the ISO in QEMU (MEM=, CMDLINE=, QEMU_ARGS=, GDB=1, LOG=)
#   make gdb        attach gdb to a `make run GDB=1`
#   make test       host unit tests + QEMU integration tests
#   make test-stress  make test RUNS times (5) with every core kept busy
#   make coverage   line coverage of the kernel code the host unit tests run
#   make bench      boot-time, memory and size figures

BUILD := build
CC := gcc
LD := ld
OBJCOPY := objcopy

MEM ?= 128M
CMDLINE ?=
QEMU_ARGS ?=
GDB ?= 0
DISK ?=
LOG ?=
RUNS ?= 5

CPPFLAGS := -Iinclude -nostdinc -isystem $(shell $(CC) -print-file-name=include) -MMD -MP
CFLAGS := -std=gnu11 -O2 -g -ffreestanding -mcmodel=kernel -mno-red-zone -mno-sse -mno-mmx \
    -mno-sse2 -mno-avx -fno-pic -fno-pie -fno-stack-protector -fno-omit-frame-pointer \
    -fno-strict-aliasing -fno-asynchronous-unwind-tables -fno-common \
    -Wall -Wextra -Werror -Wno-unused-parameter -Wmissing-prototypes
ASFLAGS := -D__ASSEMBLER__
LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments \
    -T boot/linker.ld

# Every .c and .S under the kernel's folders, at any depth.
SRCS := $(sort $(shell find arch kernel drivers fs net -name '*.c' -o -name '*.S'))
OBJS := $(patsubst %,$(BUILD)/obj/%.o,$(SRCS))

# string.c implements memcpy/memset: keep gcc from turning its loops into calls to itself.
$(BUILD)/obj/kernel/lib/string.c.o: CFLAGS += -fno-tree-loop-distribute-patterns

.PHONY: all run gdb test test-stress coverage bench clean deps syscall-docs FORCE
all: $(BUILD)/kiln.elf $(BUILD)/kiln.iso

deps:
	@bash tools/deps.sh

$(BUILD)/obj/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/obj/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ASFLAGS) -c $< -o $@

# Two links: the first with an empty symbol table, the second with the
# symbols of the first. The table sits at the end of .rodata, so code
# addresses are the same in both (checked).
$(BUILD)/ksyms-empty.S: tools/gen-ksyms.sh
	@mkdir -p $(BUILD)
	bash tools/gen-ksyms.sh > $@

$(BUILD)/kiln.pass1.elf: $(OBJS) $(BUILD)/ksyms-empty.o boot/linker.ld
	$(LD) $(LDFLAGS) -o $@ $(OBJS) $(BUILD)/ksyms-empty.o

$(BUILD)/ksyms.S: $(BUILD)/kiln.pass1.elf tools/gen-ksyms.sh
	bash tools/gen-ksyms.sh $< > $@

$(BUILD)/%.o: $(BUILD)/%.S
	$(CC) $(ASFLAGS) -c $< -o $@

$(BUILD)/kiln.elf: $(BUILD)/kiln.pass1.elf $(BUILD)/ksyms.o
	$(LD) $(LDFLAGS) -o $@ $(OBJS) $(BUILD)/ksyms.o
	@bash tools/gen-ksyms.sh $@ | cmp -s - $(BUILD)/ksyms.S || \
	    { echo "error: code moved between the two links"; rm -f $@; exit 1; }
	@python3 tools/check-syscalls.py $@ || { rm -f $@; exit 1; }

$(BUILD)/initramfs.cpio: FORCE
	@bash tools/mkinitramfs.sh $@

include userland/userland.mk

$(BUILD)/kiln.iso: $(BUILD)/kiln.elf $(BUILD)/initramfs.cpio boot/grub.cfg tools/mkiso.sh
	bash tools/mkiso.sh $@ "console=ttyS0" $(BUILD)/initramfs.cpio

RUN_CMDLINE := console=ttyS0 $(CMDLINE) $(if $(LOG),log=$(LOG))

run: deps all
	bash tools/mkiso.sh $(BUILD)/run.iso "$(RUN_CMDLINE)" $(BUILD)/initramfs.cpio
	MEM=$(MEM) GDB=$(GDB) DISK=$(DISK) QEMU_ARGS="$(QEMU_ARGS)" bash tools/qemu-run.sh $(BUILD)/run.iso

gdb:
	gdb -ex 'target remote :1234' $(BUILD)/kiln.elf

test: deps
	bash tools/run-tests.sh

coverage: deps
	@bash tools/coverage.sh

test-stress: deps
	RUNS=$(RUNS) bash tools/test-stress.sh

bench: deps all
	python3 tools/bench-boot.py

# The README's syscall table, from the table and the built kernel.
syscall-docs: $(BUILD)/kiln.elf
	python3 tools/gen-syscall-doc.py --check-readme README.md

clean:
	rm -rf $(BUILD)

-include $(OBJS:.o=.d)
