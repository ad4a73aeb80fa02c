/* SPDX-License-Identifier: MIT */
/*
 * The x86-64 steps of the boot flow (hv/arch/boot.h, hv/core/main.c):
 * head.S gets here in long mode on CPU 0's stack with the Multiboot block;
 * the loader's memory map is copied and checked against the plan's RAM;
 * the other CPUs start through the real-mode trampoline (head.S) copied to
 * the board's trampoline page below 1 MiB.
 */
#include <string.h>

#include "arch/ioapic.h"
#include "arch/lapic.h"
#include "arch/multiboot.h"
#include "arch/pci_x86.h"
#include "arch/percpu.h"
#include "arch/wallclock.h"
#include "arch/x86.h"
#include "asm_defs.h"
#include "hv/arch/boot.h"
#include "hv/arch/cpu.h"
#include "hv/console.h"
#include "hv/drivers/ns16550.h"
#include "hv/errno.h"
#include "hv/plan_check.h"
#include "hv/platform.h"
#include "hv/print.h"
#include "hv/vm.h"

/*
 * Where the boot CPU finds its local APIC before any plan is read: the
 * architectural reset value of IA32_APIC_BASE (SDM 11.4.4).  The plan's
 * board then says where every APIC is.
 */
#define LAPIC_RESET_BASE 0xfee00000ull
/* How long an AP has to reach C code after its SIPIs. */
#define AP_TIMEOUT_US 1000000u

const char arch_hv_level[] = "long mode";
const char arch_loader_seed_name[] = "Multiboot seeds";
const char arch_rng_name[] = "RDRAND";

extern uint32_t boot_magic;
extern uint32_t ap_starting, ap_index;
extern uint64_t ap_stack;
extern const char ap_trampoline[], ap_trampoline_end[];
extern char __stacks[];
extern char _start[], _hv_end[];

int svm_cpu_init(unsigned idx);

/* Page tables, VMCBs and permission bitmaps of every VM. */
static unsigned char page_memory[1024 * PAGE_SIZE]
	__attribute__((aligned(4096)));
struct page_pool hv_pages;

static struct multiboot_mem loader_mem;
static int loader_ret;

/* From head.S, in long mode on CPU 0's stack. */
noreturn_fn void x86_boot_primary(uint32_t info, uint64_t load_base);
noreturn_fn void x86_boot_secondary(unsigned idx);

void x86_boot_primary(uint32_t info, uint64_t load_base)
{
	x86_cpu_early(0);
	lapic_init(LAPIC_RESET_BASE);
	/* Copied now: the block may lie where a VM's RAM will be. */
	loader_ret = multiboot_parse(boot_magic, info, &loader_mem);
	boot_primary(info, load_base, (uint64_t)(_hv_end - _start));
	for (;;)
		__asm__ volatile("cli; hlt");
}

void x86_boot_secondary(unsigned idx)
{
	x86_cpu_early(idx);
	__atomic_store_n(&x86_cpus[idx].arrived, true, __ATOMIC_RELEASE);
	boot_secondary(idx);
	for (;;)
		__asm__ volatile("cli; hlt");
}

const struct console_uart *arch_boot_console(void)
{
	return ns16550_init((uint16_t)plat_uart_base);
}

void arch_boot_loader_info(uint64_t info, uint64_t *base, uint64_t *size)
{
	/*
	 * The block was copied before the plan was read and is not looked
	 * at again, so a VM's RAM may cover it.
	 */
	(void)info;
	*base = 0;
	*size = 0;
}

size_t arch_boot_entropy(struct sha256 *s, uint64_t info)
{
	/* Multiboot hands over no random bytes: RDRAND is the source. */
	(void)s;
	(void)info;
	return 0;
}

static void log_loader_map(void)
{
	if (loader_ret || !loader_mem.loader) {
		hv_log("no memory map from the loader (magic 0x%x)",
		       boot_magic);
		return;
	}
	for (unsigned i = 0; i < loader_mem.count; i++)
		hv_log("%s RAM: 0x%lx-0x%lx", loader_mem.loader,
		       loader_mem.ram[i].base,
		       loader_mem.ram[i].base + loader_mem.ram[i].size - 1);
}

int arch_mmu_setup(const struct shikiri_plan_board *board, uint64_t hv_base,
		   uint64_t hv_size)
{
	log_loader_map();
	page_pool_init(&hv_pages, page_memory, sizeof(page_memory) / PAGE_SIZE);
	/* head.S mapped the low 4 GiB one to one; nothing may lie above. */
	for (unsigned i = 0; i < board->ram_count; i++)
		if (board->ram[i].base + board->ram[i].size > SZ_1G * 4)
			return -HV_ERANGE;
	/* The image must be RAM to the loader, which knows the machine. */
	if (loader_mem.count &&
	    !multiboot_covers(&loader_mem, hv_base, hv_size)) {
		hv_log("the image at 0x%lx (0x%lx bytes) is not in the loader's "
		       "RAM",
		       hv_base, hv_size);
		return -HV_ERANGE;
	}
	return 0;
}

void arch_platform_init(const struct shikiri_plan_board *board,
			unsigned boot_pcpu)
{
	lapic_calibrate();
	console_init_clock(lapic_console_clock());
	wallclock_init();
	ioapic_init(board->hw.x86_64.ioapic_base);
	pci_hv_map(board);
	ioapic_route(board->uart_irq - board->hw.x86_64.ioapic_gsi_base,
		     VEC_UART, (uint32_t)board->cpu_id[boot_pcpu]);
}

/* No IOMMU driver on x86-64: docs/x86.md says what that means for DMA. */
int arch_iommu_enable(void)
{
	return 0;
}

const struct plan_arch *arch_plan_rules(void)
{
	return &plan_arch_x86_64;
}

void arch_cpu_init(struct pcpu *p)
{
	if (p->id)
		lapic_init(hv_board->hw.x86_64.lapic_base);
	if (svm_cpu_init(p->id))
		hv_log("CPU %u: no usable SVM with nested paging: its VM cannot "
		       "run",
		       p->id);
}

int arch_cpu_start(unsigned idx, uint64_t apic_id)
{
	static bool copied;
	uint64_t t0, tramp = hv_board->hw.x86_64.trampoline;

	if (idx >= HV_MAX_CPUS)
		return -HV_EINVAL;
	if (!copied) {
		memcpy((void *)(uintptr_t)tramp, ap_trampoline,
		       (size_t)(ap_trampoline_end - ap_trampoline));
		copied = true;
	}
	ap_index = idx;
	ap_stack = (uintptr_t)__stacks + (idx + 1) * HV_STACK_SIZE;
	__atomic_store_n(&ap_starting, 1, __ATOMIC_RELEASE);
	lapic_start_ap((uint32_t)apic_id, tramp);
	/* One AP at a time: the next one reuses ap_index and ap_stack. */
	t0 = arch_counter();
	while (!__atomic_load_n(&x86_cpus[idx].arrived, __ATOMIC_ACQUIRE)) {
		if (arch_counter() - t0 >
		    AP_TIMEOUT_US * (lapic_tsc_hz() / 1000000))
			return -HV_EBUSY;
		cpu_relax();
	}
	return 0;
}
