/* SPDX-License-Identifier: MIT */
/*
 * The core's boot flow (hv/core/main.c) on the fake arch: only the arch
 * hooks stand between it and the hardware, so it runs on the host.  A plan
 * of two VMs on four CPUs is found after the footprint, checked, and
 * applied; the other CPUs are started with their board IDs; a plan that
 * does not fit the machine is refused before anything is built.  A VM
 * that owns a PCI function (the fake arch's model) gets its BAR placed,
 * mapped and its INTx line, on its virtual bus.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "../../hv/arch/fake/fake.h"
#include "../../hv/arch/fake/fake_pci.h"
#include "hv/arch/boot.h"
#include "hv/console.h"
#include "hv/errno.h"
#include "hv/plan_check.h"
#include "hv/platform.h"
#include "hv/vm.h"
#include "plan_fixture.h"

/* QEMU virt's layout: RAM at 1 GiB, the image loaded at its start. */
#define RAM_BASE 0x40000000ull
#define RAM_SIZE 0x01000000ull
#define FOOTPRINT 0x30000ull /* plan at the next 64 KiB: 0x30000 */
#define IMAGE_SIZE 0x00200000ull
#define VM_RAM 0x00200000ull
#define BOOT_INFO (RAM_BASE + 0xf00000ull)
#define BOOT_INFO_SIZE 0x1000ull

static unsigned char *ram;
static struct shikiri_plan *plan;
static jmp_buf parked, off;
static unsigned char pool_pages[64 * PAGE_SIZE]
	__attribute__((aligned(PAGE_SIZE)));

/* As the arch does before it powers off: what is waiting goes out. */
static void machine_off(void)
{
	console_flush();
	longjmp(off, 1);
}

static const uint64_t board_ids[4] = { 0x0, 0x1, 0x100, 0x101 };

static void add_vm(struct shikiri_plan_vm *v, unsigned i, const char *name,
		   uint64_t cpus)
{
	uint64_t pa = RAM_BASE + IMAGE_SIZE + i * VM_RAM;
	uint64_t off = (uint64_t)FOOTPRINT + 0x10000 + i * 0x2000;

	strcpy(v->name, name);
	v->cpu_mask = cpus;
	v->flags = SHIKIRI_VM_CONSOLE_VIRTUAL;
	v->console_base = 0x09000000;
	v->console_irq = 33;
	v->ram_count = 1;
	v->ram[0] = (struct shikiri_region){ RAM_BASE, pa, VM_RAM };
	v->payload_count = 2;
	v->payload[0] = (struct shikiri_payload){ off, 0x1000, RAM_BASE,
						  SHIKIRI_PAYLOAD_KERNEL, 0 };
	v->payload[1] = (struct shikiri_payload){ off + 0x1000, 0x1000,
						  RAM_BASE + 0x10000,
						  SHIKIRI_PAYLOAD_DTB, 0 };
	v->payload[1].crc32 =
		plan_crc32(0, ram + v->payload[1].offset, v->payload[1].size);
	v->entry_ipa = RAM_BASE;
	v->boot_info_ipa = RAM_BASE + 0x10000;
}

/* Two VMs, "linux0" on the CPUs 0x0 and 0x1, "linux1" on 0x100, 0x101. */
static void make_plan(void)
{
	struct shikiri_plan_vm *v = plan->vm;

	memset(plan, 0, sizeof(*plan) + 2 * sizeof(*v));
	plan->magic = SHIKIRI_PLAN_MAGIC;
	plan->revision = SHIKIRI_PLAN_REVISION;
	plan->vm_count = 2;
	plan->size = sizeof(*plan) + 2 * sizeof(*v);
	plan->image_size = IMAGE_SIZE;
	plan->board = (struct shikiri_plan_board){
		.arch = SHIKIRI_ARCH_AARCH64,
		.ram_count = 1,
		.ram = { { RAM_BASE, RAM_SIZE } },
		.uart_base = 0x09000000,
		.uart_irq = 33,
		.cpu_count = 4,
		.hw.aarch64 = {
			.gicd_base = 0x08000000,
			.gicr_base = 0x080a0000,
			.gicr_size = 0xf60000,
			.timer_virt_intid = 27,
			.gic_maint_intid = 25,
		},
	};
	memcpy(plan->board.cpu_id, board_ids, sizeof(board_ids));
	add_vm(&v[0], 0, "linux0", 0x3);
	add_vm(&v[1], 1, "linux1", 0xc);
	plan->crc32 = plan_compute_crc(plan);
}

/* The same CPUs, the same image, a clean slate. */
static int setup(void **state)
{
	(void)state;
	if (!ram) {
		ram = mmap((void *)(uintptr_t)RAM_BASE, RAM_SIZE,
			   PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			   -1, 0);
		assert_ptr_equal(ram, (void *)(uintptr_t)RAM_BASE);
		/* The payloads: recognisable, never all zero. */
		memset(ram, 0xa5, IMAGE_SIZE);
		plan = (struct shikiri_plan *)(ram + FOOTPRINT);
	}
	make_plan();
	fake_reset();
	fake_sysreg_reset();
	fake_boot_reset();
	fake_pci_reset();
	memset(&fake_smmu, 0, sizeof(fake_smmu));
	memcpy(fake_cpu.hw_id, board_ids, sizeof(board_ids));
	fake_cpu.pcpu = 2; /* not the first in the list */
	fake_hv =
		(struct fake_hv){ .idle = &parked, .system_off = machine_off };
	fake_boot.info = BOOT_INFO;
	fake_boot.info_size = BOOT_INFO_SIZE;
	fake_boot.entropy = "fake loader seeds";
	fake_boot.entropy_size = 17;
	memset(vms, 0, sizeof(vms));
	memset(pcpus, 0, sizeof(pcpus));
	vm_count = pcpu_count = 0;
	page_pool_init(&hv_pages, pool_pages, sizeof(pool_pages) / PAGE_SIZE);
	return 0;
}

/* Run the boot flow to where the boot CPU parks (true) or powers off. */
static bool boot(uint64_t info)
{
	if (setjmp(off))
		return false;
	if (setjmp(parked)) {
		console_flush();
		return true;
	}
	boot_primary(info, RAM_BASE, FOOTPRINT);
}

static void boots_every_vm_and_starts_the_other_cpus(void **state)
{
	char banner[96];

	(void)state;
	assert_true(boot(BOOT_INFO));
	snprintf(banner, sizeof(banner),
		 "shikiri: shikiri on %s: %s, loaded at 0x40000000, boot CPU "
		 "0x100\r\n",
		 plat_name, arch_hv_level);
	assert_non_null(strstr(fake_boot.out, banner));
	assert_true(fake_boot.console_started);
	assert_int_equal(fake_boot.mmu_calls, 1);
	assert_int_equal(fake_boot.mmu_base, RAM_BASE);
	assert_int_equal(fake_boot.mmu_size, IMAGE_SIZE);
	assert_int_equal(fake_boot.platform_boot_pcpu, 2);

	assert_int_equal(pcpu_count, 4);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(pcpus[i].hw_id, board_ids[i]);
	assert_int_equal(vm_count, 2);
	assert_string_equal(vms[1].name, "linux1");
	assert_int_equal(vms[1].vcpu_count, 2);
	assert_int_equal(vms[1].vcpu[1].pcpu, 3);
	assert_ptr_equal(pcpus[3].vcpu, &vms[1].vcpu[1]);
	for (unsigned i = 0; i < 2; i++)
		assert_int_equal(vms[i].life.state, VM_STARTING);
	assert_ptr_equal(console_focus(), &vms[0]);

	/* Only the boot CPU was set up here; the others by their own. */
	assert_int_equal(fake_boot.cpu_inits[2], 1);
	assert_int_equal(fake_boot.cpu_inits[0] + fake_boot.cpu_inits[1] +
				 fake_boot.cpu_inits[3],
			 0);
	assert_int_equal(fake_boot.start_count, 3);
	for (unsigned n = 0, i = 0; i < 4; i++) {
		if (i == 2)
			continue;
		assert_int_equal(fake_boot.started_idx[n], i);
		assert_int_equal(fake_boot.started_hw_id[n], board_ids[i]);
		n++;
	}
}

/*
 * The seed key takes what the loader handed over and the CPU's random
 * words, and the log says how much of each, in the arch's words; with
 * neither, it warns.
 */
static void the_boot_log_says_where_the_seeds_came_from(void **state)
{
	(void)state;
	fake_boot.rng_words = 2;
	assert_true(boot(BOOT_INFO));
	assert_int_equal(fake_boot.entropy_calls, 1);
	assert_int_equal(fake_boot.entropy_info, BOOT_INFO);
	assert_int_equal(fake_boot.rng_words, 0);
	assert_non_null(strstr(fake_boot.out,
			       "shikiri: seeds: keyed from 17 bytes of the "
			       "loader's fake seeds and 2 FAKERNG words\r\n"));

	setup(NULL);
	assert_true(boot(BOOT_INFO + 0x1000)); /* nothing there */
	assert_non_null(strstr(fake_boot.out,
			       "shikiri: WARNING: no random bytes from the "
			       "loader (no fake seeds) nor the CPU (no "
			       "FAKERNG): the VMs' seeds are guessable\r\n"));
}

/* A CPU that does not come up is reported; the boot goes on. */
static void a_cpu_that_does_not_start_is_reported(void **state)
{
	(void)state;
	fake_boot.start_ret = -2;
	assert_true(boot(BOOT_INFO));
	assert_int_equal(fake_boot.start_count, 3);
	assert_non_null(strstr(fake_boot.out, "shikiri: CPU 3 (0x101) did not "
					      "start: error -2\r\n"));
	assert_int_equal(vms[1].life.state, VM_STARTING);
}

/* The hand-over is kept clear of every VM: a VM on it is refused. */
static void a_vm_on_the_loader_hand_over_is_refused(void **state)
{
	(void)state;
	fake_boot.info = plan->vm[1].ram[0].pa + 0x1000;
	assert_false(boot(fake_boot.info));
	assert_non_null(strstr(fake_boot.out,
			       "boot plan rejected: RAM overlaps the "
			       "boot DTB (vm 1)\r\n"));
	assert_int_equal(fake_boot.mmu_calls, 0);
	assert_int_equal(vm_count, 0);
	assert_int_equal(fake_boot.start_count, 0);
}

static void a_plan_for_another_uart_is_refused(void **state)
{
	(void)state;
	plan->board.uart_base = 0x09040000;
	plan->crc32 = plan_compute_crc(plan);
	assert_false(boot(BOOT_INFO));
	assert_non_null(strstr(fake_boot.out,
			       "boot plan rejected: console UART is not "
			       "this platform's\r\n"));
	assert_non_null(
		strstr(fake_boot.out, "nothing was booted; powering off\r\n"));
	assert_int_equal(vm_count, 0);
	assert_int_equal(fake_boot.start_count, 0);
}

static void a_boot_cpu_the_plan_does_not_list_is_refused(void **state)
{
	(void)state;
	fake_cpu.hw_id[2] = 0x200;
	assert_false(boot(BOOT_INFO));
	assert_non_null(strstr(fake_boot.out,
			       "boot plan rejected: boot CPU is not in "
			       "the plan's CPU list\r\n"));
	assert_int_equal(fake_boot.mmu_calls, 0);
}

/*
 * A region shared by both VMs, read-only for linux1: zeroed once before
 * the VMs start, mapped by each VM's stage 2 at its IPA (read-only normal
 * memory for linux1), its function on each VM's virtual bus, the boot log
 * saying so.
 */
static void a_shared_region_is_zeroed_and_mapped_by_each_vm(void **state)
{
	const uint64_t region = RAM_BASE + 0x800000, ipa = 0x7fffe00000ull;
	enum pgtable_mem mem;
	uint64_t pa;

	(void)state;
	memset((void *)(uintptr_t)region, 0x5a, VM_RAM);
	plan->shm_count = 1;
	plan->shm[0] = (struct shikiri_plan_shm){
		.name = "ring0", .pa = region, .size = VM_RAM, .vm_mask = 0x3
	};
	for (unsigned v = 0; v < 2; v++)
		plan_fixture_shm_view(&plan->vm[v], 0, 0, ipa,
				      v ? SHIKIRI_SHM_READ_ONLY : 0, 0xffe00000,
				      0xfff00000);
	plan->crc32 = plan_compute_crc(plan);
	assert_true(boot(BOOT_INFO));
	for (uint64_t i = 0; i < VM_RAM; i++)
		assert_int_equal(((unsigned char *)(uintptr_t)region)[i], 0);
	assert_int_equal(pgtable_lookup(&vms[0].arch.stage2, ipa + 0x1000, &pa,
					NULL, &mem),
			 0);
	assert_int_equal(pa, region + 0x1000);
	assert_int_equal(mem, PGTABLE_MEM_NORMAL);
	assert_int_equal(
		pgtable_lookup(&vms[1].arch.stage2, ipa, &pa, NULL, &mem), 0);
	assert_int_equal(pa, region);
	assert_int_equal(mem, PGTABLE_MEM_RODATA);
	/* The register page is trapped, not mapped. */
	assert_int_equal(pgtable_lookup(&vms[1].arch.stage2, 0xfff00000, NULL,
					NULL, NULL),
			 -HV_ENOENT);
	assert_non_null(mmio_find(&vms[1].mmio, 0xfff00000, 4));
	assert_non_null(mmio_find(&vms[1].mmio, 0xffe00000, 4));
	assert_int_equal(vms[1].shm.count, 1);
	assert_non_null(strstr(fake_boot.out,
			       "shikiri: vm linux1: shm ring0 2 MiB at IPA "
			       "0x7fffe00000 (PA 0x40800000) ro, doorbell "
			       "INTID 40\r\n"));
}

#define PCI_WINDOW 0x10000000ull
#define EDU_DEVFN 0x20u
#define EDU_INTID 35u

/*
 * linux1 at its physical address (no SMMU on this board) owning edu at
 * 00:04.0, whose 1 MiB BAR sits at @bar (0: for the hypervisor to place),
 * with a 16 MiB window; its virtual bus at 0xffe00000.
 */
static void give_edu(uint64_t bar)
{
	struct shikiri_plan_vm *v = &plan->vm[1];
	uint64_t delta = v->ram[0].pa - v->ram[0].ipa;
	struct fake_pci_fn *f =
		fake_pci_add(EDU_DEVFN, 0x11e81234u, 0x00ff0000u, PCI_WINDOW);

	fake_pci_bar(f, 0, bar, 0x100000, false, false);
	fake_pci_ready(f);
	plan->board.pci = (struct shikiri_plan_pci){
		.ecam_base = 0x4010000000ull,
		.ecam_size = 0x10000000ull,
		.bus_last = 0xff,
		.mem = { { PCI_WINDOW, 0x2eff0000ull } },
		.flags = bar ? 0 : SHIKIRI_PCI_BOARD_ASSIGN_BARS,
		.sid_base = 0x100,
	};
	v->ram[0].ipa += delta;
	v->payload[0].ipa += delta;
	v->payload[1].ipa += delta;
	v->entry_ipa += delta;
	v->boot_info_ipa += delta;
	v->pci_count = 1;
	v->pci[0] = (struct shikiri_pci_fn){ EDU_DEVFN, EDU_INTID, 1, 0 };
	v->vpci_ecam_ipa = 0xffe00000ull;
	v->arch.aarch64.pci_mem[0] =
		(struct shikiri_range){ PCI_WINDOW, 0x1000000 };
	plan->crc32 = plan_compute_crc(plan);
}

static void a_pci_function_gets_its_bar_bus_and_line(void **state)
{
	enum pgtable_mem mem;
	uint64_t pa;

	(void)state;
	give_edu(0);
	assert_true(boot(BOOT_INFO));
	assert_non_null(strstr(fake_boot.out,
			       "shikiri: vm linux1: pci 00:04.0 1234:11e8"));
	/* The BAR placed at the window's base, mapped there in linux1's
	 * stage 2 as device memory, in no one else's. */
	assert_int_equal(fake_pci_cfg32(fake_pci_find(EDU_DEVFN), 0x10),
			 PCI_WINDOW);
	assert_int_equal(pgtable_lookup(&vms[1].arch.stage2,
					PCI_WINDOW + 0xff000, &pa, NULL, &mem),
			 0);
	assert_int_equal(pa, PCI_WINDOW + 0xff000);
	assert_int_equal(mem, PGTABLE_MEM_DEVICE);
	assert_int_equal(pgtable_lookup(&vms[1].arch.stage2,
					PCI_WINDOW + 0x100000, NULL, NULL,
					NULL),
			 -HV_ENOENT);
	assert_int_equal(pgtable_lookup(&vms[0].arch.stage2, PCI_WINDOW, NULL,
					NULL, NULL),
			 -HV_ENOENT);
	/* Its config space on linux1's bus at its own slot; the board's
	 * ECAM trapped for no VM. */
	assert_int_equal(vpci_config_read(&vms[1].vpci, EDU_DEVFN, 0, 4),
			 0x11e81234u);
	assert_int_equal(vpci_config_read(&vms[1].vpci, EDU_DEVFN, 0x10, 4),
			 PCI_WINDOW);
	assert_null(mmio_find(&vms[1].mmio, 0x4010000000ull, 4));
	/* Its INTx: linux1's SPI of the same INTID, backed by the line. */
	assert_int_equal(vms[1].arch.vgic.spi[EDU_INTID - 32].phys, EDU_INTID);
	assert_int_equal(vms[0].arch.vgic.spi[EDU_INTID - 32].phys, 0);
	/* Its stream (RID + sid_base) given to linux1 in the SMMU. */
	assert_int_equal(fake_smmu.count, 1);
	assert_ptr_equal(fake_smmu.vm[0], &vms[1]);
	assert_int_equal(fake_smmu.sid[0], 0x100 + EDU_DEVFN);
}

static void a_function_the_smmu_refuses_refuses_the_plan(void **state)
{
	(void)state;
	give_edu(0);
	fake_smmu.attach_ret = -HV_EBUSY;
	assert_false(boot(BOOT_INFO));
	assert_non_null(strstr(fake_boot.out, "vm linux1: its PCI functions "
					      "cannot be given to it (-4)"));
	assert_non_null(strstr(fake_boot.out, "boot plan rejected: VM set-up "
					      "failed"));
}

static void a_bar_outside_the_vms_window_is_refused(void **state)
{
	(void)state;
	/* Where firmware left it: in the board's window, not linux1's. */
	give_edu(PCI_WINDOW + 0x2000000);
	assert_false(boot(BOOT_INFO));
	assert_non_null(strstr(fake_boot.out,
			       "vm linux1: PCI memory 0x12000000-0x120fffff "
			       "lies outside the VM's PCI windows"));
	assert_non_null(strstr(fake_boot.out, "boot plan rejected: VM set-up "
					      "failed"));
}

static void a_board_the_arch_cannot_map_is_refused(void **state)
{
	(void)state;
	fake_boot.mmu_ret = -1;
	assert_false(boot(BOOT_INFO));
	assert_non_null(strstr(fake_boot.out,
			       "boot plan rejected: cannot map the board\r\n"));
	assert_int_equal(vm_count, 0);
	assert_int_equal(fake_boot.platform_boot_pcpu, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(boots_every_vm_and_starts_the_other_cpus,
				       setup),
		cmocka_unit_test_setup(
			the_boot_log_says_where_the_seeds_came_from, setup),
		cmocka_unit_test_setup(a_cpu_that_does_not_start_is_reported,
				       setup),
		cmocka_unit_test_setup(a_vm_on_the_loader_hand_over_is_refused,
				       setup),
		cmocka_unit_test_setup(a_plan_for_another_uart_is_refused,
				       setup),
		cmocka_unit_test_setup(
			a_boot_cpu_the_plan_does_not_list_is_refused, setup),
		cmocka_unit_test_setup(a_board_the_arch_cannot_map_is_refused,
				       setup),
		cmocka_unit_test_setup(
			a_shared_region_is_zeroed_and_mapped_by_each_vm, setup),
		cmocka_unit_test_setup(a_pci_function_gets_its_bar_bus_and_line,
				       setup),
		cmocka_unit_test_setup(a_bar_outside_the_vms_window_is_refused,
				       setup),
		cmocka_unit_test_setup(
			a_function_the_smmu_refuses_refuses_the_plan, setup),
	};

	return cmocka_run_group_tests_name("boot_flow", tests, NULL, NULL);
}
