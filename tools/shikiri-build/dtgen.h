/* SPDX-License-Identifier: MIT */
#ifndef SHIKIRI_BUILD_DTGEN_H
#define SHIKIRI_BUILD_DTGEN_H

#include <stdint.h>

#include "board.h"
#include "comm.h"
#include "config.h"
#include "devices.h"
#include "fileio.h"
#include "layout.h"

#define DTGEN_RNG_SEED_SIZE 32u
#define DTGEN_KASLR_SEED_SIZE 8u
#define DTGEN_SEED_SIZE (DTGEN_RNG_SEED_SIZE + DTGEN_KASLR_SEED_SIZE)
#define DTGEN_GIC_PHANDLE 1u
/* The guest GIC has no children: interrupt-map entries carry no address. */
#define DTGEN_GIC_ADDRESS_CELLS 0u

/**
 * struct dtgen_out - A generated guest DT.
 * @dtb: the packed blob.
 * @rng_seed_offset: offset in @dtb of /chosen/rng-seed's value.
 * @kaslr_seed_offset: offset in @dtb of /chosen/kaslr-seed's value.
 * @pmu_status_offset: offset in @dtb of /pmu/status's value ("okay"), 0:
 *                     none.
 */
struct dtgen_out {
	struct blob dtb;
	uint32_t rng_seed_offset;
	uint32_t kaslr_seed_offset;
	uint32_t pmu_status_offset;
};

/**
 * dtgen_build() - Generate the device tree one VM boots with.
 * @out: receives the blob (free @out->dtb with fileio_free()).
 * @b: the board (CPU compatibles, GIC, timer, console PL011).
 * @vm: the VM (label, CPUs, bootargs, console).
 * @pt: its passed-through devices, copied from the board.
 * @l: its memory layout (RAM and initrd addresses).
 * @comm: its shared-memory regions and LAN (comm_vm_view()).
 * @seed: DTGEN_SEED_SIZE bytes for rng-seed then kaslr-seed.
 *
 * Only what the VM owns is described: its vCPUs (reg = vCPU number), PSCI
 * over HVC, its RAM, a GICv3 with one redistributor per vCPU, the timer, the
 * console PL011 and its clock, its devices, the virtual PCI bus of its
 * regions and its virtio-net device (dtgen_comm.c), and /chosen.
 *
 * Return: 0, or a negative libfdt error.
 */
int dtgen_build(struct dtgen_out *out, const struct board *b,
		const struct vm_config *vm, const struct passthrough *pt,
		const struct guest_layout *l, const struct comm_vm *comm,
		const uint8_t *seed);

/**
 * dtgen_comm_write() - Write the nodes of @comm (a pcie@ node for the
 * regions' virtual PCI bus, a virtio_mmio@ node for the network device)
 * into the tree being made with libfdt's sequential-write functions.
 * @fdt: the tree, inside the root node.
 * @comm: the VM's view.
 *
 * Return: 0, or a negative libfdt error.
 */
int dtgen_comm_write(void *fdt, const struct comm_vm *comm);

/**
 * dtgen_locate_seeds() - Find /chosen/rng-seed, kaslr-seed and
 * /pmu/status in @out->dtb again, after the blob changed (an overlay was
 * applied).
 * @out: the generated DT.
 */
void dtgen_locate_seeds(struct dtgen_out *out);

#endif /* SHIKIRI_BUILD_DTGEN_H */
