/* SPDX-License-Identifier: MIT */
/*
 * A VM's virtual PCI bus 0: functions the hypervisor emulates (today the
 * shared-memory functions, hv/shm.h), behind an emulated ECAM the guest's
 * pci-host-ecam-generic driver probes.  Each function is a small ops table
 * and, unless it overrides config accesses, a type-0 header emulated here:
 * fixed BARs that can be sized, a command register whose memory, bus-master
 * and INTx-disable bits are stored, a status register whose interrupt bit
 * is the function's line; everything else reads as zero and ignores writes.
 */
#ifndef HV_VPCI_H
#define HV_VPCI_H

#include "hv/spinlock.h"
#include "hv/types.h"

struct vm;
struct vpci_fn;

#define VPCI_ECAM_SIZE 0x100000u /* bus 0 only: 32 devices x 8 functions */
/* Functions one VM's bus holds: shared-memory and passthrough ones. */
#define VPCI_MAX_FNS 24u
#define VPCI_BARS 6u

/* Command register bits the emulated header keeps (PCI LB 3.0 6.2.2). */
#define VPCI_CMD_MEM BIT(1)
#define VPCI_CMD_MASTER BIT(2)
#define VPCI_CMD_INTX_DISABLE BIT(10)
#define VPCI_STATUS_INTX BIT(3)

/* BAR flags (the low bits of a memory BAR). */
#define VPCI_BAR_MEM64 0x4u
#define VPCI_BAR_PREFETCH 0x8u

/**
 * A BAR of an emulated header: where the hypervisor put it.  A 64-bit BAR
 * occupies two slots; the upper one has size 0 and is addressed through
 * the lower.  size 0 in a lower slot: no BAR there.
 */
struct vpci_bar {
	uint64_t base;
	uint64_t size;	/**< a power of two, at least 16 */
	uint32_t flags; /**< VPCI_BAR_* */
};

/** What a function's type-0 header shows, set before vpci_add(). */
struct vpci_header {
	uint16_t vendor;
	uint16_t device;
	uint32_t class_rev; /**< class << 8 | revision */
	uint16_t subsys_vendor;
	uint16_t subsys_id;
	uint8_t int_pin; /**< 1..4 = INTA..INTD, 0: none */
	struct vpci_bar bar[VPCI_BARS];
};

/**
 * One function's behaviour.  Every hook is called with the bus lock held;
 * a hook may take the function's own locks (lock order: vpci_bus.lock,
 * then the function's, then the vGIC's).
 */
struct vpci_ops {
	/**
	 * Config space accesses (@off 0..4095, @size 1, 2 or 4, aligned);
	 * NULL: the emulated type-0 header (vpci_header_read/write).
	 */
	uint32_t (*read)(struct vpci_fn *fn, uint32_t off, unsigned size);
	void (*write)(struct vpci_fn *fn, uint32_t off, unsigned size,
		      uint32_t val);
	/** The state of its INTx line, for the status register; may be NULL. */
	bool (*intx)(struct vpci_fn *fn);
	/** The guest changed the command register from @old; may be NULL. */
	void (*command)(struct vpci_fn *fn, uint16_t old);
};

/** A function on a VM's virtual bus. */
struct vpci_fn {
	uint8_t devfn; /**< device << 3 | function */
	const struct vpci_ops *ops;
	void *priv;
	struct vpci_header hdr;
	uint16_t command; /* atomic: read by devices without the bus lock */
	uint8_t sizing;	  /* bit n: BAR slot n was written all-ones */
};

/** A VM's bus 0. */
struct vpci_bus {
	struct spinlock lock; /* protects every function's config state */
	uint64_t ecam_ipa;    /**< 0: the VM has no virtual bus */
	unsigned count;
	struct vpci_fn *fn[VPCI_MAX_FNS];
};

/**
 * vpci_init() - Give @vm a virtual bus whose ECAM is at @ecam_ipa (1 MiB,
 * registered in @vm's MMIO map); nothing when @ecam_ipa is 0.  Boot time.
 * Return: 0, or the error of mmio_register().
 */
int vpci_init(struct vpci_bus *bus, struct vm *vm, uint64_t ecam_ipa);

/**
 * vpci_add() - Put @fn (devfn, ops, header set) on @bus.  Boot time.
 * Return: 0; -HV_EINVAL when the devfn is taken or the bus has no ECAM;
 * -HV_ENOMEM when the bus is full.
 */
int vpci_add(struct vpci_bus *bus, struct vpci_fn *fn);

/**
 * vpci_reset() - Every function of @bus back to power-on: command 0, no
 * BAR being sized.  While the VM's vCPUs are parked.
 */
void vpci_reset(struct vpci_bus *bus);

/** vpci_command() - @fn's command register as the guest last wrote it. */
static inline uint16_t vpci_command(const struct vpci_fn *fn)
{
	return __atomic_load_n(&fn->command, __ATOMIC_ACQUIRE);
}

/**
 * vpci_config_read() - Read @size bytes at @off of function @devfn's
 * config space, as the guest sees it: all-ones for an absent function.
 */
uint32_t vpci_config_read(struct vpci_bus *bus, unsigned devfn, uint32_t off,
			  unsigned size);

/** vpci_config_write() - Write, as the guest would; absent: ignored. */
void vpci_config_write(struct vpci_bus *bus, unsigned devfn, uint32_t off,
		       unsigned size, uint32_t val);

/**
 * vpci_header_read() - The emulated type-0 header of @fn: @size bytes at
 * @off.  Bus lock held.  For ops that wrap it.
 */
uint32_t vpci_header_read(struct vpci_fn *fn, uint32_t off, unsigned size);

/** vpci_header_write() - Write to the emulated header.  Bus lock held. */
void vpci_header_write(struct vpci_fn *fn, uint32_t off, unsigned size,
		       uint32_t val);

#endif /* HV_VPCI_H */
