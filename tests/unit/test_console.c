/* SPDX-License-Identifier: MIT */
/*
 * The console multiplexer (hv/core/console.c) against a fake UART that
 * records what goes out and hands out typed characters, and a fake clock
 * the tests move by hand.  The VMs' emulated UARTs and the hypervisor shell
 * are fakes that record what they are given.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "arch/vpl011.h"
#include "hv/console.h"
#include "hv/errno.h"
#include "hv/print.h"
#include "hv/shell.h"
#include "hv/vm.h"
#include "hv/vuart.h"

#define HZ 1000000u /* 1 tick = 1 us */
#define MS (HZ / 1000u)
#define VM_TOTAL 3u

/* ------------------------------------------------------------ fakes --- */

struct vm vms[SHIKIRI_MAX_VMS];
unsigned vm_count;
static struct shikiri_plan_vm plans[SHIKIRI_MAX_VMS];

/*
 * The serial line: what went out, and what is waiting to be read.  The
 * transmit FIFO takes @tx_room more bytes (-1: any number); the console
 * must never wait for it but in console_flush().
 */
static char out[65536];
static size_t out_len;
static char in[4096];
static size_t in_len, in_pos;
static long tx_room = -1;
static bool tx_irq;

/* Run once from inside the next UART write: another CPU arrives. */
static void (*intrude)(void);

static bool fake_try_putc(char c)
{
	if (intrude) {
		void (*fn)(void) = intrude;

		intrude = NULL;
		fn();
	}
	if (!tx_room)
		return false;
	if (tx_room > 0)
		tx_room--;
	assert_true(out_len < sizeof(out) - 1);
	out[out_len++] = c;
	out[out_len] = '\0';
	return true;
}

static void fake_putc(char c)
{
	if (!tx_room)
		fail_msg("the console waited on a full UART");
	fake_try_putc(c);
}

static int fake_getc(void)
{
	return in_pos < in_len ? (unsigned char)in[in_pos++] : -1;
}

static void fake_tx_irq(bool on)
{
	tx_irq = on;
}

static const struct console_uart uart = {
	.putc = fake_putc,
	.try_putc = fake_try_putc,
	.getc = fake_getc,
	.tx_irq = fake_tx_irq,
};

/* Each VM's CPU has its own timer; @running says whose CPU arms it. */
static uint64_t now_ticks, armed[VM_TOTAL];
static unsigned running;

static uint64_t fake_now(void)
{
	return now_ticks;
}

/* Like the EL2 timer: an earlier deadline already set is kept. */
static void fake_arm(uint64_t deadline)
{
	if (!armed[running] || deadline < armed[running])
		armed[running] = deadline;
}

static const struct console_clock clock = {
	.now = fake_now,
	.arm = fake_arm,
	.hz = HZ,
};

/* The VMs' interrupt lines, driven by the real emulated PL011s. */
static bool irq_line[SHIKIRI_MAX_VMS];

void vgic_set_level(struct vm *vm, uint32_t vintid, bool level)
{
	assert_non_null(vm);
	(void)vintid;
	irq_line[vm->id] = level;
}

/* What each VM's console line asks at the guest's EOI. */
static vgic_resample_fn resample[SHIKIRI_MAX_VMS];

int vgic_add_sw_spi(struct vm *vm, uint32_t vintid, vgic_resample_fn fn)
{
	assert_int_equal(vintid, 33);
	resample[vm->id] = fn;
	return 0;
}

/* What each VM has read from its emulated UART so far. */
static char rx[VM_TOTAL][4096];
static size_t rx_len[VM_TOTAL];

/* The hypervisor shell: open or not, and what it was typed. */
static bool shell_on;
static char shell_in[64];
static size_t shell_len;

void shell_open(void)
{
	shell_on = true;
}

bool shell_active(void)
{
	return shell_on;
}

void shell_input(char c)
{
	if (c == '\r')
		shell_on = false;
	else
		shell_in[shell_len++] = c;
}

/* ---------------------------------------------------------- helpers --- */

static const char *const names[VM_TOTAL] = { "linux0", "linux1", "rtos" };

/* Three running VMs with virtual consoles, linux0 focused, nothing shown. */
static int setup(void **state)
{
	(void)state;
	memset(vms, 0, sizeof(vms));
	memset(plans, 0, sizeof(plans));
	vm_count = VM_TOTAL;
	for (unsigned i = 0; i < VM_TOTAL; i++) {
		vms[i].id = i;
		strcpy(vms[i].name, names[i]);
		plans[i].flags = SHIKIRI_VM_CONSOLE_VIRTUAL;
		vms[i].plan = &plans[i];
		vms[i].life.state = VM_RUNNING;
		plans[i].console_base = 0x9000000;
		plans[i].console_irq = 33;
		resample[i] = NULL;
		assert_int_equal(vuart_init(&vms[i]), 0);
		assert_non_null(resample[i]);
		rx_len[i] = 0;
		armed[i] = 0;
		irq_line[i] = false;
	}
	now_ticks = 1000 * MS;
	running = 0;
	in_len = in_pos = 0;
	tx_room = -1;
	tx_irq = false;
	shell_on = false;
	shell_len = 0;
	intrude = NULL;
	console_init(&uart, &clock);
	console_set_focus(&vms[0]);
	out_len = 0;
	out[0] = '\0';
	return 0;
}

static void vm_puts(unsigned vm, const char *s)
{
	running = vm;
	for (; *s; s++)
		console_vm_putc(&vms[vm], *s);
}

/* Let @ms milliseconds pass, with each VM's timer firing when due. */
static void advance(unsigned ms)
{
	uint64_t end = now_ticks + (uint64_t)ms * MS;

	for (;;) {
		unsigned next = VM_TOTAL;

		for (unsigned i = 0; i < VM_TOTAL; i++)
			if (armed[i] && armed[i] <= end &&
			    (next == VM_TOTAL || armed[i] < armed[next]))
				next = i;
		if (next == VM_TOTAL)
			break;
		if (armed[next] > now_ticks)
			now_ticks = armed[next];
		armed[next] = 0;
		running = next;
		console_tick(&vms[next]);
	}
	now_ticks = end;
}

/*
 * The UART's interrupt for as long as it is raised, and the timers that
 * are due now, until neither has anything left (bounded).
 */
static void uart_irq(void)
{
	for (unsigned n = 0; n < 100000; n++) {
		bool due = false;

		for (unsigned i = 0; i < VM_TOTAL; i++)
			due |= armed[i] && armed[i] <= now_ticks;
		if (in_pos < in_len || (tx_irq && tx_room))
			console_rx_poll();
		else if (due)
			advance(0);
		else
			return;
	}
	fail_msg("the UART interrupt never ends");
}

/* Type @s on the serial line and let the console read it. */
static void type_n(const char *s, size_t n)
{
	in_len = in_pos = 0;
	assert_true(n <= sizeof(in));
	memcpy(in, s, n);
	in_len = n;
	uart_irq();
}

static void type(const char *s)
{
	type_n(s, strlen(s));
}

/* What went out since the last call, which must be exactly @want. */
static void expect_out(const char *want)
{
	uart_irq();
	if (strcmp(out, want))
		print_error("serial line:\n[%s]\nwanted:\n[%s]\n", out, want);
	assert_string_equal(out, want);
	out_len = 0;
	out[0] = '\0';
}

/* The guest on @vm reads all its UART has for it. */
static void vm_reads(unsigned vm)
{
	uint64_t fr, c;

	for (;;) {
		assert_int_equal(vpl011_ops.read(NULL, &vms[vm].arch.uart, 0x18,
						 4, &fr),
				 0);
		if (fr & 0x10) /* RXFE */
			return;
		assert_int_equal(
			vpl011_ops.read(NULL, &vms[vm].arch.uart, 0, 4, &c), 0);
		assert_true(rx_len[vm] < sizeof(rx[vm]) - 1);
		rx[vm][rx_len[vm]++] = (char)c;
	}
}

/* All @vm has received so far (it reads now) must be @want. */
static void expect_rx(unsigned vm, const char *want)
{
	vm_reads(vm);
	rx[vm][rx_len[vm]] = '\0';
	assert_string_equal(rx[vm], want);
}

/* ------------------------------------------------------------ tests --- */

static void test_whole_lines_get_their_prefix(void **state)
{
	(void)state;
	vm_puts(0, "hello\r\n");
	expect_out("[linux0] hello\r\n");
	vm_puts(1, "one\ntwo\n");
	expect_out("[linux1] one\r\n[linux1] two\r\n");
	vm_puts(2, "\n");
	expect_out("[rtos] \r\n");
	hv_log("vm %s: started", "rtos");
	expect_out("shikiri: vm rtos: started\r\n");
}

static void test_partial_lines_never_interleave(void **state)
{
	(void)state;
	vm_puts(0, "abc");
	vm_puts(1, "xyz");
	vm_puts(2, "123");
	expect_out("");
	vm_puts(1, "\n");
	expect_out("[linux1] xyz\r\n");
	vm_puts(2, "45");
	vm_puts(0, "def\n");
	expect_out("[linux0] abcdef\r\n");
	vm_puts(2, "6\n");
	expect_out("[rtos] 123456\r\n");
}

static void test_full_buffer_goes_out_as_a_line(void **state)
{
	char want[CONSOLE_LINE + 32];

	(void)state;
	running = 1;
	for (unsigned i = 0; i < CONSOLE_LINE; i++)
		console_vm_putc(&vms[1], (char)('a' + i % 26));
	snprintf(want, sizeof(want), "[linux1] ");
	for (unsigned i = 0; i < CONSOLE_LINE; i++)
		want[9 + i] = (char)('a' + i % 26);
	strcpy(want + 9 + CONSOLE_LINE, "\r\n");
	expect_out(want);
	vm_puts(1, "rest\n");
	expect_out("[linux1] rest\r\n");
}

static void test_focused_partial_line_shows_after_its_idle_time(void **state)
{
	(void)state;
	vm_puts(0, "linux0# ");
	assert_int_equal(armed[0], now_ticks + 30 * MS);
	advance(29);
	expect_out("");
	advance(1);
	expect_out("[linux0] linux0# ");
	/* What the user types is echoed in place, on the same line. */
	vm_puts(0, "l");
	expect_out("l");
	vm_puts(0, "s\n");
	expect_out("s\r\n");
	vm_puts(0, "next\n");
	expect_out("[linux0] next\r\n");
}

static void test_other_partial_line_waits_a_second(void **state)
{
	(void)state;
	vm_puts(1, "login: ");
	advance(30);
	expect_out("");
	advance(969);
	expect_out("");
	advance(1);
	expect_out("[linux1] login: ");
}

static void test_idle_time_restarts_with_each_character(void **state)
{
	(void)state;
	vm_puts(0, "a");
	advance(20);
	vm_puts(0, "b");
	advance(20);
	expect_out("");
	advance(10);
	expect_out("[linux0] ab");
}

static void test_whole_line_breaks_a_shown_partial_line(void **state)
{
	(void)state;
	vm_puts(0, "linux0# ");
	advance(30);
	expect_out("[linux0] linux0# ");
	vm_puts(1, "[    5.000] booted\n");
	expect_out("\r\n[linux1] [    5.000] booted\r\n");
	/* The interrupted line goes on under a fresh prefix. */
	vm_puts(0, "ls\n");
	expect_out("[linux0] ls\r\n");
	/* A hypervisor line breaks it too. */
	vm_puts(0, "linux0# ");
	advance(30);
	hv_log("hello");
	expect_out("[linux0] linux0# \r\nshikiri: hello\r\n");
}

static void
test_partial_line_of_another_vm_waits_for_the_shown_one(void **state)
{
	(void)state;
	vm_puts(0, "linux0# ");
	advance(30);
	expect_out("[linux0] linux0# ");
	/* linux1's partial line is held while linux0's is showing ... */
	vm_puts(1, "abc");
	advance(500);
	vm_puts(0, "x");
	expect_out("x");
	/* ... and when it goes out, it starts a line of its own. */
	advance(500);
	expect_out("\r\n[linux1] abc");
	vm_puts(0, "y\n");
	expect_out("\r\n[linux0] y\r\n");
}

static void test_escape_digit_moves_the_focus(void **state)
{
	(void)state;
	assert_ptr_equal(console_focus(), &vms[0]);
	type("\x1d"
	     "1");
	assert_ptr_equal(console_focus(), &vms[1]);
	expect_out("shikiri: console: input goes to linux1\r\n");
	type("\x1d"
	     "2");
	assert_ptr_equal(console_focus(), &vms[2]);
	expect_out("shikiri: console: input goes to rtos\r\n");
	/* No such VM: nothing happens. */
	type("\x1d"
	     "7");
	assert_ptr_equal(console_focus(), &vms[2]);
	expect_out("");
	/* The idle time follows the focus. */
	vm_puts(2, "> ");
	advance(30);
	expect_out("[rtos] > ");
}

static void test_escape_n_goes_round_the_vms_with_consoles(void **state)
{
	(void)state;
	plans[1].flags = 0; /* console = "none" */
	type("\x1d"
	     "n");
	assert_ptr_equal(console_focus(), &vms[2]);
	expect_out("shikiri: console: input goes to rtos\r\n");
	type("\x1dn");
	assert_ptr_equal(console_focus(), &vms[0]);
	expect_out("shikiri: console: input goes to linux0\r\n");
	/* A VM without a console cannot be focused by number either. */
	type("\x1d"
	     "1");
	assert_ptr_equal(console_focus(), &vms[0]);
	expect_out("");
}

static void test_focus_shows_the_new_vms_prompt(void **state)
{
	(void)state;
	vm_puts(1, "linux1# ");
	type("\x1d"
	     "1");
	/* Held for a second as a background VM; shown at once on focus. */
	assert_non_null(strstr(out, "[linux1] linux1# "));
	assert_non_null(strstr(out, "shikiri: console: input goes to "
				    "linux1\r\n"));
	out_len = 0;
	out[0] = '\0';
}

static void test_escape_h_prints_help(void **state)
{
	(void)state;
	type("\x1dh");
	expect_out("shikiri: console: Ctrl-] then: 0-2 focus that VM, n next "
		   "VM, : hypervisor shell, h this help, Ctrl-] a literal "
		   "Ctrl-]\r\n"
		   "shikiri:   0 linux0 (input)\r\n"
		   "shikiri:   1 linux1\r\n"
		   "shikiri:   2 rtos\r\n");
	assert_int_equal(rx_len[0], 0);
}

static void test_escape_twice_sends_a_literal_escape(void **state)
{
	(void)state;
	type("a\x1d\x1d"
	     "b");
	expect_rx(0, "a\x1d"
		     "b");
	expect_out("");
	assert_ptr_equal(console_focus(), &vms[0]);
}

static void test_escape_can_span_two_reads(void **state)
{
	(void)state;
	type("\x1d");
	assert_ptr_equal(console_focus(), &vms[0]);
	type("1x");
	assert_ptr_equal(console_focus(), &vms[1]);
	expect_rx(0, "");
	expect_rx(1, "x");
	expect_out("shikiri: console: input goes to linux1\r\n");
}

static void test_input_goes_to_the_focused_vm_only(void **state)
{
	(void)state;
	type("ls\r");
	expect_rx(0, "ls\r");
	expect_rx(1, "");
	type("\x1d"
	     "1pwd\r");
	expect_rx(0, "ls\r");
	expect_rx(1, "pwd\r");
	expect_rx(2, "");
	expect_out("shikiri: console: input goes to linux1\r\n");
}

static void test_input_to_a_stopped_vm_is_dropped(void **state)
{
	(void)state;
	vms[0].life.state = VM_STOPPED;
	type("abc");
	expect_rx(0, "");
	assert_int_equal(in_pos, in_len);
	/* The escape key still works. */
	type("\x1d"
	     "1d");
	expect_rx(1, "d");
}

/* ---------------------------------------------- input never stalls --- */

static void test_a_vm_that_never_reads_loses_only_its_own_input(void **state)
{
	char keys[1500];

	(void)state;
	memset(keys, 'k', sizeof(keys));
	type_n(keys, sizeof(keys));
	/* Everything was taken from the UART; the VM keeps what fits. */
	assert_int_equal(in_pos, in_len);
	assert_int_equal(vuart_rx_dropped(&vms[0]),
			 sizeof(keys) - VPL011_RX_BUF);
	/* The escape key and the shell still work ... */
	type("\x1d"
	     "1x");
	assert_ptr_equal(console_focus(), &vms[1]);
	expect_rx(1, "x");
	type("\x1d:ls\r");
	assert_int_equal(shell_len, 2);
	assert_false(shell_on);
	/* ... and no other VM lost anything. */
	assert_int_equal(vuart_rx_dropped(&vms[1]), 0);
	assert_int_equal(vuart_rx_dropped(&vms[2]), 0);
	expect_out("shikiri: console: input goes to linux1\r\n");
	/* What linux0 kept is the oldest of what it was sent. */
	vm_reads(0);
	assert_int_equal(rx_len[0], VPL011_RX_BUF);
}

static void test_buffered_input_stays_with_its_vm(void **state)
{
	(void)state;
	type("abc");
	type("\x1d"
	     "1def");
	type("\x1d"
	     "0gh");
	expect_rx(1, "def");
	expect_rx(0, "abcgh");
	expect_out("shikiri: console: input goes to linux1\r\n"
		   "shikiri: console: input goes to linux0\r\n");
}

static void test_reset_empties_the_input_and_input_goes_on(void **state)
{
	char keys[VPL011_RX_BUF + 10];

	(void)state;
	memset(keys, 'k', sizeof(keys));
	type_n(keys, sizeof(keys));
	vuart_reset(&vms[0]);
	expect_rx(0, "");
	type("after");
	expect_rx(0, "after");
	assert_int_equal(vuart_rx_dropped(&vms[0]), 10);
}

/* ------------------------------------------------ output never waits --- */

static void test_putc_never_waits_for_a_full_uart(void **state)
{
	(void)state;
	tx_room = 0;
	vm_puts(1, "hello\n");
	hv_log("hi");
	assert_int_equal(out_len, 0);
	/* The transmit interrupt carries on when the FIFO drains. */
	assert_true(tx_irq);
	tx_room = -1;
	expect_out("[linux1] hello\r\nshikiri: hi\r\n");
	assert_false(tx_irq);
}

/*
 * The hypervisor's own messages wait in a bounded buffer too: one that
 * finds no room is lost whole, never cut, and counted for `stats`.
 */
static void test_a_lost_hypervisor_message_is_counted(void **state)
{
	uint64_t before = console_hv_dropped();
	unsigned shown = 0;

	(void)state;
	tx_room = 0;
	for (unsigned i = 0; i < 60; i++)
		hv_log("message %02u %080u", i, 0u);
	tx_room = -1;
	uart_irq();
	for (const char *p = out; (p = strstr(p, "shikiri: message ")); p++) {
		assert_int_equal(strcspn(p, "\r"), 9 + 11 + 80);
		shown++;
	}
	assert_true(shown > 0 && shown < 60);
	assert_int_equal(console_hv_dropped() - before, 60 - shown);
}

static void linux0_writes_a_line(void)
{
	unsigned was = running;

	vm_puts(0, "from linux0\n");
	running = was;
}

/*
 * A CPU that finds another draining leaves the line to it and looks again
 * a millisecond later, not at once: before, it re-armed its timer for
 * "now" and took timer interrupts without pause for as long as the other
 * CPU drained (seen as 2000/s on a watchdog test's CPU).
 */
static void test_a_busy_drain_is_retried_later_not_at_once(void **state)
{
	(void)state;
	intrude = linux0_writes_a_line;
	vm_puts(1, "from linux1\n");
	assert_int_equal(armed[0], now_ticks + MS);
	uart_irq();
	advance(2);
	assert_non_null(strstr(out, "[linux1] from linux1\r\n"));
	assert_non_null(strstr(out, "[linux0] from linux0\r\n"));
}

static void test_one_call_does_a_bounded_amount(void **state)
{
	char line[CONSOLE_LINE];

	(void)state;
	/* With its prefix and CR LF, more than one drain may put out. */
	memset(line, 'a', sizeof(line) - 2);
	line[sizeof(line) - 2] = '\n';
	line[sizeof(line) - 1] = '\0';
	vm_puts(1, line);
	/* One budget's worth went out with the newline; the rest is left to
	 * this CPU's timer, which is due at once. */
	assert_true(out_len <= CONSOLE_DRAIN_BUDGET);
	assert_false(tx_irq);
	assert_int_equal(armed[1], now_ticks);
	uart_irq();
	assert_int_equal(out_len, 9 + CONSOLE_LINE - 2 + 2);
	out_len = 0;
	out[0] = '\0';
}

static void test_a_flooding_vm_loses_only_its_own_output(void **state)
{
	char flood[120], want[64];
	const char *p;
	unsigned i, order[10];

	(void)state;
	memset(flood, 'f', sizeof(flood) - 2);
	flood[sizeof(flood) - 2] = '\n';
	flood[sizeof(flood) - 1] = '\0';
	/* The UART is stuck while rtos floods and linux0 prints 10 lines. */
	tx_room = 0;
	for (i = 0; i < 200; i++) {
		vm_puts(2, flood);
		if (i % 20 == 0) {
			snprintf(want, sizeof(want), "beat %u\n", i / 20);
			vm_puts(0, want);
		}
	}
	assert_int_equal(console_tx_dropped(&vms[0]), 0);
	assert_true(console_tx_dropped(&vms[2]) >=
		    200 * (sizeof(flood) - 1) - CONSOLE_OUT);
	tx_room = -1;
	uart_irq();
	/* Every one of linux0's lines is out whole, in order, and early:
	 * the sources take turns, one line each. */
	p = out;
	for (i = 0; i < 10; i++) {
		snprintf(want, sizeof(want), "[linux0] beat %u\r\n", i);
		p = strstr(p, want);
		assert_non_null(p);
		order[i] = 0;
		for (const char *q = out; q < p; q++)
			order[i] += *q == '\n';
		p += strlen(want);
	}
	assert_true(order[9] < 2 * 10);
	/* What was kept of the flood is in lines of its own. */
	for (p = out; (p = strstr(p, "[rtos] "));) {
		p += 7 + strspn(p + 7, "f");
		assert_memory_equal(p, "\r\n", 2);
	}
	out_len = 0;
	out[0] = '\0';
}

static void test_guest_sees_a_full_fifo_before_its_output_is_lost(void **state)
{
	uint64_t fr;
	unsigned written;

	(void)state;
	tx_room = 0;
	/* A guest that polls FR.TXFF, as Linux's console and earlycon do. */
	for (written = 0; written < 2 * CONSOLE_OUT; written++) {
		assert_int_equal(vpl011_ops.read(NULL, &vms[1].arch.uart, 0x18,
						 4, &fr),
				 0);
		if (fr & 0x20)
			break;
		vm_puts(1, written % 64 == 63 ? "\n" : "x");
	}
	assert_true(fr & 0x20);
	assert_true(written > CONSOLE_OUT / 2);
	assert_int_equal(console_tx_dropped(&vms[1]), 0);
	tx_room = -1;
	uart_irq();
	assert_int_equal(vpl011_ops.read(NULL, &vms[1].arch.uart, 0x18, 4, &fr),
			 0);
	assert_false(fr & 0x20);
	out_len = 0;
	out[0] = '\0';
}

static uint64_t uart_reg(unsigned vm, unsigned off)
{
	uint64_t val;

	assert_int_equal(
		vpl011_ops.read(NULL, &vms[vm].arch.uart, off, 4, &val), 0);
	return val;
}

static void test_tx_interrupt_waits_for_room(void **state)
{
	unsigned written = 0;

	(void)state;
	tx_room = 0;
	/* Like Linux's tty: TX interrupt on, then 16 bytes per interrupt
	 * without looking at FR, for as long as TX is raised. */
	assert_int_equal(
		vpl011_ops.write(NULL, &vms[1].arch.uart, 0x38, 4, 0x20), 0);
	vpl011_ops.write(NULL, &vms[1].arch.uart, 0, 4, 'x');
	while (uart_reg(1, 0x40) & 0x20 && written < 4 * CONSOLE_OUT) {
		assert_true(irq_line[1]);
		for (unsigned i = 0; i < 16; i++, written++)
			vpl011_ops.write(NULL, &vms[1].arch.uart, 0, 4,
					 written % 64 == 63 ? '\n' : 'y');
	}
	assert_false(irq_line[1]);
	assert_false(resample[1](&vms[1])); /* what the EOI finds */
	assert_true(written > CONSOLE_OUT / 2);
	assert_int_equal(console_tx_dropped(&vms[1]), 0);
	/* The UART moves again: the interrupt comes back with the room. */
	tx_room = -1;
	uart_irq();
	assert_true(uart_reg(1, 0x40) & 0x20);
	assert_true(irq_line[1]);
	assert_true(resample[1](&vms[1]));
	out_len = 0;
	out[0] = '\0';
}

static void test_flush_waits_and_puts_everything_out(void **state)
{
	(void)state;
	tx_room = 0;
	vm_puts(1, "last words\n");
	console_hv_partial("shikiri> ", 9);
	tx_room = 1000;
	console_flush();
	assert_string_equal(out, "[linux1] last words\r\nshikiri> ");
	out_len = 0;
	out[0] = '\0';
}

static void test_tick_shows_only_its_own_vms_line(void **state)
{
	(void)state;
	vm_puts(1, "one");
	vm_puts(2, "two");
	now_ticks += 2000 * MS;
	running = 2;
	console_tick(&vms[2]);
	console_tick(NULL);
	/* Not settled: linux1's own timer has not fired yet. */
	assert_string_equal(out, "[rtos] two");
	running = 1;
	console_tick(&vms[1]);
	expect_out("[rtos] two\r\n[linux1] one");
}

/* ---------------------------------------- no VM without a console --- */

static void test_focus_refuses_a_vm_without_a_console(void **state)
{
	(void)state;
	plans[1].flags = 0;
	/* As at boot: its emulated UART was never set up. */
	memset(&vms[1].arch.uart, 0, sizeof(vms[1].arch.uart));
	assert_int_equal(console_set_focus(&vms[1]), -HV_EINVAL);
	assert_ptr_equal(console_focus(), &vms[0]);
	type("k");
	expect_rx(0, "k");
}

/* ------------------------------------------- control sequences --- */

static void test_a_vm_cannot_forge_a_line(void **state)
{
	(void)state;
	vm_puts(1, "\b\b\b\b\b\b\b\b\b[linux0] heartbeat\n");
	expect_out("[linux1] [linux0] heartbeat\r\n");
	vm_puts(1, "x\rshikiri: vm linux0: stopped\n");
	expect_out("[linux1] xshikiri: vm linux0: stopped\r\n");
	vm_puts(1, "\x1b[1G\x1b[2Kshikiri: x\n\x1b[A\x1b[9D\x1b"
		   "8y\n");
	expect_out("[linux1] shikiri: x\r\n[linux1] y\r\n");
	vm_puts(1, "a\x0b\x0c\x85\x1b"
		   "Eb\n");
	expect_out("[linux1] a^K^L?b\r\n");
}

static void test_screen_and_terminal_queries_are_dropped(void **state)
{
	(void)state;
	vm_puts(1, "\x1b[2J\x1b[H\x1b[6n\x1b[c\x1b[>c\x1b[?1049h\x1b"
		   "c"
		   "ok\n");
	expect_out("[linux1] ok\r\n");
	/* OSC (title, clipboard), DCS, APC: dropped to BEL or ST. */
	vm_puts(1, "\x1b]0;pwned\x07\x1b]52;c;cHduZWQ=\x1b\\\x1bP+q544e\x1b\\"
		   "\x1b_apc\x1b\\ok\n");
	expect_out("[linux1] ok\r\n");
	/* Raw C1 CSI (0x9b) and its UTF-8 form are not obeyed either. */
	vm_puts(1, "\x9b"
		   "6n\xc2\x9b"
		   "6n\n");
	expect_out("[linux1] ?6n??6n\r\n");
	vm_puts(1, "bell\x07 del\x7f\n");
	expect_out("[linux1] bell^G del^?\r\n");
}

static void test_a_sequence_may_be_split_across_writes(void **state)
{
	(void)state;
	vm_puts(1, "a\x1b");
	vm_puts(0, "between\n");
	vm_puts(1, "[2");
	vm_puts(1, "Jb\x1b]0;t");
	vm_puts(1, "itle\x1b");
	vm_puts(1, "\\c\x1b[3");
	vm_puts(1, "1md\n");
	expect_out("[linux0] between\r\n"
		   "[linux1] abc\x1b[31md\x1b[0m\r\n");
}

static void test_colours_pass_and_end_with_the_line(void **state)
{
	(void)state;
	vm_puts(1, "\x1b[1;32mOK\x1b[0m done\n");
	expect_out("[linux1] \x1b[1;32mOK\x1b[0m done\x1b[0m\r\n");
	vm_puts(1, "plain\n");
	expect_out("[linux1] plain\r\n");
	/* A colour left on by a partial line ends where the line is cut. */
	vm_puts(0, "\x1b[31mred");
	advance(30);
	vm_puts(1, "next\n");
	expect_out("[linux0] \x1b[31mred\x1b[0m\r\n[linux1] next\r\n");
	/* Too long to be a colour: dropped. */
	vm_puts(1, "\x1b[1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1mx\n");
	expect_out("[linux1] x\r\n");
}

static void test_a_restart_ends_an_unfinished_sequence(void **state)
{
	(void)state;
	vm_puts(1, "before\n\x1b]0;unfinished");
	vuart_reset(&vms[1]);
	vm_puts(1, "after\n");
	expect_out("[linux1] before\r\n[linux1] after\r\n");
}

static void test_utf8_passes_and_broken_utf8_does_not(void **state)
{
	(void)state;
	vm_puts(1, "h\xc3\xa9llo \xe2\x9c\x93 \xf0\x9f\x98\x80\n");
	expect_out("[linux1] h\xc3\xa9llo \xe2\x9c\x93 \xf0\x9f\x98\x80\r\n");
	/* Overlong, surrogate, beyond U+10FFFF, truncated. */
	vm_puts(1, "\xc0\xaf|\xed\xa0\x80|\xf4\x90\x80\x80|\xe2\x9c\n");
	expect_out("[linux1] ??|???|????|?\r\n");
}

static void test_backspace_erases_only_the_vms_own_characters(void **state)
{
	(void)state;
	vm_puts(0, "linux0# ab");
	advance(30);
	expect_out("[linux0] linux0# ab");
	vm_puts(0, "\b \b");
	expect_out("\b \b");
	/* A line cut by another VM's line starts afresh: nothing to erase. */
	vm_puts(1, "x\n");
	vm_puts(0, "\b\b\bc\n");
	expect_out("\r\n[linux1] x\r\n[linux0] c\r\n");
	vm_puts(0, "ab\b\b\b\b\bc\n");
	expect_out("[linux0] ab\b\bc\r\n");
}

static void test_escape_colon_opens_the_shell(void **state)
{
	(void)state;
	type("\x1d:list");
	assert_true(shell_on);
	assert_int_equal(shell_len, 4);
	assert_memory_equal(shell_in, "list", 4);
	expect_rx(0, "");
	type("\rx");
	assert_false(shell_on);
	expect_rx(0, "x");
}

static void test_shell_partial_line(void **state)
{
	(void)state;
	console_hv_partial("shikiri> ", 9);
	expect_out("shikiri> ");
	console_hv_partial("li", 2);
	expect_out("li");
	/* A VM line in between gets a line of its own. */
	vm_puts(1, "hi\n");
	expect_out("\r\n[linux1] hi\r\n");
	console_hv_partial("st\r\n", 4);
	expect_out("st\r\n");
	vm_puts(1, "again\n");
	expect_out("[linux1] again\r\n");
	/* A hypervisor line ends the prompt's line, shown or not. */
	console_hv_partial("shikiri> ", 9);
	hv_log("vm rtos: stopped");
	expect_out("shikiri> \r\nshikiri: vm rtos: stopped\r\n");
	tx_room = 0;
	console_hv_partial("shikiri> ", 9);
	hv_log("vm rtos: started");
	tx_room = -1;
	expect_out("shikiri> \r\nshikiri: vm rtos: started\r\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
		T(test_whole_lines_get_their_prefix),
		T(test_partial_lines_never_interleave),
		T(test_full_buffer_goes_out_as_a_line),
		T(test_focused_partial_line_shows_after_its_idle_time),
		T(test_other_partial_line_waits_a_second),
		T(test_idle_time_restarts_with_each_character),
		T(test_whole_line_breaks_a_shown_partial_line),
		T(test_partial_line_of_another_vm_waits_for_the_shown_one),
		T(test_escape_digit_moves_the_focus),
		T(test_escape_n_goes_round_the_vms_with_consoles),
		T(test_focus_shows_the_new_vms_prompt),
		T(test_escape_h_prints_help),
		T(test_escape_twice_sends_a_literal_escape),
		T(test_escape_can_span_two_reads),
		T(test_input_goes_to_the_focused_vm_only),
		T(test_input_to_a_stopped_vm_is_dropped),
		T(test_a_vm_that_never_reads_loses_only_its_own_input),
		T(test_buffered_input_stays_with_its_vm),
		T(test_reset_empties_the_input_and_input_goes_on),
		T(test_putc_never_waits_for_a_full_uart),
		T(test_a_lost_hypervisor_message_is_counted),
		T(test_one_call_does_a_bounded_amount),
		T(test_a_busy_drain_is_retried_later_not_at_once),
		T(test_a_flooding_vm_loses_only_its_own_output),
		T(test_guest_sees_a_full_fifo_before_its_output_is_lost),
		T(test_tx_interrupt_waits_for_room),
		T(test_flush_waits_and_puts_everything_out),
		T(test_tick_shows_only_its_own_vms_line),
		T(test_focus_refuses_a_vm_without_a_console),
		T(test_a_vm_cannot_forge_a_line),
		T(test_screen_and_terminal_queries_are_dropped),
		T(test_a_sequence_may_be_split_across_writes),
		T(test_colours_pass_and_end_with_the_line),
		T(test_a_restart_ends_an_unfinished_sequence),
		T(test_utf8_passes_and_broken_utf8_does_not),
		T(test_backspace_erases_only_the_vms_own_characters),
		T(test_escape_colon_opens_the_shell),
		T(test_shell_partial_line),
#undef T
	};

	return cmocka_run_group_tests_name("console", tests, NULL, NULL);
}
