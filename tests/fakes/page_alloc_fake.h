/* SPDX-License-Identifier: MIT */
/* Host fake of the page allocator: a buddy zone over an aligned host arena,
 * with pfn = address >> PAGE_SHIFT. */
#ifndef TESTS_FAKES_PAGE_ALLOC_FAKE_H
#define TESTS_FAKES_PAGE_ALLOC_FAKE_H

#include <kernel/buddy.h>
#include <stddef.h>

/* (Re)creates the arena with npages frames, all free. */
void fake_pages_init(size_t npages);
/* Releases the arena (call before exit so leak checks stay clean). */
void fake_pages_fini(void);
/* The next n page_alloc calls succeed (if memory allows), later ones return
 * NULL; n < 0 removes the limit. */
void fake_pages_set_fail_after(long n);
/* The zone behind the fake, e.g. for buddy_check. */
struct buddy_zone *fake_pages_zone(void);

#endif
