// SPDX-License-Identifier: MIT
/*
 * plan_check() with the x86_64 rules (hv/arch/x86_64/plan_arch.c): a valid
 * two-VM q35 plan is accepted, a 64-CPU board works with every CPU bit, a
 * plan of the other architecture is refused with its own message, and every
 * x86_64 refusal names its reason and VM.
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
#include "shikiri/x86_layout.h"

#define VM_COUNT 2u
#define PLAN_BYTES                     \
	(sizeof(struct shikiri_plan) + \
	 VM_COUNT * sizeof(struct shikiri_plan_vm))
#define MIB 0x100000ull

struct fixture {
	struct shikiri_plan *plan;
	struct plan_limits lim;
};

static void set_vm(struct shikiri_plan_vm *vm, const char *name, uint64_t cpus,
		   uint64_t pa, uint64_t size, uint64_t image_base)
{
	strcpy(vm->name, name);
	vm->cpu_mask = cpus;
	vm->flags = SHIKIRI_VM_CONSOLE_VIRTUAL;
	vm->console_base = X86_LAYOUT_COM1;
	vm->console_irq = X86_LAYOUT_COM1_GSI;
	vm->ram_count = 1;
	vm->ram[0] = (struct shikiri_region){ 0, pa, size };
	plan_fixture_payload(vm, SHIKIRI_PAYLOAD_KERNEL, image_base, 0x800000,
			     X86_LAYOUT_KERNEL);
	plan_fixture_payload(vm, SHIKIRI_PAYLOAD_INITRD, image_base + 0x800000,
			     MIB, size - 2 * MIB);
	plan_fixture_payload(vm, SHIKIRI_PAYLOAD_BOOT_PARAMS,
			     image_base + 0x900000, 0x2100,
			     X86_LAYOUT_BOOT_PARAMS);
	plan_fixture_payload(vm, SHIKIRI_PAYLOAD_ACPI, image_base + 0x903000,
			     0x1000, X86_LAYOUT_ACPI);
	vm->entry_ipa = X86_LAYOUT_KERNEL;
	vm->boot_info_ipa = X86_LAYOUT_BOOT_PARAMS;
	vm->rng_seed_offset = 0x2010;
	vm->on_reset = SHIKIRI_POLICY_RESTART;
	vm->on_crash = SHIKIRI_POLICY_RESTART;
	vm->manage_ipa = X86_LAYOUT_MANAGE;
}

/* A valid plan for QEMU q35 (-smp 4 -m 2G) as shikiri-build writes it. */
static void make_plan(struct fixture *f)
{
	struct shikiri_plan *p = f->plan;

	plan_fixture_header(p, PLAN_BYTES, VM_COUNT, 0x2000000,
			    SHIKIRI_ARCH_X86_64);
	p->board.cpu_count = 4;
	for (unsigned int i = 0; i < 4; i++)
		p->board.cpu_id[i] = i;
	p->board.ram_count = 2;
	p->board.ram[0] = (struct shikiri_range){ 0x1000, 0x9e000 };
	p->board.ram[1] = (struct shikiri_range){ MIB, 0x7fee0000 };
	p->board.uart_base = 0x3f8;
	p->board.uart_irq = 4;
	p->board.hw.x86_64.lapic_base = 0xfee00000;
	p->board.hw.x86_64.ioapic_base = 0xfec00000;
	p->board.hw.x86_64.ioapic_pins = 24;
	p->board.pci.ecam_base = 0xb0000000;
	p->board.pci.ecam_size = 256 * MIB;
	p->board.hw.x86_64.trampoline = 0x8000;
	set_vm(&p->vm[0], "linux0", 0x3, 0x40000000, 512 * MIB, 0x10000);
	p->vm[0].manage_mask = 0x3;
	set_vm(&p->vm[1], "linux1", 0xc, 0x20000000, 256 * MIB, 0x1000000);
	p->crc32 = plan_compute_crc(p);
	f->lim = (struct plan_limits){ 0x1000000, 0x3000000, 0, 0 };
}

/*
 * linux1 owning PCI function 00:04.0 (INTA on GSI 16): its first MiB
 * backed at 768 MiB, its main RAM identity-mapped at 512 MiB, the kernel
 * and initrd in it (PCI_PLAN.md 2).
 */
static void make_pci_vm(struct shikiri_plan_vm *vm)
{
	vm->ram_count = 2;
	vm->ram[0] = (struct shikiri_region){ 0, 0x30000000, MIB };
	vm->ram[1] =
		(struct shikiri_region){ 0x20000000, 0x20000000, 256 * MIB };
	vm->payload[0].ipa = 0x20000000;
	vm->payload[1].ipa = 0x20000000 + 254 * MIB;
	vm->entry_ipa = 0x20000000;
	vm->pci_count = 1;
	vm->pci[0] = (struct shikiri_pci_fn){ 0x20, 16, 1, 0 };
}

static int check(struct fixture *f, const struct plan_arch *rules,
		 struct plan_error *err)
{
	f->plan->crc32 = plan_compute_crc(f->plan);
	return plan_check(f->plan, PLAN_BYTES, rules, &f->lim, err);
}

static void test_valid(void **state)
{
	struct fixture f = { malloc(PLAN_BYTES), { 0 } };
	struct plan_error err = { "stale", 3 };

	(void)state;
	make_plan(&f);
	assert_int_equal(check(&f, &plan_arch_x86_64, &err), 0);
	assert_null(err.what);
	/* The other architecture's hypervisor says why it will not boot. */
	assert_int_equal(check(&f, &plan_arch_aarch64, &err), -HV_EINVAL);
	assert_string_equal(err.what,
			    "plan is for x86_64, this hypervisor is aarch64");
	assert_int_equal(err.vm, -1);
	f.plan->board.arch = SHIKIRI_ARCH_AARCH64;
	assert_int_equal(check(&f, &plan_arch_x86_64, &err), -HV_EINVAL);
	assert_string_equal(err.what,
			    "plan is for aarch64, this hypervisor is x86_64");
	free(f.plan);
}

/* A PCI VM's two RAM regions and its INTx GSI pass the x86 rules. */
static void test_pci_vm(void **state)
{
	struct fixture f = { malloc(PLAN_BYTES), { 0 } };
	struct plan_error err = { NULL, 0 };

	(void)state;
	make_plan(&f);
	make_pci_vm(&f.plan->vm[1]);
	assert_int_equal(check(&f, &plan_arch_x86_64, &err), 0);
	f.plan->vm[1].pci[0].intx = SHIKIRI_PCI_NO_INTX;
	assert_int_equal(check(&f, &plan_arch_x86_64, &err), 0);
	free(f.plan);
}

/* CPU 63 of a 64-CPU board: no mask arithmetic may shift by 64. */
static void test_64_cpus(void **state)
{
	struct fixture f = { malloc(PLAN_BYTES), { 0 } };
	struct plan_error err = { NULL, 0 };

	(void)state;
	make_plan(&f);
	f.plan->board.cpu_count = SHIKIRI_MAX_CPUS;
	for (unsigned int i = 0; i < SHIKIRI_MAX_CPUS; i++)
		f.plan->board.cpu_id[i] = i * 2;
	f.plan->vm[1].cpu_mask = 0xcull | 1ull << 63;
	assert_int_equal(check(&f, &plan_arch_x86_64, &err), 0);
	f.plan->vm[0].cpu_mask |= 1ull << 63;
	assert_int_equal(check(&f, &plan_arch_x86_64, &err), -HV_EINVAL);
	assert_string_equal(err.what, "CPU assigned to two VMs");
	f.plan->vm[0].cpu_mask = 0x3;
	f.plan->board.cpu_count = 63;
	assert_int_equal(check(&f, &plan_arch_x86_64, &err), -HV_EINVAL);
	assert_string_equal(err.what, "CPU not on the board");
	assert_int_equal(err.vm, 1);
	f.plan->board.cpu_count = SHIKIRI_MAX_CPUS + 1;
	assert_int_equal(check(&f, &plan_arch_x86_64, &err), -HV_EINVAL);
	assert_string_equal(err.what, "bad board CPU count");
	free(f.plan);
}

struct refusal {
	const char *name;
	void (*damage)(struct fixture *f);
	const char *what;
	int vm;
};

#define B (f->plan->board)
#define HW (f->plan->board.hw.x86_64)
#define V0 (f->plan->vm[0])
#define V1 (f->plan->vm[1])
/* Variadic: compound literals in the body carry commas. */
#define DAMAGE(fn, ...)                   \
	static void fn(struct fixture *f) \
	{                                 \
		__VA_ARGS__;              \
	}

DAMAGE(apic_id_broadcast, B.cpu_id[2] = 0xff)
DAMAGE(lapic_misaligned, HW.lapic_base += 0x10)
DAMAGE(ioapic_no_pins, HW.ioapic_pins = 0)
DAMAGE(ioapic_many_pins, HW.ioapic_pins = 241)
DAMAGE(uart_port_high, B.uart_base = 0xfffc)
DAMAGE(uart_irq_off_ioapic, B.uart_irq = 24)
DAMAGE(ecam_misaligned, f->plan->board.pci.ecam_base = 0xb0080000)
DAMAGE(ecam_wraps, f->plan->board.pci.ecam_base = 0xfffffffffff00000ull;
       f->plan->board.pci.ecam_size = 2 * MIB)
DAMAGE(trampoline_high, HW.trampoline = MIB)
DAMAGE(trampoline_not_ram, HW.trampoline = 0)
DAMAGE(board_tail, B.hw.raw[120] = 1)
DAMAGE(console_com2, V1.console_base = 0x2f8)
DAMAGE(console_irq3, V0.console_irq = 3)
DAMAGE(ram_two_regions, V0.ram_count = 2;
       V0.ram[1] = (struct shikiri_region){ 0x100000000ull, 0x60000000,
					    2 * MIB })
DAMAGE(ram_ipa_on_ioapic, V0.ram_count = 2;
       V0.ram[1] = (struct shikiri_region){ 0xfec00000, 0x60000000, MIB })
DAMAGE(ram_ipa_on_lapic, V0.ram_count = 2;
       V0.ram[1] = (struct shikiri_region){ 0xfee00000, 0x60000000, MIB })
DAMAGE(ram_tiny, V1.ram[0].size = MIB; V1.payload_count = 0)
DAMAGE(ram_on_trampoline, B.ram_count = 1;
       B.ram[0] = (struct shikiri_range){ 0, 0x80000000 };
       f->lim.hv_base = 0x70000000; V1.ram[0].pa = 0)
DAMAGE(mmio_on_ecam, V0.mmio_count = 1;
       V0.mmio[0] = (struct shikiri_region){ 0xc0000000, 0xb0001000, 0x1000 })
DAMAGE(mmio_on_lapic, V0.mmio_count = 1;
       V0.mmio[0] = (struct shikiri_region){ 0xc0000000, 0xfee00000, 0x1000 })
DAMAGE(boot_params_moved, V0.payload[2].ipa = 0x6000; V0.boot_info_ipa = 0x6000)
DAMAGE(kaslr_seed, V1.kaslr_seed_offset = 0x2040)
DAMAGE(rng_seed_outside, V1.rng_seed_offset = 0x20f0)
DAMAGE(no_acpi, V0.payload_count = 3)
DAMAGE(no_boot_params, V0.payload[2].kind = SHIKIRI_PAYLOAD_INITRD)
DAMAGE(dtb_on_x86, V0.payload[3].kind = SHIKIRI_PAYLOAD_DTB)
DAMAGE(irq_gsi_24, V0.irq_count = 1; V0.irq[0] = (struct shikiri_irq){ 10, 24 })
DAMAGE(irq_hv_uart, V0.irq_count = 1; V0.irq[0] = (struct shikiri_irq){ 10, 4 })
DAMAGE(irq_console, V0.irq_count = 1; V0.irq[0] = (struct shikiri_irq){ 4, 11 })
DAMAGE(pio_count, V0.arch.x86_64.pio_count = SHIKIRI_MAX_PIO + 1)
DAMAGE(pio_reserved, V0.arch.x86_64.reserved = 1)
DAMAGE(pio_empty, V0.arch.x86_64.pio_count = 1)
DAMAGE(pio_past_64k, V0.arch.x86_64.pio_count = 1;
       V0.arch.x86_64.pio[0] = (struct shikiri_pio){ 0xfff0, 0x20 })
DAMAGE(pio_hv_uart, V0.arch.x86_64.pio_count = 1;
       V0.arch.x86_64.pio[0] = (struct shikiri_pio){ 0x3f0, 0x10 })
DAMAGE(pio_overlap, V0.arch.x86_64.pio_count = 2;
       V0.arch.x86_64.pio[0] = (struct shikiri_pio){ 0x2f8, 8 };
       V0.arch.x86_64.pio[1] = (struct shikiri_pio){ 0x2fc, 8 })
DAMAGE(pio_shared, V0.arch.x86_64.pio_count = 1;
       V0.arch.x86_64.pio[0] = (struct shikiri_pio){ 0x2f8, 8 };
       V1.arch.x86_64.pio_count = 1;
       V1.arch.x86_64.pio[0] = (struct shikiri_pio){ 0x2f8, 1 })
DAMAGE(pio_tail, V1.arch.x86_64.pio[3].base = 0x100)
DAMAGE(pci_one_region, make_pci_vm(&V1); V1.ram_count = 1;
       V1.ram[0] = (struct shikiri_region){ 0, 0x20000000, 256 * MIB };
       V1.payload[0].ipa = X86_LAYOUT_KERNEL; V1.payload[1].ipa = 254 * MIB;
       V1.entry_ipa = X86_LAYOUT_KERNEL)
DAMAGE(pci_low_big, make_pci_vm(&V1); V1.ram[0].size = 2 * MIB;
       V1.ram[1].ipa = V1.ram[1].pa = 0x20200000; V1.ram[1].size = 254 * MIB;
       V1.payload[0].ipa = 0x20200000; V1.entry_ipa = 0x20200000)
DAMAGE(pci_not_identity, make_pci_vm(&V1); V1.ram[1].pa = 0x60000000)
DAMAGE(pci_misaligned, make_pci_vm(&V1);
       V1.ram[1].ipa = V1.ram[1].pa = 0x20100000; V1.ram[1].size = 255 * MIB;
       V1.payload[0].ipa = 0x20100000; V1.entry_ipa = 0x20100000)
DAMAGE(pci_intx_isa, make_pci_vm(&V1); V1.pci[0].intx = 11)
DAMAGE(pci_intx_24, make_pci_vm(&V1); V1.pci[0].intx = 24)
/* Shared memory and virtual LANs are AArch64's only, for now. */
DAMAGE(shm_region, f->plan->shm_count = 1)
DAMAGE(lan, f->plan->lan_count = 1)
DAMAGE(shm_view, V1.shm_count = 1)
DAMAGE(vpci_ecam, V1.vpci_ecam_ipa = 0xe0000000)
DAMAGE(net_device, V0.net.ipa = 0xfe000000)

static const struct refusal refusals[] = {
	{ "APIC ID 0xff", apic_id_broadcast, "board CPU is not an xAPIC ID",
	  -1 },
	{ "LAPIC misaligned", lapic_misaligned, "bad board APIC", -1 },
	{ "IOAPIC no pins", ioapic_no_pins, "bad board APIC", -1 },
	{ "IOAPIC 241 pins", ioapic_many_pins, "bad board APIC", -1 },
	{ "UART port", uart_port_high, "bad board UART", -1 },
	{ "UART GSI", uart_irq_off_ioapic, "bad board UART", -1 },
	{ "ECAM misaligned", ecam_misaligned, "bad board ECAM", -1 },
	{ "ECAM wraps", ecam_wraps, "bad board ECAM", -1 },
	{ "trampoline at 1 MiB", trampoline_high, "bad board trampoline", -1 },
	{ "trampoline not RAM", trampoline_not_ram, "bad board trampoline",
	  -1 },
	{ "board tail", board_tail, "reserved field not zero", -1 },
	{ "console COM2", console_com2, "bad console", 1 },
	{ "console IRQ 3", console_irq3, "bad console", 0 },
	{ "RAM two regions", ram_two_regions, "RAM is not one region from 0",
	  0 },
	{ "RAM on IOAPIC", ram_ipa_on_ioapic, "RAM IPA overlaps a device", 0 },
	{ "RAM on LAPIC", ram_ipa_on_lapic, "RAM IPA overlaps a device", 0 },
	{ "RAM 1 MiB", ram_tiny, "bad payload count", 1 },
	{ "RAM on trampoline", ram_on_trampoline, "RAM overlaps the trampoline",
	  1 },
	{ "MMIO on ECAM", mmio_on_ecam, "MMIO overlaps a hypervisor device",
	  0 },
	{ "MMIO on LAPIC", mmio_on_lapic, "MMIO overlaps a hypervisor device",
	  0 },
	{ "boot_params moved", boot_params_moved,
	  "boot_params not at its fixed address", 0 },
	{ "KASLR seed", kaslr_seed, "KASLR seed on x86_64", 1 },
	{ "RNG seed outside", rng_seed_outside,
	  "seed offset outside the boot info", 1 },
	{ "no ACPI", no_acpi, "VM lacks a payload it needs", 0 },
	{ "no boot_params", no_boot_params, "bad or repeated payload kind", 0 },
	{ "DTB on x86", dtb_on_x86, "bad or repeated payload kind", 0 },
	{ "GSI 24", irq_gsi_24, "IRQ out of range", 0 },
	{ "GSI of the hv UART", irq_hv_uart, "IRQ belongs to the hypervisor",
	  0 },
	{ "GSI of the console", irq_console, "IRQ clashes with the console",
	  0 },
	{ "ports count", pio_count, "bad port range count", 0 },
	{ "ports reserved", pio_reserved, "bad port range count", 0 },
	{ "ports empty", pio_empty, "bad port range", 0 },
	{ "ports past 64K", pio_past_64k, "bad port range", 0 },
	{ "ports of the hv UART", pio_hv_uart,
	  "port range belongs to the hypervisor", 0 },
	{ "ports overlap", pio_overlap, "port ranges overlap", 0 },
	{ "ports shared", pio_shared, "port range owned by another VM", 1 },
	{ "ports tail", pio_tail, "reserved field not zero", 1 },
	{ "PCI VM RAM one region", pci_one_region,
	  "PCI VM's RAM is not its first MiB and one more region", 1 },
	{ "PCI VM low RAM 2 MiB", pci_low_big,
	  "PCI VM's RAM is not its first MiB and one more region", 1 },
	{ "PCI VM not identity", pci_not_identity,
	  "PCI VM's main RAM is not identity-mapped", 1 },
	{ "PCI VM misaligned", pci_misaligned,
	  "PCI VM's main RAM not 2 MiB aligned between 1 MiB and 4 GiB", 1 },
	{ "PCI INTx GSI 11", pci_intx_isa,
	  "PCI INTx GSI not one of the I/O APIC's 16-23", 1 },
	{ "PCI INTx GSI 24", pci_intx_24,
	  "PCI INTx GSI not one of the I/O APIC's 16-23", 1 },
	{ "shared-memory region", shm_region,
	  "shared memory or virtual LANs on x86_64", -1 },
	{ "virtual LAN", lan, "shared memory or virtual LANs on x86_64", -1 },
	{ "shared-memory view", shm_view, "shared memory or network on x86_64",
	  1 },
	{ "virtual PCI bus", vpci_ecam, "shared memory or network on x86_64",
	  1 },
	{ "network device", net_device, "shared memory or network on x86_64",
	  0 },
};

static void test_refusal(void **state)
{
	const struct refusal *r = *state;
	struct fixture f = { malloc(PLAN_BYTES), { 0 } };
	struct plan_error err = { NULL, 0 };
	int ret;

	make_plan(&f);
	r->damage(&f);
	ret = check(&f, &plan_arch_x86_64, &err);
	plan_fixture_refused(r->name, ret, &err, r->what, r->vm);
	free(f.plan);
}

int main(void)
{
	const size_t n = sizeof(refusals) / sizeof(refusals[0]);
	const struct CMUnitTest basics[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_64_cpus),
		cmocka_unit_test(test_pci_vm),
	};
	struct CMUnitTest *tests = calloc(n, sizeof(*tests));
	int failed;

	for (size_t i = 0; i < n; i++) {
		tests[i].name = refusals[i].name;
		tests[i].test_func = test_refusal;
		tests[i].initial_state = (void *)&refusals[i];
	}
	failed = cmocka_run_group_tests_name("x86_64 plan", basics, NULL, NULL);
	failed += _cmocka_run_group_tests("x86_64 plan refusals", tests, n,
					  NULL, NULL);
	free(tests);
	return failed ? 1 : 0;
}
