/* SPDX-License-Identifier: MIT */
/*
 * The boot plan: the binary contract between shikiri-build (host) and the
 * hypervisor.  The tool writes it, the hypervisor re-checks it at boot and
 * refuses to boot anything if a single field is off.
 *
 * Image layout (all offsets from the first byte of shikiri.img, which is
 * also the hypervisor's load address):
 *
 *   0                      hypervisor binary (arm64 Image header first)
 *   plan_offset            struct shikiri_plan (header + VM records)
 *   payload offsets        kernels, initrds and device trees, each aligned
 *                          to SHIKIRI_PAYLOAD_ALIGN
 *
 * plan_offset = align_up(hypervisor footprint, SHIKIRI_PLAN_ALIGN), where the
 * footprint is the image_size field of the hypervisor binary's own Image
 * header (code, data, bss, stacks and page-table pool).  The final image's
 * header image_size is rewritten to the whole image's size.
 *
 * Everything is little-endian, naturally aligned, with explicit padding, so
 * the same header compiles identically for the host and for the hypervisor.
 */
#ifndef SHIKIRI_PLAN_H
#define SHIKIRI_PLAN_H

#include <stdint.h>

#define SHIKIRI_PLAN_MAGIC 0x4e414c5052494b53ull /* "SKIRPLAN" */
#define SHIKIRI_PLAN_REVISION 1u

#define SHIKIRI_PLAN_ALIGN 0x10000u
#define SHIKIRI_PAYLOAD_ALIGN 0x1000u

#define SHIKIRI_MAX_VMS 8u
#define SHIKIRI_MAX_CPUS 8u
#define SHIKIRI_MAX_RAM_REGIONS 4u
#define SHIKIRI_MAX_MMIO 16u
#define SHIKIRI_MAX_IRQS 32u
#define SHIKIRI_MAX_PAYLOADS 4u
#define SHIKIRI_NAME_LEN 16u

/* Physical INTIDs the board reserves for the hypervisor's own use. */
#define SHIKIRI_GIC_SPI_BASE 32u
#define SHIKIRI_GIC_MAX_INTID 1019u

/** One contiguous guest-physical → physical mapping. */
struct shikiri_region {
	uint64_t ipa;  /**< guest-physical base, 4 KiB aligned */
	uint64_t pa;   /**< physical base, 4 KiB aligned */
	uint64_t size; /**< bytes, 4 KiB multiple, non-zero */
};

/** A physical interrupt passed through to a VM under a virtual INTID. */
struct shikiri_irq {
	uint32_t virt; /**< INTID the guest sees (an SPI: 32..1019) */
	uint32_t phys; /**< physical INTID (an SPI: 32..1019) */
};

enum shikiri_payload_kind {
	SHIKIRI_PAYLOAD_KERNEL = 1,
	SHIKIRI_PAYLOAD_INITRD = 2,
	SHIKIRI_PAYLOAD_DTB = 3,
};

/** A blob in the image that is copied into the VM's RAM at (re)start. */
struct shikiri_payload {
	uint64_t offset; /**< from the image start, SHIKIRI_PAYLOAD_ALIGN aligned */
	uint64_t size;   /**< bytes in the image */
	uint64_t ipa;    /**< where it goes in the VM, inside its RAM */
	uint32_t kind;   /**< enum shikiri_payload_kind */
	uint32_t crc32;  /**< of the size bytes at offset (checked for DTBs) */
};

enum shikiri_policy {
	SHIKIRI_POLICY_STOP = 0,
	SHIKIRI_POLICY_RESTART = 1,
	SHIKIRI_POLICY_REFLECT = 2, /**< on-fault only: abort into the guest */
};

#define SHIKIRI_VM_CONSOLE_VIRTUAL 1u /**< emulated PL011 on the mux */
/**
 * The platform hands over the VM's RAM cleared at every boot of the
 * hypervisor (config: ram-cleared-at-boot), so it is not scrubbed before
 * the VM's first start.  Set on every VM or on none.
 */
#define SHIKIRI_VM_RAM_CLEARED_AT_BOOT 2u

/** One VM. */
struct shikiri_plan_vm {
	char name[SHIKIRI_NAME_LEN]; /**< NUL-terminated, [a-z0-9_-] */
	uint64_t cpu_mask;           /**< physical CPUs; vCPU i = i-th set bit */
	uint64_t entry_ipa;          /**< kernel entry (vCPU 0 PC) */
	uint64_t dtb_ipa;            /**< x0 at entry */
	uint32_t flags;              /**< SHIKIRI_VM_* */
	uint32_t ram_count;
	struct shikiri_region ram[SHIKIRI_MAX_RAM_REGIONS];
	uint32_t mmio_count;
	uint32_t irq_count;
	struct shikiri_region mmio[SHIKIRI_MAX_MMIO]; /**< passthrough */
	struct shikiri_irq irq[SHIKIRI_MAX_IRQS];     /**< passthrough */
	uint32_t payload_count;
	uint32_t console_virq;  /**< INTID of the emulated PL011 */
	uint64_t console_ipa;   /**< base of the emulated PL011 (4 KiB) */
	struct shikiri_payload payload[SHIKIRI_MAX_PAYLOADS];
	/*
	 * Offsets inside the DTB payload of the values of /chosen/rng-seed
	 * (32 bytes) and /chosen/kaslr-seed (8 bytes), which the hypervisor
	 * fills with fresh entropy at every (re)start; 0 when absent.
	 */
	uint32_t rng_seed_offset;
	uint32_t kaslr_seed_offset;
	uint32_t on_reset;    /**< enum shikiri_policy */
	uint32_t on_poweroff; /**< enum shikiri_policy */
	uint32_t on_crash;    /**< enum shikiri_policy */
	uint32_t on_fault;    /**< enum shikiri_policy */
	uint32_t manage_mask; /**< VMs (by index) this VM may manage */
	uint32_t reserved;
	uint64_t manage_ipa;  /**< management page (shikiri/manage.h), 0: none */
	/*
	 * An emulated SBSA Generic Watchdog: control frame at watchdog_ipa,
	 * refresh frame 4 KiB above; a guest that enables it and stops
	 * refreshing is handled by on_crash.  watchdog_ms caps its timeout.
	 */
	uint64_t watchdog_ipa; /**< 0: none */
	uint32_t watchdog_ms;
	uint32_t reserved2;
};

/** The board facts the hypervisor needs; the tool reads them from the DTB. */
struct shikiri_plan_board {
	uint64_t ram_base;  /**< first RAM bank */
	uint64_t ram_size;
	uint64_t gicd_base; /**< GICv3 distributor, 64 KiB */
	uint64_t gicr_base; /**< first redistributor, GICR_STRIDE apart */
	uint64_t gicr_size;
	uint64_t uart_base; /**< PL011 the hypervisor owns, 4 KiB */
	uint32_t uart_intid;
	uint32_t cpu_count;
	uint64_t cpu_mpidr[SHIKIRI_MAX_CPUS]; /**< affinity bits only */
	uint32_t timer_virt_intid;  /**< EL1 virtual timer PPI (27) */
	uint32_t gic_maint_intid;   /**< GIC maintenance PPI (25) */
};

/** The plan header; vm_count records follow it directly. */
struct shikiri_plan {
	uint64_t magic;      /**< SHIKIRI_PLAN_MAGIC */
	uint32_t revision;   /**< SHIKIRI_PLAN_REVISION */
	uint32_t size;       /**< bytes: header + vm_count records */
	uint32_t crc32;      /**< CRC-32 (IEEE) of size bytes, this field 0 */
	uint32_t vm_count;   /**< 1..SHIKIRI_MAX_VMS */
	uint64_t image_size; /**< whole image, bytes: the hypervisor reserves it */
	struct shikiri_plan_board board;
	struct shikiri_plan_vm vm[];
};

#define SHIKIRI_GICR_STRIDE 0x20000u /* RD_base + SGI_base frames */

#endif /* SHIKIRI_PLAN_H */
