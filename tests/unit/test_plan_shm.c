// SPDX-License-Identifier: MIT
/*
 * plan_check()'s rules for shared-memory regions and each VM's view of
 * them (hv/core/plan_shm.c): a three-VM qemu-virt plan whose first two VMs
 * share two regions (one of them read-only for the second) is accepted,
 * and every refusal names its reason and its VM.
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

#define VM_COUNT 3u
#define PLAN_BYTES                     \
	(sizeof(struct shikiri_plan) + \
	 VM_COUNT * sizeof(struct shikiri_plan_vm))
#define MIB 0x100000ull
#define ECAM 0xffe00000ull
#define REGS 0xfff00000ull
#define BAR2 0x7fffe00000ull

struct fixture {
	struct shikiri_plan *plan;
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
	vm->ram[0] = (struct shikiri_region){ 0x40000000, pa, 256 * MIB };
	plan_fixture_payload(vm, SHIKIRI_PAYLOAD_KERNEL, image_base, 0x100000,
			     0x40000000);
	plan_fixture_payload(vm, SHIKIRI_PAYLOAD_DTB, image_base + 0x100000,
			     0x1000, 0x48200000);
	vm->entry_ipa = 0x40000000;
	vm->boot_info_ipa = 0x48200000;
	vm->on_reset = SHIKIRI_POLICY_RESTART;
	vm->on_poweroff = SHIKIRI_POLICY_STOP;
	vm->on_crash = SHIKIRI_POLICY_RESTART;
	vm->on_fault = SHIKIRI_POLICY_REFLECT;
}

static void set_view(struct shikiri_plan_vm *vm, unsigned k, uint32_t region,
		     uint64_t ipa, uint32_t flags)
{
	plan_fixture_shm_view(vm, k, region, ipa, flags, ECAM, REGS);
}

/*
 * Board RAM 1 GiB-3 GiB; the hypervisor at its start, VMs at 1.5 GiB,
 * 1.75 GiB, 2 GiB; "ring0" (2 MiB) and "log" (64 KiB) just below 3 GiB,
 * shared by linux0 and linux1, which maps "log" read-only; linux2 has none.
 */
static void make_plan(struct fixture *f)
{
	struct shikiri_plan *p = f->plan;

	plan_fixture_header(p, PLAN_BYTES, VM_COUNT, 0x1000000,
			    SHIKIRI_ARCH_AARCH64);
	p->board.ram_count = 1;
	p->board.ram[0] = (struct shikiri_range){ 0x40000000, 2048 * MIB };
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
	set_vm(&p->vm[0], "linux0", 0x1, 0x60000000, 0x10000);
	p->vm[0].irq_count = 1;
	p->vm[0].irq[0] = (struct shikiri_irq){ 79, 79 };
	p->vm[0].manage_ipa = 0x9100000;
	p->vm[0].watchdog_ipa = 0x9200000;
	p->vm[0].watchdog_ms = 1000;
	set_vm(&p->vm[1], "linux1", 0x2, 0x70000000, 0x200000);
	set_vm(&p->vm[2], "linux2", 0xc, 0x80000000, 0x400000);
	p->shm_count = 2;
	p->shm[0] = (struct shikiri_plan_shm){ .name = "ring0",
					       .pa = 0xbfe00000,
					       .size = 2 * MIB,
					       .vm_mask = 0x3 };
	p->shm[1] = (struct shikiri_plan_shm){
		.name = "log", .pa = 0xbfdf0000, .size = 0x10000, .vm_mask = 0x3
	};
	for (unsigned v = 0; v < 2; v++) {
		set_view(&p->vm[v], 0, 0, BAR2, 0);
		set_view(&p->vm[v], 1, 1, BAR2 - 0x10000,
			 v ? SHIKIRI_SHM_READ_ONLY : 0);
	}
	f->lim = (struct plan_limits){ 0x40200000, 0x4000000, 0x48000000,
				       2 * MIB };
}

static int check(struct fixture *f, struct plan_error *err)
{
	f->plan->crc32 = plan_compute_crc(f->plan);
	return plan_check(f->plan, PLAN_BYTES, &plan_arch_aarch64, &f->lim,
			  err);
}

static void test_valid(void **state)
{
	struct fixture f = { malloc(PLAN_BYTES), { 0 } };
	struct plan_error err = { "stale", 3 };

	(void)state;
	make_plan(&f);
	assert_int_equal(check(&f, &err), 0);
	assert_null(err.what);
	/* A region of 1 GiB, the largest, at a 2 MiB-aligned address. */
	f.plan->shm[0].size = 1024 * MIB;
	f.plan->shm[0].pa = 0x40000000 + 1024 * MIB;
	f.plan->vm[2].ram[0].pa = 0x50000000;
	f.plan->shm[1].pa = 0x4c000000;
	f.plan->vm[0].shm[0].ipa = 0x7f80000000;
	f.plan->vm[1].shm[0].ipa = 0x4000000000;
	assert_int_equal(check(&f, &err), 0);
	/* A VM with no view has no bus, and a plan may have no region. */
	make_plan(&f);
	for (unsigned v = 0; v < 2; v++) {
		memset(f.plan->vm[v].shm, 0, sizeof(f.plan->vm[v].shm));
		f.plan->vm[v].shm_count = 0;
		f.plan->vm[v].vpci_ecam_ipa = 0;
	}
	memset(f.plan->shm, 0, sizeof(f.plan->shm));
	f.plan->shm_count = 0;
	assert_int_equal(check(&f, &err), 0);
	free(f.plan);
}

struct refusal {
	const char *name;
	void (*damage)(struct fixture *f);
	const char *what;
	int vm;
};

#define P (*f->plan)
#define R0 (f->plan->shm[0])
#define V0 (f->plan->vm[0])
#define V1 (f->plan->vm[1])
#define V2 (f->plan->vm[2])
/* Variadic: compound literals in the body carry commas. */
#define DAMAGE(fn, ...)                   \
	static void fn(struct fixture *f) \
	{                                 \
		__VA_ARGS__;              \
	}

DAMAGE(region_count, P.shm_count = SHIKIRI_MAX_SHM + 1)
DAMAGE(region_tail, P.shm[5].size = 0x1000)
DAMAGE(name_empty, R0.name[0] = '\0')
DAMAGE(name_upper, R0.name[0] = 'R')
DAMAGE(name_unterminated, memset(R0.name, 'a', SHIKIRI_NAME_LEN))
DAMAGE(name_stray, R0.name[10] = 'x')
DAMAGE(size_odd, R0.size = 3 * MIB)
DAMAGE(size_small, R0.size = 0x800)
DAMAGE(size_big, R0.size = 2048 * MIB; R0.pa = 0x40000000)
DAMAGE(pa_misaligned, R0.pa += 0x1000)
DAMAGE(pa_wraps, R0.size = 4 * MIB; R0.pa = 0xffffffffffe00000ull)
DAMAGE(region_reserved, R0.reserved = 1)
DAMAGE(mask_missing_vm, R0.vm_mask = 0x9)
DAMAGE(mask_one_vm, R0.vm_mask = 0x1)
DAMAGE(outside_ram, R0.pa = 0x20000000)
DAMAGE(past_ram, f->plan->board.ram[0].size -= MIB)
DAMAGE(over_hv, R0.pa = 0x42000000)
DAMAGE(over_dtb, R0.pa = 0x48000000)
DAMAGE(over_vm_ram, R0.pa = 0x80000000)
DAMAGE(regions_overlap, P.shm[1].pa = 0xbfe10000)
DAMAGE(name_twice, strcpy(P.shm[1].name, "ring0"))
DAMAGE(views_count, V1.shm_count = SHIKIRI_MAX_SHM + 1)
DAMAGE(views_tail, V1.shm[4].intid = 50)
DAMAGE(views_reserved, V1.reserved4 = 1)
DAMAGE(bus_without_views, V2.vpci_ecam_ipa = ECAM)
DAMAGE(views_without_bus, V1.vpci_ecam_ipa = 0)
DAMAGE(ecam_misaligned, V1.vpci_ecam_ipa = ECAM + 0x80000)
DAMAGE(view_missing_region, V1.shm[1].region = 2)
DAMAGE(view_not_member, set_view(&V2, 0, 0, BAR2, 0))
DAMAGE(view_flags, V1.shm[0].flags = 2)
DAMAGE(bar2_misaligned, V1.shm[0].ipa = BAR2 + 0x100000)
DAMAGE(bar0_misaligned, V1.shm[0].regs_ipa = REGS + 0x800)
DAMAGE(bar0_high, V1.shm[0].regs_ipa = 0x100000000ull)
DAMAGE(intid_ppi, V1.shm[0].intid = 31)
DAMAGE(intid_beyond_vgic, V1.shm[0].intid = 288)
DAMAGE(intid_console, V1.shm[0].intid = 33)
DAMAGE(intid_passthrough, V0.shm[1].intid = 79)
DAMAGE(intid_twice, V1.shm[1].intid = 40)
DAMAGE(devfn_zero, V1.shm[0].devfn = 0)
DAMAGE(devfn_function, V1.shm[0].devfn = 0x09)
DAMAGE(devfn_big, V1.shm[0].devfn = 0x100)
DAMAGE(devfn_twice, V1.shm[1].devfn = 0x08)
DAMAGE(region_twice, V1.shm[1].region = 0; V1.shm[1].ipa = 0x7fffc00000)
DAMAGE(ipa_beyond_39_bits, V1.shm[0].ipa = 1ull << 39)
DAMAGE(ipa_on_gicd, V1.vpci_ecam_ipa = 0x8000000)
DAMAGE(ipa_on_console, V1.shm[1].regs_ipa = 0x9000000)
DAMAGE(ecam_on_ram, V1.vpci_ecam_ipa = 0x40000000)
DAMAGE(bar2_on_ram, V1.shm[1].ipa = 0x40000000)
DAMAGE(bar0_on_manage, V0.shm[0].regs_ipa = 0x9100000)
DAMAGE(bar0_on_watchdog, V0.shm[1].regs_ipa = 0x9201000)
DAMAGE(bar0_in_ecam, V1.shm[1].regs_ipa = ECAM + 0x1000)
DAMAGE(bar0_twice, V1.shm[1].regs_ipa = REGS)
DAMAGE(bar2s_overlap, V1.shm[1].ipa = BAR2 + 0x10000)
DAMAGE(bar2_on_mmio, V0.mmio_count = 1;
       V0.mmio[0] = (struct shikiri_region){ 0x7fffdf0000, 0xa003000, 0x1000 })
DAMAGE(member_without_view, memset(&V1.shm[1], 0, sizeof(V1.shm[1]));
       V1.shm_count = 1)

static const struct refusal refusals[] = {
	{ "9 regions", region_count, "too many shared-memory regions", -1 },
	{ "region past the count", region_tail, "reserved field not zero", -1 },
	{ "empty name", name_empty, "bad shared-memory region name", -1 },
	{ "upper-case name", name_upper, "bad shared-memory region name", -1 },
	{ "unterminated name", name_unterminated,
	  "bad shared-memory region name", -1 },
	{ "bytes after the name", name_stray, "bad shared-memory region name",
	  -1 },
	{ "3 MiB", size_odd, "bad shared-memory region size", -1 },
	{ "2 KiB", size_small, "bad shared-memory region size", -1 },
	{ "2 GiB", size_big, "bad shared-memory region size", -1 },
	{ "PA misaligned", pa_misaligned, "misaligned shared-memory region",
	  -1 },
	{ "PA wraps", pa_wraps, "misaligned shared-memory region", -1 },
	{ "region reserved", region_reserved, "reserved field not zero", -1 },
	{ "VM 3 of 3", mask_missing_vm,
	  "shared-memory region names a missing VM", -1 },
	{ "one VM", mask_one_vm, "shared-memory region with fewer than two VMs",
	  -1 },
	{ "outside board RAM", outside_ram,
	  "shared-memory region outside board RAM", -1 },
	{ "past board RAM", past_ram, "shared-memory region outside board RAM",
	  -1 },
	{ "on the hypervisor", over_hv,
	  "shared-memory region overlaps the hypervisor", -1 },
	{ "on the boot DTB", over_dtb,
	  "shared-memory region overlaps the boot DTB", -1 },
	{ "on a VM's RAM", over_vm_ram,
	  "shared-memory region overlaps a VM's RAM", -1 },
	{ "regions overlap", regions_overlap, "shared-memory regions overlap",
	  -1 },
	{ "name twice", name_twice, "shared-memory region name used twice",
	  -1 },
	{ "9 views", views_count, "too many shared-memory views", 1 },
	{ "view past the count", views_tail, "reserved field not zero", 1 },
	{ "views reserved", views_reserved, "reserved field not zero", 1 },
	{ "bus without views", bus_without_views,
	  "virtual PCI bus with no function", 2 },
	{ "views without bus", views_without_bus, "bad virtual PCI ECAM", 1 },
	{ "ECAM misaligned", ecam_misaligned, "bad virtual PCI ECAM", 1 },
	{ "view of region 2 of 2", view_missing_region,
	  "shared-memory view of a region the VM is not in", 1 },
	{ "view of a non-member", view_not_member,
	  "shared-memory view of a region the VM is not in", 2 },
	{ "view flags", view_flags, "unknown shared-memory flags", 1 },
	{ "BAR 2 misaligned", bar2_misaligned, "misaligned shared-memory IPA",
	  1 },
	{ "BAR 0 misaligned", bar0_misaligned, "misaligned shared-memory IPA",
	  1 },
	{ "BAR 0 above 4 GiB", bar0_high, "misaligned shared-memory IPA", 1 },
	{ "INTID 31", intid_ppi, "shared-memory INTID is not a virtual SPI",
	  1 },
	{ "INTID 288", intid_beyond_vgic,
	  "shared-memory INTID is not a virtual SPI", 1 },
	{ "INTID of the console", intid_console,
	  "shared-memory INTID already in use", 1 },
	{ "INTID passed through", intid_passthrough,
	  "shared-memory INTID already in use", 0 },
	{ "INTID twice", intid_twice, "shared-memory INTID already in use", 1 },
	{ "slot 0", devfn_zero, "bad shared-memory PCI slot", 1 },
	{ "function 1", devfn_function, "bad shared-memory PCI slot", 1 },
	{ "slot 32", devfn_big, "bad shared-memory PCI slot", 1 },
	{ "slot twice", devfn_twice, "shared-memory PCI slot used twice", 1 },
	{ "region twice", region_twice, "shared-memory region mapped twice",
	  1 },
	{ "IPA at 2^39", ipa_beyond_39_bits, "shared-memory IPA out of range",
	  1 },
	{ "ECAM on the GICD", ipa_on_gicd,
	  "shared-memory IPA overlaps a device", 1 },
	{ "BAR 0 on the console", ipa_on_console,
	  "shared-memory IPA overlaps a device", 1 },
	{ "ECAM on RAM", ecam_on_ram,
	  "shared-memory IPA overlaps another range", 1 },
	{ "BAR 2 on RAM", bar2_on_ram,
	  "shared-memory IPA overlaps another range", 1 },
	{ "BAR 0 on the management page", bar0_on_manage,
	  "shared-memory IPA overlaps another range", 0 },
	{ "BAR 0 on the watchdog", bar0_on_watchdog,
	  "shared-memory IPA overlaps another range", 0 },
	{ "BAR 0 in the ECAM", bar0_in_ecam,
	  "shared-memory IPA overlaps another range", 1 },
	{ "BAR 0 twice", bar0_twice, "shared-memory IPA overlaps another range",
	  1 },
	{ "BAR 2s overlap", bar2s_overlap,
	  "shared-memory IPA overlaps another range", 1 },
	{ "BAR 2 on passthrough MMIO", bar2_on_mmio,
	  "shared-memory IPA overlaps another range", 0 },
	{ "member without a view", member_without_view,
	  "shared-memory region without the VM's view", 1 },
};

static void test_refusal(void **state)
{
	const struct refusal *r = *state;
	struct fixture f = { malloc(PLAN_BYTES), { 0 } };
	struct plan_error err = { NULL, 0 };
	int ret;

	make_plan(&f);
	r->damage(&f);
	ret = check(&f, &err);
	plan_fixture_refused(r->name, ret, &err, r->what, r->vm);
	free(f.plan);
}

int main(void)
{
	const size_t n = sizeof(refusals) / sizeof(refusals[0]);
	const struct CMUnitTest basics[] = {
		cmocka_unit_test(test_valid),
	};
	struct CMUnitTest *tests = calloc(n, sizeof(*tests));
	int failed;

	for (size_t i = 0; i < n; i++) {
		tests[i].name = refusals[i].name;
		tests[i].test_func = test_refusal;
		tests[i].initial_state = (void *)&refusals[i];
	}
	failed = cmocka_run_group_tests_name("shared-memory plan", basics, NULL,
					     NULL);
	failed += _cmocka_run_group_tests("shared-memory plan refusals", tests,
					  n, NULL, NULL);
	free(tests);
	return failed ? 1 : 0;
}
