// SPDX-License-Identifier: MIT
/*
 * plan_check(), plan_crc32() and plan_compute_crc(): a valid two-VM plan is
 * accepted, and every class of damage is refused with its own message and
 * the right VM index.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hv/errno.h"
#include "hv/plan_check.h"
#include "plan_fixture.h"

#define VM_COUNT 2u
#define PLAN_BYTES                     \
	(sizeof(struct shikiri_plan) + \
	 VM_COUNT * sizeof(struct shikiri_plan_vm))
#define MIB 0x100000ull

/* A plan, its readable size and the limits it is checked against. */
struct fixture {
	struct shikiri_plan *plan;
	uint64_t avail;
	struct plan_limits lim;
};

static void set_vm(struct shikiri_plan_vm *vm, const char *name, uint64_t cpus,
		   uint64_t pa, uint64_t image_base)
{
	strcpy(vm->name, name);
	vm->cpu_mask = cpus;
	vm->flags = SHIKIRI_VM_CONSOLE_VIRTUAL;
	vm->console_base = 0x9000000;
	vm->console_irq = 33;
	vm->ram_count = 1;
	vm->ram[0].ipa = 0x40000000;
	vm->ram[0].pa = pa;
	vm->ram[0].size = 512 * MIB;
	plan_fixture_payload(vm, SHIKIRI_PAYLOAD_KERNEL, image_base, 0x1000000,
			     0x40000000);
	plan_fixture_payload(vm, SHIKIRI_PAYLOAD_INITRD, image_base + 0x1000000,
			     0x100000, 0x48000000);
	plan_fixture_payload(vm, SHIKIRI_PAYLOAD_DTB, image_base + 0x1100000,
			     0x1000, 0x48200000);
	vm->entry_ipa = 0x40000000;
	vm->boot_info_ipa = 0x48200000;
	vm->rng_seed_offset = 0x100;
	vm->kaslr_seed_offset = 0x120;
	vm->arch.aarch64.pmu_status_offset = 0x80;
	vm->on_reset = SHIKIRI_POLICY_RESTART;
	vm->on_poweroff = SHIKIRI_POLICY_STOP;
	vm->on_crash = SHIKIRI_POLICY_RESTART;
	vm->on_fault = SHIKIRI_POLICY_REFLECT;
}

/* A valid plan for qemu-virt as shikiri-build would write it. */
static void make_plan(struct fixture *f)
{
	struct shikiri_plan *p = f->plan;

	plan_fixture_header(p, PLAN_BYTES, VM_COUNT, 0x3000000,
			    SHIKIRI_ARCH_AARCH64);
	p->board.ram_count = 1;
	p->board.ram[0].base = 0x40000000;
	p->board.ram[0].size = 2048 * MIB;
	p->board.hw.aarch64.gicd_base = 0x8000000;
	p->board.hw.aarch64.gicr_base = 0x80a0000;
	p->board.hw.aarch64.gicr_size = 0xf60000;
	p->board.uart_base = 0x9000000;
	p->board.uart_irq = 33;
	p->board.cpu_count = 4;
	for (unsigned int i = 0; i < 4; i++)
		p->board.cpu_id[i] = i;
	p->board.hw.aarch64.timer_virt_intid = 27;
	p->board.hw.aarch64.gic_maint_intid = 25;
	p->board.hw.aarch64.pmu_intid = 23;
	set_vm(&p->vm[0], "linux0", 0x3, 0xa0000000, 0x20000);
	p->vm[0].mmio_count = 1;
	p->vm[0].mmio[0] =
		(struct shikiri_region){ 0xa003000, 0xa003000, 0x1000 };
	p->vm[0].irq_count = 1;
	p->vm[0].irq[0] = (struct shikiri_irq){ 79, 79 };
	p->vm[0].manage_mask = 0x2;
	set_vm(&p->vm[1], "linux1", 0xc, 0x80000000, 0x1200000);
	p->crc32 = plan_compute_crc(p);
	f->avail = PLAN_BYTES;
	f->lim.hv_base = 0x40200000;
	f->lim.hv_size = 0x8000000;
	f->lim.fdt_base = 0x48000000;
	f->lim.fdt_size = 2 * MIB;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->plan = malloc(PLAN_BYTES);
	make_plan(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->plan);
	free(f);
	return 0;
}

static void test_crc32_vectors(void **state)
{
	(void)state;
	/* The standard check value of CRC-32/ISO-HDLC, as zlib.crc32(). */
	assert_int_equal(plan_crc32(0, "123456789", 9), 0xcbf43926);
	assert_int_equal(plan_crc32(0, "", 0), 0);
	assert_int_equal(plan_crc32(0, "a", 1), 0xe8b7be43);
	/* Continuing a CRC equals summing everything at once. */
	assert_int_equal(plan_crc32(plan_crc32(0, "1234", 4), "56789", 5),
			 0xcbf43926);
}

static void test_crc_ignores_its_field(void **state)
{
	struct fixture *f = *state;
	uint32_t crc = plan_compute_crc(f->plan);

	f->plan->crc32 = 0xdeadbeef;
	assert_int_equal(plan_compute_crc(f->plan), crc);
	f->plan->vm[1].reserved = 1;
	assert_int_not_equal(plan_compute_crc(f->plan), crc);
}

static void test_valid_plan(void **state)
{
	struct fixture *f = *state;
	struct plan_error err = { "stale", 7 };

	assert_int_equal(plan_check(f->plan, f->avail, &plan_arch_aarch64,
				    &f->lim, &err),
			 0);
	assert_null(err.what);
	assert_int_equal(err.vm, -1);
	/* Limits are optional. */
	assert_int_equal(plan_check(f->plan, f->avail, &plan_arch_aarch64, NULL,
				    &err),
			 0);
}

/* Only what plan_check() may read is readable: ASan proves it stays in. */
static void test_truncated_reads_nothing_beyond(void **state)
{
	struct fixture *f = *state;
	struct plan_error err = { NULL, 0 };
	const size_t cuts[] = { 8, sizeof(struct shikiri_plan) - 1,
				sizeof(struct shikiri_plan) + 100,
				PLAN_BYTES - 1 };

	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		void *copy = malloc(cuts[i]);

		memcpy(copy, f->plan, cuts[i]);
		assert_int_equal(plan_check(copy, cuts[i], &plan_arch_aarch64,
					    &f->lim, &err),
				 -HV_EINVAL);
		assert_string_equal(err.what, "plan truncated");
		free(copy);
	}
	assert_int_equal(plan_check(NULL, 0, &plan_arch_aarch64, &f->lim, &err),
			 -HV_EINVAL);
}

/* RAM in a board's second range counts; RAM across two ranges does not. */
static void test_board_ram_ranges(void **state)
{
	struct fixture *f = *state;
	struct shikiri_plan *p = f->plan;
	struct plan_error err = { NULL, 0 };

	p->board.ram_count = 2;
	p->board.ram[0].size = 1024 * MIB;
	p->board.ram[1] = (struct shikiri_range){ 0x80000000, 1024 * MIB };
	p->crc32 = plan_compute_crc(p);
	assert_int_equal(
		plan_check(p, f->avail, &plan_arch_aarch64, &f->lim, &err), 0);
	p->vm[1].ram[0].pa = 0x7ff00000;
	p->crc32 = plan_compute_crc(p);
	assert_int_equal(plan_check(p, f->avail, &plan_arch_aarch64, &f->lim,
				    &err),
			 -HV_EINVAL);
	assert_string_equal(err.what, "RAM outside board RAM");
	assert_int_equal(err.vm, 1);
}

/* One way to damage a plan, and what plan_check() must say about it. */
struct refusal {
	const char *name;
	void (*damage)(struct fixture *f);
	const char *what;
	int vm;
	bool keep_crc; /* do not fix up the CRC after the damage */
};

#define P (f->plan)
#define V0 (f->plan->vm[0])
#define V1 (f->plan->vm[1])
#define DAMAGE(fn, body)                  \
	static void fn(struct fixture *f) \
	{                                 \
		body;                     \
	}

DAMAGE(bad_magic, P->magic ^= 1)
DAMAGE(bad_revision, P->revision = 1)
DAMAGE(no_vms, P->vm_count = 0)
DAMAGE(too_many_vms, P->vm_count = SHIKIRI_MAX_VMS + 1)
DAMAGE(bad_size, P->size -= 8)
DAMAGE(short_avail, f->avail -= 1)
DAMAGE(flipped_bit, V1.payload[0].size ^= 0x1000)
DAMAGE(image_too_big, P->image_size = f->lim.hv_size + 1)
DAMAGE(no_board_ram, P->board.ram[0].size = 0)
DAMAGE(arch_x86, P->board.arch = SHIKIRI_ARCH_X86_64)
DAMAGE(arch_unknown, P->board.arch = 7)
DAMAGE(board_ram_count_0, P->board.ram_count = 0)
DAMAGE(board_ram_count_9, P->board.ram_count = SHIKIRI_MAX_BOARD_RAM + 1)
DAMAGE(board_ram_unsorted, P->board.ram_count = 2;
       P->board.ram[1].base = 0x10000000; P->board.ram[1].size = MIB)
DAMAGE(board_ram_overlap, P->board.ram_count = 2;
       P->board.ram[1].base = 0xbff00000; P->board.ram[1].size = 2 * MIB)
DAMAGE(board_cpu_id_twice, P->board.cpu_id[3] = 1)
DAMAGE(board_cpus_beyond_hv, P->board.cpu_count = 9;
       for (unsigned i = 4; i < 9; i++) P->board.cpu_id[i] = i)
DAMAGE(board_reserved, P->board.reserved2 = 1)
DAMAGE(board_arch_tail, P->board.hw.raw[100] = 1)
DAMAGE(vm_arch_tail, V1.arch.raw[100] = 1)
DAMAGE(vm_reserved2, V0.reserved2 = 1)
DAMAGE(board_too_many_cpus, P->board.cpu_count = SHIKIRI_MAX_CPUS + 1)
DAMAGE(board_small_gicr,
       P->board.hw.aarch64.gicr_size = 3 * SHIKIRI_GICR_STRIDE)
DAMAGE(board_uart_ppi, P->board.uart_irq = 20)
DAMAGE(board_timer_spi, P->board.hw.aarch64.timer_virt_intid = 40)
DAMAGE(board_pmu_spi, P->board.hw.aarch64.pmu_intid = 40)
DAMAGE(board_pmu_maint, P->board.hw.aarch64.pmu_intid = 25)
DAMAGE(board_pmu_hyp_timer, P->board.hw.aarch64.pmu_intid = 26)
DAMAGE(board_pmu_vtimer, P->board.hw.aarch64.pmu_intid = 27)
DAMAGE(board_pmu_ptimer, P->board.hw.aarch64.pmu_intid = 30)
DAMAGE(board_reserved3, P->board.hw.aarch64.reserved3 = 1)
DAMAGE(name_upper, V0.name[0] = 'L')
DAMAGE(name_empty, V0.name[0] = '\0')
DAMAGE(name_unterminated, memset(V0.name, 'a', SHIKIRI_NAME_LEN))
DAMAGE(name_duplicate, strcpy(V1.name, "linux0"))
DAMAGE(no_cpu, V0.cpu_mask = 0)
DAMAGE(cpu_off_board, V1.cpu_mask = 0x18)
DAMAGE(cpu_shared, V1.cpu_mask = 0x6)
DAMAGE(ram_none, V0.ram_count = 0)
DAMAGE(ram_too_many, V0.ram_count = SHIKIRI_MAX_RAM_REGIONS + 1)
DAMAGE(ram_misaligned, V0.ram[0].pa += 0x800)
DAMAGE(ram_wraps, V0.ram[0].size = 0xfffffffffffff000ull)
DAMAGE(ram_off_board, V0.ram[0].pa = 0xb0000000)
DAMAGE(ram_on_hv, V1.ram[0].pa = 0x40000000)
DAMAGE(ram_on_fdt, f->lim.hv_size = 0x4000000; f->lim.fdt_base = 0x80100000)
DAMAGE(ram_on_vm, V1.ram[0].pa = 0x90000000)
DAMAGE(ram_ipa_on_gic, V0.ram[0].ipa = 0x8000000)
DAMAGE(ram_regions_overlap, V0.ram_count = 2; V0.ram[1] = V0.ram[0];
       V0.ram[1].ipa += 0x100000000)
DAMAGE(mmio_too_many, V0.mmio_count = SHIKIRI_MAX_MMIO + 1)
DAMAGE(mmio_misaligned, V0.mmio[0].size = 0x200)
DAMAGE(mmio_in_ram, V0.mmio[0].pa = 0x50000000)
DAMAGE(mmio_on_gicd, V0.mmio[0].pa = V0.mmio[0].ipa = 0x8000000)
DAMAGE(mmio_on_gicr, V0.mmio[0].pa = 0x80c0000)
DAMAGE(mmio_on_uart, V0.mmio[0].pa = V0.mmio[0].ipa = 0x9000000)
DAMAGE(mmio_ipa_in_vm_ram, V0.mmio[0].ipa = 0x50000000)
DAMAGE(mmio_regions_overlap, V0.mmio_count = 2; V0.mmio[1] = V0.mmio[0])
DAMAGE(mmio_shared, V1.mmio_count = 1; V1.mmio[0] = V0.mmio[0])
DAMAGE(irq_too_many, V0.irq_count = SHIKIRI_MAX_IRQS + 1)
DAMAGE(irq_ppi, V0.irq[0].virt = 27)
DAMAGE(irq_huge, V0.irq[0].phys = 1020)
DAMAGE(irq_uart, V0.irq[0].phys = 33)
DAMAGE(irq_console, V0.irq[0].virt = 33)
DAMAGE(irq_twice, V0.irq_count = 2; V0.irq[1] = V0.irq[0])
DAMAGE(irq_shared, V1.irq_count = 1; V1.irq[0] = V0.irq[0])
DAMAGE(flags_unknown, V1.flags |= 0x80)
DAMAGE(ram_cleared_one_vm, V1.flags |= SHIKIRI_VM_RAM_CLEARED_AT_BOOT)
DAMAGE(console_misaligned, V1.console_base = 0x9000800)
DAMAGE(console_not_spi, V1.console_irq = 15)
DAMAGE(payload_none, V0.payload_count = 0)
DAMAGE(payload_too_many, V0.payload_count = SHIKIRI_MAX_PAYLOADS + 1)
DAMAGE(payload_bad_kind, V0.payload[1].kind = 9)
DAMAGE(payload_two_kernels, V0.payload[1].kind = SHIKIRI_PAYLOAD_KERNEL)
DAMAGE(payload_misaligned, V0.payload[1].offset += 8)
DAMAGE(payload_past_image, V1.payload[2].offset = P->image_size)
DAMAGE(payload_wraps, V1.payload[2].offset = 0xfffffffffffff000ull)
DAMAGE(payload_outside_ram, V0.payload[1].ipa = 0x60000000)
DAMAGE(payload_empty, V0.payload[1].size = 0)
DAMAGE(payloads_overlap, V0.payload[1].ipa = 0x40800000)
DAMAGE(no_dtb, V0.payload_count = 2)
DAMAGE(entry_outside_kernel, V0.entry_ipa = 0x41000000)
DAMAGE(entry_misaligned, V0.entry_ipa = 0x40000002)
DAMAGE(dtb_address_wrong, V0.boot_info_ipa = 0x48200100)
DAMAGE(rng_outside_dtb, V0.rng_seed_offset = 0x1000 - 16)
DAMAGE(kaslr_misaligned, V1.kaslr_seed_offset = 0x122)
DAMAGE(seeds_overlap, V1.kaslr_seed_offset = 0x118)
DAMAGE(pmu_status_outside_dtb, V0.arch.aarch64.pmu_status_offset = 0x1000 - 4)
DAMAGE(pmu_status_misaligned, V1.arch.aarch64.pmu_status_offset = 0x82)
DAMAGE(pmu_status_on_seed, V1.arch.aarch64.pmu_status_offset = 0x124)
DAMAGE(vm_arch_reserved, V0.arch.aarch64.reserved = 1)
DAMAGE(policy_reset_reflect, V0.on_reset = SHIKIRI_POLICY_REFLECT)
DAMAGE(policy_crash_unknown, V1.on_crash = 7)
DAMAGE(policy_fault_unknown, V0.on_fault = 3)
DAMAGE(manage_missing_vm, V0.manage_mask = 0x4)
DAMAGE(reserved_set, V1.reserved = 1)
/* Valid in the common checks (ECAM, bus 0, no INTx); aarch64 wants the
 * virtual bus that shows it (test_plan_arm_pci.c has the other rules). */
DAMAGE(pci_on_aarch64, P->board.pci.ecam_base = 0x4010000000ull;
       P->board.pci.ecam_size = 0x10000000; V0.pci_count = 1;
       V0.pci[0].bdf = 0x08; V0.pci[0].intx = SHIKIRI_PCI_NO_INTX)

static const struct refusal refusals[] = {
	{ "bad magic", bad_magic, "bad magic", -1, false },
	{ "revision", bad_revision, "unsupported plan revision", -1, false },
	{ "no VMs", no_vms, "bad VM count", -1, false },
	{ "too many VMs", too_many_vms, "bad VM count", -1, false },
	{ "size", bad_size, "bad plan size", -1, false },
	{ "truncated", short_avail, "plan truncated", -1, false },
	{ "CRC", flipped_bit, "CRC mismatch", -1, true },
	{ "image > hv area", image_too_big,
	  "image larger than the hypervisor area", -1, false },
	{ "board RAM", no_board_ram, "bad board RAM", -1, false },
	{ "board CPUs", board_too_many_cpus, "bad board CPU count", -1, false },
	{ "x86_64 plan", arch_x86,
	  "plan is for x86_64, this hypervisor is aarch64", -1, false },
	{ "unknown arch", arch_unknown, "plan is for an unknown architecture",
	  -1, false },
	{ "board RAM none", board_ram_count_0, "bad board RAM count", -1,
	  false },
	{ "board RAM 9", board_ram_count_9, "bad board RAM count", -1, false },
	{ "board RAM order", board_ram_unsorted,
	  "board RAM ranges overlap or unsorted", -1, false },
	{ "board RAM overlap", board_ram_overlap,
	  "board RAM ranges overlap or unsorted", -1, false },
	{ "board CPU ID twice", board_cpu_id_twice, "board CPU ID twice", -1,
	  false },
	{ "CPUs beyond the hv", board_cpus_beyond_hv,
	  "more CPUs than this hypervisor supports", -1, false },
	{ "board reserved", board_reserved, "reserved field not zero", -1,
	  false },
	{ "board arch tail", board_arch_tail, "reserved field not zero", -1,
	  false },
	{ "VM arch tail", vm_arch_tail, "reserved field not zero", 1, false },
	{ "VM reserved2", vm_reserved2, "reserved field not zero", 0, false },
	{ "board GICR", board_small_gicr, "bad board GIC", -1, false },
	{ "board UART", board_uart_ppi, "bad board UART", -1, false },
	{ "board timer", board_timer_spi, "bad board PPI", -1, false },
	{ "board PMU SPI", board_pmu_spi, "bad board PPI", -1, false },
	{ "board PMU maint", board_pmu_maint, "bad board PPI", -1, false },
	{ "board PMU hyp timer", board_pmu_hyp_timer, "bad board PPI", -1,
	  false },
	{ "board PMU vtimer", board_pmu_vtimer, "bad board PPI", -1, false },
	{ "board PMU ptimer", board_pmu_ptimer, "bad board PPI", -1, false },
	{ "board reserved3", board_reserved3, "reserved field not zero", -1,
	  false },
	{ "name case", name_upper, "bad VM name", 0, false },
	{ "name empty", name_empty, "bad VM name", 0, false },
	{ "name no NUL", name_unterminated, "bad VM name", 0, false },
	{ "name twice", name_duplicate, "duplicate VM name", 1, false },
	{ "no CPU", no_cpu, "VM has no CPU", 0, false },
	{ "CPU off board", cpu_off_board, "CPU not on the board", 1, false },
	{ "CPU shared", cpu_shared, "CPU assigned to two VMs", 1, false },
	{ "RAM none", ram_none, "bad RAM region count", 0, false },
	{ "RAM too many", ram_too_many, "bad RAM region count", 0, false },
	{ "RAM misaligned", ram_misaligned, "misaligned RAM region", 0, false },
	{ "RAM wraps", ram_wraps, "misaligned RAM region", 0, false },
	{ "RAM off board", ram_off_board, "RAM outside board RAM", 0, false },
	{ "RAM on hv", ram_on_hv, "RAM overlaps the hypervisor", 1, false },
	{ "RAM on fdt", ram_on_fdt, "RAM overlaps the boot DTB", 1, false },
	{ "RAM on VM", ram_on_vm, "RAM overlaps another VM", 1, false },
	{ "RAM IPA on GIC", ram_ipa_on_gic, "RAM IPA overlaps a device", 0,
	  false },
	{ "RAM regions", ram_regions_overlap, "RAM regions overlap", 0, false },
	{ "MMIO too many", mmio_too_many, "too many MMIO regions", 0, false },
	{ "MMIO misaligned", mmio_misaligned, "misaligned MMIO region", 0,
	  false },
	{ "MMIO in RAM", mmio_in_ram, "MMIO overlaps board RAM", 0, false },
	{ "MMIO on GICD", mmio_on_gicd, "MMIO overlaps a hypervisor device", 0,
	  false },
	{ "MMIO on GICR", mmio_on_gicr, "MMIO overlaps a hypervisor device", 0,
	  false },
	{ "MMIO on UART", mmio_on_uart, "MMIO overlaps a hypervisor device", 0,
	  false },
	{ "MMIO IPA in RAM", mmio_ipa_in_vm_ram,
	  "MMIO IPA overlaps VM RAM or console", 0, false },
	{ "MMIO overlap", mmio_regions_overlap, "MMIO regions overlap", 0,
	  false },
	{ "MMIO shared", mmio_shared, "MMIO overlaps another VM", 1, false },
	{ "IRQ too many", irq_too_many, "too many IRQs", 0, false },
	{ "IRQ PPI", irq_ppi, "IRQ out of range", 0, false },
	{ "IRQ 1020", irq_huge, "IRQ out of range", 0, false },
	{ "IRQ UART", irq_uart, "IRQ belongs to the hypervisor", 0, false },
	{ "IRQ console", irq_console, "IRQ clashes with the console", 0,
	  false },
	{ "IRQ twice", irq_twice, "IRQ given twice", 0, false },
	{ "IRQ shared", irq_shared, "IRQ owned by another VM", 1, false },
	{ "flags", flags_unknown, "unknown VM flags", 1, false },
	{ "RAM cleared on one VM", ram_cleared_one_vm,
	  "VMs disagree on RAM cleared at boot", 1, false },
	{ "console IPA", console_misaligned, "bad console", 1, false },
	{ "console IRQ", console_not_spi, "bad console", 1, false },
	{ "no payload", payload_none, "bad payload count", 0, false },
	{ "payloads", payload_too_many, "bad payload count", 0, false },
	{ "payload kind", payload_bad_kind, "bad or repeated payload kind", 0,
	  false },
	{ "two kernels", payload_two_kernels, "bad or repeated payload kind", 0,
	  false },
	{ "payload misaligned", payload_misaligned, "misaligned payload", 0,
	  false },
	{ "payload past image", payload_past_image, "payload outside the image",
	  1, false },
	{ "payload wraps", payload_wraps, "payload outside the image", 1,
	  false },
	{ "payload outside RAM", payload_outside_ram, "payload outside VM RAM",
	  0, false },
	{ "payload empty", payload_empty, "payload outside the image", 0,
	  false },
	{ "payloads overlap", payloads_overlap, "payloads overlap", 0, false },
	{ "no DTB", no_dtb, "VM lacks a payload it needs", 0, false },
	{ "entry outside", entry_outside_kernel, "entry outside the kernel", 0,
	  false },
	{ "entry misaligned", entry_misaligned, "entry outside the kernel", 0,
	  false },
	{ "DTB address", dtb_address_wrong,
	  "boot info address is not its payload's", 0, false },
	{ "rng-seed offset", rng_outside_dtb,
	  "seed offset outside the boot info", 0, false },
	{ "kaslr-seed offset", kaslr_misaligned,
	  "seed offset outside the boot info", 1, false },
	{ "seeds overlap", seeds_overlap, "seed offsets overlap", 1, false },
	{ "PMU status offset", pmu_status_outside_dtb,
	  "PMU status outside the DTB", 0, false },
	{ "PMU status misaligned", pmu_status_misaligned,
	  "PMU status outside the DTB", 1, false },
	{ "PMU status on a seed", pmu_status_on_seed,
	  "PMU status outside the DTB", 1, false },
	{ "VM arch reserved", vm_arch_reserved, "reserved field not zero", 0,
	  false },
	{ "on-reset reflect", policy_reset_reflect, "bad policy", 0, false },
	{ "on-crash 7", policy_crash_unknown, "bad policy", 1, false },
	{ "on-fault 3", policy_fault_unknown, "bad policy", 0, false },
	{ "manage", manage_missing_vm, "manage mask names a missing VM", 0,
	  false },
	{ "reserved", reserved_set, "reserved field not zero", 1, false },
	{ "PCI on aarch64", pci_on_aarch64,
	  "PCI functions without a virtual PCI bus", 0, false },
};

static void test_refusal(void **state)
{
	const struct refusal *r = *state;
	struct fixture f = { malloc(PLAN_BYTES), 0, { 0 } };
	struct plan_error err = { NULL, 0 };
	int ret;

	make_plan(&f);
	r->damage(&f);
	if (!r->keep_crc && f.plan->size <= PLAN_BYTES)
		f.plan->crc32 = plan_compute_crc(f.plan);
	ret = plan_check(f.plan, f.avail, &plan_arch_aarch64, &f.lim, &err);
	plan_fixture_refused(r->name, ret, &err, r->what, r->vm);
	free(f.plan);
}

int main(void)
{
	const size_t n_refusals = sizeof(refusals) / sizeof(refusals[0]);
	const struct CMUnitTest basics[] = {
		cmocka_unit_test(test_crc32_vectors),
		cmocka_unit_test_setup_teardown(test_crc_ignores_its_field,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_valid_plan, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_truncated_reads_nothing_beyond, setup, teardown),
		cmocka_unit_test_setup_teardown(test_board_ram_ranges, setup,
						teardown),
	};
	struct CMUnitTest *tests = calloc(n_refusals, sizeof(*tests));
	int failed;

	for (size_t i = 0; i < n_refusals; i++) {
		tests[i].name = refusals[i].name;
		tests[i].test_func = test_refusal;
		tests[i].initial_state = (void *)&refusals[i];
	}
	failed = cmocka_run_group_tests_name("plan basics", basics, NULL, NULL);
	failed += _cmocka_run_group_tests("plan_check refusals", tests,
					  n_refusals, NULL, NULL);
	free(tests);
	return failed ? 1 : 0;
}
