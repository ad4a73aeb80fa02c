/* SPDX-License-Identifier: MIT */
/*
 * The boot plan: the binary contract between shikiri-build (host) and the
 * hypervisor.  The tool writes it, the hypervisor re-checks it at boot and
 * refuses to boot anything if a single field is off.
 *
 * Image layout (all offsets from the first byte of shikiri.img, which is
 * also the hypervisor's load address):
 *
 *   0                      hypervisor binary (aarch64: arm64 Image header
 *                          first; x86_64: Multiboot1 and Multiboot2
 *                          headers in the first 8 KiB)
 *   plan_offset            struct shikiri_plan (header + VM records)
 *   payload offsets        kernels, initrds, device trees, boot_params and
 *                          ACPI tables, each aligned to SHIKIRI_PAYLOAD_ALIGN
 *
 * plan_offset = align_up(hypervisor footprint, SHIKIRI_PLAN_ALIGN), where the
 * footprint (code, data, bss, stacks and page-table pool) is the image_size
 * field of the arm64 Image header, or bss_end_addr - load_addr of the
 * Multiboot headers.  The final image's header is rewritten to cover the
 * whole image (image_size; load_end_addr and bss_end_addr of both Multiboot
 * headers), so the loader loads and reserves all of it.
 *
 * One plan serves both architectures: board.arch says which, the common
 * fields mean the same on both, and the arch unions hold the rest.  A
 * hypervisor refuses a plan of another architecture.
 *
 * Everything is little-endian, naturally aligned, with explicit padding, so
 * the same header compiles identically for the host and for the hypervisor.
 */
#ifndef SHIKIRI_PLAN_H
#define SHIKIRI_PLAN_H

#include <stdint.h>

#define SHIKIRI_PLAN_MAGIC 0x4e414c5052494b53ull /* "SKIRPLAN" */
#define SHIKIRI_PLAN_REVISION 5u

#define SHIKIRI_PLAN_ALIGN 0x10000u
#define SHIKIRI_PAYLOAD_ALIGN 0x1000u

#define SHIKIRI_MAX_VMS 8u
#define SHIKIRI_MAX_CPUS 64u
#define SHIKIRI_MAX_BOARD_RAM 8u
#define SHIKIRI_MAX_RAM_REGIONS 4u
#define SHIKIRI_MAX_MMIO 16u
#define SHIKIRI_MAX_IRQS 32u
#define SHIKIRI_MAX_PAYLOADS 4u
#define SHIKIRI_NAME_LEN 16u
#define SHIKIRI_MAX_PIO 16u
#define SHIKIRI_MAX_PCI 16u
#define SHIKIRI_MAX_SHM 8u
#define SHIKIRI_MAX_LANS 8u

/* Physical INTIDs the board reserves for the hypervisor's own use. */
#define SHIKIRI_GIC_SPI_BASE 32u
#define SHIKIRI_GIC_MAX_INTID 1019u

/** Which architecture a plan is for (board.arch). */
enum shikiri_arch {
	SHIKIRI_ARCH_AARCH64 = 1,
	SHIKIRI_ARCH_X86_64 = 2,
};

/** A range of physical addresses: [base, base + size). */
struct shikiri_range {
	uint64_t base;
	uint64_t size;
};

/** One contiguous guest-physical → physical mapping. */
struct shikiri_region {
	uint64_t ipa;  /**< guest-physical base, 4 KiB aligned */
	uint64_t pa;   /**< physical base, 4 KiB aligned */
	uint64_t size; /**< bytes, 4 KiB multiple, non-zero */
};

/**
 * A physical interrupt passed through to a VM under a virtual number
 * (aarch64: INTIDs, SPIs 32..1019; x86_64: I/O APIC GSIs).
 */
struct shikiri_irq {
	uint32_t virt; /**< what the guest sees */
	uint32_t phys; /**< the board's */
};

enum shikiri_payload_kind {
	SHIKIRI_PAYLOAD_KERNEL = 1,
	SHIKIRI_PAYLOAD_INITRD = 2,
	/** aarch64: the generated device tree. */
	SHIKIRI_PAYLOAD_DTB = 3,
	/** x86_64: zero page, command line and setup_data, at 0x7000. */
	SHIKIRI_PAYLOAD_BOOT_PARAMS = 4,
	/** x86_64: RSDP, XSDT, FADT, DSDT, MADT, at 0xe0000. */
	SHIKIRI_PAYLOAD_ACPI = 5,
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

/** Emulated UART on the mux (aarch64: PL011; x86_64: 16550). */
#define SHIKIRI_VM_CONSOLE_VIRTUAL 1u
/**
 * The platform hands over the VM's RAM cleared at every boot of the
 * hypervisor (config: ram-cleared-at-boot), so it is not scrubbed before
 * the VM's first start.  Set on every VM or on none.
 */
#define SHIKIRI_VM_RAM_CLEARED_AT_BOOT 2u

/** shikiri_pci_fn.intx when the function's INTx pin drives nothing. */
#define SHIKIRI_PCI_NO_INTX 0xffffffffu
/** shikiri_pci_fn.flags: the INTx line is active low (else high). */
#define SHIKIRI_PCI_INTX_ACTIVE_LOW 1u
/** shikiri_pci_fn.flags: the INTx line is edge-triggered (else level). */
#define SHIKIRI_PCI_INTX_EDGE 2u

/**
 * A PCI function a VM owns (config `pci-devices`), on segment 0.  The
 * hypervisor finds its BARs and capabilities in the function itself at
 * boot; the board file says where its interrupt pin goes.
 */
struct shikiri_pci_fn {
	uint32_t bdf;   /**< bus << 8 | device << 3 | function */
	/**
	 * The board interrupt its INTx pin drives (x86_64: I/O APIC GSI,
	 * which the VM sees as the same GSI; aarch64: INTID), or
	 * SHIKIRI_PCI_NO_INTX.
	 */
	uint32_t intx;
	uint32_t intx_pin; /**< 1..4 = INTA..INTD, 0 with no INTx */
	uint32_t flags;    /**< SHIKIRI_PCI_* */
};

/** shikiri_vm_shm.flags: the VM maps the region read-only. */
#define SHIKIRI_SHM_READ_ONLY 1u

/**
 * How one VM sees a shared-memory region (config shm@N): a PCI function
 * on its virtual PCI bus 0 (include/shikiri/shm.h), BAR 0 its register
 * page with the doorbell, BAR 2 the region itself, INTx the doorbell's
 * interrupt.
 */
struct shikiri_vm_shm {
	uint32_t region;   /**< index in shikiri_plan.shm */
	uint32_t flags;    /**< SHIKIRI_SHM_* */
	uint64_t ipa;      /**< BAR 2: the region, aligned to its size */
	uint64_t regs_ipa; /**< BAR 0: its register page, 4 KiB */
	uint32_t intid;    /**< its INTx: a virtual SPI, edge-triggered */
	uint32_t devfn;    /**< its device on bus 0: device << 3 (1..31) */
};

/**
 * A VM's virtio-net device over virtio-mmio (config network), a port of a
 * virtual LAN whose switch is the hypervisor.
 */
struct shikiri_vm_net {
	uint64_t ipa;   /**< its virtio-mmio registers, 4 KiB; 0: none */
	uint32_t intid; /**< its interrupt: a virtual SPI, edge-triggered */
	uint32_t lan;   /**< index in shikiri_plan.lan */
	uint8_t mac[6]; /**< unicast, what the device reports and must send */
	uint8_t reserved[2];
};

/** One VM. */
struct shikiri_plan_vm {
	char name[SHIKIRI_NAME_LEN]; /**< NUL-terminated, [a-z0-9_-] */
	uint64_t cpu_mask;           /**< physical CPUs; vCPU i = i-th set bit */
	uint64_t entry_ipa;          /**< kernel entry (vCPU 0 PC / EIP) */
	/**
	 * The boot-info payload's address, given to vCPU 0 at entry
	 * (aarch64: x0 = the DTB; x86_64: ESI = boot_params).
	 */
	uint64_t boot_info_ipa;
	uint32_t flags;              /**< SHIKIRI_VM_* */
	uint32_t ram_count;
	struct shikiri_region ram[SHIKIRI_MAX_RAM_REGIONS];
	uint32_t mmio_count;
	uint32_t irq_count;
	struct shikiri_region mmio[SHIKIRI_MAX_MMIO]; /**< passthrough */
	struct shikiri_irq irq[SHIKIRI_MAX_IRQS];     /**< passthrough */
	uint32_t payload_count;
	/** The emulated UART's interrupt: aarch64 INTID; x86_64 GSI. */
	uint32_t console_irq;
	/** Its base: aarch64 PL011 IPA (4 KiB); x86_64 16550 I/O port. */
	uint64_t console_base;
	struct shikiri_payload payload[SHIKIRI_MAX_PAYLOADS];
	/*
	 * Offsets inside the boot-info payload (DTB or BOOT_PARAMS) of 32
	 * bytes of RNG seed (/chosen/rng-seed; SETUP_RNG_SEED data) and 8
	 * bytes of KASLR seed (/chosen/kaslr-seed; 0 on x86_64), which the
	 * hypervisor fills with fresh entropy at every (re)start; 0 when
	 * absent.
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
	uint32_t pci_count; /**< entries in pci */
	uint32_t reserved3;
	struct shikiri_pci_fn pci[SHIKIRI_MAX_PCI];
	/**
	 * The ECAM of the VM's virtual PCI bus 0 (1 MiB), which holds its
	 * shared-memory functions; 0 when it has none.
	 */
	uint64_t vpci_ecam_ipa;
	uint32_t shm_count; /**< entries in shm */
	uint32_t reserved4;
	struct shikiri_vm_shm shm[SHIKIRI_MAX_SHM];
	struct shikiri_vm_net net;
	union {
		/** PCI functions' BAR windows and MSIs (Arm; plan rev 5). */
		struct {
			/**
			 * The VM's share of the board's PCI memory windows
			 * (shikiri_plan_pci.mem), IPA = PA: its functions'
			 * memory BARs lie there (the hypervisor puts them
			 * there when the board says SHIKIRI_PCI_BOARD_ASSIGN_BARS)
			 * and its device tree's host bridge `ranges` say so.
			 * Size 0: none.
			 */
			struct shikiri_range pci_mem[2];
			/**
			 * MSIs: virtual SPIs msi_intid .. msi_intid +
			 * msi_count - 1, which the VM's GIC offers as MBIs (a
			 * write of the INTID to GICD_SETSPI_NSR; DT
			 * `mbi-ranges`).  The hypervisor backs them with the
			 * board's ITS (shikiri_plan_board.hw.aarch64.its_base):
			 * a function's MSI of INTID n arrives as the physical
			 * LPI of event n - msi_intid of its DeviceID.  0 count:
			 * no MSI (the guest uses INTx).
			 */
			uint32_t msi_intid;
			uint32_t msi_count;
			/**
			 * Offset in the DTB payload of the value of
			 * /pmu/status ("okay"), 0: no /pmu.  Where the PMU is
			 * not the guest's on the VM's CPUs, the hypervisor
			 * writes "fail" there at every (re)start, so the
			 * guest sees no PMU, as on a machine without one.
			 */
			uint32_t pmu_status_offset;
			uint32_t reserved;
		} aarch64;
		/** I/O port ranges passed through (for issue 11). */
		struct {
			uint32_t pio_count;
			uint32_t reserved;
			struct shikiri_pio {
				uint16_t base;
				uint16_t size;
			} pio[SHIKIRI_MAX_PIO];
		} x86_64;
		uint8_t raw[128]; /**< zero where unused */
	} arch;
};

/**
 * The board's PCI segment 0, as its host bridge decodes it (ecam_size 0:
 * no PCI).  Every BAR of a function a VM owns must lie in one of the
 * windows; the hypervisor checks that at boot.
 */
struct shikiri_plan_pci {
	uint64_t ecam_base; /**< ECAM (MMCONFIG), 1 MiB per bus from bus_first */
	uint64_t ecam_size;
	uint32_t bus_first;
	uint32_t bus_last;
	struct shikiri_range mem[2]; /**< memory windows; size 0: none */
	struct shikiri_range io;     /**< I/O port window (x86_64) */
	uint32_t flags;		     /**< SHIKIRI_PCI_BOARD_* */
	/**
	 * aarch64: a function's SMMU StreamID is its RID + sid_base (the
	 * host bridge's iommu-map), and its ITS DeviceID its RID + devid_base
	 * (msi-map).
	 */
	uint32_t sid_base;
	uint32_t devid_base;
	uint32_t reserved;
};

/**
 * shikiri_plan_pci.flags: no firmware assigned the BARs (QEMU virt booted
 * straight into the hypervisor): the hypervisor sizes each owned
 * function's memory BARs at boot and places them in its VM's
 * arch.aarch64.pci_mem windows, largest first, naturally aligned.
 */
#define SHIKIRI_PCI_BOARD_ASSIGN_BARS 1u

/** The board facts the hypervisor needs; the tool reads them from the DTB. */
struct shikiri_plan_board {
	uint32_t arch;      /**< enum shikiri_arch: must be the hypervisor's */
	uint32_t cpu_count;
	/** aarch64: MPIDR affinity bits; x86_64: local APIC ID. */
	uint64_t cpu_id[SHIKIRI_MAX_CPUS];
	uint32_t ram_count; /**< entries in ram, 1..SHIKIRI_MAX_BOARD_RAM */
	uint32_t reserved;
	struct shikiri_range ram[SHIKIRI_MAX_BOARD_RAM]; /**< ascending */
	/** The hypervisor's own UART: aarch64 PL011 MMIO; x86_64 16550 port. */
	uint64_t uart_base;
	uint32_t uart_irq; /**< aarch64: INTID (an SPI); x86_64: I/O APIC GSI */
	uint32_t reserved2;
	union {
		struct {
			uint64_t gicd_base; /**< GICv3 distributor, 64 KiB */
			uint64_t gicr_base; /**< first redistributor */
			uint64_t gicr_size; /**< GICR_STRIDE per CPU */
			uint32_t timer_virt_intid; /**< EL1 virtual timer PPI */
			uint32_t gic_maint_intid;  /**< GIC maintenance PPI */
			/**
			 * The SMMUv3 in front of the PCI host bridge (128 KiB
			 * of registers), 0: none.  With one, every function's
			 * DMA is translated by its VM's view (IPA -> PA of
			 * its RAM) and every other stream aborts; without,
			 * a VM that owns a function must be identity-mapped.
			 */
			uint64_t smmu_base;
			uint32_t smmu_evtq_intid;   /**< event queue SPI (edge) */
			uint32_t smmu_gerror_intid; /**< global error SPI (edge) */
			/** GICv3 ITS (128 KiB: control + translater), 0: none. */
			uint64_t its_base;
			/**
			 * The PMU's overflow PPI (the board's "pmu" node), 0:
			 * none.  Forwarded to the VM owning the CPU where the
			 * PMU is the guest's (docs/isolation.md "PMU").
			 */
			uint32_t pmu_intid;
			uint32_t reserved3;
		} aarch64;
		struct {
			uint64_t lapic_base;  /**< 0xfee00000 */
			uint64_t ioapic_base; /**< 0xfec00000 */
			uint32_t ioapic_gsi_base;
			uint32_t ioapic_pins;
			/** 4 KiB of RAM below 1 MiB to start APs from. */
			uint64_t trampoline;
		} x86_64;
		uint8_t raw[128]; /**< zero where unused */
	} hw; /**< the arch's hardware; named apart from the enum arch */
	struct shikiri_plan_pci pci;
};

/**
 * A shared-memory region (config shm@N): board RAM no VM owns, mapped into
 * each VM of vm_mask (see shikiri_vm_shm), zeroed once at boot and never
 * when one of them restarts.
 */
struct shikiri_plan_shm {
	char name[SHIKIRI_NAME_LEN]; /**< NUL-terminated, [a-z0-9_-] */
	uint64_t pa;      /**< aligned to min(size, 2 MiB) */
	uint64_t size;    /**< a power of two, 4 KiB to 1 GiB */
	uint32_t vm_mask; /**< the VMs (by index) that map it */
	uint32_t reserved;
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
	uint32_t shm_count; /**< entries in shm */
	uint32_t lan_count; /**< entries in lan */
	struct shikiri_plan_shm shm[SHIKIRI_MAX_SHM];
	/** Virtual LANs' names (config network), NUL-terminated. */
	char lan[SHIKIRI_MAX_LANS][SHIKIRI_NAME_LEN];
	struct shikiri_plan_vm vm[];
};

#define SHIKIRI_GICR_STRIDE 0x20000u /* RD_base + SGI_base frames */

#endif /* SHIKIRI_PLAN_H */
