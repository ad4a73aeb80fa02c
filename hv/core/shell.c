/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "hv/arch/boot.h"
#include "hv/arch/cpu.h"
#include "hv/console.h"
#include "hv/errno.h"
#include "hv/print.h"
#include "hv/shell.h"
#include "hv/vm.h"
#include "hv/vuart.h"

#define SHELL_LINE 64u
#define PROMPT "shikiri> "

static bool active;
static char line[SHELL_LINE];
static unsigned len;

static void cmd_help(void)
{
	hv_log("commands: list | start VM | stop VM | restart VM | stats VM | "
	       "focus VM | help | exit");
	hv_log("VM is a name or an index; Ctrl-] or an empty line leaves the "
	       "shell");
}

static void cmd_list(void)
{
	uint64_t now = arch_counter(), hz = console_clock_hz();

	hv_log("%-15s %-9s %-8s %8s %10s %8s  %s", "VM", "STATE", "CPUS",
	       "MEMORY", "UPTIME", "RESTARTS", "LAST CAUSE");
	for (unsigned i = 0; i < vm_count; i++) {
		struct vm *vm = &vms[i];
		char cpus[24], up[16] = "-";
		size_t n = 0;
		uint64_t mem = 0;

		for (unsigned k = 0; k < vm->vcpu_count; k++)
			n += print_snprintf(cpus + n, sizeof(cpus) - n, "%s%u",
					    k ? "," : "", vm->vcpu[k].pcpu);
		for (unsigned k = 0; k < vm->plan->ram_count; k++)
			mem += vm->plan->ram[k].size;
		if (vm_running(vm) && hz) {
			uint64_t ds = (now - vm->started_at) * 10 / hz;

			print_snprintf(up, sizeof(up), "%lu.%lus", ds / 10,
				       ds % 10);
		}
		hv_log("%-15s %-9s %-8s %7luM %10s %8u  %s", vm->name,
		       vm_state_name(vm->life.state), cpus, mem >> 20, up,
		       vm->life.restarts, vm_cause_name(vm->life.cause));
	}
}

/* What the VM's CPU @p took for the hypervisor (see struct pcpu_stats). */
static void cmd_stats_pcpu(const struct pcpu *p)
{
	hv_log("    CPU %u: %lu %s timer, %lu other hypervisor interrupts, "
	       "%lu held",
	       p->id, p->stats.timer, arch_hv_level, p->stats.hv, p->stats.held);
}

static void cmd_stats(struct vm *vm)
{
	char exits[120];

	vm_log_stats(vm);
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		const struct vcpu *v = &vm->vcpu[i];

		vcpu_stats_print(exits, sizeof(exits), &v->stats, false);
		hv_log("  vcpu %u (CPU %u): %s exits, %lu injected, %u queued",
		       i, v->pcpu, exits, v->stats.injected,
		       arch_vcpu_queued(&v->arch));
		arch_vcpu_log_exits(v);
		cmd_stats_pcpu(&pcpus[v->pcpu]);
	}
	if (vm->plan->flags & SHIKIRI_VM_CONSOLE_VIRTUAL)
		hv_log("  console: rx_dropped %lu, tx_dropped %lu (bytes lost "
		       "to full buffers)",
		       vuart_rx_dropped(vm), console_tx_dropped(vm));
	hv_log("  hypervisor console: %lu messages lost to a full buffer",
	       console_hv_dropped());
}

static void request(struct vm *vm, enum vm_request req, const char *verb)
{
	if (vm_request(vm, req, VM_CAUSE_SHELL))
		hv_log("%s: cannot %s it while it is %s", vm->name, verb,
		       vm_state_name(vm->life.state));
}

/* Split "cmd arg" in place; *arg is "" when there is none. */
static char *split(char *s, char **arg)
{
	while (*s == ' ')
		s++;
	*arg = s;
	while (**arg && **arg != ' ')
		(*arg)++;
	if (**arg) {
		*(*arg)++ = '\0';
		while (**arg == ' ')
			(*arg)++;
	}
	for (char *e = *arg + strlen(*arg); e > *arg && e[-1] == ' ';)
		*--e = '\0';
	return s;
}

bool shell_execute(const char *text)
{
	char buf[SHELL_LINE], *arg, *cmd;
	struct vm *vm;

	memcpy(buf, text, MIN(strlen(text) + 1, sizeof(buf)));
	buf[sizeof(buf) - 1] = '\0';
	cmd = split(buf, &arg);
	if (!*cmd || !strcmp(cmd, "exit") || !strcmp(cmd, "quit"))
		return false;
	if (!strcmp(cmd, "help") || !strcmp(cmd, "?")) {
		cmd_help();
		return true;
	}
	if (!strcmp(cmd, "list") || !strcmp(cmd, "ls")) {
		cmd_list();
		return true;
	}
	vm = *arg ? vm_find(arg) : NULL;
	if (!strcmp(cmd, "start") || !strcmp(cmd, "stop") ||
	    !strcmp(cmd, "restart") || !strcmp(cmd, "stats") ||
	    !strcmp(cmd, "focus")) {
		if (!vm) {
			hv_log("%s: no VM '%s' (try: list)", cmd, arg);
			return true;
		}
		if (!strcmp(cmd, "start"))
			request(vm, VM_REQ_START, "start");
		else if (!strcmp(cmd, "stop"))
			request(vm, VM_REQ_STOP, "stop");
		else if (!strcmp(cmd, "restart"))
			request(vm, VM_REQ_RESTART, "restart");
		else if (!strcmp(cmd, "stats"))
			cmd_stats(vm);
		else if (console_set_focus(vm))
			hv_log("focus: %s has no virtual console", vm->name);
		return true;
	}
	hv_log("unknown command '%s' (try: help)", cmd);
	return true;
}

bool shell_active(void)
{
	return active;
}

void shell_open(void)
{
	active = true;
	len = 0;
	console_hv_partial(PROMPT, sizeof(PROMPT) - 1);
}

static void shell_close(void)
{
	struct vm *vm = console_focus();

	active = false;
	hv_log("shell closed; input goes to %s", vm ? vm->name : "no VM");
}

void shell_input(char c)
{
	if (c == CONSOLE_ESCAPE || c == 3 /* Ctrl-C */) {
		console_hv_partial("\r\n", 2);
		shell_close();
	} else if (c == '\r' || c == '\n') {
		line[len] = '\0';
		console_hv_partial("\r\n", 2);
		if (shell_execute(line)) {
			len = 0;
			console_hv_partial(PROMPT, sizeof(PROMPT) - 1);
		} else {
			shell_close();
		}
	} else if ((c == 0x7f || c == '\b') && len) {
		len--;
		console_hv_partial("\b \b", 3);
	} else if (c >= ' ' && c < 0x7f && len < SHELL_LINE - 1) {
		line[len++] = c;
		console_hv_partial(&c, 1);
	}
}
