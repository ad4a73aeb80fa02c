/* SPDX-License-Identifier: MIT */
/*
 * The console multiplexer: every VM's virtual UART and the hypervisor's own
 * messages share the one physical UART.  Each line is tagged with its
 * source and written whole; input goes to the VM with focus.
 *
 * Output: each source (every VM, and the hypervisor) has its own buffer
 * and lock; writing to it never waits.  Whoever wrote, or the UART's
 * interrupt, then drains: whole lines, taken in turn from the sources that
 * have one, pushed only while the UART's FIFO has room, a bounded amount
 * per call.  One CPU drains at a time; a CPU that finds the drain busy
 * leaves its bytes to the one draining, which looks again before it stops.
 * When the UART's FIFO is full, its transmit interrupt carries on; else
 * the timer of each CPU whose VM still has a line waiting (see drain()).
 *
 * Input: the UART is always emptied; the focused VM's characters go to its
 * virtual UART (hv/vuart.h), which keeps a bounded buffer and drops (and
 * counts) what the VM does not read.  So the escape key always gets through.
 *
 * Lock order: a source's lock is taken after any device or VM lock, and
 * never two of them together; nothing is called with one held.  The drain
 * is a flag that is only ever tried (console_flush() alone waits for it,
 * a bounded time), so whoever holds it may take any lock: a source's, or
 * the virtual UART's and its interrupt controller's in vuart_tx_room().
 */
#include "hv/console.h"
#include "hv/console_filter.h"
#include "hv/errno.h"
#include "hv/print.h"
#include "hv/shell.h"
#include "hv/vm.h"
#include "hv/vuart.h"

#define FOCUS_IDLE_MS 30u
#define OTHER_IDLE_MS 1000u
/* A drain that found another CPU draining looks again this much later. */
#define BUSY_RETRY_MS 1u
/* Characters one interrupt takes from the UART. */
#define RX_BUDGET 64u
/* Room a VM's buffer keeps for the expansion of one more byte. */
#define TX_RESERVE (CONSOLE_FILTER_MAX + 2u)
#define SGR_RESET "\x1b[0m"

static const struct console_uart *uart;
static const struct console_clock *clock;
static struct vm *focus; /* atomic */
static bool escaped;	 /* receive interrupt only */
/* The hypervisor's own lines, a source like a VM's. */
static struct console_vm hv_out;

/*
 * The drain's state, owned by whoever holds @draining: the line open on the
 * serial line (its source, the columns it has shown, whether it set
 * colours), bytes made ready for the UART, and whose turn is next.
 */
static bool draining, kick, tx_irq_on;
static struct console_vm *cur;
static struct vm *cur_vm; /* the VM of @cur, NULL for the hypervisor */
static unsigned cur_col, rr;
static bool cur_sgr, cur_in_sgr;
static char stage[CONSOLE_SGR_MAX + SHIKIRI_NAME_LEN + 16];
static unsigned stage_len, stage_pos;
/* Whose bytes are staged, NULL when none: read by any CPU (atomic). */
static struct console_vm *staged;

static uint32_t out_free(const struct console_vm *c)
{
	return CONSOLE_OUT - (c->tail - c->head);
}

static void out_put(struct console_vm *c, const char *s, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		c->buf[c->tail++ % CONSOLE_OUT] = s[i];
}

/* End @c's line; false when there was no room even for that. */
static bool out_newline(struct console_vm *c)
{
	if (!out_free(c))
		return false;
	out_put(c, "\n", 1);
	c->col = 0;
	c->ready = c->tail;
	c->released = false;
	return true;
}

/* Append one unit (a character, a sequence) whole, or not at all. */
static bool out_unit(struct console_vm *c, const char *s, unsigned n)
{
	if (c->col + n > CONSOLE_LINE && !out_newline(c))
		return false;
	/* One byte stays free for the newline that ends the line. */
	if (out_free(c) < n + 1)
		return false;
	out_put(c, s, n);
	c->col += n;
	if (c->released)
		c->ready = c->tail;
	/* A line this long goes out now, as a line of its own. */
	if (c->col >= CONSOLE_LINE)
		out_newline(c);
	return true;
}

static struct console_vm *source(unsigned i)
{
	return i < vm_count ? &vms[i].console : &hv_out;
}

static bool has_ready(struct console_vm *c)
{
	bool r;

	spin_lock(&c->lock);
	r = c->ready != c->head;
	spin_unlock(&c->lock);
	return r;
}

/* Whether @c has output that is not on the serial line yet. */
static bool waiting(struct console_vm *c)
{
	return __atomic_load_n(&staged, __ATOMIC_SEQ_CST) == c || has_ready(c);
}

static void stage_str(const char *s)
{
	while (*s)
		stage[stage_len++] = *s++;
}

static void end_line(void)
{
	if (cur_sgr)
		stage_str(SGR_RESET);
	stage_str("\r\n");
	cur = NULL;
}

/* Start the line of the next source in turn that has one ready. */
static bool start_line(void)
{
	unsigned n = vm_count + 1;

	for (unsigned k = 0; k < n; k++) {
		unsigned i = (rr + k) % n;

		if (!has_ready(source(i)))
			continue;
		cur = source(i);
		cur_vm = i < vm_count ? &vms[i] : NULL;
		rr = i + 1;
		cur_col = 0;
		cur_sgr = cur_in_sgr = false;
		if (i < vm_count) {
			const char *name = vms[i].name;

			stage[stage_len++] = '[';
			for (unsigned j = 0; j < SHIKIRI_NAME_LEN && name[j];
			     j++)
				stage[stage_len++] = name[j];
			stage_str("] ");
		}
		return true;
	}
	return false;
}

/*
 * Stage what @cur has ready of its line.  A backspace goes out only over
 * a column this line has shown, so it never reaches the prefix.  A VM
 * that was found short of room hears when it has enough again.
 */
static void take_line(void)
{
	unsigned room = sizeof(stage) - sizeof(SGR_RESET) - 2;
	struct vm *vm = cur_vm;
	bool eol = false, wake;

	spin_lock(&cur->lock);
	while (cur->head != cur->ready && stage_len < room) {
		char b = cur->buf[cur->head++ % CONSOLE_OUT];

		if (b == '\n') {
			eol = true;
			break;
		}
		if (b == '\b') {
			if (!cur_col)
				continue;
			cur_col--;
		} else if (b == 0x1b) {
			cur_sgr = cur_in_sgr = true;
		} else if (cur_in_sgr) {
			cur_in_sgr = b != 'm';
		} else if (((uint8_t)b & 0xc0) != 0x80) {
			cur_col++; /* not a UTF-8 continuation byte */
		}
		stage[stage_len++] = b;
	}
	wake = vm && cur->tx_wake &&
	       out_free(cur) >= TX_RESERVE + 2 * CONSOLE_TX_WAKE;
	if (wake)
		cur->tx_wake = false;
	spin_unlock(&cur->lock);
	if (eol)
		end_line();
	/* No lock is held: the UART's lock comes before ours. */
	if (wake)
		vuart_tx_room(vm);
}

/* Stage the next piece of output; false when there is none. */
static bool fill_stage(void)
{
	if (!cur) {
		if (!start_line())
			return false;
		__atomic_store_n(&staged, cur, __ATOMIC_SEQ_CST);
		return true;
	}
	__atomic_store_n(&staged, cur, __ATOMIC_SEQ_CST);
	if (has_ready(cur)) {
		take_line();
		return true;
	}
	/* Its partial line is showing and another source has a line: break
	 * it there; the rest comes later under a fresh prefix. */
	for (unsigned i = 0; i <= vm_count; i++) {
		if (source(i) == cur || !has_ready(source(i)))
			continue;
		spin_lock(&cur->lock);
		cur->released = false;
		spin_unlock(&cur->lock);
		end_line();
		return true;
	}
	return false;
}

enum drained {
	DRAINED_ALL,
	DRAINED_BUDGET,
	DRAINED_FULL
};

/* Push staged bytes out, @sync waiting on the UART and without a bound. */
static enum drained drain_locked(bool sync)
{
	unsigned pushed = 0;

	for (;;) {
		while (stage_pos < stage_len) {
			if (sync)
				uart->putc(stage[stage_pos]);
			else if (pushed == CONSOLE_DRAIN_BUDGET)
				return DRAINED_BUDGET;
			else if (!uart->try_putc(stage[stage_pos]))
				return DRAINED_FULL;
			stage_pos++;
			pushed++;
		}
		stage_len = stage_pos = 0;
		if (!fill_stage()) {
			__atomic_store_n(&staged, NULL, __ATOMIC_SEQ_CST);
			return DRAINED_ALL;
		}
	}
}

/*
 * Drain, unless another CPU is at it: then that one sees the kick when it
 * lets go, and drains again.  Once the UART's FIFO was found full, its
 * transmit interrupt carries on (it comes when there is room) until all is
 * out.  Otherwise the caller's own output, @own, is its CPU's to push on:
 * while @own (or the hypervisor's) has a line waiting, this CPU's timer
 * brings it back at once, a bounded amount each time.  So a VM's CPU
 * drains for the others at most the lines ahead of its own, and no CPU
 * drains without end.
 */
static void drain(struct console_vm *own)
{
	bool busy = false;

	__atomic_store_n(&kick, true, __ATOMIC_SEQ_CST);
	for (unsigned pass = 0; pass < 2; pass++) {
		enum drained d;
		bool irq;

		if (!__atomic_load_n(&kick, __ATOMIC_SEQ_CST))
			break;
		if (__atomic_exchange_n(&draining, true, __ATOMIC_SEQ_CST)) {
			busy = !pass;
			break;
		}
		__atomic_store_n(&kick, false, __ATOMIC_SEQ_CST);
		d = drain_locked(false);
		irq = d == DRAINED_FULL || (d == DRAINED_BUDGET && tx_irq_on);
		if (irq != tx_irq_on) {
			__atomic_store_n(&tx_irq_on, irq, __ATOMIC_SEQ_CST);
			uart->tx_irq(irq);
		}
		__atomic_store_n(&draining, false, __ATOMIC_SEQ_CST);
		if (d != DRAINED_ALL)
			break;
	}
	/*
	 * Another CPU is draining: it sees the kick and goes on, so this CPU
	 * looks again only a while later (BUSY_RETRY_MS), not at once: that
	 * would interrupt it without pause for as long as the other drains
	 * (long, behind a UART whose far end reads slowly).
	 */
	if (clock && !__atomic_load_n(&tx_irq_on, __ATOMIC_SEQ_CST) &&
	    (waiting(own) || waiting(&hv_out)))
		clock->arm(clock->now() +
			   (busy ? clock->hz / 1000 * BUSY_RETRY_MS : 0));
}

static uint64_t idle_ticks(const struct vm *vm)
{
	return clock->hz / 1000 *
	       (vm == console_focus() ? FOCUS_IDLE_MS : OTHER_IDLE_MS);
}

/* Let @c's partial line go out; true when it had one. */
static bool release(struct console_vm *c)
{
	bool had;

	spin_lock(&c->lock);
	had = c->ready != c->tail;
	if (had) {
		c->ready = c->tail;
		c->released = true;
	}
	spin_unlock(&c->lock);
	return had;
}

void console_init(const struct console_uart *u, const struct console_clock *c)
{
	uart = u;
	clock = c;
	cur = NULL;
	stage_len = stage_pos = 0;
	tx_irq_on = false;
	hv_out.head = hv_out.ready = hv_out.tail = 0;
	hv_out.col = 0;
}

void console_init_clock(const struct console_clock *c)
{
	clock = c;
}

void console_vm_putc(struct vm *vm, char ch)
{
	struct console_vm *c = &vm->console;
	char out[CONSOLE_FILTER_MAX];
	uint64_t deadline = 0;
	unsigned n;
	bool ok = true, ready;

	if (!uart)
		return;
	spin_lock(&c->lock);
	n = console_filter(c, (uint8_t)ch, out);
	if (n && out[n - 1] == '\n') {
		ok = (n == 1 || out_unit(c, out, n - 1)) && out_newline(c);
	} else if (n) {
		ok = out_unit(c, out, n);
		if (ok && !c->released && clock) {
			c->last = clock->now();
			deadline = c->last + idle_ticks(vm);
		}
	}
	if (!ok)
		c->tx_dropped++;
	ready = c->ready != c->head;
	spin_unlock(&c->lock);
	if (deadline)
		clock->arm(deadline);
	if (ready)
		drain(c);
}

unsigned console_vm_tx_room(struct vm *vm)
{
	struct console_vm *c = &vm->console;
	uint32_t room;

	spin_lock(&c->lock);
	room = out_free(c);
	/* No byte comes out as more than two, but for a sequence the filter
	 * holds (TX_RESERVE covers it, and the newline of a cut line). */
	room = room > TX_RESERVE ? (room - TX_RESERVE) / 2 : 0;
	if (room < CONSOLE_TX_WAKE)
		c->tx_wake = true;
	spin_unlock(&c->lock);
	return room;
}

void console_vm_reset(struct vm *vm)
{
	spin_lock(&vm->console.lock);
	console_filter_reset(&vm->console);
	spin_unlock(&vm->console.lock);
}

uint64_t console_tx_dropped(struct vm *vm)
{
	return __atomic_load_n(&vm->console.tx_dropped, __ATOMIC_RELAXED);
}

uint64_t console_hv_dropped(void)
{
	return __atomic_load_n(&hv_out.tx_dropped, __ATOMIC_RELAXED);
}

/* Hypervisor text: trusted, so only '\r' goes (the drain ends lines). */
static void hv_put(const char *text, size_t len, bool line)
{
	if (!uart)
		return;
	spin_lock(&hv_out.lock);
	if (out_free(&hv_out) > len + 2) {
		/* A whole line ends the shell's prompt line first. */
		if (line && hv_out.col)
			out_newline(&hv_out);
		for (size_t i = 0; i < len; i++) {
			if (text[i] == '\n') {
				out_newline(&hv_out);
			} else if (text[i] != '\r') {
				out_put(&hv_out, &text[i], 1);
				hv_out.col++;
			}
		}
		if (line)
			out_newline(&hv_out);
		hv_out.ready = hv_out.tail;
	} else {
		__atomic_add_fetch(&hv_out.tx_dropped, 1, __ATOMIC_RELAXED);
	}
	spin_unlock(&hv_out.lock);
	drain(&hv_out);
}

void console_hv_line(const char *text, size_t len)
{
	hv_put(text, len, true);
}

void console_hv_partial(const char *text, size_t len)
{
	hv_put(text, len, false);
}

void console_flush(void)
{
	if (!uart)
		return;
	/* The machine is stopping: wait a moment for a drain under way on
	 * another CPU, then take over whether it ended or not. */
	for (unsigned i = 0; i < 1000000; i++)
		if (!__atomic_exchange_n(&draining, true, __ATOMIC_SEQ_CST))
			break;
	for (unsigned i = 0; i <= vm_count; i++)
		release(source(i));
	drain_locked(true);
	__atomic_store_n(&draining, false, __ATOMIC_SEQ_CST);
}

uint64_t console_clock_hz(void)
{
	return clock ? clock->hz : 0;
}

void console_tick(struct vm *vm)
{
	struct console_vm *c = vm ? &vm->console : &hv_out;
	uint64_t due = 0;
	bool show = false;

	if (!uart || !clock)
		return;
	if (vm) {
		spin_lock(&c->lock);
		if (c->ready != c->tail) {
			due = c->last + idle_ticks(vm);
			show = clock->now() >= due;
		}
		spin_unlock(&c->lock);
		if (show)
			release(c);
		else if (due)
			clock->arm(due);
	}
	/* The timer also carries on a drain this CPU left unfinished. */
	if (show || waiting(c) || waiting(&hv_out))
		drain(c);
}

static bool has_console(const struct vm *vm)
{
	return vm->plan->flags & SHIKIRI_VM_CONSOLE_VIRTUAL;
}

static void help(void)
{
	struct vm *f = console_focus();

	hv_log("console: Ctrl-] then: 0-%u focus that VM, n next VM, "
	       ": hypervisor shell, h this help, Ctrl-] a literal Ctrl-]",
	       vm_count ? vm_count - 1 : 0);
	for (unsigned i = 0; i < vm_count; i++)
		hv_log("  %u %s%s", i, vms[i].name,
		       &vms[i] == f ? " (input)" : "");
}

static void focus_index(unsigned i)
{
	if (i < vm_count && has_console(&vms[i])) {
		hv_log("console: input goes to %s", vms[i].name);
		console_set_focus(&vms[i]);
	}
}

static void escape_key(char c)
{
	struct vm *f = console_focus();
	unsigned cur_id = f ? f->id : 0;

	escaped = false;
	if (c >= '0' && c <= '9') {
		focus_index((unsigned)(c - '0'));
	} else if (c == 'n' || c == '\t') {
		for (unsigned k = 1; k <= vm_count; k++) {
			unsigned i = (cur_id + k) % vm_count;

			if (has_console(&vms[i])) {
				focus_index(i);
				break;
			}
		}
	} else if (c == 'h' || c == '?') {
		help();
	} else if (c == ':') {
		shell_open();
	} else if (c == CONSOLE_ESCAPE && f && vm_running(f)) {
		vuart_rx(f, c);
	}
}

void console_rx_poll(void)
{
	if (!uart)
		return;
	for (unsigned n = 0; n < RX_BUDGET; n++) {
		struct vm *vm = console_focus();
		int c = uart->getc();

		if (c < 0)
			break;
		if (shell_active())
			shell_input((char)c);
		else if (escaped)
			escape_key((char)c);
		else if (c == CONSOLE_ESCAPE)
			escaped = true;
		else if (vm && vm_running(vm))
			vuart_rx(vm, (char)c);
	}
	drain(&hv_out);
}

struct vm *console_focus(void)
{
	return __atomic_load_n(&focus, __ATOMIC_ACQUIRE);
}

int console_set_focus(struct vm *vm)
{
	if (vm && !has_console(vm))
		return -HV_EINVAL;
	__atomic_store_n(&focus, vm, __ATOMIC_RELEASE);
	/* Show what the new focus is waiting with, e.g. its prompt. */
	if (vm && release(&vm->console))
		drain(&vm->console);
	return 0;
}
