/* SPDX-License-Identifier: MIT */
/*
 * isolation: a one-vCPU guest that probes the walls of its partition.
 *
 * Its own RAM works; every other address aborts with the synchronous
 * external abort shikiri reflects (other VMs' RAM, the hypervisor's memory,
 * devices it was not given, absent redistributors); distributor registers
 * of interrupts it does not own read as zero and ignore writes; SGIs reach
 * its own vCPU only; PSCI refuses CPUs outside the VM.
 *
 * Where the other VMs and the hypervisor sit in physical memory depends on
 * the config, so the system test passes it on the command line
 * (tests/system/test_isolation.py, from `shikiri-build --explain`):
 *
 *	isolation.other_ram=A-B[,A-B...]	other VMs' physical RAM
 *	isolation.hv_ram=A-B			the hypervisor's reserved memory
 *	isolation.hv_image=A			where the hypervisor is loaded
 *	isolation.stress_ms=N			how long to keep aborting at the
 *						end (default 200 ms)
 *
 * A test whose parameter is missing is skipped.
 */
#include "baremetal/bootargs.h"
#include "baremetal/exceptions.h"
#include "baremetal/gic.h"
#include "baremetal/platform.h"
#include "baremetal/printf.h"
#include "baremetal/probe.h"
#include "baremetal/psci.h"
#include "baremetal/sysreg.h"
#include "baremetal/test.h"
#include "baremetal/timer.h"

#define RANGES_MAX 8
#define ARM64_IMAGE_MAGIC 0x644d5241u /* "ARM\x64" at offset 56 */
#define ARM64_IMAGE_MAGIC_OFFSET 56
#define A64_RET 0xd65f03c0u
#define SPI_FOREIGN_FIRST 40u
#define SPI_FOREIGN_LAST 63u
#define SGI_TEST 1u
#define SGI_TEST_IRQ 2u
/* Long enough for an SGI to reach a vCPU through the hypervisor. */
#define SGI_WAIT_US 2000
#define STRESS_MS_DEFAULT 200
#define PROBE_POINTS 6

/*
 * Devices of QEMU's virt board that this VM is not given (besides the
 * ones the sweeps below cover): the board's DT names them.
 */
static const uint64_t unassigned_mmio[] = {
	0x00000000,   /* flash0 */
	0x04000000,   /* flash1 */
	0x08080000,   /* GIC ITS */
	0x09010000,   /* pl031 RTC */
	0x09020000,   /* fw-cfg */
	0x09030000,   /* pl061 GPIO */
	0x0a000000,   /* virtio-mmio, first slot */
	0x0a003e00,   /* virtio-mmio, last slot */
	0x0c000000,   /* platform bus */
	0x10000000,   /* PCIe MMIO window */
	0x3eff0000,   /* PCIe I/O window */
	0x3f000000,   /* PCIe ECAM (low) */
	0x4010000000, /* PCIe ECAM (high) */
	0x8000000000, /* PCIe MMIO (high), beyond the 39-bit stage-2 IPA */
};

/* Stores go only where a write cannot do harm if it did land. */
static const uint64_t unassigned_mmio_store[] = {
	0x09010000, /* pl031 data register: read-only */
	0x0a000000, /* virtio-mmio magic: read-only */
	0x0c000000, /* platform bus: empty */
};

static uint64_t ram_end(void)
{
	return platform.ram_base + platform.ram_size;
}

static bool in_own_ram(uint64_t addr)
{
	return addr >= platform.ram_base && addr < ram_end();
}

/* Whether [addr, addr + 8) is one of the VM's emulated devices. */
static bool emulated(uint64_t addr)
{
	const struct range r[] = {
		{ platform.gicd_base, platform.gicd_base + platform.gicd_size },
		{ platform.gicr_base, platform.gicr_base + platform.gicr_size },
		{ platform.uart_base, platform.uart_base + platform.uart_size },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(r); i++)
		if (addr + 8 > r[i].start && addr < r[i].end)
			return true;
	return false;
}

/* The first, middle and last 8-byte words of [start, end), into @out. */
static unsigned spread(uint64_t start, uint64_t end, uint64_t *out)
{
	start = ALIGN_UP(start, 8);
	end &= ~7ull;
	if (end <= start)
		return 0;
	out[0] = start;
	out[1] = start + ((end - start) / 2 & ~7ull);
	out[2] = end - 8;
	return 3;
}

/*
 * Addresses to probe in the physical range @r: those outside the VM's own
 * RAM (where the same numbers are IPAs of its own memory), three below it
 * and three above it at most.  Returns how many.
 */
static unsigned probe_points(struct range r, uint64_t out[PROBE_POINTS])
{
	unsigned n = 0;

	if (r.start < platform.ram_base)
		n += spread(r.start, MIN(r.end, platform.ram_base), out);
	if (r.end > ram_end())
		n += spread(MAX(r.start, ram_end()), r.end, out + n);
	return n;
}

/* (a) The VM's own RAM ------------------------------------------------ */

TEST(own_ram_reads_and_writes)
{
	uint64_t start = ALIGN_UP(platform_image_end(), 8), end = ram_end();
	uint64_t step = ((end - start) / 64) & ~7ull;

	ASSERT_TRUE(step > 0);
	/* 64 words spread over the free RAM, and the very last one. */
	for (unsigned i = 0; i <= 64; i++) {
		uint64_t a = i < 64 ? start + i * step : end - 8;
		uint64_t old = mmio_read64(a);
		uint64_t pattern = a ^ 0x5a5aa5a5c3c33c3cull;

		mmio_write64(a, pattern);
		ASSERT_EQ(mmio_read64(a), pattern);
		mmio_write64(a, ~pattern);
		ASSERT_EQ(mmio_read64(a), ~pattern);
		mmio_write64(a, old);
	}
}

TEST(own_ram_executes)
{
	static volatile uint32_t code[4] __attribute__((aligned(16)));

	/* Positive control for the instruction-fetch probes below. */
	code[0] = A64_RET;
	dsb(ish);
	__asm__ volatile("ic iallu\n\tdsb ish\n\tisb" : : : "memory");
	ASSERT_ACCESS_OK(PROBE_EXEC, (uint64_t)(uintptr_t)code);
}

/* (b) Memory outside it ----------------------------------------------- */

TEST(ram_end_is_the_wall)
{
	uint64_t end = ram_end();

	ASSERT_ACCESS_OK(PROBE_LOAD, end - 8);
	ASSERT_LOAD_ABORTS(end);
	ASSERT_STORE_ABORTS(end);
	ASSERT_LOAD_ABORTS(end + 0x1000 - 8);
	ASSERT_STORE_ABORTS(end + SZ_2M);
	ASSERT_EXEC_ABORTS(end);
}

TEST(other_vm_ram_aborts)
{
	struct range r[RANGES_MAX];
	int n = bootargs_ranges("isolation.other_ram", r, RANGES_MAX);
	unsigned probed = 0;

	if (n <= 0)
		SKIP_TEST("no isolation.other_ram=A-B in the bootargs");
	for (int i = 0; i < n; i++) {
		uint64_t at[PROBE_POINTS];
		unsigned k = probe_points(r[i], at);

		for (unsigned j = 0; j < k; j++) {
			ASSERT_LOAD_ABORTS(at[j]);
			ASSERT_STORE_ABORTS(at[j]);
		}
		if (k)
			ASSERT_EXEC_ABORTS(at[0]);
		probed += k;
	}
	ASSERT_TRUE(probed > 0);
}

TEST(hypervisor_memory_aborts)
{
	struct range r[RANGES_MAX];
	int n = bootargs_ranges("isolation.hv_ram", r, RANGES_MAX);
	unsigned probed = 0;

	if (n <= 0)
		SKIP_TEST("no isolation.hv_ram=A-B in the bootargs");
	for (int i = 0; i < n; i++) {
		uint64_t at[PROBE_POINTS];
		unsigned k = probe_points(r[i], at);

		for (unsigned j = 0; j < k; j++) {
			ASSERT_LOAD_ABORTS(at[j]);
			ASSERT_STORE_ABORTS(at[j]);
		}
		probed += k;
	}
	if (!probed)
		SKIP_TEST("the hypervisor's memory is all at IPAs of own RAM");
}

TEST(hypervisor_image_is_not_visible)
{
	uint64_t at;

	if (bootargs_u64("isolation.hv_image", &at) != 0)
		SKIP_TEST("no isolation.hv_image=ADDR in the bootargs");
	/*
	 * At that IPA the VM has its own RAM (then the hypervisor's Image
	 * header must not show through) or nothing (then it aborts).
	 */
	if (in_own_ram(at + ARM64_IMAGE_MAGIC_OFFSET))
		ASSERT_NE(mmio_read32(at + ARM64_IMAGE_MAGIC_OFFSET),
			  ARM64_IMAGE_MAGIC);
	else
		ASSERT_LOAD_ABORTS(at);
}

TEST(unassigned_mmio_aborts)
{
	for (unsigned i = 0; i < ARRAY_SIZE(unassigned_mmio); i++)
		ASSERT_LOAD_ABORTS(unassigned_mmio[i]);
	for (unsigned i = 0; i < ARRAY_SIZE(unassigned_mmio_store); i++)
		ASSERT_STORE_ABORTS(unassigned_mmio_store[i]);
	ASSERT_EXEC_ABORTS(0x0a000000);
}

TEST(everything_below_ram_aborts_but_own_devices)
{
	unsigned probed = 0;

	/* One load every 64 KiB: each board device starts on such a boundary. */
	for (uint64_t a = 0; a < platform.ram_base; a += SZ_64K) {
		if (emulated(a))
			continue;
		ASSERT_LOAD_ABORTS(a);
		probed++;
	}
	ASSERT_TRUE(probed > 0);
}

TEST(everything_above_ram_to_4g_aborts)
{
	for (uint64_t a = ram_end(); a < 0x100000000ull; a += SZ_2M)
		ASSERT_LOAD_ABORTS(a);
}

/* (c) The distributor: foreign SPIs ----------------------------------- */

TEST(gicd_foreign_spi_bits_read_as_zero)
{
	/* Bits of INTIDs 40..63 in the registers of INTIDs 32..63. */
	const uint32_t mask = 0xffffff00u;
	const uint32_t regs[] = { GICD_IGROUPR, GICD_ISENABLER, GICD_ISPENDR,
				  GICD_ISACTIVER };

	for (unsigned i = 0; i < ARRAY_SIZE(regs); i++) {
		mmio_write32(gic_dist(regs[i] + 4), mask);
		ASSERT_EQ(mmio_read32(gic_dist(regs[i] + 4)) & mask, 0);
	}
	/* The console's line (INTID 33) is in the same registers: untouched. */
	ASSERT_EQ(mmio_read32(gic_dist(GICD_ISENABLER + 4)) & BIT(1), 0);
	ASSERT_EQ(mmio_read32(gic_dist(GICD_ISPENDR + 4)) & BIT(1), 0);
	/* ICFGR: 2 bits per INTID; 40..47 in ICFGR2[31:16], 48..63 in ICFGR3. */
	mmio_write32(gic_dist(GICD_ICFGR + 8), 0xaaaa0000u);
	mmio_write32(gic_dist(GICD_ICFGR + 12), 0xaaaaaaaau);
	ASSERT_EQ(mmio_read32(gic_dist(GICD_ICFGR + 8)) & 0xffff0000u, 0);
	ASSERT_EQ(mmio_read32(gic_dist(GICD_ICFGR + 12)), 0);
	mmio_write32(gic_dist(GICD_ICENABLER + 4), mask);
	mmio_write32(gic_dist(GICD_ICPENDR + 4), mask);
}

TEST(gicd_foreign_spi_priority_reads_as_zero)
{
	for (uint32_t n = SPI_FOREIGN_FIRST; n <= SPI_FOREIGN_LAST; n += 4) {
		mmio_write32(gic_dist(GICD_IPRIORITYR + n), 0xa0a0a0a0u);
		ASSERT_EQ(mmio_read32(gic_dist(GICD_IPRIORITYR + n)), 0);
	}
	for (uint32_t n = SPI_FOREIGN_FIRST; n <= SPI_FOREIGN_LAST; n++) {
		mmio_write8(gic_dist(GICD_IPRIORITYR + n), 0x90);
		ASSERT_EQ(mmio_read8(gic_dist(GICD_IPRIORITYR + n)), 0);
	}
}

TEST(gicd_foreign_spi_route_reads_as_zero)
{
	const uint64_t routes[] = { 0, 1, 0x100, 0x80000000ull, 0x2 };

	for (uint32_t n = SPI_FOREIGN_FIRST; n <= SPI_FOREIGN_LAST; n++) {
		uint64_t r = gic_dist(GICD_IROUTER + n * 8);

		for (unsigned i = 0; i < ARRAY_SIZE(routes); i++) {
			mmio_write64(r, routes[i]);
			ASSERT_EQ(mmio_read64(r), 0);
		}
		mmio_write32(r, 1);
		mmio_write32(r + 4, 1);
		ASSERT_EQ(mmio_read32(r), 0);
		ASSERT_EQ(mmio_read32(r + 4), 0);
	}
}

TEST(gicd_spis_beyond_the_gic_read_as_zero)
{
	uint32_t lines = ((mmio_read32(gic_dist(GICD_TYPER)) & 0x1f) + 1) * 32;

	if (lines >= 1020)
		SKIP_TEST("the GIC has every SPI");
	mmio_write32(gic_dist(GICD_ISENABLER + lines / 8), ~0u);
	ASSERT_EQ(mmio_read32(gic_dist(GICD_ISENABLER + lines / 8)), 0);
	mmio_write32(gic_dist(GICD_IPRIORITYR + lines), 0xa0a0a0a0u);
	ASSERT_EQ(mmio_read32(gic_dist(GICD_IPRIORITYR + lines)), 0);
	mmio_write64(gic_dist(GICD_IROUTER + lines * 8), 0);
	ASSERT_EQ(mmio_read64(gic_dist(GICD_IROUTER + lines * 8)), 0);
}

TEST(gicd_own_console_spi_reads_back)
{
	uint32_t n = platform.uart_intid, bit = 1u << (n % 32);
	uint32_t word = n & ~3u, byte = n % 4;

	ASSERT_TRUE(n >= 32);
	mmio_write32(gic_dist(GICD_ISENABLER + n / 32 * 4), bit);
	ASSERT_EQ(mmio_read32(gic_dist(GICD_ISENABLER + n / 32 * 4)), bit);
	mmio_write32(gic_dist(GICD_ICENABLER + n / 32 * 4), bit);
	ASSERT_EQ(mmio_read32(gic_dist(GICD_ISENABLER + n / 32 * 4)), 0);

	mmio_write8(gic_dist(GICD_IPRIORITYR + n), 0x90);
	ASSERT_EQ(mmio_read8(gic_dist(GICD_IPRIORITYR + n)), 0x90);
	/* A word write reaches the console's byte only. */
	mmio_write32(gic_dist(GICD_IPRIORITYR + word), 0xc0c0c0c0u);
	ASSERT_EQ(mmio_read32(gic_dist(GICD_IPRIORITYR + word)),
		  0xc0u << (byte * 8));

	mmio_write64(gic_dist(GICD_IROUTER + n * 8), 0x80000000ull);
	ASSERT_EQ(mmio_read64(gic_dist(GICD_IROUTER + n * 8)), 0x80000000ull);
	mmio_write64(gic_dist(GICD_IROUTER + n * 8), 0);
	ASSERT_EQ(mmio_read64(gic_dist(GICD_IROUTER + n * 8)), 0);

	mmio_write32(gic_dist(GICD_IGROUPR + n / 32 * 4), bit);
	ASSERT_EQ(mmio_read32(gic_dist(GICD_IGROUPR + n / 32 * 4)), bit);
}

/* (d) SGIs --------------------------------------------------------------- */

/* Enable SGI @n for this vCPU, group 1, mid priority; nothing pending. */
static void sgi_setup(unsigned n)
{
	mmio_write32(gic_redist(0, GICR_IGROUPR0),
		     mmio_read32(gic_redist(0, GICR_IGROUPR0)) | 1u << n);
	mmio_write8(gic_redist(0, GICR_IPRIORITYR + n), 0x80);
	mmio_write32(gic_redist(0, GICR_ISENABLER0), 1u << n);
	write_sysreg(ICC_PMR_EL1, 0xff);
	write_sysreg(ICC_IGRPEN1_EL1, 1);
	isb();
}

/* The INTID of the interrupt pending for this vCPU (acked), or spurious. */
static uint32_t sgi_arrived(void)
{
	uint64_t end = timer_now_us() + SGI_WAIT_US;
	uint32_t intid;

	while (!gic_irq_pending() && timer_now_us() < end)
		;
	intid = gic_ack();
	if (intid != GIC_SPURIOUS)
		gic_eoi(intid);
	return intid;
}

TEST(sgi_to_self_arrives)
{
	sgi_setup(SGI_TEST);
	gic_send_sgi1r(SGIR_INTID(SGI_TEST) | SGIR_TARGETS(1));
	ASSERT_EQ(sgi_arrived(), SGI_TEST);
	/* One SGI, one interrupt. */
	ASSERT_EQ(sgi_arrived(), GIC_SPURIOUS);
}

static volatile uint32_t irq_seen;

static void record_irq(void)
{
	uint32_t intid = gic_ack();

	if (intid != GIC_SPURIOUS) {
		irq_seen = intid;
		gic_eoi(intid);
	}
}

TEST(sgi_to_self_is_taken_as_irq)
{
	uint64_t end;

	sgi_setup(SGI_TEST_IRQ);
	irq_seen = GIC_SPURIOUS;
	exceptions_set_irq_handler(record_irq);
	irq_enable();
	gic_send_sgi1r(SGIR_INTID(SGI_TEST_IRQ) | SGIR_TARGETS(1));
	end = timer_now_us() + SGI_WAIT_US;
	while (irq_seen == GIC_SPURIOUS && timer_now_us() < end)
		;
	irq_disable();
	ASSERT_EQ(irq_seen, SGI_TEST_IRQ);
}

/* Send @val; the SGI must not come to this vCPU, nor any exception. */
#define ASSERT_SGI_NOT_DELIVERED(val)                         \
	do {                                                  \
		gic_send_sgi1r((val) | SGIR_INTID(SGI_TEST)); \
		ASSERT_EQ(sgi_arrived(), GIC_SPURIOUS);       \
	} while (0)

TEST(sgi_beyond_own_vcpus_is_not_delivered)
{
	uint32_t own = (1u << platform.cpu_count) - 1;

	sgi_setup(SGI_TEST);
	ASSERT_SGI_NOT_DELIVERED(SGIR_TARGETS(0xffffu & ~own));
	ASSERT_SGI_NOT_DELIVERED(SGIR_TARGETS(1u << platform.cpu_count));
	ASSERT_SGI_NOT_DELIVERED(SGIR_TARGETS(0x8000));
	if (platform.cpu_count == 1) /* "all but self" is nobody */
		ASSERT_SGI_NOT_DELIVERED(SGIR_IRM);
	ASSERT_SGI_NOT_DELIVERED(SGIR_TARGETS(0));
	/* Still delivered when aimed right. */
	gic_send_sgi1r(SGIR_INTID(SGI_TEST) | SGIR_TARGETS(1));
	ASSERT_EQ(sgi_arrived(), SGI_TEST);
}

TEST(sgi_to_other_affinities_is_not_delivered)
{
	sgi_setup(SGI_TEST);
	/* Target list bit 0, but in clusters the VM does not have. */
	ASSERT_SGI_NOT_DELIVERED(SGIR_TARGETS(1) | SGIR_AFF1(1));
	ASSERT_SGI_NOT_DELIVERED(SGIR_TARGETS(1) | SGIR_AFF1(0xff));
	ASSERT_SGI_NOT_DELIVERED(SGIR_TARGETS(1) | SGIR_AFF2(1));
	ASSERT_SGI_NOT_DELIVERED(SGIR_TARGETS(1) | SGIR_AFF3(1));
	ASSERT_SGI_NOT_DELIVERED(SGIR_TARGETS(0xffff) | SGIR_AFF1(1) |
				 SGIR_AFF2(1) | SGIR_AFF3(1));
	gic_send_sgi1r(SGIR_INTID(SGI_TEST) | SGIR_TARGETS(1));
	ASSERT_EQ(sgi_arrived(), SGI_TEST);
}

TEST(sgi_group0_is_not_delivered)
{
	/* A guest has no group 0: ICC_SGI0R_EL1 is ignored, without a fault. */
	sgi_setup(SGI_TEST);
	gic_send_sgi0r(SGIR_INTID(SGI_TEST) | SGIR_TARGETS(1));
	ASSERT_EQ(sgi_arrived(), GIC_SPURIOUS);
}

/* (e) PSCI --------------------------------------------------------------- */

/* MPIDR values of no vCPU of a one-vCPU VM (the physical CPUs' among them). */
static const uint64_t foreign_mpidr[] = {
	1, 2, 3, 0x8, 0xff, 0x100, 0x101, 0x10000, 0x100000000ull, 0x80000001,
};

TEST(psci_version_is_1_1)
{
	ASSERT_EQ(psci_call(PSCI_VERSION, 0, 0, 0), 0x10001);
}

TEST(psci_cpu_on_outside_the_vm_is_invalid)
{
	uint64_t entry = (uint64_t)(uintptr_t)psci_system_off;

	ASSERT_EQ(platform.cpu_count, 1);
	for (unsigned i = 0; i < ARRAY_SIZE(foreign_mpidr); i++) {
		ASSERT_EQ(psci_call(PSCI_CPU_ON, foreign_mpidr[i], entry, 0),
			  PSCI_INVALID_PARAMETERS);
		ASSERT_EQ(psci_call(PSCI_CPU_ON_64, foreign_mpidr[i], entry, 0),
			  PSCI_INVALID_PARAMETERS);
	}
	/* The call itself works: this vCPU is on already. */
	ASSERT_EQ(psci_call(PSCI_CPU_ON_64, 0, entry, 0), PSCI_ALREADY_ON);
}

TEST(psci_affinity_info_outside_the_vm_is_invalid)
{
	for (unsigned i = 0; i < ARRAY_SIZE(foreign_mpidr); i++) {
		ASSERT_EQ(psci_call(PSCI_AFFINITY_INFO, foreign_mpidr[i], 0, 0),
			  PSCI_INVALID_PARAMETERS);
		ASSERT_EQ(psci_call(PSCI_AFFINITY_INFO_64, foreign_mpidr[i], 0,
				    0),
			  PSCI_INVALID_PARAMETERS);
	}
	ASSERT_EQ(psci_call(PSCI_AFFINITY_INFO_64, 0, 0, 0), PSCI_AFFINITY_ON);
}

TEST(psci_features_and_unknown_calls)
{
	ASSERT_EQ(psci_call(PSCI_FEATURES, PSCI_CPU_ON, 0, 0), PSCI_SUCCESS);
	ASSERT_EQ(psci_call(PSCI_FEATURES, PSCI_SYSTEM_OFF, 0, 0),
		  PSCI_SUCCESS);
	ASSERT_EQ(psci_call(PSCI_FEATURES, PSCI_MIGRATE, 0, 0),
		  PSCI_NOT_SUPPORTED);
	ASSERT_EQ(psci_call(PSCI_MIGRATE, 1, 0, 0), PSCI_NOT_SUPPORTED);
	ASSERT_EQ(psci_call(0x8400ffffu, 0, 0, 0), PSCI_NOT_SUPPORTED);
}

/* (f) More walls --------------------------------------------------------- */

TEST(gicr_of_absent_vcpus_aborts)
{
	unsigned last = platform.cpu_count - 1;
	uint64_t typer = mmio_read64(gic_redist(last, GICR_TYPER));

	ASSERT_EQ(platform.gicr_size,
		  (uint64_t)platform.cpu_count * GICR_STRIDE);
	/* The last frame says so, and is this VM's last vCPU. */
	ASSERT_TRUE(typer & GICR_TYPER_LAST);
	ASSERT_EQ((typer >> 8) & 0xffff, last);
	ASSERT_EQ(typer >> 32, last);
	/* The next vCPU's redistributor, both frames, is not there. */
	ASSERT_LOAD_ABORTS(gic_redist(platform.cpu_count, GICR_TYPER));
	ASSERT_STORE_ABORTS(gic_redist(platform.cpu_count, GICR_WAKER & ~7u));
	ASSERT_LOAD_ABORTS(
		gic_redist(platform.cpu_count, GICR_ISENABLER0 & ~7u));
	ASSERT_STORE_ABORTS(
		gic_redist(platform.cpu_count, GICR_ISENABLER0 & ~7u));
}

TEST(mpidr_is_the_vcpus_not_the_cpus)
{
	uint64_t mpidr = read_sysreg(mpidr_el1);

	/* vCPU 0 is affinity 0.0.0.0 wherever it runs. */
	ASSERT_EQ(mpidr & 0xff00ffffffull, 0);
	ASSERT_TRUE(mpidr & BIT(31));
}

/* An access the hypervisor cannot emulate must come back as an abort. */
#define ASSERT_INSN_ABORTS(insn, addr)                         \
	do {                                                   \
		uint64_t a_ = (addr), v0_ = 0, v1_ = 0;        \
		struct fault f_;                               \
		expect_fault();                                \
		__asm__ volatile(insn                          \
				 : "=&r"(v0_), "=&r"(v1_)      \
				 : "r"(a_)                     \
				 : "memory");                  \
		ASSERT_TRUE(fault_taken(&f_));                 \
		ASSERT_EQ(ESR_EC(f_.esr), EC_DABT_CUR);        \
		ASSERT_EQ(ESR_FSC(f_.esr), FSC_SYNC_EXTERNAL); \
		ASSERT_EQ(f_.far, a_);                         \
		(void)v0_;                                     \
		(void)v1_;                                     \
	} while (0)

TEST(mmio_that_cannot_be_emulated_aborts)
{
	/* A 16-bit distributor access: GICD registers are 8, 32, 64 bits. */
	ASSERT_INSN_ABORTS("ldrh %w0, [%2]\n\tmov %1, xzr",
			   gic_dist(GICD_CTLR));
	/* A load pair gives the hypervisor no syndrome to emulate. */
	ASSERT_INSN_ABORTS("ldp %0, %1, [%2]", gic_dist(GICD_CTLR));
	ASSERT_INSN_ABORTS("ldp %0, %1, [%2]", platform.uart_base);
	/* The devices still work afterwards. */
	ASSERT_TRUE(mmio_read32(gic_dist(GICD_PIDR2)) != 0);
}

/* Last: aborts without pause, for a while, while the other VMs go on. */
TEST(sustained_aborts_stay_contained)
{
	uint64_t ms = STRESS_MS_DEFAULT, end, count = 0;
	struct range r[RANGES_MAX];
	uint64_t at[RANGES_MAX * PROBE_POINTS + 1];
	unsigned n = 0;
	int ranges;

	ASSERT_TRUE(bootargs_u64("isolation.stress_ms", &ms) >= 0);
	at[n++] = ram_end();
	ranges = bootargs_ranges("isolation.other_ram", r, RANGES_MAX);
	for (int i = 0; i < ranges; i++)
		n += probe_points(r[i], &at[n]);
	end = timer_now_us() + ms * 1000;
	do {
		for (unsigned i = 0; i < n; i++) {
			ASSERT_LOAD_ABORTS(at[i]);
			ASSERT_STORE_ABORTS(at[i]);
		}
		count += n * 2;
	} while (timer_now_us() < end);
	printf("baremetal: %lu aborts in %lu ms\n", count, ms);
}
