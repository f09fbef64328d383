#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generates kernel/syscall/table.c: the Linux x86_64 system-call table.

Usage: tools/gen-syscall-table.py [OUT]   (default kernel/syscall/table.c)

The numbers and names follow Linux's arch/x86/entry/syscalls/syscall_64.tbl
(the 'common' and '64' ABIs, up to 461). Each line of SYSCALLS below is
"number name formats": one format character per argument, as documented in
include/kernel/syscall.h ('-' for none). Numbers not listed have no syscall
(NULL name). The output needs no formatter: it is written in the layout
clang-format gives it, so it depends on nothing but this script.
"""
import os
import sys

COUNT = 462
FORMATS = set("dluxpsbBofFmMaASv")

SYSCALLS = """
0 read dBu
1 write dbu
2 open sfo
3 close d
4 stat sp
5 fstat dp
6 lstat sp
7 poll pud
8 lseek dld
9 mmap pumMdx
10 mprotect pum
11 munmap pu
12 brk p
13 rt_sigaction Sppu
14 rt_sigprocmask dppu
15 rt_sigreturn -
16 ioctl dxx
17 pread64 dBul
18 pwrite64 dbul
19 readv dpu
20 writev dpu
21 access sd
22 pipe p
23 select dpppp
24 sched_yield -
25 mremap puuxp
26 msync pux
27 mincore pup
28 madvise pud
29 shmget dux
30 shmat dpx
31 shmctl ddp
32 dup d
33 dup2 dd
34 pause -
35 nanosleep pp
36 getitimer dp
37 alarm u
38 setitimer dpp
39 getpid -
40 sendfile ddpu
41 socket ddd
42 connect dpd
43 accept dpp
44 sendto dbuxpd
45 recvfrom dBuxpp
46 sendmsg dpx
47 recvmsg dpx
48 shutdown dd
49 bind dpd
50 listen dd
51 getsockname dpp
52 getpeername dpp
53 socketpair dddp
54 setsockopt dddpd
55 getsockopt dddpp
56 clone xpppp
57 fork -
58 vfork -
59 execve svv
60 exit d
61 wait4 dpxp
62 kill dS
63 uname p
64 semget ddx
65 semop dpu
66 semctl dddx
67 shmdt p
68 msgget dx
69 msgsnd dpux
70 msgrcv dpulx
71 msgctl ddp
72 fcntl dFx
73 flock dd
74 fsync d
75 fdatasync d
76 truncate sl
77 ftruncate dl
78 getdents dpu
79 getcwd Bu
80 chdir s
81 fchdir d
82 rename ss
83 mkdir so
84 rmdir s
85 creat so
86 link ss
87 unlink s
88 symlink ss
89 readlink sBd
90 chmod so
91 fchmod do
92 chown sdd
93 fchown ddd
94 lchown sdd
95 umask o
96 gettimeofday pp
97 getrlimit dp
98 getrusage dp
99 sysinfo p
100 times p
101 ptrace ddpx
102 getuid -
103 syslog dBd
104 getgid -
105 setuid d
106 setgid d
107 geteuid -
108 getegid -
109 setpgid dd
110 getppid -
111 getpgrp -
112 setsid -
113 setreuid dd
114 setregid dd
115 getgroups dp
116 setgroups dp
117 setresuid ddd
118 getresuid ppp
119 setresgid ddd
120 getresgid ppp
121 getpgid d
122 setfsuid d
123 setfsgid d
124 getsid d
125 capget pp
126 capset pp
127 rt_sigpending pu
128 rt_sigtimedwait pppu
129 rt_sigqueueinfo dSp
130 rt_sigsuspend pu
131 sigaltstack pp
132 utime sp
133 mknod sox
134 uselib s
135 personality x
136 ustat xp
137 statfs sp
138 fstatfs dp
139 sysfs dxx
140 getpriority dd
141 setpriority ddd
142 sched_setparam dp
143 sched_getparam dp
144 sched_setscheduler ddp
145 sched_getscheduler d
146 sched_get_priority_max d
147 sched_get_priority_min d
148 sched_rr_get_interval dp
149 mlock pu
150 munlock pu
151 mlockall x
152 munlockall -
153 vhangup -
154 modify_ldt dpu
155 pivot_root ss
156 _sysctl p
157 prctl dxxxx
158 arch_prctl xx
159 adjtimex p
160 setrlimit dp
161 chroot s
162 sync -
163 acct s
164 settimeofday pp
165 mount sssxp
166 umount2 sx
167 swapon sx
168 swapoff s
169 reboot xxxp
170 sethostname bd
171 setdomainname bd
172 iopl u
173 ioperm xud
174 create_module su
175 init_module pus
176 delete_module sx
177 get_kernel_syms p
178 query_module sdpup
179 quotactl xsdp
180 nfsservctl dpp
181 getpmsg xxxxx
182 putpmsg xxxxx
183 afs_syscall xxxxx
184 tuxcall xxx
185 security xxx
186 gettid -
187 readahead dlu
188 setxattr ssbux
189 lsetxattr ssbux
190 fsetxattr dsbux
191 getxattr ssBu
192 lgetxattr ssBu
193 fgetxattr dsBu
194 listxattr sBu
195 llistxattr sBu
196 flistxattr dBu
197 removexattr ss
198 lremovexattr ss
199 fremovexattr ds
200 tkill dS
201 time p
202 futex pduppu
203 sched_setaffinity dup
204 sched_getaffinity dup
205 set_thread_area p
206 io_setup up
207 io_destroy x
208 io_getevents xllpp
209 io_submit xlp
210 io_cancel xpp
211 get_thread_area p
212 lookup_dcookie xBu
213 epoll_create d
214 epoll_ctl_old xxxx
215 epoll_wait_old xxxx
216 remap_file_pages pumux
217 getdents64 dpu
218 set_tid_address p
219 restart_syscall -
220 semtimedop dpup
221 fadvise64 dlud
222 timer_create dpp
223 timer_settime dxpp
224 timer_gettime dp
225 timer_getoverrun d
226 timer_delete d
227 clock_settime dp
228 clock_gettime dp
229 clock_getres dp
230 clock_nanosleep dxpp
231 exit_group d
232 epoll_wait dpdd
233 epoll_ctl dddp
234 tgkill ddS
235 utimes sp
236 vserver xxxxx
237 mbind puxpux
238 set_mempolicy dpu
239 get_mempolicy ppupx
240 mq_open sfop
241 mq_unlink s
242 mq_timedsend dbuup
243 mq_timedreceive dBupp
244 mq_notify dp
245 mq_getsetattr dpp
246 kexec_load xupx
247 waitid ddpxp
248 add_key ssbud
249 request_key sssd
250 keyctl dxxxx
251 ioprio_set ddd
252 ioprio_get dd
253 inotify_init -
254 inotify_add_watch dsx
255 inotify_rm_watch dd
256 migrate_pages dupp
257 openat asfo
258 mkdirat aso
259 mknodat asox
260 fchownat asddA
261 futimesat asp
262 newfstatat aspA
263 unlinkat asA
264 renameat asas
265 linkat asasA
266 symlinkat sas
267 readlinkat asBd
268 fchmodat aso
269 faccessat asd
270 pselect6 dppppp
271 ppoll puppu
272 unshare x
273 set_robust_list pu
274 get_robust_list dpp
275 splice dpdpux
276 tee ddux
277 sync_file_range dllx
278 vmsplice dpux
279 move_pages dupppx
280 utimensat aspA
281 epoll_pwait dpddpu
282 signalfd dpu
283 timerfd_create dx
284 eventfd u
285 fallocate dxll
286 timerfd_settime dxpp
287 timerfd_gettime dp
288 accept4 dppx
289 signalfd4 dpux
290 eventfd2 ux
291 epoll_create1 x
292 dup3 ddx
293 pipe2 px
294 inotify_init1 x
295 preadv dpuxx
296 pwritev dpuxx
297 rt_tgsigqueueinfo ddSp
298 perf_event_open pdddx
299 recvmmsg dpuxp
300 fanotify_init xf
301 fanotify_mark dxxas
302 prlimit64 ddpp
303 name_to_handle_at asppA
304 open_by_handle_at dpf
305 clock_adjtime dp
306 syncfs d
307 sendmmsg dpux
308 setns dx
309 getcpu ppp
310 process_vm_readv dpupux
311 process_vm_writev dpupux
312 kcmp dddxx
313 finit_module dsx
314 sched_setattr dpx
315 sched_getattr dpux
316 renameat2 asasx
317 seccomp dxp
318 getrandom Bux
319 memfd_create sx
320 kexec_file_load ddusx
321 bpf dpu
322 execveat asvvA
323 userfaultfd x
324 membarrier dxd
325 mlock2 pux
326 copy_file_range dpdpux
327 preadv2 dpuxxx
328 pwritev2 dpuxxx
329 pkey_mprotect pumd
330 pkey_alloc xx
331 pkey_free d
332 statx asAxp
333 io_pgetevents xllppp
334 rseq puxx
335 uretprobe -
336 uprobe -
424 pidfd_send_signal dSpx
425 io_uring_setup up
426 io_uring_enter duuxpu
427 io_uring_register dupu
428 open_tree asx
429 move_mount asasx
430 fsopen sx
431 fsconfig ddspd
432 fsmount dxx
433 fspick asx
434 pidfd_open dx
435 clone3 pu
436 close_range uux
437 openat2 aspu
438 pidfd_getfd ddx
439 faccessat2 asdA
440 process_madvise dpudx
441 epoll_pwait2 dpdppu
442 mount_setattr asxpu
443 quotactl_fd dxdp
444 landlock_create_ruleset pux
445 landlock_add_rule ddpx
446 landlock_restrict_self dx
447 memfd_secret x
448 process_mrelease dx
449 futex_waitv puxpd
450 set_mempolicy_home_node puux
451 cachestat dppx
452 fchmodat2 asoA
453 map_shadow_stack pux
454 futex_wake pxdx
455 futex_wait pxxxpd
456 futex_requeue pxdd
457 statmount pBux
458 listmount ppux
459 lsm_get_self_attr dppx
460 lsm_set_self_attr dpux
461 lsm_list_modules ppx
"""

HEADER = """\
// SPDX-License-Identifier: MIT
/* GENERATED by tools/gen-syscall-table.py: edit that script, not this file.
 *
 * Linux x86_64 system calls 0..461 (arch/x86/entry/syscalls/syscall_64.tbl):
 * name, argument formats for tracing (see include/kernel/syscall.h) and
 * handler. Every handler is a weak reference, so a syscall nobody defines
 * with SYSCALL_DEFINEn has fn == NULL and returns -ENOSYS. Numbers Linux
 * leaves unused (337..423) have a NULL name. Syscalls implemented with gaps
 * are listed in kernel/syscall/partial.c. */
#include <kernel/syscall.h>

"""


def parse():
    table = {}
    for line in SYSCALLS.strip().splitlines():
        nr_s, name, fmt = line.split()
        nr = int(nr_s)
        fmt = "" if fmt == "-" else fmt
        if nr >= COUNT or nr in table:
            sys.exit(f"bad or duplicate number {nr}")
        if len(fmt) > 6 or not set(fmt) <= FORMATS:
            sys.exit(f"{name}: bad formats {fmt!r}")
        if any(c in "bB" and i + 1 >= len(fmt) for i, c in enumerate(fmt)):
            sys.exit(f"{name}: a buffer needs a length argument after it")
        table[nr] = (name, fmt)
    names = [n for n, _ in table.values()]
    if len(set(names)) != len(names):
        sys.exit("duplicate name")
    return table


def render(table):
    out = [HEADER]
    for nr in sorted(table):
        out.append(f"extern long sys_{table[nr][0]}(const u64 *args) __attribute__((weak));\n")
    out.append("\nconst struct syscall_desc syscall_table[SYSCALL_COUNT] = {\n")
    prev = -1
    for nr in sorted(table):
        if nr != prev + 1:
            out.append(f"    /* {prev + 1}..{nr - 1}: unused */\n")
        name, fmt = table[nr]
        out.append(f'    [{nr}] = {{"{name}", {len(fmt)}, "{fmt}", sys_{name}}},\n')
        prev = nr
    out.append("};\n")
    return "".join(out)


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "kernel/syscall/table.c")
    # The output is already in clang-format's layout: it depends on nothing
    # but this script (tools/run-tests.sh checks the committed file).
    with open(path, "w") as f:
        f.write(render(parse()))


if __name__ == "__main__":
    main()
