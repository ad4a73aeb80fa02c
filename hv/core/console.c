/* SPDX-License-Identifier: MIT */
/*
 * The console multiplexer: every VM's virtual UART and the hypervisor's own
 * messages share the one physical UART.  Each line is tagged with its
 * source and written whole; input goes to the VM with focus.
 *
 * Lock order: console_lock is taken after any device lock; nothing is
 * called with it held but the UART driver.
 */
#include "hv/console.h"
#include "hv/print.h"
#include "hv/shell.h"
#include "hv/spinlock.h"
#include "hv/vm.h"

#define FOCUS_IDLE_MS 30u
#define OTHER_IDLE_MS 1000u

static struct spinlock console_lock = SPINLOCK_INIT;
static const struct console_uart *uart;
static const struct console_clock *clock;
static struct vm *focus;
/* The VM whose partial line is on the serial line (cursor mid-line). */
static struct vm *midline;
/* The hypervisor's own partial line (the shell) stands in for a VM. */
static struct vm hv_partial;
static bool escaped;

static void put_str(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		uart->putc(s[i]);
}

static void put_prefix(const struct vm *vm)
{
	size_t len = 0;

	while (len < sizeof(vm->name) && vm->name[len])
		len++;
	uart->putc('[');
	put_str(vm->name, len);
	put_str("] ", 2);
}

/* End whoever's partial line is showing, so another line can start. */
static void break_line(void)
{
	if (midline) {
		put_str("\r\n", 2);
		midline = NULL;
	}
}

/* Put @vm's held characters out; the line stays open unless @whole. */
static void flush_vm(struct vm *vm, bool whole)
{
	struct console_vm *c = &vm->console;

	if (midline != vm) {
		break_line();
		put_prefix(vm);
	}
	put_str(c->line, c->len);
	c->len = 0;
	if (whole) {
		put_str("\r\n", 2);
		midline = NULL;
	} else {
		midline = vm;
	}
}

static uint64_t idle_ticks(const struct vm *vm)
{
	return clock->hz / 1000 * (vm == focus ? FOCUS_IDLE_MS : OTHER_IDLE_MS);
}

void console_init(const struct console_uart *u, const struct console_clock *c)
{
	uart = u;
	clock = c;
}

void console_init_clock(const struct console_clock *c)
{
	clock = c;
}

void console_vm_putc(struct vm *vm, char c)
{
	struct console_vm *con = &vm->console;
	bool arm = false;

	if (!uart || c == '\r')
		return;
	spin_lock(&console_lock);
	if (c == '\n') {
		flush_vm(vm, true);
	} else if (midline == vm && !con->len) {
		uart->putc(c); /* its partial line is showing: continue it */
	} else {
		con->line[con->len++] = c;
		if (con->len == CONSOLE_LINE) {
			flush_vm(vm, true);
		} else if (clock) {
			con->last = clock->now();
			arm = true;
		}
	}
	spin_unlock(&console_lock);
	if (arm)
		clock->arm(con->last + idle_ticks(vm));
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

void console_hv_partial(const char *text, size_t len)
{
	if (!uart)
		return;
	spin_lock(&console_lock);
	if (midline != &hv_partial)
		break_line();
	put_str(text, len);
	midline = len >= 2 && text[len - 1] == '\n' ? NULL : &hv_partial;
	spin_unlock(&console_lock);
}

uint64_t console_clock_hz(void)
{
	return clock ? clock->hz : 0;
}

void console_tick(void)
{
	uint64_t now, next = 0;

	if (!uart || !clock)
		return;
	now = clock->now();
	spin_lock(&console_lock);
	for (unsigned i = 0; i < vm_count; i++) {
		struct vm *vm = &vms[i];
		uint64_t due = vm->console.last + idle_ticks(vm);

		if (!vm->console.len)
			continue;
		if (now >= due)
			flush_vm(vm, false);
		else if (!next || due < next)
			next = due;
	}
	spin_unlock(&console_lock);
	if (next)
		clock->arm(next);
}

static void help(void)
{
	hv_log("console: Ctrl-] then: 0-%u focus that VM, n next VM, "
	       ": hypervisor shell, h this help, Ctrl-] a literal Ctrl-]",
	       vm_count ? vm_count - 1 : 0);
	for (unsigned i = 0; i < vm_count; i++)
		hv_log("  %u %s%s", i, vms[i].name,
		       &vms[i] == focus ? " (input)" : "");
}

static void focus_index(unsigned i)
{
	if (i < vm_count && (vms[i].plan->flags & SHIKIRI_VM_CONSOLE_VIRTUAL)) {
		hv_log("console: input goes to %s", vms[i].name);
		console_set_focus(&vms[i]);
	}
}

static void escape_key(char c)
{
	unsigned cur = focus ? focus->id : 0;

	if (c >= '0' && c <= '9') {
		focus_index((unsigned)(c - '0'));
	} else if (c == 'n' || c == '\t') {
		for (unsigned k = 1; k <= vm_count; k++) {
			unsigned i = (cur + k) % vm_count;

			if (vms[i].plan->flags & SHIKIRI_VM_CONSOLE_VIRTUAL) {
				focus_index(i);
				break;
			}
		}
	} else if (c == 'h' || c == '?') {
		help();
	} else if (c == ':') {
		shell_open();
	} else if (c == CONSOLE_ESCAPE && focus) {
		vpl011_rx(&focus->uart, c);
	}
}

void console_rx_poll(void)
{
	int c;

	if (!uart)
		return;
	for (;;) {
		struct vm *vm = focus;

		/*
		 * Take a character only when it has somewhere to go: while
		 * the VM's FIFO is full, it waits in the UART (and the sender
		 * behind it), instead of being dropped.
		 */
		if (vm && vm_running(vm) && !escaped && !shell_active() &&
		    !vpl011_rx_room(&vm->uart)) {
			uart->rx_irq(false);
			/*
			 * The VM may have made room between the check and the
			 * masking, and its console_rx_room() come too early to
			 * count: look once more, now that the mask is set.
			 */
			if (!vpl011_rx_room(&vm->uart))
				return;
			uart->rx_irq(true);
		}
		c = uart->getc();
		if (c < 0)
			return;
		if (shell_active()) {
			shell_input((char)c);
		} else if (escaped) {
			escaped = false;
			escape_key((char)c);
		} else if (c == CONSOLE_ESCAPE) {
			escaped = true;
		} else if (vm && vm_running(vm)) {
			vpl011_rx(&vm->uart, (char)c);
		}
	}
}

void console_rx_room(struct vm *vm)
{
	if (uart && vm == focus)
		uart->rx_irq(true);
}

struct vm *console_focus(void)
{
	return focus;
}

void console_set_focus(struct vm *vm)
{
	spin_lock(&console_lock);
	focus = vm;
	/* Show what the new focus is waiting with, e.g. its prompt. */
	if (vm && vm->console.len)
		flush_vm(vm, false);
	spin_unlock(&console_lock);
}
