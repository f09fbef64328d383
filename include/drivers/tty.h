/* SPDX-License-Identifier: MIT */
/* Terminals (drivers/tty/): the N_TTY line discipline, the TTY core with
 * sessions and job control, the serial console and pseudo-terminals.
 *
 *   n_tty.c          the line discipline: output processing, the line
 *                    being edited and its echo, input processing and the
 *                    keys, VMIN/VTIME reads. Portable (no locks, no
 *                    sleeping): the host tests drive it with fakes.
 *   tty_io.c         struct tty, the file ops shared by every terminal
 *                    (read, write, poll, release), hangup, the registry.
 *   tty_ioctl.c      termios, window size, flush and flow ioctls.
 *   tty_jobctrl.c    controlling terminals, foreground groups, SIGTTIN/
 *                    SIGTTOU, session-leader exit.
 *   serial_console.c /dev/ttyS0, /dev/console, /dev/tty on the 16550.
 *   pty.c            /dev/ptmx and the slaves shown by devpts (fs/devpts).
 *
 * Locking: tty->lock (an IRQ-safe spinlock) covers the line discipline,
 * pgrp, session, winsize and driver buffers; driver write callbacks run
 * under it. Signals raised by input (ISIG) are queued in the tty and sent
 * once the lock is dropped, so tty->lock is never held while proc_lock is
 * taken. Lock order: tty->lock, then the UART's lock. */
#ifndef DRIVERS_TTY_H
#define DRIVERS_TTY_H

#include <kernel/list.h>
#include <kernel/spinlock.h>
#include <kernel/types.h>
#include <kernel/wait.h>

/* ---- termios (Linux asm-generic/termbits.h) ---- */

#define NCCS 19
#define VINTR 0
#define VQUIT 1
#define VERASE 2
#define VKILL 3
#define VEOF 4
#define VTIME 5
#define VMIN 6
#define VSWTC 7
#define VSTART 8
#define VSTOP 9
#define VSUSP 10
#define VEOL 11
#define VREPRINT 12
#define VDISCARD 13
#define VWERASE 14
#define VLNEXT 15
#define VEOL2 16

/* c_iflag */
#define IGNBRK 0000001
#define BRKINT 0000002
#define IGNPAR 0000004
#define PARMRK 0000010
#define INPCK 0000020
#define ISTRIP 0000040
#define INLCR 0000100
#define IGNCR 0000200
#define ICRNL 0000400
#define IUCLC 0001000
#define IXON 0002000
#define IXANY 0004000
#define IXOFF 0010000
#define IMAXBEL 0020000
#define IUTF8 0040000

/* c_oflag */
#define OPOST 0000001
#define OLCUC 0000002
#define ONLCR 0000004
#define OCRNL 0000010
#define ONOCR 0000020
#define ONLRET 0000040
#define TABDLY 0014000
#define XTABS 0014000

/* c_cflag */
#define CBAUD 0010017
#define B38400 0000017
#define CSIZE 0000060
#define CS8 0000060
#define CREAD 0000200
#define HUPCL 0002000
#define CLOCAL 0004000

/* c_lflag */
#define ISIG 0000001
#define ICANON 0000002
#define ECHO 0000010
#define ECHOE 0000020
#define ECHOK 0000040
#define ECHONL 0000100
#define NOFLSH 0000200
#define TOSTOP 0000400
#define ECHOCTL 0001000
#define ECHOPRT 0002000
#define ECHOKE 0004000
#define IEXTEN 0100000

/* The kernel's termios: struct termios (36 bytes) is its prefix, struct
 * termios2 (44 bytes) all of it. */
struct ktermios {
    u32 c_iflag, c_oflag, c_cflag, c_lflag;
    u8 c_line;
    u8 c_cc[NCCS];
    u32 c_ispeed, c_ospeed;
};
#define TERMIOS_SIZE 36
#define TERMIOS2_SIZE 44

/* The old System V struct termio: 16-bit flags and NCC control
 * characters (18 bytes with its padding). */
#define NCC 8
struct termio {
    u16 c_iflag, c_oflag, c_cflag, c_lflag;
    u8 c_line;
    u8 c_cc[NCC];
};

struct tty_winsize {
    u16 ws_row, ws_col, ws_xpixel, ws_ypixel;
};

/* ---- ioctls ---- */

#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TCGETA 0x5405
#define TCSETA 0x5406
#define TCSETAW 0x5407
#define TCSETAF 0x5408
#define TCSBRK 0x5409
#define TCXONC 0x540a
#define TCFLSH 0x540b
#define TIOCSCTTY 0x540e
#define TIOCGPGRP 0x540f
#define TIOCSPGRP 0x5410
#define TIOCOUTQ 0x5411
#define TIOCSTI 0x5412
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD 0x541b
#define TIOCNOTTY 0x5422
#define TIOCSETD 0x5423
#define TIOCGETD 0x5424
#define TCSBRKP 0x5425
#define TIOCSBRK 0x5427
#define TIOCCBRK 0x5428
#define TIOCGSID 0x5429
#define TCGETS2 0x802c542a
#define TCSETS2 0x402c542b
#define TCSETSW2 0x402c542c
#define TCSETSF2 0x402c542d
#define TIOCGPTN 0x80045430
#define TIOCSPTLCK 0x40045431
#define TIOCSIG 0x40045436
#define TIOCVHANGUP 0x5437
#define TIOCGPTLCK 0x80045439
#define TIOCGPTPEER 0x5441

/* TCFLSH and TCXONC arguments */
#define TCIFLUSH 0
#define TCOFLUSH 1
#define TCIOFLUSH 2
#define TCOOFF 0
#define TCOON 1
#define TCIOFF 2
#define TCION 3

/* ---- the line discipline (n_tty.c, portable) ---- */

#define N_TTY_BUF_SIZE 4096 /* input buffer; a canonical line holds 4095 + terminator */
#define N_TTY_WAIT_FOREVER (~0ull)

/* What the discipline needs from its terminal. All are called from
 * n_tty_* functions, with whatever lock the caller holds. */
struct n_tty_ops {
    /* Output to the device (echoes and processed writes): takes at most
     * write_room() bytes and returns how many it took. */
    size_t (*write)(void *ctx, const char *buf, size_t len);
    size_t (*write_room)(void *ctx);
    /* ISIG: sig for the foreground process group. */
    void (*signal)(void *ctx, int sig);
    /* Drop output queued in the device (ISIG without NOFLSH, TCOFLUSH). */
    void (*flush_output)(void *ctx);
};

/* Input ring: [tail, canon_head) holds complete lines (canonical mode),
 * [canon_head, head) the line being edited. In non-canonical mode
 * everything up to head is readable. Indices are free-running.
 *
 * Beside every byte queued, widths records how many columns its echo
 * took (4 bits a slot), and edit_col is the column where the echo of the
 * line being edited ends: erasing a character backs the cursor over
 * exactly the columns recorded for it. */
struct n_tty {
    struct ktermios t;
    const struct n_tty_ops *ops;
    void *ctx;
    u32 head, tail, canon_head;
    u32 column; /* the device's cursor column, as output processing sees it */
    u32 edit_col; /* where the echo of [canon_head, head) ends */
    bool lnext; /* the next character is literal (VLNEXT) */
    bool prt_open; /* ECHOPRT opened with a backslash and owes the '/' */
    bool stopped; /* output stopped by VSTOP (IXON) or TCOOFF */
    bool tco_stopped; /* ... by TCOOFF: only TCOON restarts it */
    u8 eol[N_TTY_BUF_SIZE / 8]; /* bit set: this byte ends a canonical line */
    u8 eof[N_TTY_BUF_SIZE / 8]; /* ... and is a VEOF (consumed, never returned) */
    u8 widths[N_TTY_BUF_SIZE / 2]; /* echo columns of each byte, a nibble per slot */
    char buf[N_TTY_BUF_SIZE];
};

/* A read in progress (see n_tty_read_step). */
struct n_tty_read {
    char *buf;
    size_t len;
    size_t copied;
    u64 deadline; /* VTIME timer end (monotonic ns) */
};

/* The settings a console and a new pty slave start with (the same as
 * Linux's, checked by t_tty's test_defaults). */
void n_tty_default_termios(struct ktermios *t);
void n_tty_init(struct n_tty *ld, const struct ktermios *t, const struct n_tty_ops *ops, void *ctx);
/* New settings; switching ICANON on or off re-frames pending input as
 * Linux does (raw bytes become one line; lines become raw bytes). */
void n_tty_set_termios(struct n_tty *ld, const struct ktermios *t);
/* Input from the device; returns the bytes consumed (fewer than len when
 * the buffer is full: the rest should be offered again later). */
size_t n_tty_receive(struct n_tty *ld, const char *buf, size_t len);
/* How many bytes n_tty_receive would take now (0: none). */
size_t n_tty_receive_room(const struct n_tty *ld);
/* Output from a writer, through OPOST processing, as far as the device
 * takes it; returns the bytes of buf consumed (0 while output is stopped
 * or the device is full). */
size_t n_tty_write(struct n_tty *ld, const char *buf, size_t len);
/* True if a read would return now (poll: with VMIN > 0 and VTIME == 0,
 * VMIN bytes; otherwise one byte or one line). */
bool n_tty_input_available(const struct n_tty *ld, bool poll);
/* FIONREAD: complete lines (canonical, VEOF not counted) or all bytes. */
u32 n_tty_inq(const struct n_tty *ld);
void n_tty_flush_input(struct n_tty *ld);
/* TCXONC: 0 on success, -EINVAL for a bad action. */
int n_tty_flow(struct n_tty *ld, int action);
/* A read of up to len bytes into buf (a kernel buffer): begin, then step
 * until it returns true (rd->copied is the result; 0 is end of file in
 * canonical mode or a timeout). false: sleep until input arrives or for
 * *wait_ns (N_TTY_WAIT_FOREVER: no limit), then step again. */
void n_tty_read_begin(struct n_tty *ld, struct n_tty_read *rd, char *buf, size_t len, u64 now);
bool n_tty_read_step(struct n_tty *ld, struct n_tty_read *rd, u64 now, u64 *wait_ns);

/* ---- the TTY core ---- */

struct tty;
struct file;
struct file_ops;
struct process;
struct poll_table;
struct iobuf;

struct tty_driver_ops {
    /* Under tty->lock: output bytes, and how many would be taken. */
    size_t (*write)(struct tty *tty, const char *buf, size_t len);
    size_t (*write_room)(struct tty *tty);
    void (*flush_output)(struct tty *tty);
    /* Output accepted but not yet sent (NULL: none is ever held, as a
     * pty's, which Linux does not count). TCSETSW and tcdrain wait for 0. */
    size_t (*chars_in_buffer)(struct tty *tty);
    /* Without the lock: a reader made room in the input buffer. */
    void (*input_consumed)(struct tty *tty);
    /* A file of this tty opens (0 or -errno) or closes. */
    int (*open)(struct tty *tty);
    void (*close)(struct tty *tty);
    /* The last reference went: free the tty (NULL: static). */
    void (*release)(struct tty *tty);
};

struct tty {
    u64 id; /* never reused: struct process.ctty names a tty by it */
    u32 refs; /* tty_list_lock */
    spinlock_t lock;
    struct n_tty ld;
    struct tty_winsize ws;
    int pgrp; /* foreground process group, 0 for none */
    int session; /* the session it controls, 0 for none */
    u32 hangup_gen; /* files opened before the last hangup are hung up */
    bool other_closed; /* pty slave whose master closed: blocked reads fail EIO */
    bool hangup_on_exit; /* session leader exit hangs it up (not ptys) */
    u64 pending_sigs; /* raised by input, sent once the lock is dropped */
    struct wait_queue read_wq; /* input, hangup */
    struct wait_queue write_wq; /* output room, flow restart, hangup */
    const struct tty_driver_ops *ops;
    void *driver_data;
    char name[16]; /* "ttyS0", "pts/3" */
    u32 dev; /* device number in Linux's encoding (new_encode_dev) */
    struct list_head link; /* all ttys */
};

/* How a file reaches its tty. */
enum tty_file_kind {
    TTY_FILE_NORMAL,
    TTY_FILE_CONSOLE, /* /dev/console: no job control, survives hangups */
};

/* file->private of every tty file but a pty master. */
struct tty_file {
    struct tty *tty; /* reference held */
    u32 gen; /* tty->hangup_gen at open */
    enum tty_file_kind kind;
};

/* Sets up t (one reference, for the caller) and adds it to the registry. */
void tty_init(struct tty *t, const struct tty_driver_ops *ops, const struct ktermios *termios,
              const char *name);
struct tty *tty_get(struct tty *t);
void tty_put(struct tty *t);
/* The tty with this id, with a reference, or NULL. */
struct tty *tty_find(u64 id);

/* Opens f on t: f->private becomes a struct tty_file. noctty: never
 * becomes the caller's controlling terminal (O_NOCTTY, /dev/tty,
 * /dev/console). */
int tty_open_file(struct tty *t, struct file *f, enum tty_file_kind kind, bool noctty);
long tty_read(struct file *f, struct iobuf *b, u64 *pos);
long tty_write(struct file *f, struct iobuf *b, u64 *pos);
/* A write's loop: copies b out in chunks through put (takes what the
 * device takes now, 0 for nothing) and sleeps in wait (0, or -errno to
 * stop) whenever put took nothing. Returns the bytes written, or the error
 * if none were; bytes not written stay unconsumed in b. */
long tty_write_chunks(struct iobuf *b, size_t (*put)(void *ctx, const char *buf, size_t len),
                      int (*wait)(void *ctx), void *ctx);
u32 tty_poll(struct file *f, struct poll_table *pt);
long tty_file_ioctl(struct file *f, u32 cmd, u64 arg);
void tty_release(struct file *f);

/* Device input (the driver's receive path, any context): feeds the line
 * discipline and returns the bytes taken. */
size_t tty_receive(struct tty *t, const char *buf, size_t len);
/* After changing the ldisc under the lock: sends queued ISIG signals and
 * wakes readers and writers. Call without the lock. */
void tty_input_done(struct tty *t);
/* Hangup: every NORMAL file open on t now reads 0 and fails writes and
 * ioctls with EIO; blocked readers wake. The session leader gets SIGHUP
 * and SIGCONT (and with exit_session the foreground group SIGHUP), and
 * the session loses t. */
void tty_hangup(struct tty *t, bool exit_session);

/* ioctls shared by all terminals, on file f. via_master: f is a pty
 * master and t its slave (no job-control checks). */
long tty_ioctl(struct tty *t, struct file *f, bool via_master, u32 cmd, u64 arg);
long tty_mode_ioctl(struct tty *t, u32 cmd, u64 arg);
/* TIOCSTI: pushes one byte into t's input as if typed; only on the
 * caller's controlling terminal, unless root (0 or -errno). */
long tty_push_input(struct tty *t, u64 arg);
/* The file was opened before t's last hangup. */
bool tty_file_hung_up(const struct tty_file *tf);

/* ---- job control (tty_jobctrl.c) ---- */

/* t is p's controlling terminal. */
bool tty_is_ctty(const struct tty *t, const struct process *p);
/* The current process's controlling terminal, with a reference, or NULL. */
struct tty *tty_current_ctty(void);
/* Makes t the controlling terminal of the current process if it is a
 * session leader without one and t controls no live session (open). */
void tty_maybe_set_ctty(struct tty *t);
/* POSIX background checks for the current process on t: 0 to go on,
 * -ERESTARTSYS after sending sig (SIGTTIN or SIGTTOU) to its group, or
 * -EIO (orphaned group; SIGTTIN ignored or blocked). */
int tty_check_job(struct tty *t, int sig);
long tty_jobctrl_ioctl(struct tty *t, struct file *f, bool via_master, u32 cmd, u64 arg);
/* Sends sig to the foreground group of t (SIGWINCH, TIOCSIG). */
void tty_signal_fg(struct tty *t, int sig);
/* For /proc/<pid>/stat: p's controlling tty's device number and foreground
 * group (tty_nr, tpgid); false if it has none. Takes no proc_lock. */
bool tty_process_info(const struct process *p, u32 *dev, int *fg_pgrp);
/* Call from process exit when p (a session leader, p->pid == p->sid) is
 * about to die, without locks held: its controlling terminal is hung up
 * (serial) or its foreground group gets SIGHUP (pty), and the session
 * loses it. */
void tty_session_leader_exit(struct process *p);

/* ---- devices ---- */

/* Registers ttyS0 (4,64), console (5,1) and tty (5,0) (serial_console.c)
 * and ptmx (5,2), the pts slaves (136,*) and the devpts filesystem
 * (pty.c, fs/devpts). */
int tty_console_init(void);
int pty_init(void);

#define PTY_MAX 1024
#define PTY_SLAVE_MAJOR 136

/* devpts (fs/devpts/devpts.c) asks pty.c about slaves. */
struct pty_node_info {
    u32 mode, uid, gid;
};
/* Live slave index (master open): fills info; false if there is none. */
bool pty_node_info(int index, struct pty_node_info *info);
void pty_node_setattr(int index, const struct pty_node_info *info);
/* The smallest live index >= from, or -1. */
int pty_next_index(int from);
int devpts_init(void);
/* Master closed: the /dev/pts/N dentry goes (VFS lock held). */
void devpts_pty_kill(int index);

#endif
