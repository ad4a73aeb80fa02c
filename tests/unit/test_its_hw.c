/* SPDX-License-Identifier: MIT */
/*
 * its.c against a model of a GICv3 ITS and its redistributors (IHI0069
 * chapter 6), in host memory: the model consumes the command queue as the
 * hardware would (MAPC, MAPD, MAPTI, SYNC; anything else stalls it) and
 * translates a device's write (DeviceID, EventID) to an LPI the way the
 * ITS does, only through what the hypervisor mapped.  The model runs
 * whenever its.c reads the counter (its waits poll it), so the test is
 * single-threaded and deterministic.  The VMs' lines are the fake arch's
 * (hv/arch/fake/virq.c), which count every pulse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../hv/arch/fake/fake.h"
#include "arch/gicv3_regs.h"
#include "arch/its.h"
#include "hv/arch/virq.h"
#include "hv/errno.h"
#include "hv/print.h"
#include "hv/vm.h"

#define CPUS 4u
#define GICD_IPA 0x08000000ull

/* What its.c links against: the boot's globals and the board. */
struct vm vms[SHIKIRI_MAX_VMS];
unsigned vm_count;
struct pcpu pcpus[SHIKIRI_MAX_CPUS];
unsigned pcpu_count;
const struct shikiri_plan_board *hv_board;

static struct shikiri_plan_board board;
static struct shikiri_plan_vm rec[3];

/* The ITS's registers (control and translater frames). */
static uint64_t its_regs[GITS_SIZE / 8] __attribute__((aligned(65536)));
/* One redistributor (RD frame) per CPU. */
static uint64_t gicr[CPUS][0x10000 / 8];

/* The ITS's state as the commands left it. */
#define MODEL_DEVICES 0x10000u
#define MODEL_EVENTS 64u
static struct {
	bool mapped[MODEL_DEVICES];
	unsigned event_bits[MODEL_DEVICES];
	uint64_t itt[MODEL_DEVICES];
	uint32_t lpi[MODEL_DEVICES][MODEL_EVENTS]; /* 0: none */
	uint16_t icid[MODEL_DEVICES][MODEL_EVENTS];
	bool coll_valid[256];
	uint64_t coll_rd[256];
	unsigned cmds[16]; /* commands seen, by number */
	unsigned cmd_count;
	bool stalled;
} model;

/* Calls of smmu_map_msi(); a test may make it fail. */
static struct {
	unsigned calls;
	uint64_t iova, pa;
	int ret;
} smmu;

static uint64_t counter;
static char log_text[8192];

int smmu_map_msi(struct vm *vm, uint64_t iova, uint64_t pa)
{
	(void)vm;
	smmu.calls++;
	smmu.iova = iova;
	smmu.pa = pa;
	return smmu.ret;
}

void hv_log(const char *fmt, ...)
{
	size_t n = strlen(log_text);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(log_text + n, sizeof(log_text) - n, fmt, ap);
	va_end(ap);
	n = strlen(log_text);
	if (n + 1 < sizeof(log_text))
		strcat(log_text, "\n");
}

uint64_t console_clock_hz(void)
{
	return 1000000;
}

void arch_dcache_clean(const void *start, uint64_t size)
{
	(void)start;
	(void)size;
}

uint32_t gic_dist_read(uint32_t off)
{
	/* LPIs, 16 INTID bits, 288 lines. */
	return off == GICD_TYPER ? (1u << 17 | 15u << 19 | 8u) : 0x43b;
}

uint64_t gic_redist_base(uint64_t mpidr)
{
	return mpidr < CPUS ? (uint64_t)(uintptr_t)gicr[mpidr] : 0;
}

static uint64_t *reg(uint32_t off)
{
	return &its_regs[off / 8];
}

static uint32_t *reg32(uint32_t off)
{
	return (uint32_t *)((uint8_t *)its_regs + off);
}

static void run_command(const uint64_t *c)
{
	unsigned op = c[0] & 0xff;
	uint32_t devid = (uint32_t)(c[0] >> 32);

	if (model.cmd_count < 16)
		model.cmds[model.cmd_count++] = op;
	switch (op) {
	case ITS_CMD_MAPC:
		model.coll_valid[c[2] & 0xff] = c[2] >> 63;
		model.coll_rd[c[2] & 0xff] = (c[2] >> 16) & 0xfffffffffull;
		break;
	case ITS_CMD_MAPD:
		model.mapped[devid] = c[2] >> 63;
		model.event_bits[devid] = (c[1] & 0x1f) + 1;
		model.itt[devid] = c[2] & 0x000fffffffffff00ull;
		break;
	case ITS_CMD_MAPTI: {
		uint32_t event = (uint32_t)c[1];

		/* IHI0069 6.3.9: an unmapped device or event out of range. */
		if (!model.mapped[devid] ||
		    event >= (1ull << model.event_bits[devid]) ||
		    event >= MODEL_EVENTS || (c[1] >> 32) < ITS_LPI_BASE) {
			model.stalled = true;
			return;
		}
		model.lpi[devid][event] = (uint32_t)(c[1] >> 32);
		model.icid[devid][event] = (uint16_t)c[2];
		break;
	}
	case ITS_CMD_SYNC:
	case ITS_CMD_INVALL:
		break;
	default:
		model.stalled = true;
	}
}

/* The ITS at work: quiescent while off, the queue consumed while on. */
static void model_step(void)
{
	uint64_t cbaser = *reg(GITS_CBASER);
	uint32_t size = (uint32_t)((cbaser & 0xff) + 1) * 4096u;
	const uint8_t *q =
		(const uint8_t *)(uintptr_t)(cbaser & 0x000ffffffffff000ull);

	if (!(*reg32(GITS_CTLR) & 1)) {
		*reg32(GITS_CTLR) |= 1u << 31;
		return;
	}
	*reg32(GITS_CTLR) &= ~(1u << 31);
	while (!model.stalled && (*reg(GITS_CREADR) & 0xfffe0) !=
					 (*reg(GITS_CWRITER) & 0xfffe0)) {
		uint64_t rd = *reg(GITS_CREADR) & 0xfffe0;

		run_command((const uint64_t *)(q + rd));
		if (!model.stalled)
			*reg(GITS_CREADR) = (rd + ITS_CMD_SIZE) % size;
	}
	if (model.stalled)
		*reg(GITS_CREADR) |= 1; /* Stalled */
}

uint64_t arch_counter(void)
{
	model_step();
	return ++counter;
}

/*
 * A device's write of @event to GITS_TRANSLATER, as the ITS translates it
 * for DeviceID @devid: the LPI, if mapped, enabled in the property table
 * and its redistributor has LPIs on; else 0.
 */
static uint32_t device_write(uint32_t devid, uint32_t event, unsigned *cpu)
{
	uint32_t lpi;
	uint64_t rd;
	const uint8_t *prop;

	if (devid >= MODEL_DEVICES || !model.mapped[devid] ||
	    event >= MODEL_EVENTS || !model.lpi[devid][event])
		return 0;
	lpi = model.lpi[devid][event];
	rd = model.coll_rd[model.icid[devid][event]];
	if (!model.coll_valid[model.icid[devid][event]] || rd >= CPUS)
		return 0;
	if (!(gicr[rd][GICR_CTLR / 8] & 1))
		return 0;
	prop = (const uint8_t *)(uintptr_t)(gicr[rd][0x70 / 8] &
					    0x000ffffffffff000ull);
	if (!(prop[lpi - ITS_LPI_BASE] & 1))
		return 0;
	*cpu = (unsigned)rd;
	return lpi;
}

static void add_vm(unsigned i, uint64_t cpu_mask, uint32_t msi_intid,
		   uint32_t msi_count, const uint32_t *bdf, unsigned fns)
{
	struct vm *vm = &vms[i];
	unsigned n = 0;

	rec[i].cpu_mask = cpu_mask;
	rec[i].arch.aarch64.msi_intid = msi_intid;
	rec[i].arch.aarch64.msi_count = msi_count;
	rec[i].pci_count = fns;
	for (unsigned f = 0; f < fns; f++)
		rec[i].pci[f].bdf = bdf[f];
	vm->id = i;
	vm->plan = &rec[i];
	snprintf(vm->name, sizeof(vm->name), "vm%u", i);
	for (unsigned c = 0; c < CPUS; c++)
		if (cpu_mask & (1ull << c))
			vm->vcpu[n++] =
				(struct vcpu){ .vm = vm, .id = n, .pcpu = c };
	vm->vcpu_count = n;
	vm->arch.vgic.gicd_ipa = GICD_IPA;
	vm->life.state = VM_RUNNING;
	vm_count = i + 1;
}

static int setup(void **state)
{
	static const uint32_t fns0[] = { 0x10, 0x18 }; /* 00:02.0, 00:03.0 */
	static const uint32_t fns1[] = { 0x20 };       /* 00:04.0 */
	static const uint32_t fns2[] = { 0x28 };       /* 00:05.0 */

	(void)state;
	memset(&model, 0, sizeof(model));
	memset(&smmu, 0, sizeof(smmu));
	memset(its_regs, 0, sizeof(its_regs));
	memset(gicr, 0, sizeof(gicr));
	memset(vms, 0, sizeof(vms));
	memset(rec, 0, sizeof(rec));
	memset(&fake_virq, 0, sizeof(fake_virq));
	log_text[0] = '\0';
	/* Devices and collections tables, 8-byte entries (as QEMU's). */
	*reg(GITS_BASER) = 1ull << 56 | 7ull << 48;
	*reg(GITS_BASER + 8) = 4ull << 56 | 7ull << 48;
	*reg(GITS_TYPER) = 1; /* physical LPIs, RDbase = CPU number */
	for (unsigned c = 0; c < CPUS; c++) {
		gicr[c][GICR_TYPER / 8] = (uint64_t)c << 32 | c << 8 | 1;
		pcpus[c] = (struct pcpu){ .id = c, .hw_id = c };
	}
	pcpu_count = CPUS;
	board = (struct shikiri_plan_board){ .cpu_count = CPUS };
	board.hw.aarch64.its_base = (uint64_t)(uintptr_t)its_regs;
	hv_board = &board;
	/* vm0: CPUs 0-1, 32 MSIs from 96, two functions; vm1: CPU 2, four
	 * MSIs from 64, one; vm2: CPU 3, a function and no MSIs. */
	add_vm(0, 0x3, 96, 32, fns0, 2);
	add_vm(1, 0x4, 64, 4, fns1, 1);
	add_vm(2, 0x8, 0, 0, fns2, 1);
	return 0;
}

static void boot(void)
{
	assert_int_equal(its_init(&board), 0);
	for (unsigned i = 0; i < vm_count; i++)
		assert_int_equal(its_vm_init(&vms[i]), 0);
	for (unsigned c = 0; c < CPUS; c++)
		its_init_cpu(c);
}

static void init_programs_the_its(void **state)
{
	(void)state;
	assert_int_equal(its_init(&board), 0);
	/* Enabled, tables valid and flat, a one-page command queue. */
	assert_int_equal(*reg32(GITS_CTLR) & 1, 1);
	assert_int_equal(*reg(GITS_BASER) >> 63, 1);
	assert_int_equal(*reg(GITS_BASER) >> 56 & 7, 1);
	assert_int_equal(*reg(GITS_BASER) >> 62 & 1, 0);
	assert_int_equal(*reg(GITS_BASER) >> 8 & 3, 0); /* 4 KiB pages */
	assert_int_equal(*reg(GITS_BASER + 8) >> 63, 1);
	assert_int_equal(*reg(GITS_BASER + 16), 0);
	assert_int_equal(*reg(GITS_CBASER) >> 63, 1);
	assert_int_equal(*reg(GITS_CBASER) & 0xff, 0);
	/* A collection per CPU, on that CPU's redistributor, then a SYNC. */
	for (unsigned c = 0; c < CPUS; c++) {
		assert_true(model.coll_valid[c]);
		assert_int_equal(model.coll_rd[c], c);
		assert_int_equal(model.cmds[c], ITS_CMD_MAPC);
	}
	assert_int_equal(model.cmds[CPUS], ITS_CMD_SYNC);
	assert_false(model.stalled);
	assert_non_null(strstr(log_text, "ITS at 0x"));
}

static void every_owned_function_is_mapped_to_its_vm(void **state)
{
	unsigned cpu = 99;

	(void)state;
	boot();
	assert_false(model.stalled);
	/* vm0's two functions: events 0..31 -> LPIs 8192..8223, CPU 0. */
	for (uint32_t e = 0; e < 32; e++) {
		assert_int_equal(device_write(0x10, e, &cpu), 8192 + e);
		assert_int_equal(cpu, 0);
		assert_int_equal(device_write(0x18, e, &cpu), 8192 + e);
	}
	assert_int_equal(model.event_bits[0x10], 5);
	assert_int_not_equal(model.itt[0x10], model.itt[0x18]);
	assert_int_equal(model.itt[0x10] % 256, 0);
	/* vm1's: events 0..3 -> LPIs 8256..8259 on CPU 2, no more. */
	assert_int_equal(device_write(0x20, 3, &cpu), 8192 + 64 + 3);
	assert_int_equal(cpu, 2);
	assert_int_equal(device_write(0x20, 4, &cpu), 0);
	/* vm2 has no MSIs, and functions nobody owns are not mapped. */
	assert_false(model.mapped[0x28]);
	assert_false(model.mapped[0x30]);
	assert_false(model.mapped[0x00]);
	/* Without an SMMU the functions write GITS_TRANSLATER itself. */
	assert_int_equal(vms[0].arch.msi_doorbell,
			 board.hw.aarch64.its_base + 0x10040);
	assert_int_equal(vms[1].arch.msi_doorbell,
			 board.hw.aarch64.its_base + 0x10040);
	assert_int_equal(vms[2].arch.msi_doorbell, 0);
	assert_int_equal(smmu.calls, 0);
	/* The VMs' lines exist, edge, and only theirs. */
	assert_true(fake_virq.present[0][96] && fake_virq.present[0][127]);
	assert_false(fake_virq.present[0][128]);
	assert_true(fake_virq.present[1][64] && fake_virq.present[1][67]);
	assert_false(fake_virq.present[1][68]);
	assert_non_null(strstr(log_text, "vm vm0: MSIs 96..127: LPIs "
					 "8192..8223 of 2 functions on CPU 0"));
}

static void redistributors_get_lpis(void **state)
{
	(void)state;
	boot();
	for (unsigned c = 0; c < CPUS; c++) {
		uint64_t prop = gicr[c][0x70 / 8], pend = gicr[c][0x78 / 8];

		assert_int_equal(gicr[c][GICR_CTLR / 8] & 1, 1);
		/* One property table, 14 INTID bits; pending 64 KiB apart. */
		assert_int_equal(prop & 0x1f, 13);
		assert_int_equal(prop & 0x000ffffffffff000ull,
				 gicr[0][0x70 / 8] & 0x000ffffffffff000ull);
		assert_int_equal(pend & 0xf000, 0);    /* 64 KiB aligned */
		assert_int_equal((pend >> 62) & 1, 1); /* PTZ */
		if (c)
			assert_int_not_equal(pend & 0x000fffffffff0000ull,
					     gicr[c - 1][0x78 / 8] &
						     0x000fffffffff0000ull);
	}
	/* Enabled at the hypervisor's priority, the VMs' LPIs only. */
	{
		const uint8_t *p =
			(const uint8_t *)(uintptr_t)(gicr[0][0x70 / 8] &
						     0x000ffffffffff000ull);

		assert_int_equal(p[0], 0xa1);
		assert_int_equal(p[31], 0xa1);
		assert_int_equal(p[32], 0);
		assert_int_equal(p[64 + 3], 0xa1);
		assert_int_equal(p[64 + 4], 0);
		assert_int_equal(p[128], 0);
	}
	/* A second set-up of a CPU (it restarted) leaves LPIs alone. */
	gicr[1][0x70 / 8] = 0x1234000;
	its_init_cpu(1);
	assert_int_equal(gicr[1][0x70 / 8], 0x1234000);
}

static void an_lpi_pulses_its_vms_line(void **state)
{
	unsigned cpu;

	(void)state;
	boot();
	its_lpi(device_write(0x18, 5, &cpu));
	assert_int_equal(fake_virq.pulses[0][101], 1);
	its_lpi(device_write(0x20, 3, &cpu));
	assert_int_equal(fake_virq.pulses[1][67], 1);
	/* The next LPI of each block is nobody's. */
	its_lpi(8192 + 32);
	its_lpi(8192 + 64 + 4);
	its_lpi(8192 + 2 * 64);
	its_lpi(8192 + 8 * 64);
	its_lpi(8191);
	assert_int_equal(fake_virq.stray, 0);
	for (unsigned v = 0; v < 3; v++)
		for (unsigned l = 0; l < FAKE_VIRQ_LINES; l++)
			if (!(v == 0 && l == 101) && !(v == 1 && l == 67))
				assert_int_equal(fake_virq.pulses[v][l], 0);
}

static void a_stopped_vms_lpis_are_dropped(void **state)
{
	unsigned cpu;

	(void)state;
	boot();
	vms[0].life.state = VM_STOPPED;
	its_lpi(device_write(0x10, 0, &cpu));
	assert_int_equal(fake_virq.pulses[0][96], 0);
	vms[0].life.state = VM_RUNNING;
	its_lpi(device_write(0x10, 0, &cpu));
	assert_int_equal(fake_virq.pulses[0][96], 1);
}

static void with_an_smmu_the_vgicd_page_is_the_doorbell(void **state)
{
	(void)state;
	board.hw.aarch64.smmu_base = 0x09050000;
	boot();
	assert_int_equal(smmu.calls, 2); /* vm0, vm1 */
	assert_int_equal(smmu.iova, GICD_IPA);
	assert_int_equal(smmu.pa, board.hw.aarch64.its_base + 0x10000);
	assert_int_equal(vms[0].arch.msi_doorbell, GICD_IPA + 0x40);
	/* A failing SMMU fails the VM's set-up (the plan is refused). */
	memset(&fake_virq, 0, sizeof(fake_virq));
	smmu.ret = -HV_ENOMEM;
	assert_int_equal(its_vm_init(&vms[0]), -HV_ENOMEM);
}

static void no_its_means_no_msis(void **state)
{
	(void)state;
	board.hw.aarch64.its_base = 0;
	assert_int_equal(its_init(&board), 0);
	assert_int_equal(*reg32(GITS_CTLR), 0);
	assert_int_equal(its_vm_init(&vms[0]), -HV_EINVAL);
	/* msi_count 0: INTx only, fine without an ITS. */
	assert_int_equal(its_vm_init(&vms[2]), 0);
	assert_int_equal(vms[2].arch.msi_doorbell, 0);
	its_init_cpu(0);
	assert_int_equal(gicr[0][GICR_CTLR / 8], 0);
}

static void bad_set_ups_are_refused(void **state)
{
	(void)state;
	assert_int_equal(its_init(&board), 0);
	/* More than a VM's LPI block. */
	rec[0].arch.aarch64.msi_count = 65;
	assert_int_equal(its_vm_init(&vms[0]), -HV_EINVAL);
	/* Lines the VM already has (its console, say). */
	rec[0].arch.aarch64.msi_count = 32;
	assert_int_equal(arch_virq_add(&vms[0], 100), 0);
	assert_int_not_equal(its_vm_init(&vms[0]), 0);
}

static void device_ids_beyond_the_table_are_refused(void **state)
{
	(void)state;
	/* Bus 0 at DeviceID 0xfff00: past the 16 KiB device table. */
	board.pci.devid_base = 0xfff00;
	assert_int_equal(its_init(&board), -HV_ERANGE);
	assert_int_equal(*reg32(GITS_CTLR) & 1, 0);
	assert_int_equal(its_vm_init(&vms[0]), -HV_EINVAL);
	assert_non_null(strstr(log_text, "beyond its table"));
}

static void a_stalled_queue_is_an_error(void **state)
{
	(void)state;
	assert_int_equal(its_init(&board), 0);
	model.stalled = true;
	assert_int_equal(its_vm_init(&vms[1]), -HV_EBUSY);
	assert_non_null(strstr(log_text, "command queue stuck"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(init_programs_the_its, setup),
		cmocka_unit_test_setup(every_owned_function_is_mapped_to_its_vm,
				       setup),
		cmocka_unit_test_setup(redistributors_get_lpis, setup),
		cmocka_unit_test_setup(an_lpi_pulses_its_vms_line, setup),
		cmocka_unit_test_setup(a_stopped_vms_lpis_are_dropped, setup),
		cmocka_unit_test_setup(
			with_an_smmu_the_vgicd_page_is_the_doorbell, setup),
		cmocka_unit_test_setup(no_its_means_no_msis, setup),
		cmocka_unit_test_setup(bad_set_ups_are_refused, setup),
		cmocka_unit_test_setup(device_ids_beyond_the_table_are_refused,
				       setup),
		cmocka_unit_test_setup(a_stalled_queue_is_an_error, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
