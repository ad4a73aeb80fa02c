/* SPDX-License-Identifier: MIT */
/*
 * #VMEXIT dispatch for SVM: a const table indexed by exit code (APM vol. 2
 * appendix C) for every code below SVM_EXIT_TABLE, nested page faults
 * apart.  Without NRIPS (QEMU's TCG has none) the length of what is
 * skipped is known per exit: IOIO gives the next RIP in EXITINFO2; CPUID,
 * RDMSR, WRMSR, INVD, WBINVD and friends have fixed encodings; MMIO is
 * decoded (vcpu.c).  What a guest does wrong is reflected into it as the
 * CPU would (#GP, #UD) or ends that VM by its policy; never the machine.
 */
#include "arch/svm.h"
#include "arch/svm_exit.h"
#include "arch/vcpu.h"
#include "arch/x86.h"
#include "asm_defs.h"
#include "hv/arch/cpu.h"
#include "hv/errno.h"
#include "hv/print.h"
#include "hv/vm.h"

#define EXC_UD 6
#define EXC_GP 13
#define RFLAGS_TF BIT(8)
#define CS_ATTR_L BIT(9)
#define CS_ATTR_D BIT(10)
#define EFER_LMA BIT(10)
#define EFER_RESERVED 0xffffffffffff02feull /* beyond SCE LME LMA NXE ... */

typedef void (*exit_fn)(struct vcpu *v, struct vmcb *vmcb);

void svm_inject_exception(struct vmcb *vmcb, uint8_t vector, bool has_error,
			  uint32_t error)
{
	vmcb->control.event_inj = SVM_EVT_VALID | SVM_EVT_TYPE_EXC | vector |
				  (has_error ? SVM_EVT_ERR : 0) |
				  (uint64_t)error << 32;
}

/* Past an instruction of @len bytes emulated, as the CPU would. */
static void skip(struct vmcb *vmcb, uint64_t len)
{
	vmcb->save.rip += len;
	vmcb->control.int_state &= ~1ull; /* no STI/MOV SS shadow after it */
}

static uint64_t *gpr_of(struct vcpu *v, struct vmcb *vmcb, unsigned r)
{
	struct vcpu_regs *g = &v->arch.regs;

	switch (r) {
	case X86_RAX:
		return &vmcb->save.rax;
	case X86_RCX:
		return &g->rcx;
	case X86_RDX:
		return &g->rdx;
	case X86_RBX:
		return &g->rbx;
	case X86_RSP:
		return &vmcb->save.rsp;
	case X86_RBP:
		return &g->rbp;
	case X86_RSI:
		return &g->rsi;
	case X86_RDI:
		return &g->rdi;
	default:
		return &(&g->r8)[r - X86_R8];
	}
}

static void exit_intr(struct vcpu *v, struct vmcb *vmcb)
{
	/* Served at STGI, before this handler ran: nothing more to do. */
	(void)vmcb;
	v->stats.exits[ARCH_EXIT_IRQ]++;
	v->stats.exits[ARCH_EXIT_SYNC]--;
}

static void exit_vintr(struct vcpu *v, struct vmcb *vmcb)
{
	/* The guest can take an interrupt now; the loop injects it. */
	v->stats.exits[ARCH_EXIT_VINTR]++;
	vmcb->control.int_ctl &= ~SVM_V_IRQ;
	vmcb->control.intercept3 &= ~SVM_INT3_VINTR;
}

/*
 * The IRET of the guest's NMI handler, intercepted before it runs: NMIs
 * open once it has, i.e. from the next exit on (svm.c's loop).
 */
static void exit_iret(struct vcpu *v, struct vmcb *vmcb)
{
	vmcb->control.intercept3 &= ~SVM_INT3_IRET;
	v->arch.nmi_block = X86_NMI_IRET;
}

static void exit_cpuid(struct vcpu *v, struct vmcb *vmcb)
{
	uint32_t r[4];

	v->stats.exits[ARCH_EXIT_CPUID]++;
	x86_cpuid(v, (uint32_t)vmcb->save.rax, (uint32_t)v->arch.regs.rcx,
		  vmcb->save.cr4, r);
	vmcb->save.rax = r[0];
	v->arch.regs.rbx = r[1];
	v->arch.regs.rcx = r[2];
	v->arch.regs.rdx = r[3];
	skip(vmcb, 2);
}

static void exit_hlt(struct vcpu *v, struct vmcb *vmcb)
{
	v->stats.exits[ARCH_EXIT_HLT]++;
	skip(vmcb, 1);
	svm_wait_interrupt(v);
}

static int msr_read(struct vcpu *v, struct vmcb *vmcb, uint32_t msr,
		    uint64_t *val)
{
	if (msr == MSR_IA32_EFER) {
		*val = vmcb->save.efer & ~(uint64_t)EFER_SVME;
		return 0;
	}
	if (msr == MSR_IA32_PAT) {
		*val = vmcb->save.g_pat;
		return 0;
	}
	return x86_msr_read(v, msr, val);
}

/* Every PAT entry must name a memory type (SDM 11.12.2): 0,1,4,5,6,7. */
static bool pat_valid(uint64_t pat)
{
	for (unsigned i = 0; i < 8; i++) {
		uint8_t t = (uint8_t)(pat >> (8 * i));

		if (t > 7 || t == 2 || t == 3)
			return false;
	}
	return true;
}

static int msr_write(struct vcpu *v, struct vmcb *vmcb, uint32_t msr,
		     uint64_t val)
{
	if (msr == MSR_IA32_EFER) {
		if (val & EFER_RESERVED)
			return -HV_EPERM;
		/* LMA is the CPU's to set; SVME stays on under the guest. */
		vmcb->save.efer = (val & ~(uint64_t)EFER_LMA) |
				  (vmcb->save.efer & EFER_LMA) | EFER_SVME;
		return 0;
	}
	if (msr == MSR_IA32_PAT) {
		if (!pat_valid(val))
			return -HV_EPERM;
		vmcb->save.g_pat = val;
		return 0;
	}
	return x86_msr_write(v, msr, val);
}

static void exit_msr(struct vcpu *v, struct vmcb *vmcb)
{
	uint32_t msr = (uint32_t)v->arch.regs.rcx;
	uint64_t val;
	int ret;

	v->stats.exits[ARCH_EXIT_MSR]++;
	v->arch.why.n[vmcb->control.exit_info1 ? EXIT_WHY_MSR_WRITE :
						 EXIT_WHY_MSR_READ]++;
	if (vmcb->control.exit_info1) {
		val = (vmcb->save.rax & 0xffffffffu) | v->arch.regs.rdx << 32;
		ret = msr_write(v, vmcb, msr, val);
	} else {
		ret = msr_read(v, vmcb, msr, &val);
		if (!ret) {
			vmcb->save.rax = (uint32_t)val;
			v->arch.regs.rdx = val >> 32;
		}
	}
	if (ret)
		svm_inject_exception(vmcb, EXC_GP, true, 0);
	else
		skip(vmcb, 2);
}

static void exit_ioio(struct vcpu *v, struct vmcb *vmcb)
{
	uint64_t info = vmcb->control.exit_info1;
	uint16_t port = (uint16_t)(info >> 16);
	unsigned size = (info >> SVM_IOIO_SZ_SHIFT) & 7;
	bool in = info & SVM_IOIO_IN;
	uint32_t val = (uint32_t)vmcb->save.rax;

	v->stats.exits[ARCH_EXIT_IO]++;
	exit_why_io(&v->arch.why, port);
	/* INS/OUTS are not emulated: no device of the VM needs them. */
	if ((info & SVM_IOIO_STR) || (size != 1 && size != 2 && size != 4) ||
	    x86_io(v, port, size, !in, &val)) {
		svm_inject_exception(vmcb, EXC_UD, false, 0);
		return;
	}
	if (in) {
		uint64_t mask = size == 4 ? 0xffffffffffffffffull :
					    (1ull << (8 * size)) - 1;

		/* A 32-bit IN zero-extends into RAX; 8 and 16 keep the rest. */
		vmcb->save.rax = size == 4 ? val :
					     (vmcb->save.rax & ~mask) |
						     (val & mask);
	}
	vmcb->save.rip = vmcb->control.exit_info2;
	vmcb->control.int_state &= ~1ull;
}

static enum x86_mode guest_mode(const struct vmcb *vmcb)
{
	if ((vmcb->save.efer & EFER_LMA) && (vmcb->save.cs.attrib & CS_ATTR_L))
		return X86_MODE_64;
	if ((vmcb->save.cr0 & CR0_PE) && (vmcb->save.cs.attrib & CS_ATTR_D))
		return X86_MODE_32;
	return X86_MODE_16;
}

static void exit_npf(struct vcpu *v, struct vmcb *vmcb)
{
	uint64_t gpa = vmcb->control.exit_info2;
	struct x86_guest g = {
		.rip = vmcb->save.rip,
		.rflags = vmcb->save.rflags,
		.cs_base = vmcb->save.cs.base,
		.mode = guest_mode(vmcb),
		.cr0 = vmcb->save.cr0,
		.cr3 = vmcb->save.cr3,
		.cr4 = vmcb->save.cr4,
		.efer = vmcb->save.efer,
	};
	int ret;

	for (unsigned r = 0; r < X86_GPR_COUNT; r++)
		g.gpr[r] = *gpr_of(v, vmcb, r);
	ret = x86_mmio(v, gpa, &g);
	if (ret > 0) {
		for (unsigned r = 0; r < X86_GPR_COUNT; r++)
			*gpr_of(v, vmcb, r) = g.gpr[r];
		vmcb->save.rflags = g.rflags;
		vmcb->save.rip = g.rip;
		vmcb->control.int_state &= ~1ull;
		return;
	}
	/* Counted apart from the MMIO exits above: `stats` adds up parts. */
	v->stats.exits[ARCH_EXIT_NPF]++;
	hv_log("vm %s: vcpu %u: %s at 0x%lx (RIP 0x%lx, error 0x%lx)",
	       v->vm->name, v->id,
	       ret ? "device access not emulated" : "access outside the VM",
	       gpa, vmcb->save.rip, vmcb->control.exit_info1);
	if (v->vm->plan->on_fault == SHIKIRI_POLICY_REFLECT) {
		svm_inject_exception(vmcb, EXC_GP, true, 0);
		return;
	}
	vm_request_policy(v->vm, VM_CAUSE_FAULT);
}

static void exit_shutdown(struct vcpu *v, struct vmcb *vmcb)
{
	v->arch.why.n[EXIT_WHY_SHUTDOWN]++;
	hv_log("vm %s: vcpu %u: triple fault (RIP 0x%lx)", v->vm->name, v->id,
	       vmcb->save.rip);
	vm_request_policy(v->vm, VM_CAUSE_CRASH);
}

/*
 * SVM instructions, VMMCALL, MONITOR/MWAIT, SKINIT: absent for the guest.
 * INVLPGA too: EFER.SVME is set under the guest (VMRUN needs it), so
 * without its intercept the CPU would run it and flush TLB entries of any
 * ASID, other VMs' included (APM vol. 2 15.16.1).
 */
static void exit_undefined(struct vcpu *v, struct vmcb *vmcb)
{
	(void)v;
	svm_inject_exception(vmcb, EXC_UD, false, 0);
}

/* INVD and WBINVD (0F 08, 0F 09) would touch caches others share. */
static void exit_cache(struct vcpu *v, struct vmcb *vmcb)
{
	(void)v;
	skip(vmcb, 2);
}

static void exit_task_switch(struct vcpu *v, struct vmcb *vmcb)
{
	hv_log("vm %s: vcpu %u: hardware task switch (not supported)",
	       v->vm->name, v->id);
	(void)vmcb;
	vm_request_policy(v->vm, VM_CAUSE_CRASH);
}

/* NMI, SMI and INIT of the physical machine: nothing for the guest. */
static void exit_ignore(struct vcpu *v, struct vmcb *vmcb)
{
	(void)v;
	(void)vmcb;
}

static const exit_fn exit_table[SVM_EXIT_TABLE] = {
	[SVM_EXIT_INTR] = exit_intr,
	[SVM_EXIT_NMI] = exit_ignore,
	[SVM_EXIT_SMI] = exit_ignore,
	[SVM_EXIT_INIT] = exit_ignore,
	[SVM_EXIT_VINTR] = exit_vintr,
	[SVM_EXIT_CPUID] = exit_cpuid,
	[SVM_EXIT_IRET] = exit_iret,
	[SVM_EXIT_INVD] = exit_cache,
	[SVM_EXIT_HLT] = exit_hlt,
	[SVM_EXIT_INVLPGA] = exit_undefined,
	[SVM_EXIT_IOIO] = exit_ioio,
	[SVM_EXIT_MSR] = exit_msr,
	[SVM_EXIT_TASK_SWITCH] = exit_task_switch,
	[SVM_EXIT_SHUTDOWN] = exit_shutdown,
	[SVM_EXIT_VMRUN] = exit_undefined,
	[SVM_EXIT_VMMCALL] = exit_undefined,
	[SVM_EXIT_VMLOAD] = exit_undefined,
	[SVM_EXIT_VMSAVE] = exit_undefined,
	[SVM_EXIT_STGI] = exit_undefined,
	[SVM_EXIT_CLGI] = exit_undefined,
	[SVM_EXIT_SKINIT] = exit_undefined,
	[SVM_EXIT_ICEBP] = exit_undefined,
	[SVM_EXIT_WBINVD] = exit_cache,
	[SVM_EXIT_MONITOR] = exit_undefined,
	[SVM_EXIT_MWAIT] = exit_undefined,
	[SVM_EXIT_MWAIT_COND] = exit_undefined,
};

void svm_handle_exit(struct vcpu *v, struct vmcb *vmcb)
{
	uint64_t code = vmcb->control.exit_code;
	exit_fn fn = NULL;

	v->stats.exits[ARCH_EXIT_SYNC]++;
	if (code < SVM_EXIT_TABLE)
		fn = exit_table[code];
	else if (code == SVM_EXIT_NPF)
		fn = exit_npf;
	if (fn) {
		fn(v, vmcb);
		return;
	}
	/* An intercept not set, or a VMCB the CPU refused: a hypervisor bug. */
	hv_log("vm %s: vcpu %u: unexpected exit 0x%lx (info 0x%lx 0x%lx) at "
	       "RIP 0x%lx",
	       v->vm->name, v->id, code, vmcb->control.exit_info1,
	       vmcb->control.exit_info2, vmcb->save.rip);
	vm_request_policy(v->vm, VM_CAUSE_CRASH);
}
