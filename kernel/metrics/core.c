// SPDX-License-Identifier: MIT
/* The core metrics provider: memory, faults, processes, scheduler,
 * syscalls, interrupts and uptime (see include/kernel/metrics.h). */
#include <arch/x86_64/trap.h>
#include <kernel/kmalloc.h>
#include <kernel/metrics.h>
#include <kernel/page_alloc.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>
#include <kernel/time.h>
#include <kernel/vm.h>

struct state_counts {
    u64 running, sleeping, stopped, zombie;
};

/* Processes by the state ps shows (R, S, T, Z). */
static void count_states(struct state_counts *c)
{
    c->running = c->sleeping = c->stopped = c->zombie = 0;
    u64 flags = spin_lock_irqsave(&proc_lock);
    struct list_head *pos;
    list_for_each(pos, &all_processes)
    {
        struct process *q = list_entry(pos, struct process, all_link);
        if (q->state == PROC_ZOMBIE) {
            c->zombie++;
        } else if (q->stopped) {
            c->stopped++;
        } else if (q->thread && q->thread->state == THREAD_RUNNABLE) {
            c->running++;
        } else {
            c->sleeping++;
        }
    }
    spin_unlock_irqrestore(&proc_lock, flags);
}

static void collect_core(struct metrics_out *out)
{
    struct page_stats pages;
    page_alloc_stats(&pages);
    struct kmalloc_stats heap;
    kmalloc_get_stats(&heap);
    struct process_stats procs;
    process_get_stats(&procs);
    struct sched_stats sched;
    sched_get_stats(&sched);

    metrics_gauge(out, "kiln_memory_total_pages",
                  "Physical memory pages (4096 bytes) managed by the page allocator.",
                  pages.total_pages);
    metrics_gauge(out, "kiln_memory_free_pages",
                  "Physical memory pages (4096 bytes) free in the page allocator.",
                  pages.free_pages);
    metrics_gauge(out, "kiln_kernel_heap_bytes", "Bytes in live kernel heap (kmalloc) allocations.",
                  heap.bytes_in_use);
    metrics_gauge(out, "kiln_kernel_heap_pages",
                  "Physical pages held by the kernel heap (slabs and large allocations).",
                  heap.pages_in_use);
    metrics_counter(out, "kiln_kernel_heap_allocations_total",
                    "Kernel heap (kmalloc) allocations since boot.", heap.allocs_total);
    metrics_counter(out, "kiln_page_faults_total", "User page faults handled since boot.",
                    vm_fault_count());
    metrics_counter(out, "kiln_cow_copies_total",
                    "Pages copied on a write to a copy-on-write page since boot.", vm_cow_count());

    metrics_family(out, "kiln_processes", METRIC_GAUGE, "Processes by state.");
    struct state_counts states;
    count_states(&states);
    metrics_sample_label(out, "kiln_processes", "state", "running", states.running);
    metrics_sample_label(out, "kiln_processes", "state", "sleeping", states.sleeping);
    metrics_sample_label(out, "kiln_processes", "state", "stopped", states.stopped);
    metrics_sample_label(out, "kiln_processes", "state", "zombie", states.zombie);
    metrics_counter(out, "kiln_forks_total", "Processes created by fork, vfork and clone.",
                    procs.forks_total);
    metrics_counter(out, "kiln_execs_total", "Successful execve calls since boot.",
                    procs.execs_total);
    metrics_gauge(out, "kiln_threads", "Kernel and user threads alive.", sched.threads_alive);
    metrics_counter(out, "kiln_context_switches_total", "Context switches since boot.",
                    sched.context_switches);
    metrics_counter(out, "kiln_syscalls_total", "System calls entered since boot.",
                    syscall_count_total());
    metrics_counter(out, "kiln_interrupts_total", "Hardware interrupts handled since boot.",
                    irq_count_total());

    metrics_family(out, "kiln_uptime_seconds", METRIC_GAUGE,
                   "Seconds since the kernel started (monotonic clock).");
    metrics_sample_fixed(out, "kiln_uptime_seconds", clock_monotonic_ns() / NSEC_PER_MSEC, 3);
}

struct metrics_provider metrics_core_provider = {
    .name = "core",
    .collect = collect_core,
};
