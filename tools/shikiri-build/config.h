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
 * @network: the LAN its virtio-net device is on ("network"), "" for none.
 * @lan: @network's index in struct config's @lan (config_net_resolve()).
 * @mac: its MAC: "mac-address", or derived from the LAN and label.
 * @mac_given: "mac-address" was given (and is valid).
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
	char network[SHIKIRI_NAME_LEN];
	uint32_t lan;
	uint8_t mac[6];
	bool mac_given;
};

/**
 * struct shm_config - One shm@N node: a region of RAM that several VMs map.
 * @node: the node's path, for messages ("/shm@0").
 * @label: the region's name.
 * @size: bytes, a power of two from 4 KiB to 1 GiB; 0 when missing or bad.
 * @mem_base: its physical base when @mem_fixed.
 * @mem_fixed: "memory-base" was given (alignment checked once @size is known).
 * @vm_mask: the VMs (by index) that map it ("vms").
 * @ro_mask: those of them that map it read-only ("read-only").
 */
struct shm_config {
	char node[24];
	char label[SHIKIRI_NAME_LEN];
	uint64_t size;
	uint64_t mem_base;
	bool mem_fixed;
	uint32_t vm_mask;
	uint32_t ro_mask;
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
 * @shm_count: regions in @shm.
 * @shm: the shared-memory regions, in index order.
 * @lan_count: LANs in @lan.
 * @lan: the virtual LANs VMs name in "network", in order of first use.
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
	unsigned int shm_count;
	struct shm_config shm[SHIKIRI_MAX_SHM];
	unsigned int lan_count;
	char lan[SHIKIRI_MAX_LANS][SHIKIRI_NAME_LEN];
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

/**
 * config_shm_parse() - Read one shm@N node into the next of @cfg's regions.
 * @cfg: the config, every VM already read (regions name them by index).
 * @board: the board (shared memory is refused on x86_64 boards).
 * @fdt: the compiled config.
 * @node: the shm@N node.
 * @d: where problems are reported; all of them are.
 */
void config_shm_parse(struct config *cfg, const struct board *board,
		      const void *fdt, int node, struct diag *d);

/**
 * config_shm_check() - Report what involves two regions: a label used
 * twice (their memory-base ranges are checked at placement, place.c).
 */
void config_shm_check(const struct config *cfg, struct diag *d);

/**
 * config_net_resolve() - Gather the VMs' "network" names into @cfg's LANs
 * and check them: each with two VMs or more, the MACs on each unique
 * (derived where "mac-address" is not given).
 */
void config_net_resolve(struct config *cfg, struct diag *d);

/**
 * config_net_default_mac() - The MAC a VM gets on @lan without
 * "mac-address": 02:73:6b (locally administered, unicast) then the low
 * three bytes of the CRC-32 of "<lan>/<label>", most significant first.
 */
void config_net_default_mac(const char *lan, const char *label, uint8_t mac[6]);

/** config_free() - Release what config_compile()/config_parse() allocated. */
void config_free(struct config *cfg);

/** config_policy_name() - "stop", "restart" or "reflect". */
const char *config_policy_name(uint32_t policy);

#endif /* SHIKIRI_BUILD_CONFIG_H */
