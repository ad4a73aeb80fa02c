/* SPDX-License-Identifier: MIT */
/*
 * The SVM world switch (AMD APM vol. 2 15.5): VMLOAD the guest's
 * FS/GS/TR/LDTR and syscall MSRs, VMRUN, VMSAVE them back, VMLOAD the
 * host's.  VMRUN itself switches RAX, RSP, RIP, RFLAGS, CR0/3/4, EFER,
 * the segment registers and GDTR/IDTR; the other general registers are
 * swapped here through a struct vcpu_regs (arch/vm_arch.h).  The caller
 * has cleared GIF.
 *
 * void svm_run(uint64_t vmcb_pa, struct vcpu_regs *regs, uint64_t host_pa)
 */
#define R_RBX 0
#define R_RCX 8
#define R_RDX 16
#define R_RSI 24
#define R_RDI 32
#define R_RBP 40
#define R_R8 48
#define R_R9 56
#define R_R10 64
#define R_R11 72
#define R_R12 80
#define R_R13 88
#define R_R14 96
#define R_R15 104

	.text
	.global svm_run
svm_run:
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	push	%rsi		/* regs */
	push	%rdx		/* host state page */
	mov	%rdi, %rax
	mov	R_RBX(%rsi), %rbx
	mov	R_RCX(%rsi), %rcx
	mov	R_RDX(%rsi), %rdx
	mov	R_RDI(%rsi), %rdi
	mov	R_RBP(%rsi), %rbp
	mov	R_R8(%rsi), %r8
	mov	R_R9(%rsi), %r9
	mov	R_R10(%rsi), %r10
	mov	R_R11(%rsi), %r11
	mov	R_R12(%rsi), %r12
	mov	R_R13(%rsi), %r13
	mov	R_R14(%rsi), %r14
	mov	R_R15(%rsi), %r15
	mov	R_RSI(%rsi), %rsi
	vmload	%rax
	vmrun	%rax
	vmsave	%rax
	push	%rsi
	mov	16(%rsp), %rsi
	mov	%rbx, R_RBX(%rsi)
	mov	%rcx, R_RCX(%rsi)
	mov	%rdx, R_RDX(%rsi)
	mov	%rdi, R_RDI(%rsi)
	mov	%rbp, R_RBP(%rsi)
	mov	%r8, R_R8(%rsi)
	mov	%r9, R_R9(%rsi)
	mov	%r10, R_R10(%rsi)
	mov	%r11, R_R11(%rsi)
	mov	%r12, R_R12(%rsi)
	mov	%r13, R_R13(%rsi)
	mov	%r14, R_R14(%rsi)
	mov	%r15, R_R15(%rsi)
	pop	%rax
	mov	%rax, R_RSI(%rsi)
	pop	%rax
	vmload	%rax
	pop	%rsi
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbp
	pop	%rbx
	ret
