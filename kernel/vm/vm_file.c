/* File mappings on top of the VFS. (Placeholder until the VFS lands:
 * file mappings are refused with ENODEV.) */
#include <kernel/errno.h>
#include <kernel/vm_file.h>

struct file *vm_file_get(struct file *f)
{
    return f;
}

void vm_file_put(struct file *f)
{
    (void)f;
}

int vm_file_page(struct file *f, u64 pgoff, bool write, phys_addr_t *pa)
{
    (void)f;
    (void)pgoff;
    (void)write;
    (void)pa;
    return -EFAULT;
}

struct file *vm_file_from_fd(int fd, u32 prot, u32 flags, int *err)
{
    (void)fd;
    (void)prot;
    (void)flags;
    *err = -ENODEV;
    return NULL;
}
