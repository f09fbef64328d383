// SPDX-License-Identifier: MIT
#include <abi/errno.h>
#include <arch/x86_64/memlayout.h>
#include <arch/x86_64/paging.h>
#include <kernel/kstack.h>
#include <kernel/page_alloc.h>
#include <kernel/spinlock.h>

#define KSTACK_SLOTS 4096
#define KSTACK_PAGES ((int)(KSTACK_SIZE / PAGE_SIZE))

static u64 slot_bitmap[KSTACK_SLOTS / 64];
static spinlock_t kstack_lock = SPINLOCK_INIT("kstack");

static u64 slot_bottom(int slot)
{
    return KSTACK_AREA_BASE + (u64)slot * KSTACK_SLOT_SIZE + (KSTACK_SLOT_SIZE - KSTACK_SIZE);
}

static int slot_take(void)
{
    u64 flags = spin_lock_irqsave(&kstack_lock);
    int slot = -ENOMEM;
    for (int i = 0; i < KSTACK_SLOTS / 64; i++) {
        if (~slot_bitmap[i]) {
            int bit = __builtin_ctzll(~slot_bitmap[i]);
            slot_bitmap[i] |= 1ull << bit;
            slot = i * 64 + bit;
            break;
        }
    }
    spin_unlock_irqrestore(&kstack_lock, flags);
    return slot;
}

static void slot_put(int slot)
{
    u64 flags = spin_lock_irqsave(&kstack_lock);
    slot_bitmap[slot / 64] &= ~(1ull << (slot % 64));
    spin_unlock_irqrestore(&kstack_lock, flags);
}

static void unmap_stack_pages(u64 bottom, int mapped)
{
    for (int i = 0; i < mapped; i++) {
        phys_addr_t pa;
        if (vm_unmap_page(&kernel_as, bottom + (u64)i * PAGE_SIZE, &pa) == 0) {
            page_free(phys_to_virt(pa), 0);
        }
    }
}

int kstack_alloc(u64 *bottom, u64 *top)
{
    int slot = slot_take();
    if (slot < 0) {
        return slot;
    }
    u64 base = slot_bottom(slot);
    for (int i = 0; i < KSTACK_PAGES; i++) {
        void *frame = page_alloc(0);
        if (!frame || vm_map_page(&kernel_as, base + (u64)i * PAGE_SIZE, virt_to_phys(frame),
                                  PTE_KERNEL_RW) < 0) {
            if (frame) {
                page_free(frame, 0);
            }
            unmap_stack_pages(base, i);
            slot_put(slot);
            return -ENOMEM;
        }
    }
    *bottom = base;
    *top = base + KSTACK_SIZE;
    return slot;
}

void kstack_free(int slot)
{
    unmap_stack_pages(slot_bottom(slot), KSTACK_PAGES);
    slot_put(slot);
}
