/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU state of the x86-64 hypervisor: the shared GDT and IDT, the
 * per-CPU pointer through GS base, the interrupt and exception entry
 * (x86_trap), the idle loop, and machine power control.  Hypervisor code
 * runs with interrupts off (RFLAGS.IF = 0) everywhere but the idle loop and
 * the instant around VMRUN, so its handlers never nest.
 */
#include "arch/intx.h"
#include "arch/lapic.h"
#include "arch/pci_x86.h"
#include "arch/percpu.h"
#include "arch/x86.h"
#include "asm_defs.h"
#include "hv/arch/cpu.h"
#include "hv/arch/rng.h"
#include "hv/console.h"
#include "hv/drivers/ns16550.h"
#include "hv/print.h"
#include "hv/vm.h"

#define IDT_INTERRUPT_GATE 0x8e
#define PM1A_CNT 0x604 /* ICH9 PMBASE 0x600 as the firmware set it */
#define PM1_SLP_EN 0x2000
#define RESET_CONTROL 0xcf9

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t zero;
};

struct __attribute__((packed)) table_ptr {
	uint16_t limit;
	uint64_t base;
};

extern const char idt_stubs[];
extern const struct table_ptr boot_gdt_ptr;

char __stacks[HV_MAX_CPUS * HV_STACK_SIZE] __attribute__((aligned(4096)));
struct x86_cpu x86_cpus[HV_MAX_CPUS];
static struct idt_gate idt[256];

static const char *const exception_names[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
	"#DF", "?9",  "#TS", "#NP", "#SS", "#GP", "#PF", "?15",
	"#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "?22", "?23",
	"?24", "?25", "?26", "?27", "#HV", "#VC", "#SX", "?31",
};

static void idt_build(void)
{
	for (unsigned v = 0; v < 256; v++) {
		uint64_t a = (uintptr_t)idt_stubs + 16 * v;

		idt[v] = (struct idt_gate){
			.offset_lo = (uint16_t)a,
			.selector = SEL_CODE64,
			.type = IDT_INTERRUPT_GATE,
			.offset_mid = (uint16_t)(a >> 16),
			.offset_hi = (uint32_t)(a >> 32),
		};
	}
}

void x86_cpu_early(unsigned idx)
{
	struct table_ptr idtr = { sizeof(idt) - 1, (uintptr_t)idt };
	struct x86_cpu *c = &x86_cpus[idx];

	if (idx == 0)
		idt_build();
	__asm__ volatile("lgdt %0" : : "m"(boot_gdt_ptr));
	__asm__ volatile("lidt %0" : : "m"(idtr));
	c->self = c;
	c->pcpu = &pcpus[idx];
	wrmsr(MSR_GS_BASE, (uintptr_t)c);
}

struct pcpu *arch_this_pcpu(void)
{
	return x86_this_cpu()->pcpu;
}

unsigned arch_pcpu_id(void)
{
	return arch_this_pcpu()->id;
}

uint64_t arch_cpu_hw_id(void)
{
	return lapic_id();
}

void arch_kick(unsigned pcpu)
{
	lapic_send_ipi((uint32_t)pcpus[pcpu].hw_id, VEC_KICK);
}

void arch_dcache_clean(const void *start, uint64_t size)
{
	/* x86 caches are coherent with every agent that reads guest RAM. */
	(void)start;
	(void)size;
}

bool arch_mem_scrub(void *p, uint64_t size)
{
	/* RAM holds nothing but its data here. */
	(void)p;
	(void)size;
	return false;
}

bool arch_random(uint64_t *out)
{
	uint32_t r[4];
	uint8_t ok;

	cpuid(1, 0, r);
	*out = 0;
	if (!(r[2] & BIT(30)))
		return false;
	/* RDRAND may fail transiently; Intel's guidance is ten tries. */
	for (unsigned i = 0; i < 10; i++) {
		__asm__ volatile("rdrand %0; setc %1" : "=r"(*out), "=qm"(ok));
		if (ok)
			return true;
	}
	*out = 0;
	return false;
}

void arch_system_off(void)
{
	console_flush();
	/* ACPI S5 through PM1a_CNT: sleep type 0 is soft-off on QEMU's ICH9. */
	outw(PM1A_CNT, PM1_SLP_EN);
	for (;;)
		__asm__ volatile("cli; hlt");
}

void arch_system_reset(void)
{
	console_flush();
	outb(RESET_CONTROL, 0x06); /* full reset through the reset control */
	outb(0x64, 0xfe);	   /* the keyboard controller's pulse */
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* A fault in the hypervisor is a hypervisor bug: report it all, stop. */
static noreturn_fn void hv_fault(const struct x86_frame *f)
{
	hv_log("PANIC: %s (vector %lu) in the hypervisor on CPU %u: error "
	       "0x%lx RIP 0x%lx CR2 0x%lx RFLAGS 0x%lx",
	       exception_names[f->vector], f->vector, lapic_id(), f->error,
	       f->rip, read_cr2(), f->rflags);
	hv_log("  rax 0x%016lx rbx 0x%016lx rcx 0x%016lx", f->rax, f->rbx,
	       f->rcx);
	hv_log("  rdx 0x%016lx rsi 0x%016lx rdi 0x%016lx", f->rdx, f->rsi,
	       f->rdi);
	hv_log("  rbp 0x%016lx rsp 0x%016lx r8  0x%016lx", f->rbp, f->rsp,
	       f->r8);
	hv_log("  r9  0x%016lx r10 0x%016lx r11 0x%016lx", f->r9, f->r10,
	       f->r11);
	hv_log("  r12 0x%016lx r13 0x%016lx r14 0x%016lx", f->r12, f->r13,
	       f->r14);
	hv_log("  r15 0x%016lx", f->r15);
	arch_system_off();
}

void x86_trap(struct x86_frame *f)
{
	struct pcpu *p = arch_this_pcpu();

	switch (f->vector) {
	case VEC_TIMER:
		lapic_eoi();
		lapic_timer_expired();
		break;
	case VEC_KICK:
		/* The loop that was interrupted looks at the vCPU again. */
		lapic_eoi();
		p->stats.hv++;
		break;
	case VEC_UART:
		lapic_eoi();
		p->stats.hv++;
		console_rx_poll();
		ns16550_rx_reedge();
		break;
	case VEC_SPURIOUS:
		break;
	default:
		if (f->vector < 32)
			hv_fault(f);
		if (intx_irq((unsigned)f->vector))
			break;
		if (f->vector < VEC_INTX_FIRST &&
		    pci_msi_irq((unsigned)f->vector))
			break;
		hv_log("CPU %u: unexpected interrupt vector %lu", p->id,
		       f->vector);
		lapic_eoi();
		break;
	}
}

noreturn_fn void x86_idle_on_stack(void (*fn)(void), void *sp);

static noreturn_fn void idle_loop(void)
{
	struct pcpu *p = arch_this_pcpu();
	struct vcpu *v = p->vcpu;

	for (;;) {
		if (v && vm_vcpu_idle(v))
			arch_vcpu_start(v, v->boot_pc, v->boot_ctx);
		/*
		 * STI's one-instruction shadow makes "sti; hlt" atomic: a kick
		 * that came after the check above wakes the HLT.
		 */
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	}
}

void arch_idle(void)
{
	struct pcpu *p = arch_this_pcpu();

	/* Start from the top of the stack: whatever called us is abandoned. */
	x86_idle_on_stack(idle_loop, __stacks + (p->id + 1) * HV_STACK_SIZE);
}
