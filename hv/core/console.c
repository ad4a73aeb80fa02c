/* SPDX-License-Identifier: MIT */
/*
 * The console multiplexer: every VM's virtual UART and the hypervisor's own
 * messages share the one physical UART, each line tagged with its source.
 *
 * Lock order: console_lock is taken last (callers may hold a device lock).
 */
#include "hv/console.h"
#include "hv/spinlock.h"
#include "hv/vm.h"

static struct spinlock console_lock = SPINLOCK_INIT;
static const struct console_uart *uart;
static struct vm *focus;
/* The VM whose partial line is on the serial line now (cursor mid-line). */
static struct vm *midline;

static void put_str(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		uart->putc(s[i]);
}

static void put_prefix(const struct vm *vm)
{
	const char *n = vm->name;
	size_t len = 0;

	while (len < sizeof(vm->name) && n[len])
		len++;
	uart->putc('[');
	put_str(n, len);
	put_str("] ", 2);
}

/* End a partial line of the focused VM so that another line can start. */
static void break_line(void)
{
	if (midline) {
		put_str("\r\n", 2);
		midline = NULL;
	}
}

void console_init(const struct console_uart *u)
{
	uart = u;
}

static void flush_vm_line(struct vm *vm)
{
	struct console_vm *c = &vm->console;

	break_line();
	put_prefix(vm);
	put_str(c->line, c->len);
	put_str("\r\n", 2);
	c->len = 0;
}

void console_vm_putc(struct vm *vm, char c)
{
	struct console_vm *con = &vm->console;

	if (!uart)
		return;
	spin_lock(&console_lock);
	if (vm == focus) {
		if (midline != vm) {
			break_line();
			put_prefix(vm);
			midline = vm;
		}
		if (c == '\n') {
			put_str("\r\n", 2);
			midline = NULL;
		} else if (c != '\r') {
			uart->putc(c);
		}
	} else if (c == '\n' || con->len == CONSOLE_LINE) {
		flush_vm_line(vm);
		if (c != '\n')
			con->line[con->len++] = c;
	} else if (c != '\r') {
		con->line[con->len++] = c;
	}
	spin_unlock(&console_lock);
}

void console_hv_line(const char *text, size_t len)
{
	if (!uart)
		return;
	spin_lock(&console_lock);
	break_line();
	put_str(text, len);
	put_str("\r\n", 2);
	spin_unlock(&console_lock);
}

void console_rx_poll(void)
{
	int c;

	if (!uart)
		return;
	while ((c = uart->getc()) >= 0) {
		struct vm *vm = focus;

		if (vm && vm->state == VM_RUNNING)
			vpl011_rx(&vm->uart, (char)c);
	}
}

struct vm *console_focus(void)
{
	return focus;
}

void console_set_focus(struct vm *vm)
{
	spin_lock(&console_lock);
	break_line();
	if (focus && focus->console.len)
		flush_vm_line(focus);
	focus = vm;
	spin_unlock(&console_lock);
}
