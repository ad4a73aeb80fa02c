/* SPDX-License-Identifier: MIT */
/*
 * excpstate: an exception the hypervisor injects (a synchronous external
 * abort for an access outside the VM's RAM) starts the guest's handler with
 * the same PSTATE as one the CPU takes by itself (an UNDEFINED
 * instruction), from the same state: PAN, SSBS, DIT clear, UAO set,
 * SCTLR_EL1.SPAN clear and DSSBS set (tests/system/test_inject_pstate.py).
 * Only what the CPU has is compared (its ID registers say).  DIT stays
 * clear: QEMU 7.2 clears it on exception entry, where the architecture
 * (AArch64.TakeException()) and the hypervisor keep it.
 */
#include "baremetal/context.h"
#include "baremetal/exceptions.h"
#include "baremetal/platform.h"
#include "baremetal/printf.h"
#include "baremetal/sysreg.h"
#include "baremetal/test.h"

/* The assembler refuses PSTATE field names of later architectures else. */
__asm__(".arch armv8.5-a\n\t.arch_extension memtag\n\t"
	".arch_extension ssbs");

#define SCTLR_SPAN BIT(23)
#define SCTLR_DSSBS BIT(44)
#define ID_FIELD(reg, shift) (((reg) >> (shift)) & 0xf)

/* PSTATE as the handler found it; 0 for a field the CPU does not have. */
struct pstate {
	uint64_t daif, pan, uao, dit, ssbs, tco;
};

static struct {
	bool pan, uao, dit, ssbs, tco;
} has;

static struct context resume;
static struct pstate in_handler;
static uint64_t handler_esr;

static void read_pstate(struct pstate *p)
{
	*p = (struct pstate){ .daif = read_sysreg(daif) };
	if (has.pan)
		p->pan = read_sysreg(pan);
	if (has.uao)
		p->uao = read_sysreg(uao);
	if (has.dit)
		p->dit = read_sysreg(dit);
	if (has.ssbs)
		p->ssbs = read_sysreg(ssbs);
	if (has.tco)
		p->tco = read_sysreg(tco);
}

static noreturn_fn void caught(const char *what, const struct fault *f)
{
	(void)what;
	read_pstate(&in_handler);
	handler_esr = f->esr;
	context_resume(&resume);
}

/* PAN, SSBS, DIT clear, UAO set; SPAN clear, DSSBS set. */
static void set_state(uint64_t sctlr)
{
	write_sysreg(sctlr_el1, (sctlr & ~SCTLR_SPAN) | SCTLR_DSSBS);
	isb();
	if (has.pan)
		__asm__ volatile("msr pan, #0");
	if (has.uao)
		__asm__ volatile("msr uao, #1");
	if (has.ssbs)
		__asm__ volatile("msr ssbs, #0");
	if (has.dit)
		__asm__ volatile("msr dit, #0");
	if (has.tco)
		__asm__ volatile("msr tco, #0");
}

/* Take one exception, @injected or the CPU's own; what PSTATE it began. */
static uint64_t take(bool injected, struct pstate *p)
{
	uint64_t sctlr = read_sysreg(sctlr_el1), daif = read_sysreg(daif);
	uint64_t past_ram = platform.ram_base + platform.ram_size;

	handler_esr = ~0ull;
	exceptions_set_unexpected(caught);
	if (!context_save(&resume)) {
		set_state(sctlr);
		if (injected)
			(void)mmio_read64(past_ram);
		else
			__asm__ volatile("udf #0");
		/* Not reached: the handler resumes at context_save(). */
	}
	exceptions_set_unexpected(NULL);
	write_sysreg(sctlr_el1, sctlr);
	write_sysreg(daif, daif);
	isb();
	*p = in_handler;
	return handler_esr;
}

static void print(const char *who, const struct pstate *p)
{
	printf("excpstate: %s: DAIF 0x%lx PAN %lu UAO %lu DIT %lu SSBS %lu "
	       "TCO %lu\n",
	       who, p->daif, p->pan >> 22, p->uao >> 23, p->dit >> 24,
	       p->ssbs >> 12, p->tco >> 25);
}

TEST(injected_abort_starts_like_the_cpu_s_own)
{
	uint64_t mmfr1 = read_sysreg(id_aa64mmfr1_el1);
	uint64_t mmfr2 = read_sysreg(id_aa64mmfr2_el1);
	uint64_t pfr0 = read_sysreg(id_aa64pfr0_el1);
	uint64_t pfr1 = read_sysreg(id_aa64pfr1_el1);
	struct pstate cpu, hv;
	uint64_t esr;

	has.pan = ID_FIELD(mmfr1, 20);
	has.uao = ID_FIELD(mmfr2, 4);
	has.dit = ID_FIELD(pfr0, 48);
	has.ssbs = ID_FIELD(pfr1, 4);
	has.tco = ID_FIELD(pfr1, 8);
	printf("excpstate: CPU has PAN %d UAO %d DIT %d SSBS %d MTE %d\n",
	       has.pan, has.uao, has.dit, has.ssbs, has.tco);

	esr = take(false, &cpu);
	ASSERT_EQ(ESR_EC(esr), EC_UNKNOWN);
	print("undefined instruction (CPU)", &cpu);
	esr = take(true, &hv);
	ASSERT_EQ(ESR_EC(esr), EC_DABT_CUR);
	print("external abort (hypervisor)", &hv);

	ASSERT_EQ(hv.daif, cpu.daif);
	ASSERT_EQ(hv.pan, cpu.pan);
	ASSERT_EQ(hv.uao, cpu.uao);
	ASSERT_EQ(hv.dit, cpu.dit);
	ASSERT_EQ(hv.ssbs, cpu.ssbs);
	ASSERT_EQ(hv.tco, cpu.tco);
}
