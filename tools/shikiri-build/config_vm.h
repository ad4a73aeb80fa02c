/* SPDX-License-Identifier: MIT */
/* Internal to the config reader: what the vm@N property parsers share. */
#ifndef SHIKIRI_BUILD_CONFIG_VM_H
#define SHIKIRI_BUILD_CONFIG_VM_H

#include "board.h"
#include "config.h"
#include "diag.h"

/**
 * struct vm_parse - State while one vm@N node is read.
 * @cfg: the config, for its path and directory.
 * @board: the board the VM will run on.
 * @d: where problems are reported.
 * @vm: the VM being filled in.
 */
struct vm_parse {
	const struct config *cfg;
	const struct board *board;
	struct diag *d;
	struct vm_config *vm;
};

/**
 * config_irq_parse() - Read "interrupts" (INTIDs) or "interrupt-ranges"
 * (<first count> pairs) into the VM's extra SPIs.
 * @p: the VM being read.
 * @name: which of the two properties.
 * @val: its value.
 * @len: its length in bytes.
 *
 * Each INTID must be an SPI that the hypervisor does not keep (the board
 * UART's, the GIC maintenance interrupt) and be given once.
 */
void config_irq_parse(struct vm_parse *p, const char *name, const void *val,
		      int len);

/**
 * config_irq_finish() - Report more extra SPIs than the plan can hold.
 * @p: the VM, after all its properties were read.
 */
void config_irq_finish(struct vm_parse *p);

/**
 * config_pci_parse() - Read "pci-devices": PCI functions as "bb:dd.f" or
 * "0000:bb:dd.f", each once, into the VM's @pci_named.
 * @p: the VM being read.
 * @name: the property's name.
 * @val: its value.
 * @len: its length in bytes.
 */
void config_pci_parse(struct vm_parse *p, const char *name, const void *val,
		      int len);

#endif /* SHIKIRI_BUILD_CONFIG_VM_H */
