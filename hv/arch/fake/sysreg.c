/* SPDX-License-Identifier: MIT */
/*
 * The fake CPUs' system registers, for host builds of code that uses
 * read_sysreg()/write_sysreg() (see include/arch/sysreg_access.h).  Each
 * physical CPU has its own file; the code runs on fake_cpu.pcpu.  The
 * GICv3 virtual CPU interface is modelled as IHI0069 §12.5 describes it:
 * ICH_ELRSR_EL2, ICH_EISR_EL2 and ICH_MISR_EL2 are computed from the list
 * registers and ICH_HCR_EL2, ICH_VTR_EL2 reports FAKE_LRS registers.  The
 * counter is the global fake_hv.counter.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/sysreg_access.h"
#include "fake.h"

#define FAKE_CNTFRQ 62500000ull /* QEMU virt's counter frequency */
#define LR_STATE_MASK (3ull << 62)
#define LR_HW (1ull << 61)
#define LR_EOI (1ull << 41)
#define HCR_UIE (1ull << 1)
#define MISR_EOI (1ull << 0)
#define MISR_U (1ull << 1)

struct fake_sysregs fake_sysregs[FAKE_CPUS];

void fake_sysreg_reset(void)
{
	memset(fake_sysregs, 0, sizeof(fake_sysregs));
}

/* ICH_LR<n>_EL2 is S3_4_C12_C12_<n> for n < 8, S3_4_C12_C13_<n-8> above. */
static int lr_index(const char *name)
{
	if (strncmp(name, "S3_4_C12_C1", 11) ||
	    (name[11] != '2' && name[11] != '3') || name[12] != '_' ||
	    name[13] < '0' || name[13] > '7' || name[14])
		return -1;
	return (name[11] - '2') * 8 + (name[13] - '0');
}

static uint64_t *slot(unsigned pcpu, const char *name, bool create)
{
	struct fake_sysregs *f = &fake_sysregs[pcpu];

	for (unsigned i = 0; i < f->count; i++)
		if (!strcmp(f->name[i], name))
			return &f->val[i];
	if (!create)
		return NULL;
	if (f->count == FAKE_SYSREGS) {
		fprintf(stderr, "fake sysreg: too many registers (%s)\n", name);
		abort();
	}
	f->name[f->count] = name;
	f->val[f->count] = 0;
	return &f->val[f->count++];
}

static uint64_t eisr(const struct fake_sysregs *f)
{
	uint64_t v = 0;

	for (unsigned n = 0; n < FAKE_LRS; n++)
		if (!(f->lr[n] & LR_STATE_MASK) && (f->lr[n] & LR_EOI) &&
		    !(f->lr[n] & LR_HW))
			v |= 1ull << n;
	return v;
}

static unsigned valid_lrs(const struct fake_sysregs *f)
{
	unsigned count = 0;

	for (unsigned n = 0; n < FAKE_LRS; n++)
		count += (f->lr[n] & LR_STATE_MASK) != 0;
	return count;
}

uint64_t fake_sysreg_get(unsigned pcpu, const char *name)
{
	struct fake_sysregs *f = &fake_sysregs[pcpu];
	int lr = lr_index(name);
	uint64_t *v;

	if (lr >= 0)
		return lr < (int)FAKE_LRS ? f->lr[lr] : 0;
	if (!strcmp(name, "cntpct_el0"))
		return fake_hv.counter;
	if (!strcmp(name, "cntfrq_el0"))
		return FAKE_CNTFRQ;
	if (!strcmp(name, "S3_4_C12_C11_1")) /* ICH_VTR_EL2 */
		return FAKE_LRS - 1;
	if (!strcmp(name, "S3_4_C12_C11_5")) { /* ICH_ELRSR_EL2 */
		uint64_t e = 0;

		for (unsigned n = 0; n < FAKE_LRS; n++)
			if (!(f->lr[n] & LR_STATE_MASK))
				e |= 1ull << n;
		return e;
	}
	if (!strcmp(name, "S3_4_C12_C11_3")) /* ICH_EISR_EL2 */
		return eisr(f);
	if (!strcmp(name, "S3_4_C12_C11_2")) {		 /* ICH_MISR_EL2 */
		v = slot(pcpu, "S3_4_C12_C11_0", false); /* ICH_HCR_EL2 */
		return (eisr(f) ? MISR_EOI : 0) |
		       (v && (*v & HCR_UIE) && valid_lrs(f) <= 1 ? MISR_U : 0);
	}
	v = slot(pcpu, name, false);
	return v ? *v : 0;
}

void fake_sysreg_set(unsigned pcpu, const char *name, uint64_t val)
{
	int lr = lr_index(name);

	if (lr >= 0) {
		/* Beyond ICH_VTR_EL2.ListRegs the registers do not exist. */
		if (lr >= (int)FAKE_LRS) {
			fprintf(stderr, "fake sysreg: ICH_LR%d_EL2 written\n",
				lr);
			abort();
		}
		fake_sysregs[pcpu].lr[lr] = val;
		return;
	}
	*slot(pcpu, name, true) = val;
}

uint64_t fake_sysreg_read(const char *name)
{
	return fake_sysreg_get(fake_cpu.pcpu, name);
}

void fake_sysreg_write(const char *name, uint64_t val)
{
	fake_sysreg_set(fake_cpu.pcpu, name, val);
}
