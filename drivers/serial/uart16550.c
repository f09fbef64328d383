// SPDX-License-Identifier: MIT
/* 16550 UART driver for COM1. Output is polled until serial_enable_irq();
 * after that bytes go through a transmit ring drained by the THR-empty
 * interrupt, and received bytes land in a receive ring with a wait queue. */
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/io.h>
#include <arch/x86_64/trap.h>
#include <drivers/serial.h>
#include <kernel/compiler.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>
#include <kernel/wait.h>

#define COM1 0x3f8
#define COM1_IRQ 4

#define UART_DATA 0
#define UART_IER 1
#define UART_IIR 2
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5

#define IER_RX 0x01
#define IER_TX_EMPTY 0x02
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define MCR_DTR_RTS_OUT2 0x0b
#define UART_FIFO_DEPTH 16

#define TX_RING 8192 /* powers of two; indices are free-running */
#define RX_RING 4096

static struct {
    spinlock_t lock;
    bool irq_mode;
    bool tx_irq_on;
    char tx[TX_RING];
    u32 tx_head, tx_tail;
    char rx[RX_RING];
    u32 rx_head, rx_tail;
    u64 rx_dropped;
} uart = {.lock = SPINLOCK_INIT("uart")};

static struct wait_queue rx_wait = WAIT_QUEUE_INIT(rx_wait);
static void (*rx_handler)(void);

void serial_early_init(void)
{
    outb(COM1 + UART_IER, 0);
    outb(COM1 + UART_LCR, 0x80); /* divisor latch */
    outb(COM1 + 0, 1); /* 115200 baud */
    outb(COM1 + 1, 0);
    outb(COM1 + UART_LCR, 0x03); /* 8N1 */
    outb(COM1 + UART_FCR, 0xc7); /* FIFO on, cleared, 14-byte threshold */
    outb(COM1 + UART_MCR, MCR_DTR_RTS_OUT2);
}

static void uart_put_polled(char c)
{
    while (!(inb(COM1 + UART_LSR) & LSR_THR_EMPTY)) {
        cpu_relax();
    }
    outb(COM1 + UART_DATA, (u8)c);
}

/* Moves queued bytes into the FIFO; called with the lock held. */
static void uart_tx_fill(void)
{
    if (!(inb(COM1 + UART_LSR) & LSR_THR_EMPTY)) {
        return;
    }
    for (int i = 0; i < UART_FIFO_DEPTH && uart.tx_tail != uart.tx_head; i++) {
        outb(COM1 + UART_DATA, (u8)uart.tx[uart.tx_tail % TX_RING]);
        uart.tx_tail++;
    }
    bool want = uart.tx_tail != uart.tx_head;
    if (want != uart.tx_irq_on) {
        uart.tx_irq_on = want;
        outb(COM1 + UART_IER, IER_RX | (want ? IER_TX_EMPTY : 0));
    }
}

static void uart_queue(char c)
{
    /* Ring full: wait for room by draining synchronously. */
    while (uart.tx_head - uart.tx_tail >= TX_RING) {
        while (!(inb(COM1 + UART_LSR) & LSR_THR_EMPTY)) {
            cpu_relax();
        }
        uart_tx_fill();
    }
    uart.tx[uart.tx_head % TX_RING] = c;
    uart.tx_head++;
}

static void uart_write(const char *s, size_t len, bool crlf)
{
    u64 flags = spin_lock_irqsave(&uart.lock);
    for (size_t i = 0; i < len; i++) {
        if (!uart.irq_mode) {
            if (crlf && s[i] == '\n') {
                uart_put_polled('\r');
            }
            uart_put_polled(s[i]);
            continue;
        }
        if (crlf && s[i] == '\n') {
            uart_queue('\r');
        }
        uart_queue(s[i]);
    }
    if (uart.irq_mode) {
        uart_tx_fill();
    }
    spin_unlock_irqrestore(&uart.lock, flags);
}

void serial_write(const char *s, size_t len)
{
    uart_write(s, len, true);
}

void serial_write_raw(const char *s, size_t len)
{
    uart_write(s, len, false);
}

size_t serial_tx_pending(void)
{
    u64 flags = spin_lock_irqsave(&uart.lock);
    size_t n = uart.tx_head - uart.tx_tail;
    spin_unlock_irqrestore(&uart.lock, flags);
    return n;
}

void serial_panic_mode(void)
{
    /* No lock: the panicking CPU may hold it, and nothing else runs. */
    uart.irq_mode = false;
    outb(COM1 + UART_IER, 0);
    while (uart.tx_tail != uart.tx_head) {
        uart_put_polled(uart.tx[uart.tx_tail % TX_RING]);
        uart.tx_tail++;
    }
}

static void uart_irq(void *ctx)
{
    (void)ctx;
    bool got = false;
    u64 flags = spin_lock_irqsave(&uart.lock);
    while (inb(COM1 + UART_LSR) & LSR_DATA_READY) {
        char c = (char)inb(COM1 + UART_DATA);
        if (uart.rx_head - uart.rx_tail < RX_RING) {
            uart.rx[uart.rx_head % RX_RING] = c;
            uart.rx_head++;
            got = true;
        } else {
            uart.rx_dropped++;
        }
    }
    uart_tx_fill();
    spin_unlock_irqrestore(&uart.lock, flags);
    if (got) {
        wake_up(&rx_wait);
        if (rx_handler) {
            rx_handler();
        }
    }
}

void serial_set_rx_handler(void (*fn)(void))
{
    rx_handler = fn;
    if (fn) {
        fn(); /* bytes that came before */
    }
}

void serial_enable_irq(void)
{
    int err = irq_register_isa(COM1_IRQ, uart_irq, NULL, "serial");
    if (err < 0) {
        pr_warn("serial: no interrupt (%d), staying polled\n", err);
        return;
    }
    u64 flags = spin_lock_irqsave(&uart.lock);
    uart.irq_mode = true;
    outb(COM1 + UART_IER, IER_RX);
    spin_unlock_irqrestore(&uart.lock, flags);
}

size_t serial_read_nonblock(char *buf, size_t len)
{
    size_t n = 0;
    u64 flags = spin_lock_irqsave(&uart.lock);
    while (n < len && uart.rx_tail != uart.rx_head) {
        buf[n++] = uart.rx[uart.rx_tail % RX_RING];
        uart.rx_tail++;
    }
    spin_unlock_irqrestore(&uart.lock, flags);
    return n;
}

struct wait_queue *serial_rx_wait(void)
{
    return &rx_wait;
}

size_t serial_read(char *buf, size_t len)
{
    size_t n = 0;
    if (wait_event_interruptible(rx_wait, (n = serial_read_nonblock(buf, len)) > 0) < 0) {
        return 0; /* a signal arrived first */
    }
    return n;
}
