/* SPDX-License-Identifier: MIT */
/* What the VM needs from files for file mappings (kernel/vm/vm_file.c). */
#ifndef KERNEL_VM_FILE_H
#define KERNEL_VM_FILE_H

#include <kernel/types.h>

struct file;

struct file *vm_file_get(struct file *f);
void vm_file_put(struct file *f);
/* The frame holding page pgoff of f, with a reference taken for the
 * caller; -EFAULT beyond the end of the file. */
int vm_file_page(struct file *f, u64 pgoff, bool write, phys_addr_t *pa);

/* The file behind fd for mmap, with a reference; NULL and *err set
 * (-EBADF, -EACCES, -ENODEV) when it cannot be mapped that way. */
struct file *vm_file_from_fd(int fd, u32 prot, u32 flags, int *err);

#endif
