/* SPDX-License-Identifier: MIT */
/* 16550 UART on COM1 (drivers/serial/uart16550.c): polled output from the
 * first instruction of kmain, interrupt-driven transmit and receive once
 * serial_enable_irq() has run. */
#ifndef DRIVERS_SERIAL_H
#define DRIVERS_SERIAL_H

#include <kernel/types.h>

void serial_early_init(void);
void serial_enable_irq(void);
/* Queues (or, before interrupts, polls out) len bytes; "\n" becomes "\r\n". */
void serial_write(const char *s, size_t len);
/* The same without the "\n" translation (the TTY layer does ONLCR). */
void serial_write_raw(const char *s, size_t len);
/* Bytes queued for transmission and not yet handed to the UART. */
size_t serial_tx_pending(void);
/* Drops to polled output and drains the queue: for panics, where interrupts
 * may never come again. */
void serial_panic_mode(void);
/* Reads up to len received bytes without blocking; returns the count. */
size_t serial_read_nonblock(char *buf, size_t len);
/* Blocks until at least one byte is received; returns the count, or 0
 * when a signal interrupts the wait. */
size_t serial_read(char *buf, size_t len);

struct wait_queue;
/* Woken when bytes arrive (for poll). */
struct wait_queue *serial_rx_wait(void);
/* fn is called when bytes arrive (from the interrupt, without the UART's
 * lock) and once when set; it takes them with serial_read_nonblock. */
void serial_set_rx_handler(void (*fn)(void));

#endif
