/* SPDX-License-Identifier: MIT */
/*
 * The boot flow, on the boot CPU: console, boot plan check, the
 * hypervisor's own map, VMs, then the other CPUs; every CPU ends up running
 * its vCPU or parked.  See docs/architecture.md.
 */
#include "hv/arch/boot.h"
#include "hv/arch/cpu.h"
#include "hv/arch/rng.h"
#include "hv/chacha20.h"
#include "hv/console.h"
#include "hv/page_pool.h"
#include "hv/plan_check.h"
#include "hv/platform.h"
#include "hv/print.h"
#include "hv/seed.h"
#include "hv/sha256.h"
#include "hv/shm.h"
#include "hv/vm.h"

#define PLAN_MAX_SIZE 0x100000u

#define RNDR_WORDS 4u

/*
 * The key of the guests' seeds (hv/seed.h): SHA-256 of every random byte
 * this boot was given.  The loader may carry fresh ones on every boot (on
 * Arm the device tree's /chosen/rng-seed and kaslr-seed, as QEMU, U-Boot
 * and UEFI stubs give them); the CPU's random number instruction adds its
 * own where it exists; the counter is the last resort, and alone it is
 * guessable.
 */
static void boot_entropy(uint64_t info, uint8_t key[SEED_KEY_SIZE])
{
	static const char domain[] = "shikiri seed key 1";
	struct sha256 s;
	uint64_t v;
	size_t dt;
	unsigned rndr = 0;

	sha256_init(&s);
	sha256_update(&s, domain, sizeof(domain));
	dt = arch_boot_entropy(&s, info);
	for (unsigned i = 0; i < RNDR_WORDS; i++)
		if (arch_random(&v)) {
			sha256_update(&s, &v, sizeof(v));
			rndr++;
		}
	v = arch_counter();
	sha256_update(&s, &v, sizeof(v));
	sha256_final(&s, key);
	chacha20_wipe(&v, sizeof(v));
	if (!dt && !rndr)
		hv_log("WARNING: no random bytes from the loader (no %s) nor "
		       "the CPU (no %s): the VMs' seeds are guessable",
		       arch_loader_seed_name, arch_rng_name);
	else
		hv_log("seeds: keyed from %lu bytes of the loader's %s and %u "
		       "%s words",
		       (unsigned long)dt, arch_loader_seed_name, rndr,
		       arch_rng_name);
}

/*
 * The plan's CRC covers the plan only; a VM's device tree is checked too,
 * because the hypervisor writes into it.  Kernels and initrds are not: a
 * CRC over tens of MiB would cost the boot a second under emulation.
 */
static bool dtbs_intact(const struct shikiri_plan_vm *vm, uint64_t image)
{
	for (unsigned i = 0; i < vm->payload_count; i++) {
		const struct shikiri_payload *p = &vm->payload[i];

		if (p->kind == SHIKIRI_PAYLOAD_DTB &&
		    plan_crc32(0, (const void *)(uintptr_t)(image + p->offset),
			       p->size) != p->crc32)
			return false;
	}
	return true;
}

static noreturn_fn void refuse(const char *what, int vm)
{
	if (vm >= 0)
		hv_log("boot plan rejected: %s (vm %d)", what, vm);
	else
		hv_log("boot plan rejected: %s", what);
	hv_log("nothing was booted; powering off");
	arch_system_off();
}

static void log_vm(const struct vm *vm)
{
	const struct shikiri_plan_vm *p = vm->plan;
	char cpus[48];
	size_t n = 0;

	for (unsigned i = 0; i < vm->vcpu_count; i++)
		n += print_snprintf(cpus + n, sizeof(cpus) - n, "%s%u",
				    i ? "," : "", vm->vcpu[i].pcpu);
	hv_log("vm %s: %u vCPUs on CPUs %s, %lu MiB at 0x%lx, entry 0x%lx",
	       vm->name, vm->vcpu_count, cpus, p->ram[0].size >> 20,
	       p->ram[0].pa, p->entry_ipa);
}

void boot_primary(uint64_t info, uint64_t load_base, uint64_t footprint)
{
	uint64_t plan_off = ALIGN_UP(footprint, SHIKIRI_PLAN_ALIGN);
	const struct shikiri_plan *plan =
		(const void *)(uintptr_t)(load_base + plan_off);
	uint64_t boot_id = arch_cpu_hw_id(), info_base, info_size;
	struct plan_limits limits;
	struct plan_error err;
	unsigned boot = SHIKIRI_MAX_CPUS;
	uint8_t key[SEED_KEY_SIZE];

	console_init(arch_boot_console(), NULL);
	hv_log("shikiri on %s: %s, loaded at 0x%lx, boot CPU 0x%lx", plat_name,
	       arch_hv_level, load_base, boot_id);
	arch_boot_loader_info(info, &info_base, &info_size);

	limits = (struct plan_limits){ .hv_base = load_base,
				       .hv_size = plan->image_size,
				       .fdt_base = info_base,
				       .fdt_size = info_size };
	if (plan_check(plan, PLAN_MAX_SIZE, arch_plan_rules(), &limits, &err))
		refuse(err.what, err.vm);
	if (plan->image_size < plan_off + plan->size)
		refuse("image smaller than hypervisor and plan", -1);
	if (plan->board.uart_base != plat_uart_base)
		refuse("console UART is not this platform's", -1);
	for (unsigned i = 0; i < plan->vm_count; i++)
		if (!dtbs_intact(&plan->vm[i], load_base))
			refuse("device tree payload CRC mismatch", (int)i);
	for (unsigned i = 0; i < plan->board.cpu_count; i++)
		if (plan->board.cpu_id[i] == boot_id)
			boot = i;
	if (boot == SHIKIRI_MAX_CPUS)
		refuse("boot CPU is not in the plan's CPU list", -1);

	hv_board = &plan->board;
	if (arch_mmu_setup(hv_board, load_base, plan->image_size))
		refuse("cannot map the board", -1);
	pcpu_count = hv_board->cpu_count;
	for (unsigned i = 0; i < pcpu_count; i++)
		pcpus[i] =
			(struct pcpu){ .id = i, .hw_id = hv_board->cpu_id[i] };
	arch_platform_init(hv_board, boot);

	shm_boot(plan);
	vm_count = plan->vm_count;
	for (unsigned i = 0; i < vm_count; i++) {
		if (vm_from_plan(&vms[i], i, &plan->vm[i],
				 (const void *)(uintptr_t)load_base, &hv_pages))
			refuse("VM set-up failed (page-table pool exhausted?)",
			       (int)i);
		log_vm(&vms[i]);
		if (!console_focus() &&
		    (plan->vm[i].flags & SHIKIRI_VM_CONSOLE_VIRTUAL))
			console_set_focus(&vms[i]);
	}
	if (arch_iommu_enable())
		refuse("the IOMMU did not come up", -1);

	arch_cpu_init(&pcpus[boot]);
	/* Each VM is loaded by its own vCPU 0's CPU, in parallel. */
	boot_entropy(info, key);
	vm_set_image((const void *)(uintptr_t)load_base, key);
	chacha20_wipe(key, sizeof(key));
	for (unsigned i = 0; i < vm_count; i++)
		vm_request(&vms[i], VM_REQ_START, VM_CAUSE_BOOT);
	for (unsigned i = 0; i < pcpu_count; i++) {
		int ret;

		if (i == boot)
			continue;
		ret = arch_cpu_start(i, pcpus[i].hw_id);
		if (ret)
			hv_log("CPU %u (0x%lx) did not start: error %d", i,
			       pcpus[i].hw_id, ret);
	}
	arch_idle();
}

void boot_secondary(unsigned idx)
{
	struct pcpu *p = &pcpus[idx];

	arch_cpu_init(p);
	arch_idle();
}
