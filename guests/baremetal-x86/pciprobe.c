// SPDX-License-Identifier: MIT
/*
 * x86 PCI partitioning probes (tests/system/test_x86_pci_isolation.py,
 * docs/isolation.md "PCI on x86-64"): a guest in a VM that owns PCI
 * function pci.own=BDF (bus << 8 | device << 3 | function, in hex) looks
 * at configuration space through both mechanisms the hypervisor emulates,
 * the legacy ports 0xcf8/0xcfc and the ECAM window at pci.ecam=ADDR:
 * its own function is there, function pci.other=BDF (another VM's) and
 * the hypervisor's LPC bridge (00:1f.0) read all-ones, the host bridge
 * reads as a bare bridge, a write that would move its BAR is dropped while
 * sizing works, and the BAR's memory is reachable.  An e1000e owner given
 * pci.gsi=GSI (hex) also has its device interrupt it by MSI and by INTx,
 * and sees MSI messages aimed at an NMI or outside its VM go nowhere.
 * Each probe prints
 * "PASS name: detail" or "FAIL name: detail" (tests/system/baremetal.py),
 * then "baremetal: P passed, F failed", and the VM powers itself off.
 *
 * A VM owning PCI functions is identity-mapped, so the guest is linked
 * where its VM's RAM is: one image per VM (baremetal-x86.mk).
 */
#include <stdint.h>

#include "lib.h"

#define CF8 0xcf8
#define CFC 0xcfc
#define LPC_BDF 0xf8u /* 00:1f.0 */
#define PCI_COMMAND 0x04
#define PCI_COMMAND_MEMORY 0x2u
#define PCI_STATUS_CAP_LIST 0x10u
#define PCI_BAR0 0x10
#define PCI_BAR5 0x24
#define PCI_CAP_PTR 0x34
#define PCI_COMMAND_MASTER 0x4u
#define PCI_COMMAND_INTX_DISABLE 0x400u
#define PCI_CAP_MSI 0x05
#define E1000E_ID 0x10d38086u
/* e1000e registers (Intel 82574 datasheet 10.2): causes, set, mask. */
#define E1000_ICR 0xc0
#define E1000_ICS 0xc8
#define E1000_IMS 0xd0
#define E1000_IMC 0xd8
#define E1000_TXDW 0x1u
#define IOAPIC 0xfec00000u
#define VEC_MSI 0x41
#define VEC_INTX 0x42
#define VEC_MSI_FOREIGN 0x43
/* About 0.2 s at the TSC rates QEMU gives (a few GHz). */
#define WAIT_CYCLES 500000000ull

static uint32_t ecam;
static volatile unsigned hits[256];
/* The e1000e's registers (BAR 0), once the interrupt probes map them. */
static volatile uint32_t *nic;

void main(uint32_t boot_info);

void isr(struct frame *f)
{
	if (f->vector < 32 && f->vector != EXC_NMI) {
		printf("FAIL unexpected_exception: vector %u at eip 0x%x\n",
		       f->vector, f->eip);
		poweroff();
	}
	hits[f->vector]++;
	/* Quiet the device before the EOI, as a driver does for INTx. */
	if (f->vector == VEC_INTX && nic)
		(void)nic[E1000_ICR / 4];
	if (f->vector != EXC_NMI)
		apic_write(APIC_EOI, 0);
}

void ap_main(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

static uint32_t cf8_read(uint32_t bdf, unsigned off)
{
	outl(CF8, 0x80000000u | bdf << 8 | (off & 0xfc));
	return inl(CFC);
}

static void cf8_write(uint32_t bdf, unsigned off, uint32_t v)
{
	outl(CF8, 0x80000000u | bdf << 8 | (off & 0xfc));
	outl(CFC, v);
}

static volatile uint32_t *ecam_at(uint32_t bdf, unsigned off)
{
	return (volatile uint32_t *)(uintptr_t)(ecam + (bdf << 12) + off);
}

static uint32_t ecam_read(uint32_t bdf, unsigned off)
{
	return *ecam_at(bdf, off);
}

static void ecam_write(uint32_t bdf, unsigned off, uint32_t v)
{
	*ecam_at(bdf, off) = v;
}

/* Whether @bdf reads all-ones at the header's first 64 bytes, both ways. */
static bool all_ones(uint32_t bdf, bool use_ecam)
{
	for (unsigned off = 0; off < 0x40; off += 4)
		if ((use_ecam ? ecam_read(bdf, off) : cf8_read(bdf, off)) !=
		    0xffffffffu)
			return false;
	return true;
}

static void probe_host_bridge(void)
{
	uint32_t id = cf8_read(0, 0), bars = 0;

	for (unsigned off = PCI_BAR0; off <= PCI_BAR5; off += 4)
		bars |= cf8_read(0, off);
	result(id != 0xffffffffu && (id & 0xffff) == 0x8086 && !bars &&
		       !(cf8_read(0, PCI_COMMAND) >> 16 &
			 PCI_STATUS_CAP_LIST) &&
		       !(cf8_read(0, PCI_CAP_PTR) & 0xff) &&
		       ecam_read(0, 0) == id,
	       "pci_host_bridge_bare");
	printf("00:00.0 id 0x%x, BARs or'ed 0x%x\n", id, bars);
}

static void probe_own(uint32_t own)
{
	uint32_t id = cf8_read(own, 0), class = cf8_read(own, 8);

	result(id != 0xffffffffu && id != 0, "pci_own_cf8");
	printf("id 0x%x class 0x%x\n", id, class);
	result(ecam_read(own, 0) == id && ecam_read(own, 8) == class,
	       "pci_own_ecam");
	printf("id 0x%x class 0x%x\n", ecam_read(own, 0), ecam_read(own, 8));
}

static void probe_foreign(uint32_t other)
{
	result(all_ones(other, false), "pci_other_vm_cf8");
	printf("0x%x reads 0x%x\n", other, cf8_read(other, 0));
	result(all_ones(other, true), "pci_other_vm_ecam");
	printf("0x%x reads 0x%x\n", other, ecam_read(other, 0));
	/* Writes to it go nowhere: it still reads all-ones afterwards. */
	cf8_write(other, PCI_COMMAND, 0);
	ecam_write(other, PCI_BAR0, 0x12340000u);
	result(all_ones(other, false) && all_ones(other, true),
	       "pci_other_vm_write");
	printf("after writes 0x%x\n", cf8_read(other, PCI_BAR0));
	result(all_ones(LPC_BDF, false) && all_ones(LPC_BDF, true),
	       "pci_hv_lpc_hidden");
	printf("00:1f.0 reads 0x%x\n", cf8_read(LPC_BDF, 0));
}

/* The first memory BAR of @own: its offset, or 0. */
static unsigned mem_bar(uint32_t own)
{
	for (unsigned off = PCI_BAR0; off <= PCI_BAR5; off += 4) {
		uint32_t v = cf8_read(own, off);

		if (v && !(v & 1))
			return off;
		if ((v & 7) == 4)
			off += 4; /* the high half of a 64-bit BAR */
	}
	return 0;
}

static void probe_bar(uint32_t own)
{
	unsigned off = mem_bar(own);
	uint32_t bar, moved, size, back;
	volatile uint32_t *regs;

	result(off != 0, "pci_own_mem_bar");
	if (!off) {
		printf("none\n");
		return;
	}
	bar = cf8_read(own, off);
	printf("BAR at 0x%x: 0x%x\n", off, bar);
	cf8_write(own, off, bar + 0x100000u);
	moved = cf8_read(own, off);
	ecam_write(own, off, bar ^ 0x40000000u);
	result(moved == bar && ecam_read(own, off) == bar,
	       "pci_bar_move_refused");
	printf("after moves 0x%x, 0x%x\n", moved, ecam_read(own, off));
	cf8_write(own, off, 0xffffffffu);
	size = cf8_read(own, off);
	cf8_write(own, off, bar);
	back = cf8_read(own, off);
	result(size != bar && (size & 0xfffffff0u) &&
		       (size & 0xf) == (bar & 0xf) && back == bar,
	       "pci_bar_sizing");
	printf("sizing reads 0x%x, restored 0x%x\n", size, back);
	/* Memory decode on (a command bit the filter passes), then a look. */
	cf8_write(own, PCI_COMMAND,
		  (cf8_read(own, PCI_COMMAND) & 0xffff) | PCI_COMMAND_MEMORY);
	regs = (volatile uint32_t *)(uintptr_t)(bar & 0xfffffff0u);
	result(regs[0] != 0xffffffffu, "pci_bar_mapped");
	printf("first register 0x%x\n", regs[0]);
}

static unsigned cap_find(uint32_t bdf, unsigned id)
{
	unsigned at = cf8_read(bdf, PCI_CAP_PTR) & 0xfc;

	for (unsigned n = 0; at && n < 48; n++) {
		uint32_t v = cf8_read(bdf, at);

		if ((v & 0xff) == id)
			return at;
		at = (v >> 8) & 0xfc;
	}
	return 0;
}

/* Wait until @vector has come @n times in all, or the time is up. */
static unsigned wait_hits(unsigned vector, unsigned n)
{
	uint64_t t0 = rdtsc();

	while (hits[vector] < n && rdtsc() - t0 < WAIT_CYCLES)
		__asm__ volatile("pause");
	return hits[vector];
}

static void ioapic_pin(unsigned pin, uint32_t lo)
{
	volatile uint32_t *io = (volatile uint32_t *)(uintptr_t)IOAPIC;

	io[0] = 0x11 + 2 * pin;
	io[4] = 0; /* destination: APIC ID 0, this vCPU */
	io[0] = 0x10 + 2 * pin;
	io[4] = lo;
}

/* The e1000e raises its TX-done cause: one interrupt, however routed. */
static void nic_fire(void)
{
	(void)nic[E1000_ICR / 4];
	nic[E1000_IMS / 4] = E1000_TXDW;
	nic[E1000_ICS / 4] = E1000_TXDW;
}

static void nic_quiet(void)
{
	nic[E1000_IMC / 4] = 0xffffffffu;
	(void)nic[E1000_ICR / 4];
}

/*
 * MSI capability at @msi (its Message Control @ctrl) disabled, given
 * @addr and @data, enabled again; then the e1000e raises a cause.
 */
static void msi_send(uint32_t own, unsigned msi, uint32_t ctrl, uint32_t addr,
		     uint32_t data)
{
	bool wide = ctrl & 0x80; /* 64-bit address: data one dword later */

	cf8_write(own, msi, ctrl << 16 | PCI_CAP_MSI);
	cf8_write(own, msi + 4, addr);
	if (wide)
		cf8_write(own, msi + 8, 0);
	cf8_write(own, msi + (wide ? 12 : 8), data);
	cf8_write(own, msi, (ctrl | 1u) << 16 | PCI_CAP_MSI);
	nic_fire();
}

/*
 * The VM's own e1000e interrupts it, through MSI (the hypervisor's
 * translation of the message the guest wrote) and through INTx (the
 * physical I/O APIC pin @gsi following the VM's virtual one); a message
 * naming an NMI or a CPU outside the VM is never sent.
 */
static void probe_interrupts(uint32_t own, unsigned gsi)
{
	unsigned msi = cap_find(own, PCI_CAP_MSI);
	uint32_t cmd = cf8_read(own, PCI_COMMAND) & 0xffff;
	uint32_t ctrl;

	nic = (volatile uint32_t *)(uintptr_t)(cf8_read(own, PCI_BAR0) &
					       0xfffffff0u);
	apic_write(APIC_SVR, 0x100 | 0xff);
	__asm__ volatile("sti");
	cf8_write(own, PCI_COMMAND,
		  cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
			  PCI_COMMAND_INTX_DISABLE);
	result(msi != 0, "pci_msi_cap");
	printf("at 0x%x\n", msi);
	if (!msi)
		return;
	ctrl = (cf8_read(own, msi) >> 16) & ~1u;
	msi_send(own, msi, ctrl, 0xfee00000u, 0x4000u | VEC_MSI);
	result(wait_hits(VEC_MSI, 1) == 1, "pci_msi_delivered");
	printf("vector 0x%x came %u times\n", VEC_MSI, hits[VEC_MSI]);
	nic_quiet();

	/* An NMI, then a destination that is no vCPU of this VM. */
	msi_send(own, msi, ctrl, 0xfee00000u, 0x4400u | VEC_MSI_FOREIGN);
	wait_hits(EXC_NMI, 1);
	nic_quiet();
	msi_send(own, msi, ctrl, 0xfee05000u, 0x4000u | VEC_MSI_FOREIGN);
	wait_hits(VEC_MSI_FOREIGN, 1);
	nic_quiet();
	result(!hits[EXC_NMI] && !hits[VEC_MSI_FOREIGN] && hits[VEC_MSI] == 1,
	       "pci_msi_refused");
	printf("NMIs %u, vector 0x%x %u times\n", hits[EXC_NMI],
	       VEC_MSI_FOREIGN, hits[VEC_MSI_FOREIGN]);
	cf8_write(own, msi, ctrl << 16 | PCI_CAP_MSI);

	/*
	 * INTx: level-triggered on the VM's I/O APIC pin of the GSI; each
	 * interrupt is ended by reading ICR, so a second one can come only
	 * if the hypervisor unmasked the physical pin at the guest's EOI.
	 */
	cf8_write(own, PCI_COMMAND,
		  cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	ioapic_pin(gsi, 0x8000u | VEC_INTX);
	nic_fire();
	wait_hits(VEC_INTX, 1);
	nic_fire();
	result(wait_hits(VEC_INTX, 2) == 2, "pci_intx_delivered");
	printf("vector 0x%x came %u times on pin %u\n", VEC_INTX,
	       hits[VEC_INTX], gsi);
	/* Masked by the guest: the physical pin too, until it is unmasked. */
	ioapic_pin(gsi, 0x18000u | VEC_INTX);
	nic_fire();
	wait_hits(VEC_INTX, 3);
	ctrl = hits[VEC_INTX];
	ioapic_pin(gsi, 0x8000u | VEC_INTX);
	result(ctrl == 2 && wait_hits(VEC_INTX, 3) == 3, "pci_intx_masked");
	printf("%u while masked, %u after unmasking\n", ctrl - 2,
	       hits[VEC_INTX] - ctrl);
	nic_quiet();
	ioapic_pin(gsi, 0x18000u | VEC_INTX);
	__asm__ volatile("cli");
}

static void probe_latch(void)
{
	outl(CF8, 0x80000000u);
	result(inl(CF8) == 0x80000000u, "pci_cf8_latch");
	printf("0xcf8 reads 0x%x\n", inl(CF8));
}

/* The hex number of "@key=" on the command line, 0 when absent. */
static uint32_t arg_hex(uint32_t boot_info, const char *key)
{
	char arg[24];
	const char *s = arg;

	if (!cmdline_value(boot_info, key, arg, sizeof(arg)))
		return 0;
	return (uint32_t)parse_hex(&s);
}

void main(uint32_t boot_info)
{
	uint32_t own = arg_hex(boot_info, "pci.own");
	uint32_t other = arg_hex(boot_info, "pci.other");
	uint32_t gsi = arg_hex(boot_info, "pci.gsi");

	idt_setup();
	ecam = arg_hex(boot_info, "pci.ecam");
	if (!ecam || !own || !other) {
		printf("FAIL pci_args: pci.ecam, pci.own and pci.other needed\n");
		poweroff();
	}
	probe_latch();
	probe_host_bridge();
	probe_own(own);
	probe_foreign(other);
	probe_bar(own);
	if (cf8_read(own, 0) == E1000E_ID && gsi)
		probe_interrupts(own, gsi);
	result_summary();
	poweroff();
}
