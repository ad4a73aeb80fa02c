/* SPDX-License-Identifier: MIT */
/*
 * What an x86 VM may see and touch, whichever vendor runs it: CPUID as
 * the host's minus what the VM must not use, MSRs by an allow-list, I/O
 * ports and the APIC pages through the emulated PC of X86_PLAN.md, and
 * interrupts only between the VM's own vCPUs.  Every value here comes
 * from the guest and is bounded before use.
 */
#include "arch/lapic.h"
#include "arch/pci_x86.h"
#include "arch/vcpu.h"
#include "arch/x86.h"
#include "arch/x86_emulate.h"
#include "asm_defs.h"
#include "hv/arch/cpu.h"
#include "hv/errno.h"
#include "hv/print.h"
#include "hv/vm.h"
#include "hv/vuart.h"

#define MSR_TSC 0x10
#define MSR_APIC_BASE 0x1b
#define MSR_PATCH_LEVEL 0x8b
#define MSR_MTRRCAP 0xfe
#define MSR_MTRR_DEF_TYPE 0x2ff
#define MSR_K7_HWCR 0xc0010015
#define MSR_K8_INT_PENDING_MSG 0xc0010055
#define APIC_BASE_BSP BIT(8)
#define APIC_BASE_ENABLE BIT(11)
#define NS_PER_S 1000000000ull

/* CPUID bits the guest must not see (APM vol. 3 appendix E). */
#define CPUID1_ECX_MONITOR BIT(3)
#define CPUID1_ECX_VMX BIT(5)
#define CPUID1_ECX_X2APIC BIT(21)
#define CPUID1_ECX_TSC_DEADLINE BIT(24)
#define CPUID1_ECX_OSXSAVE BIT(27)
#define CPUID1_ECX_HYPERVISOR BIT(31)
#define CPUID1_EDX_MCE BIT(7)
#define CPUID1_EDX_MTRR BIT(12)
#define CPUID1_EDX_MCA BIT(14)
#define CPUID1_EDX_HTT BIT(28)
#define CPUID81_ECX_CMP_LEGACY BIT(1)
#define CPUID81_ECX_SVM BIT(2)
#define CPUID81_ECX_EXTAPIC BIT(3)
#define CPUID81_ECX_SKINIT BIT(12)
#define CPUID81_ECX_WDT BIT(13)
#define CPUID81_ECX_TOPOEXT BIT(22)
#define CPUID81_ECX_MONITORX BIT(29)
#define CPUID81_EDX_MCE BIT(7)
#define CPUID81_EDX_MTRR BIT(12)
#define CPUID81_EDX_MCA BIT(14)
#define CR4_OSXSAVE BIT(18)

/*
 * MSRs the guest reaches directly: the syscall and segment-base state that
 * VMLOAD/VMSAVE switch with the guest, and TSC_AUX, which the hypervisor
 * never uses: it resets it at each vCPU start (cpu_reset.c) and passes it
 * only where the CPU has it (svm.c msrpm_allow()).  Everything else traps.
 */
const uint32_t x86_msr_passthrough[] = {
	0x174,	    /* SYSENTER_CS */
	0x175,	    /* SYSENTER_ESP */
	0x176,	    /* SYSENTER_EIP */
	0xc0000081, /* STAR */
	0xc0000082, /* LSTAR */
	0xc0000083, /* CSTAR */
	0xc0000084, /* SFMASK */
	0xc0000100, /* FS_BASE */
	0xc0000101, /* GS_BASE */
	0xc0000102, /* KERNEL_GS_BASE */
	0xc0000103, /* TSC_AUX */
};
const unsigned x86_msr_passthrough_count = ARRAY_SIZE(x86_msr_passthrough);

uint64_t x86_now_ns(void)
{
	uint64_t t = rdtsc(), hz = lapic_tsc_hz();

	return t / hz * NS_PER_S + t % hz * NS_PER_S / hz;
}

void x86_cpuid(const struct vcpu *v, uint32_t leaf, uint32_t sub, uint64_t cr4,
	       uint32_t r[4])
{
	uint32_t n = v->vm->vcpu_count;

	/* No paravirtual interface: the hypervisor leaves read as absent. */
	if (leaf >= 0x40000000 && leaf <= 0x4fffffff) {
		r[0] = r[1] = r[2] = r[3] = 0;
		return;
	}
	cpuid(leaf, sub, r);
	switch (leaf) {
	case 1:
		r[1] = (r[1] & 0xffff) | (uint32_t)v->id << 24 |
		       (n & 0xff) << 16;
		r[2] &= ~(CPUID1_ECX_MONITOR | CPUID1_ECX_VMX |
			  CPUID1_ECX_X2APIC | CPUID1_ECX_TSC_DEADLINE |
			  CPUID1_ECX_OSXSAVE);
		r[2] |= CPUID1_ECX_HYPERVISOR;
		if (cr4 & CR4_OSXSAVE)
			r[2] |= CPUID1_ECX_OSXSAVE;
		/*
		 * No machine-check architecture: its MSRs are the physical
		 * CPU's error state and #GP here, and a kernel that sees
		 * MCE/MCA reads them at boot and panics on the #GP (Linux
		 * mce_rdmsrl(), ex_handler_msr_mce()).
		 */
		r[3] &= ~(CPUID1_EDX_MTRR | CPUID1_EDX_HTT | CPUID1_EDX_MCE |
			  CPUID1_EDX_MCA);
		if (n > 1)
			r[3] |= CPUID1_EDX_HTT;
		break;
	case 5:	   /* MONITOR/MWAIT */
	case 0xb:  /* x2APIC topology */
	case 0x1f: /* its v2 */
		r[0] = r[1] = r[2] = r[3] = 0;
		break;
	case 0x80000001:
		r[2] &= ~(CPUID81_ECX_CMP_LEGACY | CPUID81_ECX_SVM |
			  CPUID81_ECX_EXTAPIC | CPUID81_ECX_SKINIT |
			  CPUID81_ECX_WDT | CPUID81_ECX_TOPOEXT |
			  CPUID81_ECX_MONITORX);
		r[3] &= ~(CPUID81_EDX_MTRR | CPUID81_EDX_MCE | CPUID81_EDX_MCA);
		break;
	case 0x80000008:
		/* NC = cores - 1, APIC ID size from NC (legacy method). */
		r[2] = (n - 1) & 0xff;
		break;
	case 0x8000000a: /* SVM features */
	case 0x8000001e: /* TOPOEXT IDs */
	case 0x8000001f: /* memory encryption */
		r[0] = r[1] = r[2] = r[3] = 0;
		break;
	default:
		break;
	}
}

int x86_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	switch (msr) {
	case MSR_TSC:
		*val = rdtsc();
		return 0;
	case MSR_APIC_BASE:
		*val = VLAPIC_BASE | APIC_BASE_ENABLE |
		       (v->id == 0 ? APIC_BASE_BSP : 0);
		return 0;
	case MSR_PATCH_LEVEL:
	case MSR_MTRRCAP:
	case MSR_MTRR_DEF_TYPE:
	case MSR_K7_HWCR:
	case MSR_K8_INT_PENDING_MSG: /* no C1E: Linux reads it unchecked */
		*val = 0;
		return 0;
	default:
		return -HV_EPERM;
	}
}

int x86_msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
	(void)v;
	switch (msr) {
	case MSR_APIC_BASE:
		/* The xAPIC stays where it is, enabled: other values refused. */
		return (val & ~(uint64_t)APIC_BASE_BSP) ==
				       (VLAPIC_BASE | APIC_BASE_ENABLE) ?
			       0 :
			       -HV_EPERM;
	case MSR_PATCH_LEVEL:
	case MSR_MTRR_DEF_TYPE:
	case MSR_K7_HWCR:
		/* Written by firmware-like code; keep reading as before. */
		return 0;
	default:
		return -HV_EPERM;
	}
}

int x86_io(struct vcpu *v, uint16_t port, unsigned size, bool write,
	   uint32_t *val)
{
	struct arch_vm *a = &v->vm->arch;
	int ret;

	/* Outside pio_lock: the PCI filter takes locks of its own. */
	if (v->vm->plan->pci_count && pci_guest_io(v, port, size, write, val))
		return 0;
	spin_lock(&a->pio_lock);
	ret = pio_access(&a->pio, port, size, write, val, x86_now_ns());
	spin_unlock(&a->pio_lock);
	return ret;
}

#define PTE_ADDR 0x000ffffffffff000ull

#define CR4_PAE_BIT BIT(5)
#define CR4_PSE BIT(4)
#define EFER_LMA BIT(10)

/* Guest-physical @gpa of @len bytes in the VM's RAM, as a pointer. */
static const void *guest_ram(const struct vm *vm, uint64_t gpa, uint64_t len)
{
	return (const void *)(uintptr_t)vm_ram_pa(vm, gpa, len);
}

/*
 * Translate @la through the guest's own page tables (APM vol. 2 5.3:
 * long mode 4 levels, legacy 32-bit 2 levels; PAE without long mode is
 * not walked) to a guest-physical address.  Return: 0 or -HV_EFAULT.
 */
static int guest_walk(const struct vm *vm, const struct x86_guest *g,
		      uint64_t la, uint64_t *gpa)
{
	uint64_t table = g->cr3 & PTE_ADDR;

	if (!(g->cr0 & CR0_PG)) {
		*gpa = la & 0xffffffffu;
		return 0;
	}
	if (g->efer & EFER_LMA) {
		for (int level = 4; level >= 1; level--) {
			unsigned shift = 12 + 9 * (unsigned)(level - 1);
			const uint64_t *e = guest_ram(
				vm, table + ((la >> shift) & 511) * 8, 8);

			if (!e || !(*e & PTE_P))
				return -HV_EFAULT;
			if (level == 1 || (level <= 3 && (*e & PTE_PS))) {
				uint64_t mask = (1ull << shift) - 1;

				*gpa = (*e & PTE_ADDR & ~mask) | (la & mask);
				return 0;
			}
			table = *e & PTE_ADDR;
		}
		return -HV_EFAULT;
	}
	if (g->cr4 & CR4_PAE_BIT)
		return -HV_EFAULT;
	{
		const uint32_t *pde = guest_ram(
			vm, (table & 0xfffff000u) + ((la >> 22) & 1023) * 4, 4);
		const uint32_t *pte;

		if (!pde || !(*pde & PTE_P))
			return -HV_EFAULT;
		if ((*pde & PTE_PS) && (g->cr4 & CR4_PSE)) {
			*gpa = (*pde & 0xffc00000u) | (la & 0x3fffff);
			return 0;
		}
		pte = guest_ram(
			vm, (*pde & 0xfffff000u) + ((la >> 12) & 1023) * 4, 4);
		if (!pte || !(*pte & PTE_P))
			return -HV_EFAULT;
		*gpa = (*pte & 0xfffff000u) | (la & 0xfff);
		return 0;
	}
}

/* Up to X86_INSN_MAX bytes at the guest's RIP; Return: how many, or 0. */
static unsigned fetch_insn(const struct vm *vm, const struct x86_guest *g,
			   uint8_t *buf)
{
	uint64_t la = g->cs_base + g->rip;
	unsigned got = 0;

	while (got < X86_INSN_MAX) {
		uint64_t gpa, chunk = MIN(X86_INSN_MAX - got,
					  SZ_4K - ((la + got) & (SZ_4K - 1)));
		const uint8_t *src;

		if (guest_walk(vm, g, la + got, &gpa))
			break;
		src = guest_ram(vm, gpa, chunk);
		if (!src)
			break;
		for (unsigned i = 0; i < chunk; i++)
			buf[got + i] = src[i];
		got += (unsigned)chunk;
	}
	return got;
}

struct mmio_ctx {
	struct vcpu *vcpu;
	const struct mmio_region *region;
	uint64_t off;
	bool wrote; /* for exit_why_mmio(): a write, or a read-modify-write */
};

static int mmio_read(void *ctx, unsigned size, uint64_t *val)
{
	struct mmio_ctx *m = ctx;

	return m->region->ops->read(m->vcpu, m->region->priv, m->off, size,
				    val);
}

static int mmio_write(void *ctx, unsigned size, uint64_t val)
{
	struct mmio_ctx *m = ctx;

	m->wrote = true;
	return m->region->ops->write(m->vcpu, m->region->priv, m->off, size,
				     val);
}

static const struct x86_mem_ops mmio_mem_ops = {
	.read = mmio_read,
	.write = mmio_write,
};

int x86_mmio(struct vcpu *v, uint64_t gpa, struct x86_guest *g)
{
	struct mmio_ctx m = { .vcpu = v };
	struct x86_insn in;
	uint8_t bytes[X86_INSN_MAX];
	unsigned got;
	int ret;

	m.region = mmio_find(&v->vm->mmio, gpa, 1);
	if (!m.region)
		return 0;
	m.off = gpa - m.region->base;
	got = fetch_insn(v->vm, g, bytes);
	if (!got)
		return -HV_EFAULT;
	ret = x86_decode(bytes, got, g->mode, &in);
	if (ret)
		return ret;
	/* The whole access must stay inside the one device's region. */
	if (!mmio_find(&v->vm->mmio, gpa, in.size))
		return -HV_ERANGE;
	ret = x86_emulate(&in, g->gpr, &g->rflags, &mmio_mem_ops, &m);
	if (ret)
		return ret;
	v->stats.exits[ARCH_EXIT_MMIO]++;
	exit_why_mmio(&v->arch.why, m.region->base, m.off, m.wrote);
	g->rip += in.len;
	return in.len;
}
