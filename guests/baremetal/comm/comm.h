/* SPDX-License-Identifier: MIT */
/*
 * The commprobe guest's view of its communication devices, as its device
 * tree describes them (docs/communication.md): a virtual PCI bus whose
 * functions are shared-memory regions, and a virtio-net device over
 * virtio-mmio.  Either may be absent: an outsider VM has neither.
 */
#ifndef COMM_COMM_H
#define COMM_COMM_H

#include "baremetal/bootargs.h"
#include "baremetal/test.h"
#include "baremetal/types.h"

#define COMM_MAX_FN 8
#define COMM_NAME_LEN 16

/* Type-0 configuration header offsets (PCI Local Bus 3.0, 6.1). */
#define PCI_ID 0x00
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_CLASS_REV 0x08
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR0 0x10
#define PCI_SUBSYS 0x2c
#define PCI_ROM 0x30
#define PCI_CAP_PTR 0x34
#define PCI_INT_LINE 0x3c
#define PCI_INT_PIN 0x3d
#define PCI_CMD_MEM BIT(1)
#define PCI_CMD_MASTER BIT(2)
#define PCI_CMD_INTX_DISABLE BIT(10)
#define PCI_STATUS_INTX BIT(3)
#define PCI_STATUS_CAP_LIST BIT(4)
#define PCI_CFG_SIZE 0x1000
/* The ranges' phys.hi space codes (PCI bus binding to Open Firmware). */
#define PCI_WINDOW_MEM32 0x02000000u
#define PCI_WINDOW_PREF64 0x43000000u

/** One interrupt-map entry of the PCI node: device -> GIC SPI. */
struct comm_pci_irq {
	uint32_t devfn;
	uint32_t intid;
	uint32_t flags; /**< the GIC specifier's third cell: 1 = edge */
};

/** One window of the PCI node's ranges (CPU address = PCI address). */
struct comm_window {
	uint32_t space; /**< phys.hi without the bus number */
	uint64_t base, size;
};

/** A shared-memory function found on the bus. */
struct comm_fn {
	uint32_t devfn, intid;
	uint64_t regs;	/**< BAR 0 */
	uint64_t bar2;	/**< the region */
	uint64_t size;	/**< BAR 2's size, by sizing */
	uint32_t self;	/**< IV_POSITION */
	uint32_t peers; /**< PEERS */
	bool read_only; /**< FLAGS */
	char name[COMM_NAME_LEN + 1];
};

/** What the device tree says, and what the bus holds. */
struct comm {
	const char *err; /**< why the device tree could not be read */
	bool has_pci, probe_only;
	uint64_t ecam, ecam_size;
	unsigned irq_count;
	struct comm_pci_irq irq[COMM_MAX_FN];
	unsigned window_count;
	struct comm_window window[4];
	unsigned fn_count;
	struct comm_fn fn[COMM_MAX_FN];
	bool has_net;
	uint64_t net, net_size;
	uint32_t net_intid, net_irq_flags;
};

/**
 * comm_get() - The facts, read from the device tree (and the bus: IDs,
 * BARs and BAR 0 registers of each function) on the first call.
 */
const struct comm *comm_get(void);

/** comm_cfg() - Address of configuration register @off of @devfn. */
uint64_t comm_cfg(uint32_t devfn, uint32_t off);

/**
 * comm_in_window() - Whether [@base, @base + @size) lies in one window of
 * the PCI node's ranges of space @space (PCI_WINDOW_*).
 */
bool comm_in_window(uint32_t space, uint64_t base, uint64_t size);

/** comm_rw_fn() / comm_ro_fn() - The first function mapped rw / ro; NULL. */
const struct comm_fn *comm_rw_fn(void);
const struct comm_fn *comm_ro_fn(void);

/**
 * comm_owned() - Whether [@addr, @addr + 8) is the VM's own: its RAM, its
 * emulated GIC and UART, its ECAM, BARs or virtio page.  Probes for
 * foreign addresses skip those: the same numbers mean the VM's own things.
 */
bool comm_owned(uint64_t addr);

/**
 * comm_foreign_points() - Up to three 8-byte-aligned addresses in @r not
 * comm_owned(): first, middle, last.  Returns how many, into @out.
 */
unsigned comm_foreign_points(struct range r, uint64_t out[3]);

/** comm_irq_wait() - Acknowledge the next IRQ within @us; GIC_SPURIOUS if none. */
uint32_t comm_irq_wait(uint64_t us);

/** comm_spi_setup() - Configure SPI @intid edge-triggered, enabled, to vCPU 0. */
void comm_spi_setup(uint32_t intid, bool on);

/** comm_is_role() - Whether the bootargs say "commprobe.role=@role". */
bool comm_is_role(const char *role);

#define NEED_MEMBER()                                           \
	do {                                                    \
		if (!comm_is_role("member"))                    \
			SKIP_TEST("not commprobe.role=member"); \
	} while (0)

#define NEED_OUTSIDER()                                           \
	do {                                                      \
		if (!comm_is_role("outsider"))                    \
			SKIP_TEST("not commprobe.role=outsider"); \
	} while (0)

#endif /* COMM_COMM_H */
