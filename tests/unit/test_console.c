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

#include "hv/console.h"
#include "hv/print.h"
#include "hv/shell.h"
#include "hv/vm.h"

#define HZ 1000000u /* 1 tick = 1 us */
#define MS (HZ / 1000u)
#define VM_TOTAL 3u

/* ------------------------------------------------------------ fakes --- */

struct vm vms[SHIKIRI_MAX_VMS];
unsigned vm_count;
static struct shikiri_plan_vm plans[SHIKIRI_MAX_VMS];

/* The serial line: what went out, and what is waiting to be read. */
static char out[8192];
static size_t out_len;
static char in[64];
static size_t in_len, in_pos;
static int rx_irq_on = 1;

static void fake_putc(char c)
{
	assert_true(out_len < sizeof(out) - 1);
	out[out_len++] = c;
	out[out_len] = '\0';
}

static int fake_getc(void)
{
	return in_pos < in_len ? (unsigned char)in[in_pos++] : -1;
}

static void fake_rx_irq(bool on)
{
	rx_irq_on = on;
}

static const struct console_uart uart = {
	.putc = fake_putc,
	.getc = fake_getc,
	.rx_irq = fake_rx_irq,
};

static uint64_t now_ticks, armed;

static uint64_t fake_now(void)
{
	return now_ticks;
}

/* Like the EL2 timer: an earlier deadline already set is kept. */
static void fake_arm(uint64_t deadline)
{
	if (!armed || deadline < armed)
		armed = deadline;
}

static const struct console_clock clock = {
	.now = fake_now,
	.arm = fake_arm,
	.hz = HZ,
};

/* What each VM's emulated UART received, and whether its FIFO has room. */
static char rx[VM_TOTAL][64];
static size_t rx_len[VM_TOTAL];
static bool rx_full[VM_TOTAL];

static unsigned vm_of(const struct vpl011 *u)
{
	for (unsigned i = 0; i < VM_TOTAL; i++)
		if (u == &vms[i].uart)
			return i;
	fail_msg("a UART that belongs to no VM");
	return 0;
}

bool vpl011_rx(struct vpl011 *u, char c)
{
	unsigned i = vm_of(u);

	assert_false(rx_full[i]);
	assert_true(rx_len[i] < sizeof(rx[i]) - 1);
	rx[i][rx_len[i]++] = c;
	return true;
}

bool vpl011_rx_room(struct vpl011 *u)
{
	return !rx_full[vm_of(u)];
}

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
		vms[i].uart.vm = &vms[i];
		rx_len[i] = 0;
		rx_full[i] = false;
	}
	now_ticks = 1000 * MS;
	armed = 0;
	in_len = in_pos = 0;
	rx_irq_on = 1;
	shell_on = false;
	shell_len = 0;
	console_init(&uart, &clock);
	console_set_focus(&vms[0]);
	/* A whole line ends whatever partial line an earlier test left. */
	console_hv_line("", 0);
	out_len = 0;
	out[0] = '\0';
	return 0;
}

static void vm_puts(unsigned vm, const char *s)
{
	for (; *s; s++)
		console_vm_putc(&vms[vm], *s);
}

/* Let @ms milliseconds pass, with the console's timer firing when due. */
static void advance(unsigned ms)
{
	uint64_t end = now_ticks + (uint64_t)ms * MS;

	while (armed && armed <= end) {
		now_ticks = armed;
		armed = 0;
		console_tick();
	}
	now_ticks = end;
}

/* Type @s on the serial line and let the console read it. */
static void type(const char *s)
{
	in_len = in_pos = 0;
	for (; *s; s++)
		in[in_len++] = *s;
	console_rx_poll();
}

/* What went out since the last call, which must be exactly @want. */
static void expect_out(const char *want)
{
	if (strcmp(out, want))
		print_error("serial line:\n[%s]\nwanted:\n[%s]\n", out, want);
	assert_string_equal(out, want);
	out_len = 0;
	out[0] = '\0';
}

static void expect_rx(unsigned vm, const char *want)
{
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
	assert_int_equal(armed, now_ticks + 30 * MS);
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

static void test_input_waits_in_the_uart_while_the_fifo_is_full(void **state)
{
	(void)state;
	rx_full[0] = true;
	type("abc");
	expect_rx(0, "");
	assert_int_equal(in_pos, 0);
	assert_false(rx_irq_on);
	/* Room again: the receive interrupt comes back, and the rest. */
	rx_full[0] = false;
	console_rx_room(&vms[0]);
	assert_true(rx_irq_on);
	console_rx_poll();
	expect_rx(0, "abc");
	/* Only the focused VM's room matters. */
	rx_full[1] = true;
	type("d");
	expect_rx(0, "abcd");
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
		T(test_input_waits_in_the_uart_while_the_fifo_is_full),
		T(test_escape_colon_opens_the_shell),
		T(test_shell_partial_line),
#undef T
	};

	return cmocka_run_group_tests_name("console", tests, NULL, NULL);
}
