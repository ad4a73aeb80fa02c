// SPDX-License-Identifier: MIT
/*
 * What a config may ask of a PC board (x86_64) beyond the common checks:
 * devices are passed through by PCI function (pci-devices, config_pci.c),
 * not by DT node or interrupt number, there are no overlays and no SBSA
 * watchdog on a PC, no shared memory or virtual LAN yet, and a VM's RAM runs from guest-physical 0 up to the
 * first device window of its virtual PC (a VM that owns PCI functions is
 * placed by place.c instead).
 */
#include <inttypes.h>
#include <string.h>

#include "config.h"
#include "shikiri/x86_layout.h"

#define MIB UINT64_C(0x100000)

/* Properties an x86_64 VM cannot have yet, and why. */
static const struct {
	const char *prop;
	const char *why;
} refused[] = {
	{ "devices", "a PC's devices are passed through by PCI function, "
		     "with pci-devices" },
	{ "interrupts", "a PC's interrupts come with the PCI functions of "
			"pci-devices" },
	{ "interrupt-ranges", "a PC's interrupts come with the PCI functions "
			      "of pci-devices" },
	{ "overlay", "an x86_64 VM has ACPI tables, no device tree" },
	{ "watchdog-ms", "the watchdog is the SBSA one of Arm boards" },
	{ "network", "virtual LANs are only on Arm boards yet" },
	{ "mac-address", "virtual LANs are only on Arm boards yet" },
};

/**
 * config_x86_refuses() - Report @prop of @vm if a VM on a PC cannot have it.
 * @cfg: the config.
 * @vm: the VM.
 * @prop: the property's name.
 * @d: where the problem is reported.
 *
 * Return: true when it was refused (and reported).
 */
bool config_x86_refuses(const struct config *cfg, const struct vm_config *vm,
			const char *prop, struct diag *d)
{
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (strcmp(refused[i].prop, prop) == 0) {
			diag_prop(d, cfg->path, vm->node, prop,
				  "not available on x86_64 boards (%s); fix: "
				  "remove it",
				  refused[i].why);
			return true;
		}
	return false;
}

/**
 * config_x86_check() - Check @vm's RAM against its virtual PC's map.
 * @cfg: the config.
 * @board: the PC.
 * @vm: the VM.
 * @d: where problems are reported.
 */
void config_x86_check(const struct config *cfg, const struct board *board,
		      const struct vm_config *vm, struct diag *d)
{
	const struct shikiri_plan_board *f = &board->facts;
	uint64_t limit = X86_LAYOUT_MANAGE, least = 2 * X86_LAYOUT_KERNEL;

	/* Its RAM is where it physically is: placement checks it. */
	if (vm->pci_named_count)
		return;
	/* The board's ECAM window is the hypervisor's in every VM too. */
	if (f->pci.ecam_size && f->pci.ecam_base < limit)
		limit = f->pci.ecam_base;
	if (vm->mem_size > limit)
		diag_prop(d, cfg->path, vm->node, "memory-size",
			  "%" PRIu64 " MiB is more than an x86_64 VM can have: "
			  "its RAM runs from 0 to the device window at "
			  "0x%" PRIx64 "; fix: use at most %" PRIu64 " MiB",
			  vm->mem_size / MIB, limit, limit / MIB);
	else if (vm->mem_size && vm->mem_size < least)
		diag_prop(d, cfg->path, vm->node, "memory-size",
			  "%" PRIu64 " MiB is too little for an x86_64 VM, "
			  "whose kernel is loaded at 16 MiB; fix: use at "
			  "least %" PRIu64 " MiB",
			  vm->mem_size / MIB, least / MIB);
}
