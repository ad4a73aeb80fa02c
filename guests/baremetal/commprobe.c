/* SPDX-License-Identifier: MIT */
/*
 * commprobe: a guest that probes the communication devices shikiri gives a
 * VM as an adversary would (tests/system/test_comm_isolation.py).
 *
 * As a member of shared-memory regions ("commprobe.role=member") it reads
 * its virtual PCI bus through the ECAM (IDs, BARs where the device tree's
 * windows say, sizing, moves ignored, absent functions all-ones, odd
 * accesses harmless), each function's registers, writes and reads the
 * regions (a store to a region it maps read-only aborts).  Its doorbells
 * are probed by comm/doorbell.c, its network device by comm/netprobe.c,
 * comm/netattack.c, comm/netrace.c and comm/netserve.c.  As the outsider
 * ("commprobe.role=outsider", a VM with no region and no network) it finds
 * nothing at the other VMs' device addresses.  Both find nothing at the
 * regions' physical addresses.
 *
 * Parameters (the system test takes them from `shikiri-build --explain`
 * and the other VMs' device trees):
 *
 *	commprobe.role=member|outsider
 *	commprobe.outsider=N		a VM index outside every region
 *	commprobe.shm_pa=A-B[,...]	the regions' physical memory
 *	commprobe.foreign=A-B[,...]	other VMs' ECAM, BAR and virtio IPAs
 *	commprobe.word=V		what the peer wrote at offset 32 KiB of
 *					each region before the probes started
 *
 * The pattern this guest leaves in its read-write region for the peer to
 * check: the 64-bit word at byte offset 8*i of the first 32 KiB is
 * COMMPROBE_SEED ^ (i * COMMPROBE_MUL).
 */
#include "comm/comm.h"
#include "comm/mmu.h"

#include "baremetal/exceptions.h"
#include "baremetal/printf.h"
#include "baremetal/probe.h"
#include "baremetal/sysreg.h"
#include "baremetal/test.h"
#include "shikiri/shm.h"

#define COMMPROBE_SEED 0x636f6d6d70726f62ull /* "commprob" */
#define COMMPROBE_MUL 0x9e3779b97f4a7c15ull
#define PATTERN_BYTES 0x8000ull
#define PEER_WORD_OFFSET 0x8000ull
#define RANGES_MAX 16
#define BAR_MEM64_PREF 0xcu
#define CLASS_REV (SHIKIRI_SHM_CLASS << 8 | 1u)
#define EDGE_RISING 1u

static uint32_t cfg32(uint32_t devfn, uint32_t off)
{
	return mmio_read32(comm_cfg(devfn, off));
}

/* (a) The bus as the device tree describes it ------------------------- */

TEST(pci_bus_in_device_tree)
{
	const struct comm *c = comm_get();

	NEED_MEMBER();
	ASSERT_TRUE(!c->err);
	ASSERT_TRUE(c->has_pci);
	ASSERT_TRUE(c->probe_only);
	ASSERT_EQ(c->ecam_size, SZ_1M);
	ASSERT_EQ(c->ecam % SZ_1M, 0);
	ASSERT_TRUE(c->irq_count > 0);
	for (unsigned i = 0; i < c->irq_count; i++) {
		ASSERT_EQ(c->irq[i].devfn & 7, 0);
		ASSERT_TRUE(c->irq[i].devfn >= 8);
		ASSERT_TRUE(c->irq[i].intid >= 32 && c->irq[i].intid < 1020);
		ASSERT_EQ(c->irq[i].flags, EDGE_RISING);
	}
	/* Every interrupt-map entry is a shared-memory function. */
	ASSERT_EQ(c->fn_count, c->irq_count);
	for (unsigned i = 0; i < c->fn_count; i++) {
		const struct comm_fn *f = &c->fn[i];

		printf("baremetal: shm %s at 00:%02x.0 regs 0x%lx bar2 0x%lx "
		       "size 0x%lx intid %u self %u peers 0x%x %s\n",
		       f->name, f->devfn >> 3, f->regs, f->bar2, f->size,
		       f->intid, f->self, f->peers, f->read_only ? "ro" : "rw");
	}
}

TEST(pci_ids_and_header)
{
	const struct comm *c = comm_get();

	NEED_MEMBER();
	ASSERT_TRUE(c->fn_count > 0);
	for (unsigned i = 0; i < c->fn_count; i++) {
		uint32_t d = c->fn[i].devfn;
		uint64_t id = comm_cfg(d, PCI_ID);

		ASSERT_EQ(cfg32(d, PCI_ID),
			  SHIKIRI_SHM_DEVICE << 16 | SHIKIRI_SHM_VENDOR);
		/* The same bytes by 16- and 8-bit accesses. */
		ASSERT_EQ(mmio_read16(id), SHIKIRI_SHM_VENDOR);
		ASSERT_EQ(mmio_read16(id + 2), SHIKIRI_SHM_DEVICE);
		ASSERT_EQ(mmio_read8(id + 1), SHIKIRI_SHM_VENDOR >> 8);
		ASSERT_EQ(mmio_read8(id + 3), SHIKIRI_SHM_DEVICE >> 8);
		ASSERT_EQ(cfg32(d, PCI_CLASS_REV), CLASS_REV);
		ASSERT_EQ(mmio_read8(comm_cfg(d, PCI_HEADER_TYPE)), 0);
		ASSERT_EQ(cfg32(d, PCI_SUBSYS),
			  SHIKIRI_SHM_SUBSYS_ID << 16 |
				  SHIKIRI_SHM_SUBSYS_VENDOR);
		ASSERT_EQ(mmio_read8(comm_cfg(d, PCI_INT_PIN)), 1);
		ASSERT_EQ(mmio_read8(comm_cfg(d, PCI_INT_LINE)), 0xff);
		ASSERT_EQ(mmio_read8(comm_cfg(d, PCI_CAP_PTR)), 0);
		/* Writes to read-only IDs change nothing. */
		mmio_write32(id, 0x12345678);
		ASSERT_EQ(cfg32(d, PCI_ID),
			  SHIKIRI_SHM_DEVICE << 16 | SHIKIRI_SHM_VENDOR);
	}
}

TEST(pci_bars_where_the_windows_are)
{
	const struct comm *c = comm_get();

	NEED_MEMBER();
	ASSERT_TRUE(c->fn_count > 0);
	for (unsigned i = 0; i < c->fn_count; i++) {
		const struct comm_fn *f = &c->fn[i];
		uint32_t d = f->devfn;

		/* BAR 0: 32-bit memory, not prefetchable, a 4 KiB page. */
		ASSERT_EQ(cfg32(d, PCI_BAR0) & 0xf, 0);
		ASSERT_EQ(f->regs % SHIKIRI_SHM_REGS_SIZE, 0);
		ASSERT_TRUE(f->regs != 0 && f->regs < BIT(32));
		ASSERT_TRUE(comm_in_window(PCI_WINDOW_MEM32, f->regs,
					   SHIKIRI_SHM_REGS_SIZE));
		ASSERT_EQ(cfg32(d, PCI_BAR0 + 4), 0);
		/* BAR 2+3: 64-bit prefetchable, aligned to its size. */
		ASSERT_EQ(cfg32(d, PCI_BAR0 + 8) & 0xf, BAR_MEM64_PREF);
		ASSERT_TRUE(f->size >= 0x1000 && !(f->size & (f->size - 1)));
		ASSERT_EQ(f->bar2 % f->size, 0);
		ASSERT_TRUE(
			comm_in_window(PCI_WINDOW_PREF64, f->bar2, f->size));
		ASSERT_EQ(cfg32(d, PCI_BAR0 + 16), 0);
		ASSERT_EQ(cfg32(d, PCI_BAR0 + 20), 0);
		ASSERT_EQ(cfg32(d, PCI_ROM), 0);
	}
}

static void bar_write(uint32_t devfn, unsigned bar, uint32_t v)
{
	mmio_write32(comm_cfg(devfn, PCI_BAR0 + 4 * bar), v);
}

static uint32_t bar_read(uint32_t devfn, unsigned bar)
{
	return cfg32(devfn, PCI_BAR0 + 4 * bar);
}

TEST(pci_bar_sizing_works_and_moves_are_ignored)
{
	const struct comm *c = comm_get();

	NEED_MEMBER();
	ASSERT_TRUE(c->fn_count > 0);
	for (unsigned i = 0; i < c->fn_count; i++) {
		const struct comm_fn *f = &c->fn[i];
		uint32_t d = f->devfn, b0 = (uint32_t)f->regs;
		uint32_t b2 = bar_read(d, 2), b3 = bar_read(d, 3);
		uint64_t mask = ~(f->size - 1);

		bar_write(d, 0, ~0u);
		ASSERT_EQ(bar_read(d, 0), ~(SHIKIRI_SHM_REGS_SIZE - 1));
		bar_write(d, 0, b0);
		ASSERT_EQ(bar_read(d, 0), b0);
		bar_write(d, 2, ~0u);
		bar_write(d, 3, ~0u);
		ASSERT_EQ(bar_read(d, 2),
			  ((uint32_t)mask & ~0xfu) | BAR_MEM64_PREF);
		ASSERT_EQ(bar_read(d, 3), (uint32_t)(mask >> 32));
		bar_write(d, 2, b2);
		bar_write(d, 3, b3);
		ASSERT_EQ(bar_read(d, 2), b2);
		ASSERT_EQ(bar_read(d, 3), b3);
		/* Absent BARs size to nothing. */
		bar_write(d, 1, ~0u);
		ASSERT_EQ(bar_read(d, 1), 0);
		bar_write(d, 4, ~0u);
		ASSERT_EQ(bar_read(d, 4), 0);
		/* Moves, with and without a sizing before, are ignored. */
		bar_write(d, 0, b0 + 0x10000);
		ASSERT_EQ(bar_read(d, 0), b0);
		bar_write(d, 2, (uint32_t)(b2 + f->size));
		bar_write(d, 3, b3 + 1);
		ASSERT_EQ(bar_read(d, 2), b2);
		ASSERT_EQ(bar_read(d, 3), b3);
		bar_write(d, 0, ~0u);
		bar_write(d, 0, 0x1000);
		ASSERT_EQ(bar_read(d, 0), b0);
		/* And the registers are still there. */
		ASSERT_EQ(mmio_read32(f->regs + SHIKIRI_SHM_IV_POSITION),
			  f->self);
	}
}

TEST(pci_command_keeps_three_bits)
{
	const struct comm *c = comm_get();
	const uint32_t kept = PCI_CMD_MEM | PCI_CMD_MASTER |
			      PCI_CMD_INTX_DISABLE;

	NEED_MEMBER();
	ASSERT_TRUE(c->fn_count > 0);
	for (unsigned i = 0; i < c->fn_count; i++) {
		uint64_t cmd = comm_cfg(c->fn[i].devfn, PCI_COMMAND);
		mmio_write16(cmd, 0xffff);
		ASSERT_EQ(mmio_read16(cmd), kept);
		ASSERT_EQ(mmio_read32(cmd) & 0xffff, kept);
		mmio_write16(cmd, 0);
		ASSERT_EQ(mmio_read16(cmd), 0);
		/* No capability list; writing status changes nothing. */
		ASSERT_EQ(mmio_read16(cmd + 2) & PCI_STATUS_CAP_LIST, 0);
		mmio_write16(cmd + 2, 0xffff);
		ASSERT_EQ(mmio_read16(cmd + 2) & ~PCI_STATUS_INTX, 0);
		/* Decode bits have no effect: the registers answer. */
		ASSERT_EQ(mmio_read32(c->fn[i].regs + SHIKIRI_SHM_IV_POSITION),
			  c->fn[i].self);
		mmio_write16(cmd, PCI_CMD_MEM | PCI_CMD_MASTER);
	}
}

static bool devfn_present(uint32_t devfn)
{
	const struct comm *c = comm_get();

	for (unsigned i = 0; i < c->fn_count; i++)
		if (c->fn[i].devfn == devfn)
			return true;
	return false;
}

TEST(pci_absent_functions_read_all_ones)
{
	unsigned absent = 0;

	NEED_MEMBER();
	ASSERT_TRUE(comm_get()->fn_count > 0);
	for (uint32_t d = 0; d < 256; d++) {
		if (devfn_present(d))
			continue;
		absent++;
		ASSERT_EQ(cfg32(d, PCI_ID), 0xffffffffu);
		ASSERT_EQ(mmio_read8(comm_cfg(d, PCI_HEADER_TYPE)), 0xff);
		/* A write there must not create anything. */
		mmio_write32(comm_cfg(d, PCI_BAR0), ~0u);
		mmio_write32(comm_cfg(d, PCI_COMMAND), 0x7);
		ASSERT_EQ(cfg32(d, PCI_BAR0), 0xffffffffu);
		ASSERT_EQ(cfg32(d, PCI_COMMAND), 0xffffffffu);
	}
	ASSERT_TRUE(absent >= 248);
}

/* A load pair: no syndrome for the hypervisor to decode. */
static bool load_pair_aborts(uint64_t addr, struct fault *f)
{
	uint64_t a, b;

	expect_fault();
	__asm__ volatile("ldp %0, %1, [%2]"
			 : "=r"(a), "=r"(b)
			 : "r"(addr)
			 : "memory");
	(void)a;
	(void)b;
	return fault_taken(f);
}

TEST(pci_odd_config_accesses_are_harmless)
{
	const struct comm *c = comm_get();
	struct fault f;

	NEED_MEMBER();
	ASSERT_TRUE(c->fn_count > 0);
	for (unsigned i = 0; i < c->fn_count; i++) {
		uint32_t d = c->fn[i].devfn;
		uint32_t b0 = bar_read(d, 0);

		/* 8-byte accesses: read as zero, writes ignored. */
		ASSERT_EQ(mmio_read64(comm_cfg(d, PCI_ID)), 0);
		mmio_write64(comm_cfg(d, PCI_BAR0), 0x1000ull << 32 | 0x2000);
		ASSERT_EQ(bar_read(d, 0), b0);
		/* The extended space of a conventional function: zero. */
		ASSERT_EQ(cfg32(d, 0x100), 0);
		ASSERT_EQ(cfg32(d, PCI_CFG_SIZE - 4), 0);
		mmio_write32(comm_cfg(d, 0x100), ~0u);
		ASSERT_EQ(cfg32(d, 0x100), 0);
		/*
		 * A load pair has no syndrome (ESR ISV 0): the hypervisor
		 * cannot emulate it and reflects an abort; the VM goes on.
		 */
		ASSERT_TRUE(load_pair_aborts(comm_cfg(d, PCI_ID), &f));
		ASSERT_EQ(ESR_EC(f.esr), EC_DABT_CUR);
		ASSERT_EQ(f.far, comm_cfg(d, PCI_ID));
		ASSERT_EQ(cfg32(d, PCI_ID),
			  SHIKIRI_SHM_DEVICE << 16 | SHIKIRI_SHM_VENDOR);
	}
}

/* Misaligned accesses: with the MMU on, where Normal memory allows them. */

static uint32_t try_read(uint64_t addr, unsigned size, bool *faulted)
{
	struct fault f;
	uint32_t v;

	/* One instruction each (sysreg.h): never split, whatever the address. */
	expect_fault();
	v = size == 4 ? mmio_read32(addr) : mmio_read16(addr);
	*faulted |= fault_taken(&f);
	return v;
}

static void try_write(uint64_t addr, unsigned size, uint32_t v, bool *faulted)
{
	struct fault f;

	expect_fault();
	if (size == 4)
		mmio_write32(addr, v);
	else
		mmio_write16(addr, (uint16_t)v);
	*faulted |= fault_taken(&f);
}

TEST(misaligned_accesses_read_zero_and_write_nothing)
{
	const struct comm *c = comm_get();
	const struct comm_fn *f = comm_rw_fn();
	uint32_t got[6], cmd, b0;
	bool faulted = false, edge_faulted = false, net;

	NEED_MEMBER();
	ASSERT_TRUE(f);
	/* The tool puts ECAM, BAR 0 pages and virtio page in one block. */
	ASSERT_EQ(f->regs >> 30, c->ecam >> 30);
	net = c->has_net && c->net >> 30 == c->ecam >> 30;
	cmd = cfg32(f->devfn, PCI_COMMAND) & 0xffff;
	b0 = bar_read(f->devfn, 0);
	(void)mmio_read32(f->regs + SHIKIRI_SHM_INTR_STATUS);
	mmu_on(c->ecam, c->ecam_size);
	got[0] = try_read(comm_cfg(f->devfn, PCI_ID + 1), 4, &faulted);
	got[1] = try_read(comm_cfg(f->devfn, PCI_ID + 3), 2, &faulted);
	/* Across two functions' pages, inside the ECAM. */
	got[2] = try_read(comm_cfg(f->devfn, PCI_CFG_SIZE - 2), 4, &faulted);
	try_write(comm_cfg(f->devfn, PCI_BAR0 + 1), 4, 0, &faulted);
	try_write(comm_cfg(f->devfn, PCI_COMMAND + 1), 2, 0xffff, &faulted);
	got[3] = try_read(f->regs + SHIKIRI_SHM_IV_POSITION + 2, 4, &faulted);
	got[4] = try_read(f->regs + SHIKIRI_SHM_NAME + 1, 2, &faulted);
	try_write(f->regs + SHIKIRI_SHM_DOORBELL + 1, 4, f->self << 8,
		  &faulted);
	got[5] = net ? try_read(c->net + 1, 4, &faulted) : 0;
	if (net)
		try_write(c->net + 0x50 + 2, 4, 1, &faulted);
	/* Across the end of the ECAM: ignored or refused, either is fine. */
	(void)try_read(c->ecam + c->ecam_size - 2, 4, &edge_faulted);
	mmu_off();
	ASSERT_TRUE(!faulted);
	for (unsigned i = 0; i < ARRAY_SIZE(got); i++)
		ASSERT_EQ(got[i], 0);
	ASSERT_EQ(cfg32(f->devfn, PCI_COMMAND) & 0xffff, cmd);
	ASSERT_EQ(bar_read(f->devfn, 0), b0);
	/* The misaligned doorbell write rang nobody. */
	ASSERT_EQ(mmio_read32(f->regs + SHIKIRI_SHM_INTR_STATUS), 0);
	ASSERT_EQ(mmio_read32(f->regs + SHIKIRI_SHM_RUNG_BY), 0);
	ASSERT_EQ(mmio_read32(f->regs + SHIKIRI_SHM_IV_POSITION), f->self);
}

/* (a) Each function's registers, and the regions ---------------------- */

static bool name_ok(const char *s)
{
	unsigned n = 0;

	while (n < COMM_NAME_LEN && s[n]) {
		char ch = s[n++];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		      ch == '_' || ch == '-'))
			return false;
	}
	for (unsigned k = n; k < COMM_NAME_LEN; k++)
		if (s[k])
			return false;
	return n > 0 && n < COMM_NAME_LEN;
}

TEST(shm_registers)
{
	const struct comm *c = comm_get();

	NEED_MEMBER();
	ASSERT_TRUE(c->fn_count > 0);
	for (unsigned i = 0; i < c->fn_count; i++) {
		const struct comm_fn *f = &c->fn[i];
		uint64_t r = f->regs;

		ASSERT_TRUE(f->self < 32);
		ASSERT_TRUE(f->peers & (1u << f->self));
		ASSERT_TRUE(f->peers & ~(1u << f->self));
		ASSERT_TRUE(name_ok(f->name));
		/* Read-only registers ignore writes. */
		mmio_write32(r + SHIKIRI_SHM_IV_POSITION, f->self + 1);
		mmio_write32(r + SHIKIRI_SHM_PEERS, ~0u);
		mmio_write32(r + SHIKIRI_SHM_FLAGS, ~0u);
		mmio_write32(r + SHIKIRI_SHM_NAME, 0x41414141);
		ASSERT_EQ(mmio_read32(r + SHIKIRI_SHM_IV_POSITION), f->self);
		ASSERT_EQ(mmio_read32(r + SHIKIRI_SHM_PEERS), f->peers);
		ASSERT_EQ(mmio_read32(r + SHIKIRI_SHM_FLAGS),
			  f->read_only ? SHIKIRI_SHM_F_READ_ONLY : 0);
		ASSERT_EQ(mmio_read8(r + SHIKIRI_SHM_NAME),
			  (uint8_t)f->name[0]);
		/* The mask is read-write, off at reset. */
		ASSERT_EQ(mmio_read32(r + SHIKIRI_SHM_INTR_MASK), 0);
		mmio_write32(r + SHIKIRI_SHM_INTR_MASK, 1);
		ASSERT_EQ(mmio_read32(r + SHIKIRI_SHM_INTR_MASK) & 1, 1);
		mmio_write32(r + SHIKIRI_SHM_INTR_MASK, 0);
		ASSERT_EQ(mmio_read32(r + SHIKIRI_SHM_INTR_MASK), 0);
	}
}

static uint64_t pattern(uint64_t i)
{
	return COMMPROBE_SEED ^ (i * COMMPROBE_MUL);
}

TEST(shm_region_reads_back_and_holds_the_peers_word)
{
	const struct comm_fn *f = comm_rw_fn();
	uint64_t word, last;

	NEED_MEMBER();
	ASSERT_TRUE(f);
	for (uint64_t i = 0; i < PATTERN_BYTES / 8; i++)
		mmio_write64(f->bar2 + 8 * i, pattern(i));
	last = f->bar2 + f->size - 8;
	mmio_write64(last, ~COMMPROBE_SEED);
	dsb(sy);
	for (uint64_t i = 0; i < PATTERN_BYTES / 8; i++)
		ASSERT_EQ(mmio_read64(f->bar2 + 8 * i), pattern(i));
	ASSERT_EQ(mmio_read64(last), ~COMMPROBE_SEED);
	if (bootargs_u64("commprobe.word", &word) != 0)
		SKIP_TEST("no commprobe.word=V in the bootargs");
	ASSERT_EQ(mmio_read32(f->bar2 + PEER_WORD_OFFSET), (uint32_t)word);
}

TEST(shm_read_only_region_aborts_stores)
{
	const struct comm_fn *f = comm_ro_fn();
	uint64_t word, at, before;
	struct fault flt;

	NEED_MEMBER();
	ASSERT_TRUE(f);
	at = f->bar2 + PEER_WORD_OFFSET;
	before = mmio_read64(at);
	ASSERT_STORE_ABORTS(at);
	ASSERT_STORE_ABORTS(f->bar2);
	ASSERT_STORE_ABORTS(f->bar2 + f->size - 8);
	expect_fault();
	mmio_write8(at + 3, 0x5a);
	ASSERT_TRUE(fault_taken(&flt));
	ASSERT_EQ(flt.far, at + 3);
	ASSERT_EQ(mmio_read64(at), before);
	if (bootargs_u64("commprobe.word", &word) != 0)
		SKIP_TEST("no commprobe.word=V in the bootargs");
	ASSERT_EQ(mmio_read32(at), (uint32_t)word);
}

/* (a), (c) Memory nobody gave this VM ----------------------------------- */

/* Loads and stores at the foreign points of the ranges in bootarg @key. */
static void probe_ranges(const char *key, bool exec)
{
	struct range r[RANGES_MAX];
	int n = bootargs_ranges(key, r, RANGES_MAX);
	unsigned probed = 0;

	if (n <= 0)
		SKIP_TEST("no %s=A-B in the bootargs", key);
	for (int i = 0; i < n; i++) {
		uint64_t at[3];
		unsigned k = comm_foreign_points(r[i], at);

		for (unsigned j = 0; j < k; j++) {
			ASSERT_LOAD_ABORTS(at[j]);
			ASSERT_STORE_ABORTS(at[j]);
		}
		if (k && exec)
			ASSERT_EXEC_ABORTS(at[0]);
		probed += k;
	}
	ASSERT_TRUE(probed > 0);
}

TEST(region_physical_memory_is_unreachable)
{
	probe_ranges("commprobe.shm_pa", true);
}

TEST(outsider_has_no_bus_and_no_network)
{
	const struct comm *c = comm_get();

	NEED_OUTSIDER();
	ASSERT_TRUE(!c->err);
	ASSERT_TRUE(!c->has_pci);
	ASSERT_TRUE(!c->has_net);
}

TEST(outsider_finds_nothing_at_the_members_devices)
{
	NEED_OUTSIDER();
	probe_ranges("commprobe.foreign", false);
}
