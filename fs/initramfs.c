// SPDX-License-Identifier: MIT
/* Unpacks the initramfs modules into the root tmpfs; behaves like Linux's
 * initramfs unpacking: modules in order, each possibly several concatenated
 * newc/crc archives; later entries replace earlier ones; hard links are
 * entries sharing (ino, dev) within one archive, made with link() and
 * given the data of the entry that carries it (GNU cpio puts it on the
 * last); modes, owners and mtimes are applied after the data, directory
 * mtimes once the whole module is in (their contents change them).
 * Unlike Linux, missing parent directories are created (0755), and every
 * problem stops the unpack with a message naming the entry and offset.
 *
 * Compressed archives are refused: GRUB's module2 gunzips gzip modules
 * itself, so a gzip magic here means the module was loaded with
 * --nounzip; other compressors are not supported. */
#include <abi/errno.h>
#include <arch/x86_64/memlayout.h>
#include <fs/cpio.h>
#include <fs/initramfs.h>
#include <fs/vfs.h>
#include <kernel/format.h>
#include <kernel/kmalloc.h>
#include <kernel/printk.h>
#include <kernel/string.h>

#define MSG_LEN 256

struct hard_link {
    u32 ino, major, minor, type;
    char *path;
    struct hard_link *next;
};

struct dir_mtime {
    char *path;
    u32 mtime;
    struct dir_mtime *next;
};

struct unpack {
    struct hard_link *links;
    struct dir_mtime *dirs;
    char *path; /* PATH_MAX: "/" + normalized entry name */
    char *target; /* PATH_MAX: symlink target */
    char *msg;
    size_t msglen;
    const struct cpio_entry *e;
};

static char error_msg[MSG_LEN];

static char *dup_str(const char *s)
{
    size_t n = strlen(s);
    char *d = kmalloc(n + 1);
    if (d) {
        memcpy(d, s, n + 1);
    }
    return d;
}

static void free_links(struct unpack *u)
{
    while (u->links) {
        struct hard_link *l = u->links;
        u->links = l->next;
        kfree(l->path);
        kfree(l);
    }
}

static void apply_dir_mtimes(struct unpack *u)
{
    while (u->dirs) {
        struct dir_mtime *d = u->dirs;
        struct vfs_time t[2] = {{d->mtime, 0}, {d->mtime, 0}};
        u->dirs = d->next;
        vfs_utimensat(AT_FDCWD, d->path, t, 0);
        kfree(d->path);
        kfree(d);
    }
}

/* Records a failure of the current entry; returns err. */
static int entry_fail(struct unpack *u, int err, const char *what)
{
    const struct cpio_entry *e = u->e;

    ksnprintf(u->msg, u->msglen, "entry '%.*s' (%s) at offset %llu: %s (error %d)",
              (int)MIN(e->name_len, (size_t)100), e->name, cpio_type_name(e->mode),
              (unsigned long long)e->offset, what, err);
    return err;
}

/* mkdir -p of the parents of path (absolute). */
static int make_parents(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/') {
            continue;
        }
        *p = '\0';
        int err = vfs_mkdirat(AT_FDCWD, path, 0755);
        *p = '/';
        if (err && err != -EEXIST) {
            return err;
        }
    }
    return 0;
}

/* Removes whatever is at path unless it is of type keep_type (0: remove
 * anything). Directories must be empty. */
static int clean_path(const char *path, u32 keep_type)
{
    struct linux_stat st;
    int err = vfs_fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW);

    if (err == -ENOENT) {
        return 0;
    }
    if (err) {
        return err;
    }
    if (keep_type && (st.st_mode & S_IFMT) == keep_type) {
        return 0;
    }
    return vfs_unlinkat(AT_FDCWD, path, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0);
}

static int set_attrs(const char *path, const struct cpio_entry *e, bool nofollow, bool mtime)
{
    int flags = nofollow ? AT_SYMLINK_NOFOLLOW : 0;
    int err = vfs_fchownat(AT_FDCWD, path, e->uid, e->gid, flags);

    if (!err && !S_ISLNK(e->mode)) {
        err = vfs_fchmodat(AT_FDCWD, path, e->mode & S_IALLUGO, 0);
    }
    if (!err && mtime) {
        struct vfs_time t[2] = {{e->mtime, 0}, {e->mtime, 0}};
        err = vfs_utimensat(AT_FDCWD, path, t, flags);
    }
    return err;
}

/* The name an earlier entry of this hard-link group was unpacked as. */
static const char *find_link(struct unpack *u, const struct cpio_entry *e)
{
    if (e->nlink < 2) {
        return NULL;
    }
    for (struct hard_link *l = u->links; l; l = l->next) {
        if (l->ino == e->ino && l->major == e->devmajor && l->minor == e->devminor &&
            l->type == (e->mode & S_IFMT)) {
            return l->path;
        }
    }
    return NULL;
}

/* Remembers the first entry of a hard-link group once it exists. */
static int record_link(struct unpack *u, const struct cpio_entry *e)
{
    struct hard_link *l = kzalloc(sizeof(*l));

    if (!l || !(l->path = dup_str(u->path))) {
        kfree(l);
        return entry_fail(u, -ENOMEM, "out of memory");
    }
    l->ino = e->ino;
    l->major = e->devmajor;
    l->minor = e->devminor;
    l->type = e->mode & S_IFMT;
    l->next = u->links;
    u->links = l;
    return 0;
}

static int write_data(struct unpack *u, struct file *f)
{
    const struct cpio_entry *e = u->e;
    u64 off = 0;

    while (off < e->size) {
        long r = vfs_write_kernel(f, e->data + off, e->size - off, off);
        if (r <= 0) {
            return entry_fail(u, r < 0 ? (int)r : -EIO, "cannot write the data");
        }
        off += (u64)r;
    }
    return 0;
}

static int unpack_file(struct unpack *u, const char *link_to)
{
    const struct cpio_entry *e = u->e;
    struct file *f;
    int err;

    if (link_to) {
        err = clean_path(u->path, 0);
        if (!err) {
            err = vfs_linkat(AT_FDCWD, link_to, AT_FDCWD, u->path, 0);
        }
        if (err) {
            return entry_fail(u, err, "cannot make the hard link");
        }
        err = vfs_openat(AT_FDCWD, u->path, O_WRONLY, 0, &f);
    } else {
        err = clean_path(u->path, S_IFREG);
        if (!err) {
            err = vfs_openat(AT_FDCWD, u->path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW,
                             e->mode & S_IALLUGO, &f);
        }
    }
    if (err) {
        return entry_fail(u, err, "cannot create the file");
    }
    err = write_data(u, f);
    file_put(f);
    if (err) {
        return err;
    }
    err = set_attrs(u->path, e, true, true);
    return err ? entry_fail(u, err, "cannot set owner, mode or mtime") : 0;
}

static int unpack_dir(struct unpack *u)
{
    const struct cpio_entry *e = u->e;
    struct linux_stat st;
    struct dir_mtime *dm;
    int err = vfs_mkdirat(AT_FDCWD, u->path, e->mode & S_IALLUGO);

    if (err == -EEXIST) {
        /* An existing directory (or a symlink to one) is kept. */
        err = vfs_fstatat(AT_FDCWD, u->path, &st, 0);
        if (err || !S_ISDIR(st.st_mode)) {
            err = clean_path(u->path, 0);
            if (!err) {
                err = vfs_mkdirat(AT_FDCWD, u->path, e->mode & S_IALLUGO);
            }
        }
    }
    if (err) {
        return entry_fail(u, err, "cannot make the directory");
    }
    err = set_attrs(u->path, e, false, false);
    if (err) {
        return entry_fail(u, err, "cannot set owner or mode");
    }
    dm = kzalloc(sizeof(*dm));
    if (!dm || !(dm->path = dup_str(u->path))) {
        kfree(dm);
        return entry_fail(u, -ENOMEM, "out of memory");
    }
    dm->mtime = e->mtime;
    dm->next = u->dirs;
    u->dirs = dm;
    return 0;
}

static int unpack_symlink(struct unpack *u)
{
    const struct cpio_entry *e = u->e;
    int err;

    if (e->size == 0 || e->size >= PATH_MAX || strnlen((const char *)e->data, e->size) != e->size) {
        return entry_fail(u, -EINVAL, "bad symlink target");
    }
    memcpy(u->target, e->data, e->size);
    u->target[e->size] = '\0';
    err = clean_path(u->path, 0);
    if (!err) {
        err = vfs_symlinkat(u->target, AT_FDCWD, u->path);
    }
    if (err) {
        return entry_fail(u, err, "cannot make the symlink");
    }
    err = set_attrs(u->path, e, true, true);
    return err ? entry_fail(u, err, "cannot set owner or mtime") : 0;
}

static int unpack_node(struct unpack *u, const char *link_to)
{
    const struct cpio_entry *e = u->e;
    int err = clean_path(u->path, 0);

    if (!err) {
        err = link_to ? vfs_linkat(AT_FDCWD, link_to, AT_FDCWD, u->path, 0)
                      : vfs_mknodat(AT_FDCWD, u->path, e->mode & (S_IFMT | S_IALLUGO), e->rdevmajor,
                                    e->rdevminor);
    }
    if (err) {
        return entry_fail(u, err, "cannot make the node");
    }
    err = set_attrs(u->path, e, true, true);
    return err ? entry_fail(u, err, "cannot set owner, mode or mtime") : 0;
}

static int unpack_typed(struct unpack *u)
{
    const struct cpio_entry *e = u->e;
    const char *link_to = find_link(u, e);
    int err;

    switch (e->mode & S_IFMT) {
    case S_IFREG:
        err = unpack_file(u, link_to);
        break;
    case S_IFDIR:
        return unpack_dir(u);
    case S_IFLNK:
        return unpack_symlink(u);
    case S_IFCHR:
    case S_IFBLK:
    case S_IFIFO:
    case S_IFSOCK:
        err = unpack_node(u, link_to);
        break;
    default:
        return entry_fail(u, -EINVAL, "unknown file type");
    }
    if (!err && !link_to && e->nlink >= 2) {
        err = record_link(u, e);
    }
    return err;
}

static int unpack_entry(struct unpack *u)
{
    const struct cpio_entry *e = u->e;
    int n = cpio_normalize_name(e->name, e->name_len, u->path + 1, PATH_MAX - 1);

    if (n < 0) {
        return entry_fail(u, n, n == -ENAMETOOLONG ? "name too long" : "invalid name");
    }
    u->path[0] = '/';
    if (n == 0) {
        /* "." describes the root itself. */
        if (!S_ISDIR(e->mode)) {
            return entry_fail(u, -EINVAL, "the archive root is not a directory");
        }
        return unpack_dir(u);
    }
    int err = unpack_typed(u);
    if (err == -ENOENT) {
        /* A missing parent directory: make it and try again. */
        err = make_parents(u->path);
        if (err) {
            return entry_fail(u, err, "cannot make the parent directories");
        }
        err = unpack_typed(u);
    }
    return err;
}

/* The name of the entry whose header is at off, for error messages. */
static void entry_name_at(const u8 *buf, size_t len, size_t off, char *out, size_t outlen)
{
    u32 namesize = 0;

    out[0] = '\0';
    if (off > len || len - off < CPIO_HEADER_LEN) {
        return;
    }
    for (int i = 0; i < 8; i++) {
        u8 c = buf[off + 94 + i]; /* c_namesize */
        u32 d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : 16;
        if (d == 16) {
            return;
        }
        namesize = namesize << 4 | d;
    }
    if (namesize == 0 || namesize > len - off - CPIO_HEADER_LEN) {
        return;
    }
    const char *name = (const char *)buf + off + CPIO_HEADER_LEN;
    if (strnlen(name, namesize) != namesize - 1) {
        return;
    }
    ksnprintf(out, outlen, " '%.*s'", (int)MIN(namesize - 1, 100u), name);
}

int initramfs_unpack_buffer(const void *buf, size_t len, const char *what, char *msg, size_t msglen)
{
    struct unpack u = {.msg = msg, .msglen = msglen};
    struct cpio_iter it;
    struct cpio_entry e;
    const char *perr = NULL;
    unsigned archive = 0;
    u32 entries = 0;
    u64 bytes = 0;
    int r, err = 0;

    msg[0] = '\0';
    u.path = kmalloc(PATH_MAX);
    u.target = kmalloc(PATH_MAX);
    if (!u.path || !u.target) {
        kfree(u.path);
        kfree(u.target);
        ksnprintf(msg, msglen, "%s: out of memory", what);
        return -ENOMEM;
    }
    cpio_iter_init(&it, buf, len);
    while ((r = cpio_next(&it, &e, &perr)) > 0) {
        /* Hard-link groups do not span archives (Linux resets at trailers). */
        if (it.archives != archive) {
            archive = it.archives;
            free_links(&u);
        }
        u.e = &e;
        err = unpack_entry(&u);
        if (err) {
            char tmp[MSG_LEN];
            ksnprintf(tmp, sizeof(tmp), "%s", msg);
            ksnprintf(msg, msglen, "%s: %s", what, tmp);
            break;
        }
        entries++;
        bytes += e.size;
    }
    if (!err && r < 0) {
        char name[112];
        entry_name_at(buf, len, it.pos, name, sizeof(name));
        ksnprintf(msg, msglen, "%s: %s at offset %llu (entry%s at offset %llu)", what, perr,
                  (unsigned long long)it.error_offset, name, (unsigned long long)it.pos);
        err = -EINVAL;
    }
    if (!err && it.archives == 0) {
        ksnprintf(msg, msglen, "%s: empty (%llu bytes, no archive)", what, (unsigned long long)len);
        err = -EINVAL;
    }
    free_links(&u);
    apply_dir_mtimes(&u);
    kfree(u.path);
    kfree(u.target);
    if (!err) {
        printk(LOG_INFO, "initramfs: %s: %u archive(s), %u entries, %llu bytes of data\n", what,
               it.archives, entries, (unsigned long long)bytes);
    }
    return err;
}

int initramfs_unpack(const struct boot_info *bi, const char **err)
{
    char what[80];

    *err = NULL;
    if (bi->nmodules == 0) {
        ksnprintf(error_msg, sizeof(error_msg), "no module was loaded");
        *err = error_msg;
        return -ENOENT;
    }
    if (bi->modules_truncated) {
        pr_warn("initramfs: more than %d modules; the rest are ignored\n", BOOT_MAX_MODULES);
    }
    for (u32 i = 0; i < bi->nmodules; i++) {
        const struct boot_module *m = &bi->modules[i];
        ksnprintf(what, sizeof(what), "module %u '%s'", i, m->string);
        int r = initramfs_unpack_buffer(phys_to_virt(m->start), m->end - m->start, what, error_msg,
                                        sizeof(error_msg));
        if (r < 0) {
            pr_err("initramfs: %s\n", error_msg);
            *err = error_msg;
            return r;
        }
    }
    return 0;
}

int initramfs_check(const struct boot_info *bi)
{
    if (bi->nmodules == 0) {
        pr_warn("initramfs: no module was loaded; user space will not start\n");
        return 1;
    }
    int bad = 0;
    for (u32 i = 0; i < bi->nmodules; i++) {
        const struct boot_module *m = &bi->modules[i];
        struct cpio_iter it;
        struct cpio_entry e;
        const char *perr = NULL;
        int r;

        cpio_iter_init(&it, phys_to_virt(m->start), m->end - m->start);
        while ((r = cpio_next(&it, &e, &perr)) > 0) {
        }
        if (r < 0 || it.archives == 0) {
            pr_warn("initramfs: module %u '%s': %s at offset %llu\n", i, m->string,
                    r < 0 ? perr : "no archive", (unsigned long long)it.error_offset);
            bad++;
        }
    }
    return bad;
}
