// SPDX-License-Identifier: MIT
/*
 * The aarch64 rules of PCI passthrough (hv/arch/aarch64/plan_arch.c) on
 * top of the common ones: the board's SMMUv3 and ITS, each VM's BAR
 * windows (IPA = PA, inside the board's, apart from every other VM's and
 * from the VM's own ranges), its MSI range, its functions on its virtual
 * bus 0 and, without an SMMU, its RAM at its physical address.  A plan
 * like the qemu-virt-smmu board's is accepted, with variants that must
 * stay valid; every damage is refused with its message and VM.
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
#define ECAM 0x4010000000ull
#define WINDOW 0x10000000ull
#define WINDOW_SIZE 0x2eff0000ull
#define SMMU 0x09050000ull
#define ITS 0x08080000ull
#define VPCI 0x3f000000ull

static struct shikiri_plan *plan;

/* VM @i: CPU @i, 256 MiB at IPA 0x40000000 from @pa, a kernel and DTB. */
static void vm_at(unsigned i, const char *name, uint64_t pa)
{
	struct shikiri_plan_vm *vm = &plan->vm[i];

	strcpy(vm->name, name);
	vm->cpu_mask = 1ull << i;
	vm->ram_count = 1;
	vm->ram[0] = (struct shikiri_region){ 0x40000000, pa, 256 * MIB };
	plan_fixture_payload(vm, SHIKIRI_PAYLOAD_KERNEL, 0x100000 * (i + 1),
			     0x10000, 0x40000000);
	plan_fixture_payload(vm, SHIKIRI_PAYLOAD_DTB,
			     0x100000 * (i + 1) + 0x10000, 0x1000, 0x48000000);
	vm->entry_ipa = 0x40000000;
	vm->boot_info_ipa = 0x48000000;
	vm->flags = SHIKIRI_VM_CONSOLE_VIRTUAL;
	vm->console_base = 0x9000000;
	vm->console_irq = 33;
	vm->on_reset = SHIKIRI_POLICY_RESTART;
	vm->on_poweroff = SHIKIRI_POLICY_STOP;
	vm->on_crash = SHIKIRI_POLICY_STOP;
	vm->on_fault = SHIKIRI_POLICY_STOP;
}

/*
 * qemu-virt with an SMMUv3 and an ITS, BARs for the hypervisor to place;
 * linux1 (not identity-mapped) owns 00:02.0 and 00:03.0 on INTIDs 37 and
 * 38, the first 128 MiB of the 32-bit window, MSIs on INTIDs 64..95.
 */
static int setup(void **state)
{
	struct shikiri_plan_board *b;
	struct shikiri_plan_vm *v1;

	(void)state;
	plan = malloc(PLAN_BYTES);
	plan_fixture_header(plan, PLAN_BYTES, VM_COUNT, 0x400000,
			    SHIKIRI_ARCH_AARCH64);
	b = &plan->board;
	b->cpu_count = 2;
	b->cpu_id[1] = 1;
	b->ram_count = 1;
	b->ram[0] = (struct shikiri_range){ 0x40000000, 2048 * MIB };
	b->uart_base = 0x9000000;
	b->uart_irq = 33;
	b->hw.aarch64.gicd_base = 0x8000000;
	b->hw.aarch64.gicr_base = 0x80a0000;
	b->hw.aarch64.gicr_size = 0xf60000;
	b->hw.aarch64.timer_virt_intid = 27;
	b->hw.aarch64.gic_maint_intid = 25;
	b->hw.aarch64.smmu_base = SMMU;
	b->hw.aarch64.smmu_evtq_intid = 106;
	b->hw.aarch64.smmu_gerror_intid = 109;
	b->hw.aarch64.its_base = ITS;
	b->pci = (struct shikiri_plan_pci){
		.ecam_base = ECAM,
		.ecam_size = 256 * MIB,
		.bus_first = 0,
		.bus_last = 0xff,
		.mem = { { WINDOW, WINDOW_SIZE } },
		.flags = SHIKIRI_PCI_BOARD_ASSIGN_BARS,
	};
	vm_at(0, "linux0", 0x40000000);
	vm_at(1, "linux1", 0x60000000);
	v1 = &plan->vm[1];
	v1->pci_count = 2;
	v1->pci[0] = (struct shikiri_pci_fn){ 0x10, 37, 1, 0 };
	v1->pci[1] = (struct shikiri_pci_fn){ 0x18, 38, 1, 0 };
	v1->vpci_ecam_ipa = VPCI;
	v1->arch.aarch64.pci_mem[0] =
		(struct shikiri_range){ WINDOW, 128 * MIB };
	v1->arch.aarch64.msi_intid = 64;
	v1->arch.aarch64.msi_count = 32;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(plan);
	return 0;
}

static int check(struct plan_error *err)
{
	plan->crc32 = plan_compute_crc(plan);
	return plan_check(plan, PLAN_BYTES, &plan_arch_aarch64, NULL, err);
}

#define P (plan->board.pci)
#define A (plan->board.hw.aarch64)
#define V0 (plan->vm[0])
#define V1 (plan->vm[1])
#define W0 (plan->vm[0].arch.aarch64.pci_mem)
#define W1 (plan->vm[1].arch.aarch64.pci_mem)
#define M1 (plan->vm[1].arch.aarch64)

static void test_valid(void **state)
{
	struct plan_error err = { "stale", 3 };

	(void)state;
	assert_int_equal(check(&err), 0);
	assert_null(err.what);
	/* linux0 gets a function and the next window; a second window;
	 * functions of one VM share an INTx line. */
	V0.pci_count = 1;
	V0.pci[0] = (struct shikiri_pci_fn){ 0x20, 36, 1, 0 };
	V0.vpci_ecam_ipa = VPCI;
	W0[0] = (struct shikiri_range){ WINDOW + 128 * MIB, 64 * MIB };
	W1[1] = (struct shikiri_range){ WINDOW + 512 * MIB, 2 * MIB };
	V1.pci[1].intx = 37;
	assert_int_equal(check(&err), 0);
	/* No SMMU: identity-mapped RAM; no ITS: no MSIs; firmware BARs: no
	 * window needed. */
	memset(&A.smmu_base, 0, 16);
	V1.ram[0].ipa = 0x60000000;
	V1.payload[0].ipa = V1.entry_ipa = 0x60000000;
	V1.payload[1].ipa = V1.boot_info_ipa = 0x68000000;
	A.its_base = 0;
	M1.msi_intid = 0;
	M1.msi_count = 0;
	P.flags = 0;
	memset(W0, 0, sizeof(W0));
	assert_int_equal(check(&err), 0);
	/* The MSI range up to the last SPI. */
	A.its_base = ITS;
	M1.msi_intid = 1019 - 63;
	M1.msi_count = 64;
	assert_int_equal(check(&err), 0);
}

struct refusal {
	const char *name;
	void (*damage)(void);
	const char *what;
	int vm;
};

#define DAMAGE(fn, ...)      \
	static void fn(void) \
	{                    \
		__VA_ARGS__; \
	}

DAMAGE(smmu_misaligned, A.smmu_base += 0x1000)
DAMAGE(smmu_high, A.smmu_base = 1ull << 39)
DAMAGE(smmu_evtq_ppi, A.smmu_evtq_intid = 27)
DAMAGE(smmu_same_intids, A.smmu_gerror_intid = 106)
DAMAGE(smmu_uart_intid, A.smmu_gerror_intid = 33)
DAMAGE(smmu_intids_alone, A.smmu_base = 0)
DAMAGE(its_misaligned, A.its_base += 0x1000)
DAMAGE(its_on_smmu, A.its_base = SMMU + 0x10000)
DAMAGE(board_flags, P.flags = 2)
DAMAGE(board_reserved, P.reserved = 1)
DAMAGE(mmio_on_smmu, V0.mmio_count = 1;
       V0.mmio[0] = (struct shikiri_region){ SMMU, SMMU, 0x1000 })
DAMAGE(mmio_on_its, V0.mmio_count = 1;
       V0.mmio[0] = (struct shikiri_region){ 0xa000000, ITS + 0x10000, 0x1000 })
DAMAGE(mmio_on_ecam, V0.mmio_count = 1;
       V0.mmio[0] = (struct shikiri_region){ 0xa000000, ECAM, 0x1000 })
DAMAGE(window_misaligned, W1[0].size = 0x800)
DAMAGE(window_base_alone, W1[1].base = WINDOW + 512 * MIB)
DAMAGE(window_high, P.mem[1] = (struct shikiri_range){ 1ull << 39, MIB };
       W1[1] = P.mem[1])
DAMAGE(window_outside, W1[0].base = WINDOW - 0x1000)
DAMAGE(window_past_board, W1[0].base = WINDOW + WINDOW_SIZE - 0x1000;
       W1[0].size = 0x2000)
DAMAGE(windows_overlap, W1[1] = (struct shikiri_range){ WINDOW + MIB, MIB })
DAMAGE(window_shared, V0.pci_count = 1;
       V0.pci[0] = (struct shikiri_pci_fn){ 0x20, 36, 1, 0 };
       V0.vpci_ecam_ipa = VPCI;
       W0[1] = (struct shikiri_range){ WINDOW + 127 * MIB, 2 * MIB })
DAMAGE(window_on_mmio, V0.mmio_count = 1;
       V0.mmio[0] = (struct shikiri_region){ 0xa000000, WINDOW + 4 * MIB,
					     0x1000 })
DAMAGE(window_on_vpci, V1.vpci_ecam_ipa = WINDOW + 16 * MIB)
DAMAGE(window_on_ram, V1.ram[0].ipa = WINDOW + 64 * MIB;
       V1.entry_ipa = WINDOW + 64 * MIB; V1.payload[0].ipa = WINDOW + 64 * MIB;
       V1.payload[1].ipa = WINDOW + 72 * MIB;
       V1.boot_info_ipa = WINDOW + 72 * MIB)
DAMAGE(window_on_net, V1.net.ipa = WINDOW + 0x3000; V1.net.intid = 50)
DAMAGE(msi_intid_alone, M1.msi_count = 0)
DAMAGE(msi_without_its, A.its_base = 0)
DAMAGE(msi_too_many, M1.msi_count = 65)
DAMAGE(msi_ppi, M1.msi_intid = 16)
DAMAGE(msi_past_spis, M1.msi_intid = 1000)
DAMAGE(msi_on_console, M1.msi_intid = 32)
DAMAGE(msi_on_intx, M1.msi_intid = 20 + 16)
DAMAGE(msi_on_irq, V1.irq_count = 1; V1.irq[0] = (struct shikiri_irq){ 70, 70 })
DAMAGE(msi_on_shm, V1.shm_count = 1; V1.shm[0].intid = 95;
       V1.shm[0].devfn = 0x08)
DAMAGE(window_without_fn,
       W0[0] = (struct shikiri_range){ WINDOW + 256 * MIB, MIB })
DAMAGE(msi_without_fn, V1.pci_count = 0; memset(V1.pci, 0, sizeof(V1.pci));
       V1.vpci_ecam_ipa = 0)
DAMAGE(no_vpci, V1.vpci_ecam_ipa = 0)
DAMAGE(ecam_high, P.ecam_base = 1ull << 39)
DAMAGE(no_window, P.flags = SHIKIRI_PCI_BOARD_ASSIGN_BARS;
       memset(W1, 0, sizeof(W1)))
DAMAGE(not_identity, A.smmu_base = 0; A.smmu_evtq_intid = 0;
       A.smmu_gerror_intid = 0)
DAMAGE(bus_one, V1.pci[1].bdf = 0x118)
DAMAGE(host_bridge, V1.pci[1].bdf = 0)
DAMAGE(shm_slot, V1.shm_count = 1; V1.shm[0].intid = 40; V1.shm[0].devfn = 0x18)
DAMAGE(intx_low, V1.pci[1].flags = SHIKIRI_PCI_INTX_ACTIVE_LOW)
DAMAGE(intx_on_shm, V1.shm_count = 1; V1.shm[0].intid = 38;
       V1.shm[0].devfn = 0x08)
DAMAGE(intx_on_net, V1.net.ipa = 0x3e000000; V1.net.intid = 37)
DAMAGE(irq_smmu_evtq, V0.irq_count = 1;
       V0.irq[0] = (struct shikiri_irq){ 106, 106 })
DAMAGE(intx_smmu_gerror, V1.pci[1].intx = 109)

static const struct refusal refusals[] = {
	{ "SMMU misaligned", smmu_misaligned, "bad board SMMU", -1 },
	{ "SMMU above 39 bits", smmu_high, "bad board SMMU", -1 },
	{ "SMMU event queue on a PPI", smmu_evtq_ppi, "bad board SMMU", -1 },
	{ "SMMU one INTID twice", smmu_same_intids, "bad board SMMU", -1 },
	{ "SMMU on the UART's INTID", smmu_uart_intid, "bad board SMMU", -1 },
	{ "SMMU INTIDs without one", smmu_intids_alone, "bad board SMMU", -1 },
	{ "SMMU event queue SPI to a VM", irq_smmu_evtq, "IRQ out of range",
	  0 },
	{ "SMMU global error SPI as INTx", intx_smmu_gerror,
	  "PCI INTx out of range", 1 },
	{ "ITS misaligned", its_misaligned, "bad board ITS", -1 },
	{ "ITS on the SMMU", its_on_smmu, "bad board ITS", -1 },
	{ "board PCI flags", board_flags, "unknown board PCI flags", -1 },
	{ "board PCI reserved", board_reserved, "reserved field not zero", -1 },
	{ "MMIO on the SMMU", mmio_on_smmu, "MMIO overlaps a hypervisor device",
	  0 },
	{ "MMIO on the ITS", mmio_on_its, "MMIO overlaps a hypervisor device",
	  0 },
	{ "MMIO on the ECAM", mmio_on_ecam, "MMIO overlaps a hypervisor device",
	  0 },
	{ "window misaligned", window_misaligned, "bad PCI window", 1 },
	{ "window base without size", window_base_alone, "bad PCI window", 1 },
	{ "window above 39 bits", window_high, "bad PCI window", 1 },
	{ "window outside the board's", window_outside,
	  "PCI window outside the board's", 1 },
	{ "window past the board's", window_past_board,
	  "PCI window outside the board's", 1 },
	{ "windows overlap", windows_overlap, "PCI windows overlap", 1 },
	{ "window in two VMs", window_shared,
	  "PCI window shared with another VM", 0 },
	{ "window on MMIO", window_on_mmio,
	  "PCI window overlaps passthrough MMIO", 1 },
	{ "window on the virtual bus", window_on_vpci,
	  "PCI window overlaps the VM's other ranges", 1 },
	{ "window on RAM", window_on_ram,
	  "PCI window overlaps the VM's other ranges", 1 },
	{ "window on the network page", window_on_net,
	  "PCI window overlaps the VM's other ranges", 1 },
	{ "MSI INTID without count", msi_intid_alone, "bad MSI range", 1 },
	{ "MSIs without an ITS", msi_without_its, "MSIs without a board ITS",
	  1 },
	{ "65 MSIs", msi_too_many, "bad MSI range", 1 },
	{ "MSIs on PPIs", msi_ppi, "bad MSI range", 1 },
	{ "MSIs past the SPIs", msi_past_spis, "bad MSI range", 1 },
	{ "MSI on the console", msi_on_console, "MSI INTID already in use", 1 },
	{ "MSI on an INTx", msi_on_intx, "MSI INTID already in use", 1 },
	{ "MSI on a passthrough IRQ", msi_on_irq, "MSI INTID already in use",
	  1 },
	{ "MSI on a shm line", msi_on_shm, "MSI INTID already in use", 1 },
	{ "window without functions", window_without_fn,
	  "PCI windows or MSIs without PCI functions", 0 },
	{ "MSIs without functions", msi_without_fn,
	  "PCI windows or MSIs without PCI functions", 1 },
	{ "no virtual bus", no_vpci, "PCI functions without a virtual PCI bus",
	  1 },
	{ "ECAM above 39 bits", ecam_high,
	  "board ECAM out of the hypervisor's reach", 1 },
	{ "BARs to assign, no window", no_window,
	  "PCI functions without a BAR window", 1 },
	{ "no SMMU, RAM moved", not_identity,
	  "PCI functions without an SMMU need identity-mapped RAM", 1 },
	{ "bus 1", bus_one, "PCI function off bus 0 on aarch64", 1 },
	{ "00:00.0", host_bridge, "PCI function in the host bridge's slot", 1 },
	{ "shm slot", shm_slot,
	  "PCI function in a shared-memory function's slot", 1 },
	{ "INTx active low", intx_low, "PCI INTx active low on aarch64", 1 },
	{ "INTx on a shm line", intx_on_shm, "PCI INTx already in use", 1 },
	{ "INTx on the network line", intx_on_net, "PCI INTx already in use",
	  1 },
};

static void test_refusal(void **state)
{
	const struct refusal *r = *state;
	struct plan_error err = { NULL, 0 };
	int ret;

	setup(NULL);
	r->damage();
	ret = check(&err);
	teardown(NULL);
	plan_fixture_refused(r->name, ret, &err, r->what, r->vm);
}

int main(void)
{
	const size_t n = sizeof(refusals) / sizeof(refusals[0]);
	const struct CMUnitTest basics[] = {
		cmocka_unit_test_setup_teardown(test_valid, setup, teardown),
	};
	struct CMUnitTest each[sizeof(refusals) / sizeof(refusals[0])];
	int failed;

	for (size_t i = 0; i < n; i++)
		each[i] = (struct CMUnitTest){ .name = refusals[i].name,
					       .test_func = test_refusal,
					       .initial_state =
						       (void *)&refusals[i] };
	failed =
		cmocka_run_group_tests_name("Arm PCI plan", basics, NULL, NULL);
	failed += _cmocka_run_group_tests("Arm PCI plan refusals", each, n,
					  NULL, NULL);
	return failed ? 1 : 0;
}
