/* SPDX-License-Identifier: MIT */
#ifndef SHIKIRI_BUILD_CONFIG_H
#define SHIKIRI_BUILD_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "board.h"
#include "diag.h"
#include "fileio.h"
#include "qemuargs.h"
#include "shikiri/plan.h"

#define CONFIG_BOOTARGS_MAX 1024u
#define CONFIG_MAX_DEVICES SHIKIRI_MAX_MMIO
#define CONFIG_MEM_ALIGN 0x200000ull

/**
 * struct vm_config - One vm@N node, as the user wrote it.
 * @node: the node's path, for messages ("/vm@0").
 * @label: the VM's name.
 * @cpu_mask: physical CPUs (bit n = board CPU n).
 * @mem_size: bytes of RAM; 0 when the property is missing or bad.
 * @mem_base: physical base of its RAM when @mem_fixed.
 * @mem_fixed: "memory-base" was given (and is 2 MiB aligned).
 * @kernel: kernel path, relative to the working directory (malloc'd).
 * @initrd: initrd path, or NULL.
 * @bootargs: kernel command line ("" when absent).
 * @console: whether the VM gets the virtual console.
 * @devices: board DT paths of passed-through devices.
 * @device_count: entries in @devices.
 * @overlay: DT overlay source for the guest DT, or NULL (malloc'd).
 * @irq: extra SPIs passed through (INTIDs), from "interrupts" and
 *       "interrupt-ranges", checked against the board and each other.
 * @irq_prop: the property each @irq entry comes from, for messages.
 * @irq_count: entries in @irq.
 * @irq_total: how many were given, valid ones beyond @irq's room included.
 * @on_reset: enum shikiri_policy.
 * @on_poweroff: enum shikiri_policy.
 * @on_crash: enum shikiri_policy.
 * @on_fault: enum shikiri_policy.
 * @manage_mask: VMs (by index) this VM may manage.
 * @watchdog_ms: its SBSA watchdog's longest timeout; 0: no watchdog.
 * @pci_named: the PCI functions "pci-devices" names (bus << 8 | devfn).
 * @pci_named_count: entries in @pci_named.
 * @pci: the functions it owns, bridges' children added, sorted, with
 *       their INTx from the board file (config_pci_resolve()).
 * @pci_count: entries in @pci.
 */
struct vm_config {
	char node[24];
	char label[SHIKIRI_NAME_LEN];
	uint64_t cpu_mask;
	uint64_t mem_size;
	uint64_t mem_base;
	bool mem_fixed;
	char *kernel;
	char *initrd;
	char *bootargs;
	bool console;
	const char *devices[CONFIG_MAX_DEVICES];
	unsigned int device_count;
	char *overlay;
	uint32_t irq[SHIKIRI_MAX_IRQS];
	const char *irq_prop[SHIKIRI_MAX_IRQS];
	unsigned int irq_count;
	unsigned int irq_total;
	uint32_t on_reset;
	uint32_t on_poweroff;
	uint32_t on_crash;
	uint32_t on_fault;
	uint32_t manage_mask;
	uint32_t watchdog_ms;
	uint32_t pci_named[SHIKIRI_MAX_PCI];
	unsigned int pci_named_count;
	struct shikiri_pci_fn pci[SHIKIRI_MAX_PCI];
	unsigned int pci_count;
};

/**
 * struct config - A compiled configuration.
 * @path: the .dts file, as given.
 * @dir: its directory; payload paths are relative to it.
 * @dtb: the config compiled by dtc.
 * @board: the root "board" property, or NULL.
 * @qemu: the root "qemu-args", to start the board's QEMU with.
 * @ram_cleared: the root "ram-cleared-at-boot": the platform clears RAM at
 *               every boot, so the hypervisor need not scrub it then.
 * @vm_count: VMs in @vm.
 * @vm: the VMs, in index order.
 */
struct config {
	const char *path;
	char *dir;
	struct blob dtb;
	const char *board;
	struct qemuargs qemu;
	bool ram_cleared;
	unsigned int vm_count;
	struct vm_config vm[SHIKIRI_MAX_VMS];
};

/**
 * config_compile() - Compile a config with dtc and read its root.
 * @cfg: zeroed, then filled with @path, the DTB and the board name.
 * @path: the config's .dts file.
 * @d: where problems are reported.
 *
 * Return: 0, or -1 after reporting (dtc's own message included).
 */
int config_compile(struct config *cfg, const char *path, struct diag *d);

/**
 * config_read() - Take an already compiled config, as config_compile()
 * would after running dtc.  @cfg owns @dtb afterwards.
 * Return: 0, or -1 after reporting.
 */
int config_read(struct config *cfg, const char *path, struct blob *dtb,
		struct diag *d);

/**
 * config_parse() - Read and validate every vm@N node against a board.
 * @cfg: a compiled config.
 * @board: the board the VMs will run on.
 * @d: where problems are reported; all of them are.
 *
 * Return: 0, or -1 when anything was reported.
 */
int config_parse(struct config *cfg, const struct board *board, struct diag *d);

/**
 * config_x86_refuses() - Report @prop of @vm when a VM on a PC (x86_64)
 * cannot have it (passthrough, overlays, the watchdog).
 * Return: true when it was refused.
 */
bool config_x86_refuses(const struct config *cfg, const struct vm_config *vm,
			const char *prop, struct diag *d);

/**
 * config_x86_check() - Check an x86_64 VM's memory-size against the map of
 * its virtual PC (RAM from 0 to the first device window, 32 MiB at least).
 */
void config_x86_check(const struct config *cfg, const struct board *board,
		      const struct vm_config *vm, struct diag *d);

/**
 * config_pci_resolve() - Check every VM's "pci-devices" against the board
 * file and the other VMs, and fill each VM's @pci.
 * @cfg: the config, every VM parsed.
 * @board: the board.
 * @d: where problems are reported; all of them are.
 */
void config_pci_resolve(struct config *cfg, const struct board *board,
			struct diag *d);

/**
 * config_pci_name() - @bdf as lspci prints it, "bb:dd.f", in @buf (which
 * holds at least 8 bytes); returns @buf.
 */
char *config_pci_name(uint32_t bdf, char *buf);

/** config_free() - Release what config_compile()/config_parse() allocated. */
void config_free(struct config *cfg);

/** config_policy_name() - "stop", "restart" or "reflect". */
const char *config_policy_name(uint32_t policy);

#endif /* SHIKIRI_BUILD_CONFIG_H */
