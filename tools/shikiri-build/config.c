// SPDX-License-Identifier: MIT
/*
 * The user's configuration: compile the .dts with dtc, then read the root
 * and every vm@N node into struct vm_config, reporting each problem with
 * the file, node and property it concerns and how to fix it.
 */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_vm.h"
#include "exec.h"

#define CONFIG_COMPATIBLE "shikiri,config-v1"
#define SZ_2M 0x200000ull
#define SZ_1M 0x100000ull

typedef void (*prop_parser)(struct vm_parse *p, const char *name,
			    const void *val, int len);

/* One value that a string property may take, and what it means. */
struct keyword {
	const char *word;
	uint32_t value;
};

static const struct keyword policy_words[] = {
	{ "stop", SHIKIRI_POLICY_STOP },
	{ "restart", SHIKIRI_POLICY_RESTART },
	{ "reflect", SHIKIRI_POLICY_REFLECT },
};

/**
 * config_policy_name() - The config keyword of a policy.
 * @policy: enum shikiri_policy.
 *
 * Return: "stop", "restart", "reflect" or "?".
 */
const char *config_policy_name(uint32_t policy)
{
	for (size_t i = 0; i < sizeof(policy_words) / sizeof(policy_words[0]);
	     i++)
		if (policy_words[i].value == policy)
			return policy_words[i].word;
	return "?";
}

static void parse_label(struct vm_parse *p, const char *name, const void *val,
			int len)
{
	config_name_prop(p->d, p->cfg->path, p->vm->node, name, val, len, "VM",
			 "label = \"linux0\"", p->vm->label);
}

static void parse_cpus(struct vm_parse *p, const char *name, const void *val,
		       int len)
{
	const fdt32_t *cells = val;
	const char *range = p->board->cpu_range;

	if (len <= 0 || len % 4) {
		diag_prop(p->d, p->cfg->path, p->vm->node, name,
			  "must list physical CPU numbers; fix: e.g. "
			  "cpus = <0 1>");
		return;
	}
	for (int i = 0; i < len / 4; i++) {
		uint32_t cpu = fdt32_to_cpu(cells[i]);

		if (cpu >= p->board->facts.cpu_count)
			diag_prop(p->d, p->cfg->path, p->vm->node, name,
				  "CPU %u is not on the board (board has CPUs "
				  "%s); fix: use CPUs %s",
				  cpu, range, range);
		else if (p->vm->cpu_mask & (1ull << cpu))
			diag_prop(p->d, p->cfg->path, p->vm->node, name,
				  "CPU %u is listed twice; fix: list each CPU "
				  "once",
				  cpu);
		else
			p->vm->cpu_mask |= 1ull << cpu;
	}
}

static void parse_memory(struct vm_parse *p, const char *name, const void *val,
			 int len)
{
	uint64_t size;

	if (!config_as_u64(val, len, &size)) {
		diag_prop(p->d, p->cfg->path, p->vm->node, name,
			  "must be a 64-bit size as two cells; fix: e.g. "
			  "memory-size = <0x0 0x20000000> for 512 MiB");
		return;
	}
	if (size == 0 || size % SZ_2M) {
		uint64_t up = size ? (size + SZ_2M - 1) & ~(SZ_2M - 1) : SZ_2M;

		diag_prop(p->d, p->cfg->path, p->vm->node, name,
			  "0x%llx is not a non-zero multiple of 2 MiB; fix: "
			  "use e.g. <0x%llx 0x%llx> (%llu MiB)",
			  (unsigned long long)size,
			  (unsigned long long)(up >> 32),
			  (unsigned long long)(up & 0xffffffffu),
			  (unsigned long long)(up / SZ_1M));
		return;
	}
	p->vm->mem_size = size;
}

/*
 * Where the VM's RAM goes in physical memory, instead of top-down; whether
 * it fits beside the hypervisor and the other VMs is checked at placement.
 */
static void parse_memory_base(struct vm_parse *p, const char *name,
			      const void *val, int len)
{
	uint64_t base;

	if (!config_as_u64(val, len, &base)) {
		diag_prop(p->d, p->cfg->path, p->vm->node, name,
			  "must be a 64-bit physical address as two cells; "
			  "fix: e.g. memory-base = <0x0 0x80000000>");
		return;
	}
	if (base % CONFIG_MEM_ALIGN) {
		uint64_t down = base & ~(CONFIG_MEM_ALIGN - 1);

		diag_prop(p->d, p->cfg->path, p->vm->node, name,
			  "0x%llx is not 2 MiB aligned; fix: use e.g. "
			  "<0x%llx 0x%llx>",
			  (unsigned long long)base,
			  (unsigned long long)(down >> 32),
			  (unsigned long long)(down & 0xffffffffu));
		return;
	}
	p->vm->mem_base = base;
	p->vm->mem_fixed = true;
}

static void parse_path(struct vm_parse *p, const char *name, const void *val,
		       int len)
{
	static const struct {
		const char *name, *example;
	} examples[] = {
		{ "kernel", "Image" },
		{ "initrd", "initramfs.cpio.gz" },
		{ "overlay", "extra.dtso" },
	};
	const char *s = config_as_string(val, len), *example = "";
	char **field = strcmp(name, "kernel") == 0 ? &p->vm->kernel :
		       strcmp(name, "initrd") == 0 ? &p->vm->initrd :
						     &p->vm->overlay;

	for (size_t i = 0; i < sizeof(examples) / sizeof(examples[0]); i++)
		if (strcmp(examples[i].name, name) == 0)
			example = examples[i].example;
	if (!s || !*s) {
		diag_prop(p->d, p->cfg->path, p->vm->node, name,
			  "must be a file name; fix: e.g. %s = \"%s\"", name,
			  example);
		return;
	}
	*field = fileio_join(p->cfg->dir, s);
}

static void parse_bootargs(struct vm_parse *p, const char *name,
			   const void *val, int len)
{
	const char *s = config_as_string(val, len);

	if (!s) {
		diag_prop(p->d, p->cfg->path, p->vm->node, name,
			  "must be one string; fix: bootargs = \"console="
			  "ttyAMA0\"");
		return;
	}
	if (strlen(s) > CONFIG_BOOTARGS_MAX) {
		diag_prop(p->d, p->cfg->path, p->vm->node, name,
			  "is %zu characters long, more than %u; fix: shorten "
			  "it",
			  strlen(s), CONFIG_BOOTARGS_MAX);
		return;
	}
	free(p->vm->bootargs);
	p->vm->bootargs = fileio_strdup_printf("%s", s);
}

static void parse_console(struct vm_parse *p, const char *name, const void *val,
			  int len)
{
	const char *s = config_as_string(val, len);

	if (s && strcmp(s, "virtual") == 0)
		p->vm->console = true;
	else if (s && strcmp(s, "none") == 0)
		p->vm->console = false;
	else
		diag_prop(p->d, p->cfg->path, p->vm->node, name,
			  "'%s' is not supported; fix: use \"virtual\" or "
			  "\"none\"",
			  s ? s : "(not a string)");
}

static void parse_devices(struct vm_parse *p, const char *name, const void *val,
			  int len)
{
	const char *s = val, *end = s + len;
	struct vm_config *vm = p->vm;

	if (len <= 0 || s[len - 1] != '\0') {
		diag_prop(p->d, p->cfg->path, vm->node, name,
			  "must be a list of board DT paths; fix: e.g. "
			  "devices = \"/virtio_mmio@a003e00\"");
		return;
	}
	for (; s < end; s += strlen(s) + 1) {
		bool dup = false;

		for (unsigned int i = 0; i < vm->device_count; i++)
			dup |= strcmp(vm->devices[i], s) == 0;
		if (s[0] != '/')
			diag_prop(p->d, p->cfg->path, vm->node, name,
				  "'%s' is not a full path; fix: name the "
				  "board DT node as \"/node@address\"",
				  s);
		else if (dup)
			diag_prop(p->d, p->cfg->path, vm->node, name,
				  "'%s' is listed twice; fix: list it once", s);
		else if (vm->device_count == CONFIG_MAX_DEVICES) {
			diag_prop(p->d, p->cfg->path, vm->node, name,
				  "lists more than %u devices, the most a VM "
				  "can have; fix: pass fewer",
				  CONFIG_MAX_DEVICES);
			return;
		} else
			vm->devices[vm->device_count++] = s;
	}
}

static void parse_policy(struct vm_parse *p, const char *name, const void *val,
			 int len)
{
	bool fault = strcmp(name, "on-fault") == 0;
	const char *s = config_as_string(val, len);
	uint32_t *field = fault				? &p->vm->on_fault :
			  strcmp(name, "on-reset") == 0 ? &p->vm->on_reset :
			  strcmp(name, "on-crash") == 0 ? &p->vm->on_crash :
							  &p->vm->on_poweroff;

	for (size_t i = 0;
	     s && i < sizeof(policy_words) / sizeof(policy_words[0]); i++) {
		if (strcmp(s, policy_words[i].word) != 0)
			continue;
		if (policy_words[i].value == SHIKIRI_POLICY_REFLECT && !fault)
			break;
		*field = policy_words[i].value;
		return;
	}
	diag_prop(p->d, p->cfg->path, p->vm->node, name,
		  "'%s' is not a policy; fix: use %s", s ? s : "(not a string)",
		  fault ? "\"reflect\", \"stop\" or \"restart\"" :
			  "\"restart\" or \"stop\"");
}

static void parse_manage(struct vm_parse *p, const char *name, const void *val,
			 int len)
{
	const fdt32_t *cells = val;

	if (len <= 0 || len % 4) {
		diag_prop(p->d, p->cfg->path, p->vm->node, name,
			  "must list VM numbers; fix: e.g. manage = <1>");
		return;
	}
	for (int i = 0; i < len / 4; i++) {
		uint32_t vm = fdt32_to_cpu(cells[i]);

		if (vm >= SHIKIRI_MAX_VMS)
			diag_prop(p->d, p->cfg->path, p->vm->node, name,
				  "VM %u does not exist; fix: use the N of an "
				  "existing vm@N node",
				  vm);
		else
			p->vm->manage_mask |= 1u << vm;
	}
}

#define WATCHDOG_MS_MIN 100u
#define WATCHDOG_MS_MAX 3600000u

static void parse_watchdog(struct vm_parse *p, const char *name,
			   const void *val, int len)
{
	uint32_t ms = len == 4 ? fdt32_to_cpu(*(const fdt32_t *)val) : 0;

	if (ms < WATCHDOG_MS_MIN || ms > WATCHDOG_MS_MAX) {
		diag_prop(p->d, p->cfg->path, p->vm->node, name,
			  "must be one number of milliseconds from %u to %u; "
			  "fix: e.g. watchdog-ms = <10000>",
			  WATCHDOG_MS_MIN, WATCHDOG_MS_MAX);
		return;
	}
	p->vm->watchdog_ms = ms;
}

/* The properties of a vm@N node; anything else is an error. */
static const struct vm_prop {
	const char *name;
	prop_parser parse;
	const char *example; /* non-NULL: required, shown when missing */
} vm_props[] = {
	{ "label", parse_label, "label = \"linux0\"" },
	{ "cpus", parse_cpus, "cpus = <0 1>" },
	{ "memory-size", parse_memory, "memory-size = <0x0 0x20000000>" },
	{ "memory-base", parse_memory_base, NULL },
	{ "kernel", parse_path, "kernel = \"Image\"" },
	{ "initrd", parse_path, NULL },
	{ "bootargs", parse_bootargs, NULL },
	{ "console", parse_console, NULL },
	{ "devices", parse_devices, NULL },
	{ "interrupts", config_irq_parse, NULL },
	{ "interrupt-ranges", config_irq_parse, NULL },
	{ "overlay", parse_path, NULL },
	{ "on-reset", parse_policy, NULL },
	{ "on-poweroff", parse_policy, NULL },
	{ "on-crash", parse_policy, NULL },
	{ "on-fault", parse_policy, NULL },
	{ "manage", parse_manage, NULL },
	{ "watchdog-ms", parse_watchdog, NULL },
	{ "pci-devices", config_pci_parse, NULL },
	{ "network", config_network_parse, NULL },
	{ "mac-address", config_mac_parse, NULL },
};

#define VM_PROP_COUNT (sizeof(vm_props) / sizeof(vm_props[0]))

static void parse_vm(struct vm_parse *p, const void *fdt, int node)
{
	struct vm_config *vm = p->vm;
	bool seen[VM_PROP_COUNT] = { false };
	int prop, sub;

	vm->console = true;
	vm->on_reset = SHIKIRI_POLICY_RESTART;
	vm->on_poweroff = SHIKIRI_POLICY_STOP;
	vm->on_crash = SHIKIRI_POLICY_RESTART;
	vm->on_fault = SHIKIRI_POLICY_REFLECT;
	vm->bootargs = fileio_strdup_printf("%s", "");
	fdt_for_each_property_offset(prop, fdt, node)
	{
		const char *name;
		int len;
		const void *val = fdt_getprop_by_offset(fdt, prop, &name, &len);
		size_t i;

		for (i = 0; i < VM_PROP_COUNT; i++)
			if (strcmp(vm_props[i].name, name) == 0)
				break;
		if (i == VM_PROP_COUNT) {
			const char *known[VM_PROP_COUNT];

			for (size_t k = 0; k < VM_PROP_COUNT; k++)
				known[k] = vm_props[k].name;
			config_unknown_prop(p->d, p->cfg->path, vm->node, name,
					    known, VM_PROP_COUNT);
			continue;
		}
		if (seen[i]) {
			/* dtc never writes this; a hand-made DTB might. */
			diag_prop(p->d, p->cfg->path, vm->node, name,
				  "given twice; fix: keep one");
			continue;
		}
		seen[i] = true;
		if (p->board->facts.arch == SHIKIRI_ARCH_X86_64 &&
		    config_x86_refuses(p->cfg, vm, name, p->d))
			continue;
		vm_props[i].parse(p, name, val, len);
	}
	for (size_t i = 0; i < VM_PROP_COUNT; i++)
		if (vm_props[i].example && !seen[i])
			diag_prop(p->d, p->cfg->path, vm->node,
				  vm_props[i].name,
				  "is missing; fix: add e.g. "
				  "%s",
				  vm_props[i].example);
	config_irq_finish(p);
	fdt_for_each_subnode(sub, fdt, node)
		diag_error(p->d, "%s: %s/%s: unknown node; fix: remove it",
			   p->cfg->path, vm->node,
			   fdt_get_name(fdt, sub, NULL));
}

/* Problems that involve two VMs: shared CPUs, labels, manage targets. */
static void check_between(struct config *cfg, const struct board *board,
			  struct diag *d)
{
	for (unsigned int i = 0; i < cfg->vm_count; i++) {
		struct vm_config *vm = &cfg->vm[i];

		for (unsigned int j = 0; j < i; j++) {
			const struct vm_config *o = &cfg->vm[j];
			uint64_t both = vm->cpu_mask & o->cpu_mask;

			for (uint32_t c = 0; c < board->facts.cpu_count; c++)
				if (both & (1ull << c))
					diag_prop(d, cfg->path, vm->node,
						  "cpus",
						  "CPU %u is already "
						  "given to %s; fix: give "
						  "each CPU to one VM",
						  c, o->node);
			if (vm->label[0] && strcmp(vm->label, o->label) == 0)
				diag_prop(d, cfg->path, vm->node, "label",
					  "'%s' is already the label of %s; "
					  "fix: give each VM its own label",
					  vm->label, o->node);
		}
		if (vm->manage_mask >> cfg->vm_count)
			diag_prop(d, cfg->path, vm->node, "manage",
				  "names a VM that does not exist (there are "
				  "%u); fix: use the N of an existing vm@N",
				  cfg->vm_count);
	}
}

/**
 * config_parse() - Read and validate every vm@N node against a board.
 * @cfg: a compiled config.
 * @board: the board the VMs will run on.
 * @d: where problems are reported.
 *
 * Return: 0, or -1 when anything was reported.
 */
int config_parse(struct config *cfg, const struct board *board, struct diag *d)
{
	const void *fdt = cfg->dtb.data;
	unsigned int seen = 0;
	int errors = d->errors, node;

	fdt_for_each_subnode(node, fdt, 0)
	{
		const char *name = fdt_get_name(fdt, node, NULL);
		struct vm_parse p = { cfg, board, d, NULL };
		char *end;
		unsigned long unit;

		if (strncmp(name, "shm@", 4) == 0)
			continue;
		if (strcmp(name, "shm") == 0 ||
		    strcmp(name, "shared-memory") == 0) {
			diag_error(d,
				   "%s: /%s: unknown node; fix: name a "
				   "shared-memory region shm@N, N = 0, 1, ... "
				   "(see docs/config.md)",
				   cfg->path, name);
			continue;
		}
		if (strncmp(name, "vm@", 3) != 0) {
			diag_error(d,
				   "%s: /%s: unknown node; fix: only vm@N "
				   "and shm@N nodes belong at the root",
				   cfg->path, name);
			continue;
		}
		unit = strtoul(name + 3, &end, 16);
		if (seen++ == SHIKIRI_MAX_VMS) {
			diag_error(d,
				   "%s: /%s: too many VMs; fix: use at most "
				   "%u",
				   cfg->path, name, SHIKIRI_MAX_VMS);
			continue;
		}
		if (seen > SHIKIRI_MAX_VMS)
			continue;
		if (*end || end == name + 3 || unit != cfg->vm_count)
			diag_error(d,
				   "%s: /%s: VMs must be numbered in order; "
				   "fix: rename it vm@%x",
				   cfg->path, name, cfg->vm_count);
		p.vm = &cfg->vm[cfg->vm_count++];
		snprintf(p.vm->node, sizeof(p.vm->node), "/%.20s", name);
		parse_vm(&p, fdt, node);
		if (board->facts.arch == SHIKIRI_ARCH_X86_64)
			config_x86_check(cfg, board, p.vm, d);
	}
	if (cfg->vm_count == 0)
		diag_error(d, "%s: /: no VMs; fix: add a vm@0 node", cfg->path);
	/* Regions name VMs by index: read them once every VM is known. */
	fdt_for_each_subnode(node, fdt,
			     0) if (strncmp(fdt_get_name(fdt, node, NULL),
					    "shm@", 4) == 0)
		config_shm_parse(cfg, board, fdt, node, d);
	check_between(cfg, board, d);
	config_shm_check(cfg, d);
	config_net_resolve(cfg, d);
	config_pci_resolve(cfg, board, d);
	return d->errors == errors ? 0 : -1;
}

static int check_root(struct config *cfg, struct diag *d)
{
	static const char *const known[] = {
		"compatible",	       "board",	      "model",
		"#address-cells",      "#size-cells", "qemu-args",
		"ram-cleared-at-boot",
	};
	const void *fdt = cfg->dtb.data, *qemu;
	int errors = d->errors, prop, len;

	if (fdt_node_check_compatible(fdt, 0, CONFIG_COMPATIBLE) != 0)
		diag_prop(d, cfg->path, "/", "compatible",
			  "is not \"%s\"; fix: add compatible = \"%s\" to "
			  "the root node",
			  CONFIG_COMPATIBLE, CONFIG_COMPATIBLE);
	cfg->board = fdt_getprop(fdt, 0, "board", &len);
	if (cfg->board && !config_as_string(cfg->board, len)) {
		diag_prop(d, cfg->path, "/", "board",
			  "must be a string; fix: "
			  "e.g. board = \"qemu-virt\"");
		cfg->board = NULL;
	}
	qemu = fdt_getprop(fdt, 0, "qemu-args", &len);
	if (qemu)
		qemuargs_parse(&cfg->qemu, cfg->path, cfg->dir, qemu, len, d);
	if (fdt_getprop(fdt, 0, "ram-cleared-at-boot", &len)) {
		if (len)
			diag_prop(d, cfg->path, "/", "ram-cleared-at-boot",
				  "takes no value; fix: write "
				  "ram-cleared-at-boot; (only when every boot "
				  "of the board, warm resets included, clears "
				  "RAM: see docs/config.md)");
		else
			cfg->ram_cleared = true;
	}
	fdt_for_each_property_offset(prop, fdt, 0)
	{
		const char *name;
		size_t i;

		fdt_getprop_by_offset(fdt, prop, &name, &len);
		for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if (strcmp(known[i], name) == 0)
				break;
		if (i == sizeof(known) / sizeof(known[0]))
			config_unknown_prop(d, cfg->path, "/", name, known,
					    sizeof(known) / sizeof(known[0]));
	}
	return d->errors == errors ? 0 : -1;
}

/**
 * config_compile() - Compile a config with dtc and read its root.
 * @cfg: zeroed, then filled in.
 * @path: the config's .dts file.
 * @d: where problems are reported.
 *
 * Return: 0, or -1 after reporting.
 */
int config_compile(struct config *cfg, const char *path, struct diag *d)
{
	char *messages = NULL;
	int status;

	memset(cfg, 0, sizeof(*cfg));
	cfg->path = path;
	cfg->dir = fileio_dirname(path);
	status = exec_dtc(path, false, &cfg->dtb, &messages);
	if (status != 0 && status != -2)
		diag_error(d,
			   "%s: dtc could not compile it (exit status %d):"
			   "\n%s",
			   path, status, messages);
	else if (status == -2 || cfg->dtb.size < sizeof(struct fdt_header) ||
		 fdt_check_header(cfg->dtb.data) != 0)
		diag_error(d, "%s: dtc produced no usable DTB", path);
	free(messages);
	if (status != 0 || cfg->dtb.size < sizeof(struct fdt_header) ||
	    fdt_check_header(cfg->dtb.data) != 0)
		return -1;
	return check_root(cfg, d);
}

/**
 * config_read() - Take an already compiled config (the fuzzer's way in).
 * @cfg: zeroed, then filled; owns @dtb from now on.
 * @path: the name to report problems under.
 * @dtb: a blob that passed fdt_check_full().
 * @d: where problems are reported.
 *
 * Return: 0, or -1 after reporting.
 */
int config_read(struct config *cfg, const char *path, struct blob *dtb,
		struct diag *d)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->path = path;
	cfg->dir = fileio_dirname(path);
	cfg->dtb = *dtb;
	return check_root(cfg, d);
}

/**
 * config_free() - Release what config_compile()/config_parse() allocated.
 * @cfg: the config.
 */
void config_free(struct config *cfg)
{
	for (unsigned int i = 0; i < cfg->vm_count; i++) {
		free(cfg->vm[i].kernel);
		free(cfg->vm[i].initrd);
		free(cfg->vm[i].bootargs);
		free(cfg->vm[i].overlay);
	}
	qemuargs_free(&cfg->qemu);
	fileio_free(&cfg->dtb);
	free(cfg->dir);
	memset(cfg, 0, sizeof(*cfg));
}
