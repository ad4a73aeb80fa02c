/* SPDX-License-Identifier: MIT */
#ifndef HV_MMIO_H
#define HV_MMIO_H

#include "hv/types.h"
#include "shikiri/plan.h"

struct vcpu;

/** A decoded guest load or store to an emulated (trapped) address. */
struct mmio_access {
	uint64_t ipa;     /**< guest-physical address accessed */
	unsigned size;    /**< bytes: 1, 2, 4 or 8 */
	/**
	 * General register as the arch's decoder numbers it (aarch64: x0-x30;
	 * x86_64: RAX-R15 in encoding order); 31 is a zero register.
	 */
	unsigned reg;
	bool write;
	bool sign_extend; /**< loads: sign-extend to the register width */
	bool reg64;       /**< loads: the target register is 64-bit */
};

/** Callbacks of one emulated device; @off is from the region's base. */
struct mmio_ops {
	/** Return 0 with *@val set, or a negative error (access refused). */
	int (*read)(struct vcpu *vcpu, void *priv, uint64_t off, unsigned size,
		    uint64_t *val);
	/** Return 0, or a negative error (access refused). */
	int (*write)(struct vcpu *vcpu, void *priv, uint64_t off,
		     unsigned size, uint64_t val);
};

/** One emulated region in a VM's guest-physical space. */
struct mmio_region {
	uint64_t base;
	uint64_t size;
	const struct mmio_ops *ops;
	void *priv;
};

/* The VM's own devices, the ECAM window, and for each PCI function it
 * owns its MSI-X table and PBA pages (two ranges at most); its virtual
 * PCI bus's ECAM, a register page per shared-memory region, and its
 * virtio-net device. */
#define MMIO_MAX_REGIONS \
	(8u + 1u + 2u * SHIKIRI_MAX_PCI + 1u + SHIKIRI_MAX_SHM + 1u)

/** A VM's emulated regions, kept sorted by base, never overlapping. */
struct mmio_map {
	struct mmio_region region[MMIO_MAX_REGIONS];
	unsigned count;
};

/**
 * mmio_register() - Add an emulated region to @map.
 * Return: 0, -HV_EINVAL if it overlaps another or is empty, -HV_ENOMEM when
 * the map is full.  Boot time only: the map is read without a lock.
 */
int mmio_register(struct mmio_map *map, uint64_t base, uint64_t size,
		  const struct mmio_ops *ops, void *priv);

/** mmio_find() - The region holding [@ipa, @ipa + @size), or NULL. */
const struct mmio_region *mmio_find(const struct mmio_map *map, uint64_t ipa,
				    unsigned size);

/**
 * mmio_dispatch() - Perform @acc on @map's region, moving data between the
 * device and @regs, the vCPU's general registers, which hold every number
 * the arch's decoder gives (register 31 reads as zero, writes to it are
 * dropped).
 * Return: 0, -HV_ENOENT when no region claims the address, or the device's
 * error.
 */
int mmio_dispatch(const struct mmio_map *map, struct vcpu *vcpu,
		  const struct mmio_access *acc, uint64_t *regs);

#endif /* HV_MMIO_H */
