/* SPDX-License-Identifier: MIT */
/* Internal to the config reader: what the vm@N property parsers share. */
#ifndef SHIKIRI_BUILD_CONFIG_VM_H
#define SHIKIRI_BUILD_CONFIG_VM_H

#include <stddef.h>

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

/**
 * config_network_parse() - Read "network": the LAN the VM's virtio-net
 * device is on.
 * @p: the VM being read.
 * @name: the property's name.
 * @val: its value.
 * @len: its length in bytes.
 */
void config_network_parse(struct vm_parse *p, const char *name, const void *val,
			  int len);

/**
 * config_mac_parse() - Read "mac-address": six bytes, a unicast address.
 * @p: the VM being read.
 * @name: the property's name.
 * @val: its value.
 * @len: its length in bytes.
 */
void config_mac_parse(struct vm_parse *p, const char *name, const void *val,
		      int len);

/* config_words.c: what every node's properties are read with. */

/** config_as_string() - @val as one NUL-terminated string, or NULL. */
const char *config_as_string(const void *val, int len);

/** config_valid_name() - Whether @s is 1-15 characters of [a-z0-9_-]. */
bool config_valid_name(const char *s);

/**
 * config_name_prop() - Read a name property into @out (SHIKIRI_NAME_LEN
 * bytes), reporting a value that is no valid @what ("VM", "LAN") name;
 * @example shows a good one.
 */
void config_name_prop(struct diag *d, const char *file, const char *node,
		      const char *name, const void *val, int len,
		      const char *what, const char *example, char *out);

/** config_as_u64() - @val as one or two cells; false when neither. */
bool config_as_u64(const void *val, int len, uint64_t *v);

/** config_nearest() - The name of @known within 2 edits of @name, or NULL. */
const char *config_nearest(const char *name, const char *const *known,
			   size_t count);

/**
 * config_unknown_prop() - Report property @name, which @node does not
 * take, with a "did you mean" among @known when it is a near miss.
 */
void config_unknown_prop(struct diag *d, const char *file, const char *node,
			 const char *name, const char *const *known,
			 size_t count);

/**
 * config_vm_list() - Read cells naming VMs into a mask, reporting indices
 * at or above @vm_count and duplicates (@example shows a good value).
 */
uint32_t config_vm_list(struct diag *d, const char *file, const char *node,
			const char *name, const void *val, int len,
			unsigned int vm_count, const char *example);

#endif /* SHIKIRI_BUILD_CONFIG_VM_H */
