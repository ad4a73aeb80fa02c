/* SPDX-License-Identifier: MIT */
/*
 * The fake architecture: host implementations of the hardware-facing calls,
 * recording what the code under test asked of the hardware, so unit tests
 * can assert on it.
 */
#ifndef HV_ARCH_FAKE_H
#define HV_ARCH_FAKE_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FAKE_INTIDS 1024
#define FAKE_CPUS 8
#define FAKE_CPU_PENDING 16 /* physical interrupts waiting on one CPU */
#define FAKE_LRS 4	    /* list registers per CPU, as on QEMU virt */
#define FAKE_SYSREGS 64	    /* other registers per CPU */
#define FAKE_ICC_SPURIOUS 1023u
#define FAKE_BOOT_OUT 8192 /* bytes of console output kept */

struct fake_gic {
	bool spi_enabled[FAKE_INTIDS];
	bool spi_pending[FAKE_INTIDS];
	bool spi_edge[FAKE_INTIDS];
	uint64_t spi_route[FAKE_INTIDS];
	bool ppi_enabled[8][32];
	bool ppi_pending[FAKE_CPUS][32];
	/* Level-triggered lines a device asserts: pending while so. */
	bool spi_level[FAKE_INTIDS];
	bool ppi_level[FAKE_CPUS][32];
	unsigned sgis_sent;
	uint64_t last_sgi_mpidr;
	uint32_t typer;
	unsigned calls; /* every state-changing call */
	/* Interrupts signalled to each CPU, acknowledged by gic_ack(). */
	uint16_t cpu_pending[FAKE_CPUS][FAKE_CPU_PENDING];
	unsigned cpu_pending_count[FAKE_CPUS];
	unsigned deactivations;
	/* Acknowledged and not yet deactivated: SPIs, and PPIs per CPU. */
	bool spi_active[FAKE_INTIDS];
	bool ppi_active[FAKE_CPUS][32];
	/* What pmu_guest_intid() says for each CPU: its VM's PMU PPI, or 0. */
	uint32_t pmu_intid[FAKE_CPUS];
};

struct fake_cpu {
	unsigned pcpu;		   /* what arch_pcpu_id() returns */
	unsigned kicks[8];	   /* arch_kick() per CPU */
	uint64_t hw_id[FAKE_CPUS]; /* what arch_cpu_hw_id() returns on each */
};

/*
 * One CPU's system registers (hv/arch/fake/sysreg.c): the GICv3 list
 * registers with the status registers derived from them as the hardware
 * does, and a file of every other register by name.
 */
struct fake_sysregs {
	uint64_t lr[FAKE_LRS];
	const char *name[FAKE_SYSREGS];
	uint64_t val[FAKE_SYSREGS];
	unsigned count;
};

/* The rest of the arch interface (hv/arch/fake/hv.c), for host builds of
 * the whole hypervisor core. */
struct fake_hv {
	uint64_t counter; /* what arch_counter() and CNTPCT_EL0 read */
	jmp_buf *idle;	  /* where arch_idle() continues; NULL: abort */
	/* arch_system_off(): does not return; NULL: abort. */
	void (*system_off)(void);
	/* arch_smc(): the firmware's answer; NULL: "not supported". */
	uint64_t (*smc)(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
	unsigned smc_calls;
};

/*
 * The core's edge-triggered virtual lines (hv/arch/virq.h,
 * hv/arch/fake/virq.c): which exist, and the edges each VM's took.
 */
#define FAKE_VIRQ_VMS 8
#define FAKE_VIRQ_LINES 1024
struct fake_virq {
	bool present[FAKE_VIRQ_VMS][FAKE_VIRQ_LINES];
	unsigned pulses[FAKE_VIRQ_VMS][FAKE_VIRQ_LINES];
	unsigned stray; /* pulses of a line never added */
};

/*
 * The boot steps of the arch interface (hv/arch/boot.h, cpu.h) on the host
 * (hv/arch/fake/boot.c), for the core's boot flow: what the test hands
 * over, and what the boot flow asked for.
 */
struct fake_boot {
	/* Given by the test. */
	uint64_t info, info_size; /* the loader's hand-over and its size */
	const void *entropy;	  /* what arch_boot_entropy() hashes */
	size_t entropy_size;
	unsigned rng_words; /* arch_random() gives this many, then fails */
	int mmu_ret;	    /* what arch_mmu_setup() returns */
	int start_ret;	    /* what arch_cpu_start() returns */
	int iommu_ret;	    /* what arch_iommu_enable() returns */
	/* Recorded. */
	bool console_started;	 /* arch_boot_console() was called */
	char out[FAKE_BOOT_OUT]; /* what went out on its UART, terminated */
	size_t out_len;
	uint64_t entropy_info; /* arch_boot_entropy()'s argument */
	unsigned entropy_calls;
	uint64_t mmu_base, mmu_size; /* arch_mmu_setup()'s range */
	unsigned mmu_calls;
	unsigned iommu_calls;	/* arch_iommu_enable() */
	int platform_boot_pcpu; /* arch_platform_init()'s; -1: not called */
	unsigned cpu_inits[FAKE_CPUS];
	/* arch_cpu_start(): each CPU's hardware ID, in the order started. */
	uint64_t started_hw_id[FAKE_CPUS];
	unsigned started_idx[FAKE_CPUS];
	unsigned start_count;
};

extern struct fake_boot fake_boot;

#define FAKE_SMMU_STREAMS 16

/* The streams smmu_attach() was given (hv/arch/fake/smmu.c), in order. */
struct fake_smmu {
	int attach_ret; /* given by the test: what smmu_attach() returns */
	unsigned count;
	const struct vm *vm[FAKE_SMMU_STREAMS];
	uint32_t sid[FAKE_SMMU_STREAMS];
};

extern struct fake_smmu fake_smmu;

extern struct fake_gic fake_gic;
extern struct fake_cpu fake_cpu;
extern struct fake_sysregs fake_sysregs[FAKE_CPUS];
extern struct fake_hv fake_hv;
extern struct fake_virq fake_virq;

/** fake_reset() - Forget everything recorded. */
void fake_reset(void);

/** fake_boot_reset() - Forget the boot hand-over and what was recorded. */
void fake_boot_reset(void);

/** fake_gic_raise() - Signal @intid to CPU @pcpu (once while pending). */
void fake_gic_raise(unsigned pcpu, uint32_t intid);

/** fake_gic_deactivate() - End @intid's active state as seen by @pcpu. */
void fake_gic_deactivate(unsigned pcpu, uint32_t intid);

/** fake_sysreg_reset() - Every CPU's registers back to zero. */
void fake_sysreg_reset(void);

/** fake_sysreg_get() - Register @name of CPU @pcpu, by its expanded name. */
uint64_t fake_sysreg_get(unsigned pcpu, const char *name);

/** fake_sysreg_set() - Set register @name of CPU @pcpu. */
void fake_sysreg_set(unsigned pcpu, const char *name, uint64_t val);

#endif /* HV_ARCH_FAKE_H */
