/* SPDX-License-Identifier: MIT */
#ifndef HV_PLAN_CHECK_H
#define HV_PLAN_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "shikiri/plan.h"

/* Sizes of the pages and windows a VM's plan places in its IPA space. */
#define PLAN_MANAGE_SIZE 0x1000u     /* include/shikiri/manage.h */
#define PLAN_WATCHDOG_SIZE 0x2000u   /* hv/vwdt.h */
#define PLAN_VPCI_ECAM_SIZE 0x100000u /* bus 0 of hv/vpci.h */
#define PLAN_SHM_REGS_SIZE 0x1000u   /* BAR 0, include/shikiri/shm.h */
#define PLAN_NET_SIZE 0x1000u        /* the virtio-mmio page */

/* Room for every range plan_vm_own_ranges() lists. */
#define PLAN_VM_OWN_RANGES (SHIKIRI_MAX_RAM_REGIONS + SHIKIRI_MAX_MMIO + 2u)

/** Physical ranges a plan must keep every VM clear of. */
struct plan_limits {
	uint64_t hv_base;  /**< where the image was loaded */
	uint64_t hv_size;  /**< bytes the hypervisor reserves from hv_base */
	uint64_t fdt_base; /**< boot device tree from the loader (0: none) */
	uint64_t fdt_size;
};

/** Why a plan was refused: a fixed message and the VM it concerns. */
struct plan_error {
	const char *what; /**< static text, e.g. "CRC mismatch" */
	int vm;           /**< VM index, or -1 for the header */
};

/**
 * struct plan_arch - What one architecture adds to the common checks.
 * @arch: enum shikiri_arch; a plan whose board.arch differs is refused.
 * @name: "aarch64", "x86_64", for messages.
 * @max_cpus: the most CPUs the hypervisor runs on (<= SHIKIRI_MAX_CPUS).
 * @boot_info_kind: the payload kind boot_info_ipa must point at.
 * @needed_kinds: payload kinds every VM must have (bit 1 << kind).
 * @allowed_kinds: payload kinds a VM may have, once each.
 * @board: the board's arch fields; NULL or a static reason.  Runs after
 *         the common board checks (CPU count, IDs, RAM ranges).
 * @vm: VM @i's arch fields (console, seeds, arch union); NULL or a static
 *      reason.  Runs after every common check of that VM.
 * @hv_device: whether a physical range hits a device the hypervisor owns.
 * @vm_device: whether a guest-physical range hits a device emulated for
 *             @vm (its console, interrupt controllers).
 * @irq_ok: whether @irq may be passed through (as a virtual or physical
 *          number) on this board.
 */
struct plan_arch {
	uint32_t arch;
	const char *name;
	uint32_t max_cpus;
	uint32_t boot_info_kind;
	uint32_t needed_kinds;
	uint32_t allowed_kinds;
	const char *(*board)(const struct shikiri_plan *plan);
	const char *(*vm)(const struct shikiri_plan *plan, unsigned int i);
	bool (*hv_device)(const struct shikiri_plan_board *b, uint64_t base,
			  uint64_t size);
	bool (*vm_device)(const struct shikiri_plan_vm *vm, uint64_t ipa,
			  uint64_t size);
	bool (*irq_ok)(const struct shikiri_plan_board *b, uint32_t irq);
};

/* Each architecture's rules (hv/arch/<arch>/plan_arch.c). */
extern const struct plan_arch plan_arch_aarch64;
extern const struct plan_arch plan_arch_x86_64;

/**
 * plan_check() - Verify a boot plan completely before any of it is applied.
 * @plan: the plan as found in memory (any alignment of 8 bytes).
 * @avail: bytes that may be read from @plan.
 * @arch: the rules of the architecture the plan must be for.
 * @limits: ranges that belong to the hypervisor and the loader.
 * @err: filled with the first reason for refusal.
 *
 * Checks magic, revision, size, CRC, the architecture, then the board (CPU
 * count and distinct IDs, RAM ranges, @arch's fields), then every record:
 * names, CPU masks (disjoint, on the board), RAM regions (aligned, in board
 * RAM, disjoint between VMs and from @limits), passthrough MMIO and IRQs
 * (disjoint between VMs, clear of the hypervisor's devices), payloads
 * (inside the image and inside the VM's RAM, the kinds @arch needs), entry
 * point and boot-info address, seed offsets, policy values, PCI functions
 * (on the board's buses, each in one VM, INTx lines in range and not
 * shared with another VM), and @arch's fields; the board's PCI segment
 * (bus range, ECAM and windows clear of RAM).  Shared by the hypervisor (at boot) and shikiri-build (after
 * writing), so both sides agree on what a valid plan is.
 *
 * Return: 0 when the plan is valid, -HV_EINVAL otherwise.
 */
int plan_check(const struct shikiri_plan *plan, uint64_t avail,
	       const struct plan_arch *arch, const struct plan_limits *limits,
	       struct plan_error *err);

/**
 * plan_vm_own_ranges() - @vm's guest-physical ranges other than its
 * virtual PCI bus and network page: RAM, passthrough MMIO, management
 * page, watchdog, into @out (PLAN_VM_OWN_RANGES entries).  For the checks
 * that run after plan_check()'s own (counts already bounded).
 * Return: how many.
 */
unsigned plan_vm_own_ranges(const struct shikiri_plan_vm *vm,
			    struct shikiri_range *out);

/**
 * plan_vm_intid_used() - Whether @vm already has virtual interrupt @intid
 * as its console's, a passthrough line's or a PCI function's INTx.
 */
bool plan_vm_intid_used(const struct shikiri_plan_vm *vm, uint32_t intid);

/**
 * plan_shm_check() - Shared-memory regions (in board RAM, clear of the
 * hypervisor, of VMs' RAM and of each other) and each VM's view of them
 * (IPAs clear of its other ranges, INTIDs, PCI slots), hv/core/plan_shm.c.
 * Called by plan_check() after every VM's own checks.
 */
int plan_shm_check(const struct shikiri_plan *plan,
		   const struct plan_arch *arch,
		   const struct plan_limits *limits, struct plan_error *err);

/**
 * plan_net_check() - The plan's virtual LANs and each VM's network device
 * (hv/core/plan_net.c), once the common checks passed; plan_check() calls
 * it.  Return: 0, or -HV_EINVAL with @err filled.
 */
int plan_net_check(const struct shikiri_plan *plan,
		   const struct plan_arch *arch, struct plan_error *err);

/**
 * plan_crc32() - CRC-32 (IEEE 802.3, reflected, as zlib) of @len bytes.
 * @crc: 0 for a fresh CRC, or a previous result to continue one.
 */
uint32_t plan_crc32(uint32_t crc, const void *data, uint64_t len);

/** plan_compute_crc() - CRC of a plan of @plan->size bytes, crc32 taken as 0. */
uint32_t plan_compute_crc(const struct shikiri_plan *plan);

/* Range arithmetic shared by the common and the arch checks. */

/** A non-empty range that does not wrap past the top of the address space. */
static inline bool plan_range_valid(uint64_t base, uint64_t size)
{
	return size != 0 && base + (size - 1) >= base;
}

/** Whether @v is a multiple of @align (a power of 2). */
static inline bool plan_aligned(uint64_t v, uint64_t align)
{
	return (v & (align - 1)) == 0;
}

/** Whether two valid ranges (see plan_range_valid()) overlap. */
static inline bool plan_overlaps(uint64_t a, uint64_t a_size, uint64_t b,
				 uint64_t b_size)
{
	return a <= b + (b_size - 1) && b <= a + (a_size - 1);
}

/** Whether [a, a + a_size) lies inside the valid range [b, b + b_size). */
static inline bool plan_inside(uint64_t a, uint64_t a_size, uint64_t b,
			       uint64_t b_size)
{
	return a >= b && a - b <= b_size && a_size <= b_size - (a - b);
}

/** Whether @size bytes from @raw are all zero (unused union space). */
static inline bool plan_all_zero(const uint8_t *raw, uint64_t size)
{
	for (uint64_t i = 0; i < size; i++)
		if (raw[i])
			return false;
	return true;
}

/**
 * plan_name_ok() - Whether @name (a VM's, a region's, a LAN's) is 1-15 of
 * [a-z0-9_-], NUL-terminated and zero to the end of its SHIKIRI_NAME_LEN
 * bytes, so that the plan carries no stray bytes.
 */
static inline bool plan_name_ok(const char *name)
{
	unsigned n = 0;

	for (; n < SHIKIRI_NAME_LEN && name[n]; n++) {
		char c = name[n];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
	}
	if (n == 0 || n == SHIKIRI_NAME_LEN)
		return false;
	return plan_all_zero((const uint8_t *)name + n, SHIKIRI_NAME_LEN - n);
}

/** plan_same_name() - Whether two names checked by plan_name_ok() match. */
static inline bool plan_same_name(const char *a, const char *b)
{
	for (unsigned n = 0; n < SHIKIRI_NAME_LEN; n++)
		if (a[n] != b[n])
			return false;
	return true;
}

#endif /* HV_PLAN_CHECK_H */
