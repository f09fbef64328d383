// SPDX-License-Identifier: MIT
/* File mappings on top of the VFS: the VMA holds a file reference, and
 * faults take page references through vfs_file_get_page. */
#include <abi/errno.h>
#include <abi/fcntl.h>
#include <abi/stat.h>
#include <fs/fdtable.h>
#include <fs/vfs.h>
#include <kernel/vm.h>
#include <kernel/vm_file.h>

struct file *vm_file_get(struct file *f)
{
    return file_get(f);
}

void vm_file_put(struct file *f)
{
    file_put(f);
}

int vm_file_page(struct file *f, u64 pgoff, bool write, phys_addr_t *pa)
{
    /* -ENXIO beyond the end of the file: the fault becomes SIGBUS. */
    return vfs_file_get_page(f, pgoff, write, pa);
}

struct file *vm_file_from_fd(int fd, u32 prot, u32 flags, int *err)
{
    struct file *f = fd_get(fd);
    if (!f) {
        *err = -EBADF;
        return NULL;
    }
    *err = 0;
    if (!f->ops || !f->ops->get_page) {
        *err = -ENODEV;
    } else if (!(f->fmode & FMODE_READ)) {
        *err = -EACCES;
    } else if ((flags & MAP_SHARED) && (prot & PROT_WRITE) && !(f->fmode & FMODE_WRITE)) {
        *err = -EACCES;
    }
    if (*err) {
        file_put(f);
        return NULL;
    }
    return f;
}
