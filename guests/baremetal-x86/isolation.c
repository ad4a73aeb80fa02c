// SPDX-License-Identifier: MIT
/*
 * x86 isolation probes (tests/system/test_x86_isolation.py, docs/
 * isolation.md "x86-64"): two roles of one guest, chosen on the kernel
 * command line.
 *
 * "probe.role=victim": one vCPU that keeps time with its local APIC timer
 * (10 ms) and prints "heartbeat N at T ms" every 100 ms (T from the TSC),
 * with its own PIT channel 0 and 8259 masks programmed to values it checks
 * on every beat.  Any interrupt or exception but its timer is reported.
 *
 * Otherwise the prober: with two vCPUs, it reaches for what is not its
 * VM's: memory beyond its RAM (the other VM's and the hypervisor's host
 * addresses given as probe.other_ram=A-B and probe.hv_image=A, the
 * board's HPET, ECAM and firmware), I/O ports of devices it does not have
 * and the emulated ones the victim also programs, IPIs at APIC IDs outside
 * its VM, MSRs it must not write, and the SVM instructions.  Each probe
 * prints "PASS name: detail" or "FAIL name: detail" (the format of the Arm
 * guests, tests/system/baremetal.py), then "baremetal: P passed, F
 * failed", and the VM powers itself off.  With probe.fault=stop, its VM's
 * on-fault policy is expected to stop it at the first foreign access.
 */
#include <stdint.h>

#include "lib.h"

#define VEC_TIMER 0x30
#define VEC_PROBE 0x40 /* IPI vectors 0x40..0x4f: one per IPI probe */
#define TICK_NS 10000000u
#define BEAT_TICKS 10
#define PIT_RELOAD 0x1234u /* the victim's PIT channel 0 */
#define PIC_MASKS 0x5aa5u  /* the victim's 8259 mask registers */
#define EFER 0xc0000080u
#define EFER_SVME (1ull << 12)
#define MB1_MAGIC_INV 0xe4524ffdu /* ~0x1badb002, not in this image */

static volatile unsigned ticks, ap_up, faults[32], last_fault_vector;
static volatile unsigned hits[2][256]; /* [vCPU][vector] */
static volatile uint32_t fault_skip;
static uint64_t tsc_at_start;
/* Kept in data, so that the magic it is the complement of is nowhere. */
static volatile uint32_t mb1_inv = MB1_MAGIC_INV;

void main(uint32_t boot_info);

void isr(struct frame *f)
{
	unsigned cpu = apic_read(APIC_ID) >> 24 ? 1 : 0;

	if (f->vector < 32) {
		faults[f->vector]++;
		last_fault_vector = f->vector;
		if (f->vector == EXC_NMI) {
			hits[cpu][EXC_NMI]++;
			return;
		}
		if (!fault_skip) {
			printf("FAIL unexpected_exception: vector %u at eip "
			       "0x%x error 0x%x\n",
			       f->vector, f->eip, f->error);
			poweroff();
		}
		/* Past the probing instruction, whose length the probe set. */
		f->eip += fault_skip;
		return;
	}
	hits[cpu][f->vector]++;
	if (f->vector == VEC_TIMER)
		ticks++;
	apic_write(APIC_EOI, 0);
}

/* Which exception (0xff: none) the code between the probe's calls took. */
static void arm(uint32_t len)
{
	last_fault_vector = 0xff;
	fault_skip = len;
}

static unsigned disarm(void)
{
	fault_skip = 0;
	return last_fault_vector;
}

/* A 32-bit load and store with 2-byte encodings (8b 02, 89 02). */
static unsigned mem_read(uint32_t addr, uint32_t *val)
{
	uint32_t v = 0;

	arm(2);
	__asm__ volatile(".byte 0x8b, 0x02" : "+a"(v) : "d"(addr) : "memory");
	*val = v;
	return disarm();
}

static unsigned mem_write(uint32_t addr, uint32_t val)
{
	arm(2);
	__asm__ volatile(".byte 0x89, 0x02" : : "a"(val), "d"(addr) : "memory");
	return disarm();
}

static unsigned rdmsr_probe(uint32_t msr, uint64_t *val)
{
	uint32_t lo = 0, hi = 0;

	arm(2);
	__asm__ volatile("rdmsr" : "+a"(lo), "+d"(hi) : "c"(msr));
	*val = (uint64_t)hi << 32 | lo;
	return disarm();
}

static unsigned wrmsr_probe(uint32_t msr, uint64_t val)
{
	arm(2);
	__asm__ volatile("wrmsr"
			 :
			 : "c"(msr), "a"((uint32_t)val),
			   "d"((uint32_t)(val >> 32)));
	return disarm();
}

/* The timer ticks @n times (the prober keeps its own running). */
static void sleep_ticks(unsigned n)
{
	unsigned t = ticks;

	while (ticks - t < n)
		__asm__ volatile("sti; hlt; cli");
}

static void timer_start(void)
{
	apic_write(APIC_SVR, 0x100 | 0xff);
	apic_write(APIC_TDCR, 0xb); /* divide by 1: 1 GHz */
	apic_write(APIC_LVT_TIMER, 1u << 17 | VEC_TIMER);
	apic_write(APIC_TMICT, TICK_NS);
}

/* The victim's PIT channel 0 count, latched. */
static uint32_t pit_count(void)
{
	uint32_t lo, hi;

	outb(0x43, 0x00); /* latch channel 0 */
	lo = inb(0x40);
	hi = inb(0x40);
	return hi << 8 | lo;
}

static void pit_program(uint32_t reload)
{
	outb(0x43, 0x34); /* channel 0, lobyte/hibyte, mode 2 */
	outb(0x40, (uint8_t)reload);
	outb(0x40, (uint8_t)(reload >> 8));
}

static void victim(void)
{
	uint64_t t0;
	uint32_t khz;
	unsigned beat = 0;

	pit_program(PIT_RELOAD);
	outb(0x21, (uint8_t)PIC_MASKS);
	outb(0xa1, (uint8_t)(PIC_MASKS >> 8));
	timer_start();
	/* The TSC's rate, against the local APIC timer's 1 GHz. */
	t0 = rdtsc();
	sleep_ticks(10);
	khz = (uint32_t)(rdtsc() - t0) / 100;
	printf("victim: up, TSC %u kHz\n", khz);
	for (;;) {
		uint32_t pit, pic, ms;
		unsigned other = 0;

		sleep_ticks(BEAT_TICKS);
		/* In units of 1024 cycles: 32-bit division is enough. */
		ms = (uint32_t)((rdtsc() - t0) >> 10) / (khz >> 10 | 1);
		printf("heartbeat %u at %u ms\n", ++beat, ms);
		pit = pit_count();
		pic = inb(0x21) | (uint32_t)inb(0xa1) << 8;
		if (pit > PIT_RELOAD || pic != PIC_MASKS)
			printf("victim: FAIL pit count 0x%x, pic masks 0x%x\n",
			       pit, pic);
		for (unsigned v = 0; v < 256; v++)
			if (v != VEC_TIMER && (hits[0][v] || hits[1][v])) {
				printf("victim: FAIL vector 0x%x seen\n", v);
				hits[0][v] = hits[1][v] = 0;
			}
		for (unsigned v = 0; v < 32; v++)
			other += faults[v];
		if (other) {
			printf("victim: FAIL %u exceptions seen\n", other);
			for (unsigned v = 0; v < 32; v++)
				faults[v] = 0;
		}
	}
}

void ap_main(void)
{
	idt_load();
	apic_write(APIC_SVR, 0x100 | 0xff);
	apic_write(APIC_DFR, 0xffffffff); /* flat */
	apic_write(APIC_LDR, 2u << 24);
	ap_up = 1;
	__asm__ volatile("sti");
	for (;;)
		__asm__ volatile("hlt");
}

/* Foreign memory: each access must fault (on-fault "reflect": #GP). */
static void probe_mem_at(const char *name, uint32_t addr)
{
	uint32_t val;
	unsigned r = mem_read(addr, &val), w = mem_write(addr, 0x5a5a5a5a);

	result(r == EXC_GP && w == EXC_GP, name);
	printf("0x%x: read vector 0x%x, write vector 0x%x\n", addr, r, w);
}

static void probe_memory(uint32_t boot_info, uint32_t top)
{
	char arg[64];
	const char *s;

	probe_mem_at("mem_beyond_ram", top);
	probe_mem_at("mem_beyond_ram_far", top + 0x10000000);
	probe_mem_at("mem_ecam", 0xb0000000);
	probe_mem_at("mem_hpet", 0xfed00000);
	probe_mem_at("mem_lpc_rcrb", 0xfed1c000);
	probe_mem_at("mem_firmware", 0xfffffff0);
	if (cmdline_value(boot_info, "probe.other_ram", arg, sizeof(arg))) {
		uint64_t a, b;

		s = arg;
		a = parse_hex(&s);
		s += *s == '-';
		b = parse_hex(&s);
		if (a >= top && b <= 0x100000000ull && a < b) {
			probe_mem_at("mem_other_vm_first", (uint32_t)a);
			probe_mem_at("mem_other_vm_last", (uint32_t)(b - 4));
		} else {
			result(b <= top, "mem_other_vm");
			printf("0x%x is in this VM's own RAM\n", (uint32_t)a);
		}
	}
	if (cmdline_value(boot_info, "probe.hv_image", arg, sizeof(arg))) {
		uint32_t hv, found = 0;

		s = arg;
		hv = (uint32_t)parse_hex(&s);
		/* Below the top: it is this VM's RAM, not the hypervisor. */
		for (uint32_t o = 0; hv < top && o < 8192; o += 4)
			found += *(volatile uint32_t *)(hv + o) == ~mb1_inv;
		if (hv < top)
			result(!found, "mem_hv_image");
		if (hv < top)
			printf("0x%x is own RAM, %u Multiboot headers seen\n",
			       hv, found);
		else
			probe_mem_at("mem_hv_image", hv);
	}
}

/* The emulated LAPIC and I/O APIC are the VM's own. */
static void probe_apics(void)
{
	uint32_t ver, id;

	*(volatile uint32_t *)0xfec00000u = 0; /* IOREGSEL: ID */
	id = *(volatile uint32_t *)0xfec00010u >> 24;
	*(volatile uint32_t *)0xfec00000u = 1;
	ver = *(volatile uint32_t *)0xfec00010u;
	result(id == 2 && (ver >> 16 & 0xff) == 23, "ioapic_virtual");
	printf("I/O APIC ID %u, max entry %u\n", id, ver >> 16 & 0xff);
}

static void probe_ports(void)
{
	static const uint16_t none[] = { 0x2f8,	 0x2fd, 0x3e8, 0x2e8, 0x92,
					 0x1234, 0xcfc, 0x510, 0x3c0 };
	unsigned bad = 0;
	uint32_t v, pic, pit;

	for (unsigned i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		bad += inb(none[i]) != 0xff;
	bad += inw(0x2f8) != 0xffff;
	bad += inl(0x1234) != 0xffffffff;
	result(!bad, "io_absent_read_ones");
	printf("COM2-4, 0x92, 0xcfc, fw_cfg, VGA: %u not all ones\n", bad);

	outl(0xcf8, 0x80000000u); /* bus 0 device 0: the host bridge */
	v = inl(0xcfc);
	/*
	 * 00:1f.4, then 00:1f.0 (the LPC bridge): a dword at 0xcf8 is
	 * CONFIG_ADDRESS, never reset control (0xcf9), whose RST_CPU bit
	 * function 4 would set; a reset here would start the probes again.
	 */
	outl(0xcf8, 0x8000fc00u);
	outl(0xcf8, 0x8000f800u);
	pic = inl(0xcfc);
	pit = inb(0xcf8); /* a wider read would include reset control, 0xcf9 */
	result(v == 0xffffffff && pic == 0xffffffff && pit == 0xff,
	       "io_pci_config");
	printf("0xcfc reads 0x%x and 0x%x, 0xcf8 0x%x\n", v, pic, pit);

	/* Writes to ports of nothing: the fast reset of port 0x92, COM2. */
	outb(0x92, 0x01);
	outb(0x2f8, 'X');
	outl(0x1234, 0xdeadbeef);
	v = inb(0x92);
	result(v == 0xff, "io_absent_write_ignored");
	printf("0x92 fast reset, COM2, 0x1234 written; 0x92 reads 0x%x\n", v);

	/* The emulated PIT and PIC are this VM's: the victim checks its. */
	pit_program(0xffff);
	pit = pit_count();
	outb(0x21, 0x3c);
	outb(0xa1, 0xc3);
	pic = inb(0x21) | (uint32_t)inb(0xa1) << 8;
	result(pic == 0xc33c && pit > PIT_RELOAD, "io_pit_pic_own");
	printf("own PIT count 0x%x, own PIC masks 0x%x\n", pit, pic);

	/* INS/OUTS: no emulated device needs them. */
	arm(1);
	__asm__ volatile("insb" : : "d"(0x2f8), "D"(0x100000) : "memory");
	v = disarm();
	result(v == EXC_UD, "io_string");
	printf("INSB from COM2: vector 0x%x\n", v);
}

static void ipi(uint32_t dest, uint32_t lo)
{
	apic_write(APIC_ICR_HI, dest << 24);
	apic_write(APIC_ICR_LO, lo);
	wait_icr();
}

/* @lo sent to @dest; then vCPU 0 and 1 must have seen it @e0, @e1 times. */
static void probe_ipi(const char *name, uint32_t dest, uint32_t lo, unsigned e0,
		      unsigned e1)
{
	unsigned vec = lo & 0xff;

	__asm__ volatile("sti");
	ipi(dest, lo);
	sleep_ticks(5);
	__asm__ volatile("cli");
	result(hits[0][vec] == e0 && hits[1][vec] == e1, name);
	printf("ICR 0x%x destination 0x%x: vCPU 0 got it %u times, ", lo, dest,
	       hits[0][vec]);
	printf("vCPU 1 %u times (expected %u and %u)\n", hits[1][vec], e0, e1);
}

/* @lo sent to @dest: one NMI more for vCPU 0 (@e0) or vCPU 1 (@e1). */
static bool own_nmi(uint32_t dest, uint32_t lo, unsigned e0, unsigned e1)
{
	unsigned n0 = hits[0][EXC_NMI], n1 = hits[1][EXC_NMI];

	ipi(dest, lo);
	__asm__ volatile("sti");
	sleep_ticks(5);
	__asm__ volatile("cli");
	return hits[0][EXC_NMI] - n0 == e0 && hits[1][EXC_NMI] - n1 == e1;
}

/* NMIs to this VM's own vCPUs arrive, each once, with interrupts off. */
static void probe_own_nmis(void)
{
	bool self = own_nmi(0, 1u << 18 | 0x400, 1, 0);
	bool by_id = own_nmi(1, 0x400, 0, 1);
	bool others = own_nmi(0, 3u << 18 | 0x400, 0, 1);

	result(self && by_id && others, "ipi_nmi_own");
	printf("self %u, vCPU 1 by ID %u, all but self %u; NMIs seen: vCPU 0 "
	       "%u, vCPU 1 %u\n",
	       self, by_id, others, hits[0][EXC_NMI], hits[1][EXC_NMI]);
}

static void probe_ipis(void)
{
	unsigned nmi = faults[EXC_NMI];

	apic_write(APIC_DFR, 0xffffffff);
	apic_write(APIC_LDR, 1u << 24);
	/* Physical APIC IDs this VM does not have: the victim's among them. */
	probe_ipi("ipi_phys_2", 2, VEC_PROBE + 0, 0, 0);
	probe_ipi("ipi_phys_3", 3, VEC_PROBE + 1, 0, 0);
	probe_ipi("ipi_phys_0xfe", 0xfe, VEC_PROBE + 2, 0, 0);
	probe_ipi("ipi_phys_broadcast", 0xff, VEC_PROBE + 3, 1, 1);
	probe_ipi("ipi_phys_own", 1, VEC_PROBE + 4, 0, 1);
	/* Logical flat: bit 0 is vCPU 0, bit 1 vCPU 1, the rest nobody. */
	probe_ipi("ipi_logical_foreign", 0xfc, 0x800 | (VEC_PROBE + 5), 0, 0);
	probe_ipi("ipi_logical_all", 0xff, 0x800 | (VEC_PROBE + 6), 1, 1);
	probe_ipi("ipi_lowest_foreign", 0xfc, 0x900 | (VEC_PROBE + 7), 0, 0);
	/* Shorthands reach this VM's vCPUs only. */
	probe_ipi("ipi_self", 0, 1u << 18 | (VEC_PROBE + 8), 1, 0);
	probe_ipi("ipi_all", 0, 2u << 18 | (VEC_PROBE + 9), 1, 1);
	probe_ipi("ipi_all_but_self", 0, 3u << 18 | (VEC_PROBE + 10), 0, 1);
	/* NMI, INIT and SIPI at foreign IDs. */
	ipi(2, 0x400);
	ipi(3, 0x400);
	ipi(2, 0x4500);
	ipi(3, 0x4500);
	ipi(2, 0x4600 | 0x10);
	ipi(3, 0x4600 | 0x10);
	ipi(0xff, 0x4600 | 0x10); /* SIPI to a vCPU not waiting: ignored */
	probe_ipi("ipi_after_nmi_init_sipi", 1, VEC_PROBE + 11, 0, 1);
	result(faults[EXC_NMI] == nmi, "ipi_nmi_to_others");
	printf("vCPU 0 saw %u NMIs\n", faults[EXC_NMI] - nmi);
	probe_own_nmis();
}

struct msr_probe {
	const char *name;
	uint32_t msr;
	bool write;
	uint64_t val;
};

/* MSRs the guest must not reach: each must take #GP. */
static const struct msr_probe msr_gp[] = {
	{ "msr_vm_cr_read", 0xc0010114, false, 0 },
	{ "msr_vm_cr_write", 0xc0010114, true, 0x10 },
	{ "msr_hsave_pa_read", 0xc0010117, false, 0 },
	{ "msr_hsave_pa_write", 0xc0010117, true, 0x100000 },
	{ "msr_mtrr_physbase0", 0x200, true, 0x6 },
	{ "msr_mtrr_fix64k", 0x250, true, 0x0606060606060606ull },
	{ "msr_pat_invalid", 0x277, true, 0x0202020202020202ull },
	{ "msr_apic_base_move", 0x1b, true, 0xfed00900 },
	{ "msr_apic_base_off", 0x1b, true, 0xfee00100 },
	{ "msr_microcode_trigger", 0x79, true, 0x100000 },
	{ "msr_patch_loader", 0xc0010020, true, 0x100000 },
	{ "msr_syscfg_read", 0xc0010010, false, 0 },
	{ "msr_syscfg_write", 0xc0010010, true, 0x40000 },
	{ "msr_tsc_write", 0x10, true, 0 },
	{ "msr_mcg_status", 0x17a, true, 0 },
	{ "msr_mcg_ctl", 0x17b, true, 0 },
	{ "msr_mc0_ctl", 0x400, true, 0 },
	{ "msr_mc0_status", 0x401, true, 0xb000000000000000ull },
	{ "msr_mca_ctl_amd", 0xc0002000, true, 0 },
	{ "msr_iorr_base0", 0xc0010016, true, 0x18 },
	{ "msr_top_mem", 0xc001001a, true, 0x10000000 },
	{ "msr_tom2", 0xc001001d, true, 0x100000000ull },
	{ "msr_smm_base", 0xc0010111, true, 0x30000 },
	{ "msr_smm_mask", 0xc0010113, true, 0 },
	{ "msr_tsc_ratio", 0xc0000104, true, 0x100000000ull },
	{ "msr_spec_unknown", 0x12345678, true, 1 },
	{ "msr_amd_unknown", 0xc0011234, false, 0 },
	{ "msr_hypervisor_range", 0x40000000, false, 0 },
};

static void probe_msrs(void)
{
	uint64_t v, efer;
	unsigned e;

	for (unsigned i = 0; i < sizeof(msr_gp) / sizeof(msr_gp[0]); i++) {
		const struct msr_probe *p = &msr_gp[i];

		e = p->write ? wrmsr_probe(p->msr, p->val) :
			       rdmsr_probe(p->msr, &v);
		result(e == EXC_GP, p->name);
		printf("MSR 0x%x: vector 0x%x\n", p->msr, e);
	}
	/* Emulated harmlessly: read as fixed values, writes kept or not. */
	e = wrmsr_probe(0x2ff, 0xc06) | rdmsr_probe(0x2ff, &v) << 8;
	result(e == 0xffff && v == 0, "msr_mtrr_def_type");
	printf("write ignored, reads 0x%x (vectors 0x%x)\n", (uint32_t)v, e);
	e = wrmsr_probe(0x277, 0x0007040600070106ull);
	e = e | rdmsr_probe(0x277, &v) << 8;
	result(e == 0xffff && v == 0x0007040600070106ull, "msr_pat_own");
	printf("PAT written, reads 0x%x (vectors 0x%x)\n", (uint32_t)v, e);
	wrmsr_probe(0x277, 0x0007040600070406ull);
	e = rdmsr_probe(0x8b, &v);
	result(e == 0xff && v == 0, "msr_patch_level");
	printf("reads 0x%x (vector 0x%x)\n", (uint32_t)v, e);
	e = wrmsr_probe(0xc0010015, 1u << 9); /* HWCR: no MCi_STATUS writes */
	result(e == 0xff, "msr_hwcr");
	printf("write ignored (vector 0x%x)\n", e);
	/* EFER.SVME: reads as 0; clearing it keeps the VM running under SVM. */
	rdmsr_probe(EFER, &efer);
	e = wrmsr_probe(EFER, efer & ~EFER_SVME);
	rdmsr_probe(EFER, &v);
	result(e == 0xff && !(efer & EFER_SVME) && !(v & EFER_SVME),
	       "msr_efer_svme_clear");
	printf("EFER 0x%x after the write (vector 0x%x)\n", (uint32_t)v, e);
	e = wrmsr_probe(EFER, efer | EFER_SVME);
	rdmsr_probe(EFER, &v);
	result(e == EXC_GP || !(v & EFER_SVME), "msr_efer_svme_set");
	printf("vector 0x%x, EFER reads 0x%x\n", e, (uint32_t)v);
	/* The TSC write refused: it still counts up. */
	v = rdtsc();
	result(rdtsc() > v && v > tsc_at_start, "msr_tsc_kept");
	printf("TSC 0x%x after the write, above 0x%x at start\n", (uint32_t)v,
	       (uint32_t)tsc_at_start);
	v = apic_read(APIC_ID);
	result(v == 0, "msr_apic_still_at_base");
	printf("APIC ID register at 0xfee00000 reads 0x%x\n", (uint32_t)v);
}

/* The SVM instructions (0f 01 d8..df) and friends: #UD in the guest. */
static void probe_svm_insns(void)
{
#define INSN(name, bytes)                                \
	do {                                             \
		unsigned e;                              \
		arm(3);                                  \
		__asm__ volatile(".byte " bytes          \
				 :                       \
				 : "a"(0x100000), "c"(0) \
				 : "memory");            \
		e = disarm();                            \
		result(e == EXC_UD, name);               \
		printf("vector 0x%x\n", e);              \
	} while (0)
	INSN("insn_vmrun", "0x0f, 0x01, 0xd8");
	INSN("insn_vmmcall", "0x0f, 0x01, 0xd9");
	INSN("insn_vmload", "0x0f, 0x01, 0xda");
	INSN("insn_vmsave", "0x0f, 0x01, 0xdb");
	INSN("insn_stgi", "0x0f, 0x01, 0xdc");
	INSN("insn_clgi", "0x0f, 0x01, 0xdd");
	INSN("insn_skinit", "0x0f, 0x01, 0xde");
	INSN("insn_invlpga", "0x0f, 0x01, 0xdf");
#undef INSN
}

static void prober(uint32_t boot_info)
{
	uint32_t top = (uint32_t)ram_top(boot_info);
	char arg[16];

	tsc_at_start = rdtsc();
	printf("baremetal: RAM top 0x%x\n", top);
	timer_start();
	sleep_ticks(100); /* the victim's heartbeat before the probes */
	if (cmdline_value(boot_info, "probe.fault", arg, sizeof(arg))) {
		uint32_t v;

		/* Expected to end here: on-fault "stop". */
		printf("baremetal: touching the HPET\n");
		mem_read(0xfed00000, &v);
		printf("FAIL fault_stop: still running\n");
		poweroff();
	}
	result(ap_start(1, &ap_up), "ap_start");
	printf("vCPU 1 %s\n", ap_up ? "up" : "did not start");
	probe_memory(boot_info, top);
	probe_apics();
	probe_ports();
	probe_ipis();
	probe_msrs();
	probe_svm_insns();
	probe_ipi("ap_alive_at_end", 1, VEC_PROBE + 12, 0, 1);
	result_summary();
	poweroff();
}

void main(uint32_t boot_info)
{
	char role[16];

	idt_setup();
	if (cmdline_value(boot_info, "probe.role", role, sizeof(role)) &&
	    role[0] == 'v')
		victim();
	prober(boot_info);
}
