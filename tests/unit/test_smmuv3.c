/* SPDX-License-Identifier: MIT */
/*
 * The SMMUv3 driver (hv/drivers/smmuv3.c) and the hypervisor's use of it
 * (hv/arch/aarch64/smmu.c) against a model of the device behind the fake
 * arch's register accessors: ID registers as the test sets them, CR0,
 * GBPA and IRQ_CTRL acknowledged, a command queue the model consumes from
 * memory when PROD is written (refusing opcodes the test names, or
 * consuming nothing), and an event queue the test fills as the SMMU would.
 * The encodings are checked against IHI 0070's field layouts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arch/pgtable.h"
#include "arch/smmu.h"
#include "fake.h"
#include "hv/drivers/smmuv3.h"
#include "hv/errno.h"
#include "hv/print.h"
#include "hv/vm.h"

#define BASE 0x9050000ull
#define EVTQ_INTID 106u
#define GERROR_INTID 109u
#define HZ 1000000u
#define POOL_PAGES 64u
#define MAX_CMDS 64u

/* QEMU 7.2's IDR0: S1P, TTF AArch64, COHACC, ASID16, TTENDIAN LE, no stall. */
#define IDR0_QEMU                                                      \
	((1u << 1) | (2u << 2) | (1u << 4) | (1u << 12) | (2u << 21) | \
	 (1u << 24))
#define IDR1_QEMU ((16u << 0) | (19u << 16) | (19u << 21))
#define IDR5_QEMU ((4u << 0) | (1u << 4) | (1u << 6)) /* 44 bits, 4K, 64K */

static struct {
	uint32_t reg[SMMUV3_REG_SIZE / 4];
	bool stalled;	   /* consumes no command */
	bool never_ack;	   /* CR0ACK never follows CR0 */
	uint8_t refuse_op; /* an opcode it refuses (CMDQ_ERR), 0: none */
	uint64_t cmds[MAX_CMDS][2];
	unsigned cmd_count;
	uint32_t evt_prod; /* index with wrap bit, and OVFLG */
} m;

static uint64_t reg64(uint32_t off)
{
	return m.reg[off / 4] | (uint64_t)m.reg[off / 4 + 1] << 32;
}

static uint64_t *queue_base(uint32_t off)
{
	return (uint64_t *)(uintptr_t)(reg64(off) & 0x000fffffffffffe0ull);
}

static unsigned queue_log2(uint32_t off)
{
	return (unsigned)(reg64(off) & 0x1f);
}

/* The SMMU reads commands from CONS up to PROD (4.1), stopping at an error. */
static void consume(void)
{
	unsigned log2n = queue_log2(SMMU_CMDQ_BASE);
	uint32_t mask = (2u << log2n) - 1;
	uint64_t *q = queue_base(SMMU_CMDQ_BASE);

	if (m.stalled || !(m.reg[SMMU_CR0 / 4] & CR0_CMDQEN) ||
	    ((m.reg[SMMU_GERROR / 4] ^ m.reg[SMMU_GERRORN / 4]) &
	     GERROR_CMDQ_ERR))
		return;
	while ((m.reg[SMMU_CMDQ_CONS / 4] & mask) !=
	       (m.reg[SMMU_CMDQ_PROD / 4] & mask)) {
		uint32_t cons = m.reg[SMMU_CMDQ_CONS / 4] & mask;
		uint64_t *c = q + (cons & ((1u << log2n) - 1)) * 2;

		if (m.refuse_op && (c[0] & 0xff) == m.refuse_op) {
			m.reg[SMMU_GERROR / 4] ^= GERROR_CMDQ_ERR;
			m.reg[SMMU_CMDQ_CONS / 4] = cons | 1u << 24; /* ILL */
			return;
		}
		if (m.cmd_count < MAX_CMDS) {
			m.cmds[m.cmd_count][0] = c[0];
			m.cmds[m.cmd_count][1] = c[1];
		}
		m.cmd_count++;
		m.reg[SMMU_CMDQ_CONS / 4] = (cons + 1) & mask;
	}
}

uint32_t fake_mmio_reg_read(uint64_t addr)
{
	uint32_t off = (uint32_t)(addr - BASE);

	assert_true(addr >= BASE && off < SMMUV3_REG_SIZE);
	if (off == SMMU_EVENTQ_PROD)
		return m.evt_prod;
	return m.reg[off / 4];
}

void fake_mmio_reg_write(uint64_t addr, uint32_t val)
{
	uint32_t off = (uint32_t)(addr - BASE);

	assert_true(addr >= BASE && off < SMMUV3_REG_SIZE);
	m.reg[off / 4] = val;
	switch (off) {
	case SMMU_CR0:
		if (!m.never_ack)
			m.reg[SMMU_CR0ACK / 4] = val;
		consume();
		break;
	case SMMU_GBPA:
		m.reg[off / 4] = val & ~GBPA_UPDATE;
		break;
	case SMMU_IRQ_CTRL:
		m.reg[SMMU_IRQ_CTRLACK / 4] = val;
		break;
	case SMMU_CMDQ_PROD:
	case SMMU_GERRORN:
		consume();
		break;
	}
}

/* The SMMU writes an event record and advances PROD (7.4). */
static void push_event(const uint64_t rec[SMMUV3_EVT_DWORDS])
{
	unsigned log2n = queue_log2(SMMU_EVENTQ_BASE);
	uint64_t *slot = queue_base(SMMU_EVENTQ_BASE) +
			 (m.evt_prod & ((1u << log2n) - 1)) * 4;

	memcpy(slot, rec, SMMUV3_EVT_DWORDS * 8);
	m.evt_prod = (m.evt_prod & Q_OVERFLOW) |
		     (((m.evt_prod & ((2u << log2n) - 1)) + 1) &
		      ((2u << log2n) - 1));
}

static void translation_fault(uint32_t sid, uint64_t addr, bool write)
{
	uint64_t rec[SMMUV3_EVT_DWORDS] = {
		EVT_F_TRANSLATION | (uint64_t)sid << 32,
		write ? 0 : 1ull << 35,
		addr,
		0,
	};

	push_event(rec);
}

/* What the rest of the hypervisor gives smmu.c, recorded. */
static char log_lines[64][200];
static unsigned log_count;
static uint64_t now;
static struct vm *policy_vm[16];
static enum vm_cause policy_cause[16];
static unsigned policy_count;

void hv_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (log_count < 64)
		vsnprintf(log_lines[log_count], sizeof(log_lines[0]), fmt, ap);
	log_count++;
	va_end(ap);
}

size_t print_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n < 0 ? 0 : MIN((size_t)n, size ? size - 1 : 0);
}

uint64_t arch_counter(void)
{
	return now;
}

uint64_t console_clock_hz(void)
{
	return HZ;
}

void vm_request_policy(struct vm *vm, enum vm_cause cause)
{
	if (policy_count < 16) {
		policy_vm[policy_count] = vm;
		policy_cause[policy_count] = cause;
	}
	policy_count++;
}

static bool logged(const char *text)
{
	for (unsigned i = 0; i < log_count && i < 64; i++)
		if (strstr(log_lines[i], text))
			return true;
	return false;
}

/* Two VMs and a board with an SMMU, as on QEMU virt with iommu=smmuv3. */
static struct vm vm_a, vm_b;
static struct shikiri_plan_vm plan_a, plan_b;
static struct shikiri_plan_board board;
static struct page_pool pool;
static void *pool_mem;

static int setup(void **state)
{
	(void)state;
	memset(&m, 0, sizeof(m));
	m.reg[SMMU_IDR0 / 4] = IDR0_QEMU;
	m.reg[SMMU_IDR1 / 4] = IDR1_QEMU;
	m.reg[SMMU_IDR5 / 4] = IDR5_QEMU;
	fake_reset();
	log_count = 0;
	policy_count = 0;
	now = 1000 * HZ;
	pool_mem = aligned_alloc(PAGE_SIZE, POOL_PAGES * PAGE_SIZE);
	page_pool_init(&pool, pool_mem, POOL_PAGES);

	memset(&board, 0, sizeof(board));
	board.cpu_count = 2;
	board.cpu_id[0] = 0x0;
	board.cpu_id[1] = 0x1;
	board.hw.aarch64.smmu_base = BASE;
	board.hw.aarch64.smmu_evtq_intid = EVTQ_INTID;
	board.hw.aarch64.smmu_gerror_intid = GERROR_INTID;

	memset(&plan_a, 0, sizeof(plan_a));
	plan_a.ram_count = 1;
	plan_a.ram[0] = (struct shikiri_region){ .pa = 0x80000000,
						 .ipa = 0x40000000,
						 .size = 0x10000000 };
	plan_a.on_fault = SHIKIRI_POLICY_STOP;
	memset(&plan_b, 0, sizeof(plan_b));
	plan_b.ram_count = 1;
	plan_b.ram[0] = (struct shikiri_region){ .pa = 0x90000000,
						 .ipa = 0x40000000,
						 .size = 0x8000000 };
	plan_b.on_fault = SHIKIRI_POLICY_REFLECT;
	memset(&vm_a, 0, sizeof(vm_a));
	memset(&vm_b, 0, sizeof(vm_b));
	vm_a = (struct vm){ .id = 0, .name = "linux0", .plan = &plan_a };
	vm_b = (struct vm){ .id = 1, .name = "linux1", .plan = &plan_b };
	vm_a.life.state = VM_RUNNING;
	vm_b.life.state = VM_RUNNING;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(pool_mem);
	return 0;
}

static uint64_t bits(uint64_t v, unsigned hi, unsigned lo)
{
	return (v >> lo) & ((2ull << (hi - lo)) - 1);
}

static void test_ste_abort(void **state)
{
	uint64_t ste[8];

	(void)state;
	memset(ste, 0xa5, sizeof(ste));
	smmuv3_ste_abort(ste);
	assert_int_equal(bits(ste[0], 0, 0), 1); /* V */
	assert_int_equal(bits(ste[0], 3, 1), 0); /* Config: abort */
	for (unsigned i = 1; i < 8; i++)
		assert_int_equal(ste[i], 0);
}

static void test_ste_s1(void **state)
{
	uint64_t ste[8];

	(void)state;
	smmuv3_ste_s1(ste, 0x8123456740ull);
	assert_int_equal(bits(ste[0], 0, 0), 1);
	assert_int_equal(bits(ste[0], 3, 1), 5); /* S1 translate, S2 bypass */
	assert_int_equal(bits(ste[0], 5, 4), 0); /* S1Fmt: one CD */
	assert_int_equal(bits(ste[0], 51, 6) << 6, 0x8123456740ull);
	assert_int_equal(bits(ste[0], 63, 59), 0); /* S1CDMax */
	assert_int_equal(bits(ste[1], 3, 2), 1);   /* S1CIR WBRA */
	assert_int_equal(bits(ste[1], 5, 4), 1);   /* S1COR WBRA */
	assert_int_equal(bits(ste[1], 7, 6), 3);   /* S1CSH ISH */
	assert_int_equal(bits(ste[1], 27, 27), 0); /* S1STALLD: no stalls */
	assert_int_equal(bits(ste[1], 29, 28), 0); /* EATS: no ATS */
	assert_int_equal(bits(ste[1], 31, 30), 0); /* STRW: NS-EL1 */
	assert_int_equal(bits(ste[1], 45, 44), 1); /* SHCFG: incoming */
	for (unsigned i = 2; i < 8; i++)
		assert_int_equal(ste[i], 0);
}

static void test_ste_s2(void **state)
{
	struct smmuv3 s = { .oas = 4 };
	uint64_t ste[8];

	(void)state;
	smmuv3_ste_s2(&s, ste, 3, 0x8765432000ull);
	assert_int_equal(bits(ste[0], 0, 0), 1);
	assert_int_equal(bits(ste[0], 3, 1), 6);  /* S1 bypass, S2 translate */
	assert_int_equal(bits(ste[0], 51, 6), 0); /* no CD */
	assert_int_equal(bits(ste[1], 45, 44), 1);
	assert_int_equal(bits(ste[2], 15, 0), 3);   /* S2VMID */
	assert_int_equal(bits(ste[2], 37, 32), 25); /* S2T0SZ: 39 bits */
	assert_int_equal(bits(ste[2], 39, 38), 1);  /* S2SL0: level 1 */
	assert_int_equal(bits(ste[2], 41, 40), 1);  /* S2IR0 */
	assert_int_equal(bits(ste[2], 43, 42), 1);  /* S2OR0 */
	assert_int_equal(bits(ste[2], 45, 44), 3);  /* S2SH0 */
	assert_int_equal(bits(ste[2], 47, 46), 0);  /* S2TG: 4 KiB */
	assert_int_equal(bits(ste[2], 50, 48), 4);  /* S2PS: 44 bits */
	assert_int_equal(bits(ste[2], 51, 51), 1);  /* S2AA64 */
	assert_int_equal(bits(ste[2], 52, 52), 0);  /* S2ENDI: little */
	assert_int_equal(bits(ste[2], 57, 57), 0);  /* S2S: no stall */
	assert_int_equal(bits(ste[2], 58, 58), 1);  /* S2R: record */
	assert_int_equal(bits(ste[3], 51, 4) << 4, 0x8765432000ull);
	for (unsigned i = 4; i < 8; i++)
		assert_int_equal(ste[i], 0);
}

static void test_cd(void **state)
{
	struct smmuv3 s = { .oas = 5 };
	uint64_t cd[8];

	(void)state;
	smmuv3_cd_s1(&s, cd, 7, 0x8000123000ull, PGTABLE_STAGE1_MAIR);
	assert_int_equal(bits(cd[0], 5, 0), 25);  /* T0SZ */
	assert_int_equal(bits(cd[0], 7, 6), 0);	  /* TG0: 4 KiB */
	assert_int_equal(bits(cd[0], 9, 8), 1);	  /* IR0 */
	assert_int_equal(bits(cd[0], 11, 10), 1); /* OR0 */
	assert_int_equal(bits(cd[0], 13, 12), 3); /* SH0 */
	assert_int_equal(bits(cd[0], 14, 14), 0); /* EPD0: TTB0 walks */
	assert_int_equal(bits(cd[0], 15, 15), 0); /* ENDI */
	assert_int_equal(bits(cd[0], 30, 30), 1); /* EPD1: no TTB1 */
	assert_int_equal(bits(cd[0], 31, 31), 1); /* V */
	assert_int_equal(bits(cd[0], 34, 32), 5); /* IPS */
	assert_int_equal(bits(cd[0], 41, 41), 1); /* AA64 */
	assert_int_equal(bits(cd[0], 43, 42), 0); /* HA, HD */
	assert_int_equal(bits(cd[0], 44, 44), 0); /* S: no stall */
	assert_int_equal(bits(cd[0], 45, 45), 1); /* R: record */
	assert_int_equal(bits(cd[0], 46, 46), 1); /* A: abort */
	assert_int_equal(bits(cd[0], 47, 47), 1); /* ASET: SMMU-private */
	assert_int_equal(bits(cd[0], 63, 48), 7); /* ASID */
	assert_int_equal(bits(cd[1], 51, 4) << 4, 0x8000123000ull);
	assert_int_equal(cd[3], PGTABLE_STAGE1_MAIR);
}

static void test_commands(void **state)
{
	uint64_t c[2];

	(void)state;
	smmuv3_cmd_cfgi_ste(c, 0x1234);
	assert_int_equal(bits(c[0], 7, 0), 0x03);
	assert_int_equal(bits(c[0], 63, 32), 0x1234);
	assert_int_equal(bits(c[1], 0, 0), 1); /* Leaf */
	smmuv3_cmd_cfgi_all(c);
	assert_int_equal(bits(c[0], 7, 0), 0x04);
	assert_int_equal(bits(c[1], 4, 0), 31); /* Range: all */
	smmuv3_cmd_tlbi_nsnh_all(c);
	assert_int_equal(c[0], 0x30);
	smmuv3_cmd_tlbi_s12_vmall(c, 9);
	assert_int_equal(bits(c[0], 7, 0), 0x28);
	assert_int_equal(bits(c[0], 47, 32), 9); /* VMID */
	smmuv3_cmd_tlbi_nh_asid(c, 5);
	assert_int_equal(bits(c[0], 7, 0), 0x11);
	assert_int_equal(bits(c[0], 63, 48), 5); /* ASID */
	smmuv3_cmd_sync(c);
	assert_int_equal(bits(c[0], 7, 0), 0x46);
	assert_int_equal(bits(c[0], 13, 12), 0); /* CS: none, CONS polled */
}

static void test_queue_indexes(void **state)
{
	(void)state;
	/* Four entries: index in bits 1:0, wrap bit 2. */
	assert_true(smmuv3_q_empty(0, 0, 2));
	assert_true(smmuv3_q_empty(5, 5, 2));
	assert_false(smmuv3_q_full(3, 0, 2));
	assert_true(smmuv3_q_full(4, 0, 2));
	assert_true(smmuv3_q_full(1, 5, 2));
	assert_false(smmuv3_q_empty(4, 0, 2));
	assert_int_equal(smmuv3_q_next(2, 2), 3);
	assert_int_equal(smmuv3_q_next(3, 2), 4);
	assert_int_equal(smmuv3_q_next(7, 2), 0);
	/* The overflow flag is not part of the index. */
	assert_true(smmuv3_q_empty(Q_OVERFLOW | 2, 2, 2));
}

/* A bare driver over the model with a 4-entry command queue. */
static uint64_t small_strtab[4 * 8] __attribute__((aligned(256)));
static uint64_t small_cmdq[4 * 2] __attribute__((aligned(64)));
static uint64_t small_evtq[4 * 4] __attribute__((aligned(128)));

static void small_setup(struct smmuv3 *s)
{
	const char *why;

	assert_int_equal(smmuv3_probe(s, BASE, &why), 0);
	assert_int_equal(smmuv3_setup(s, small_strtab, 2, small_cmdq, 2,
				      small_evtq, 2),
			 0);
}

static void test_setup_sequence(void **state)
{
	struct smmuv3 s;

	(void)state;
	small_setup(&s);
	assert_int_equal(reg64(SMMU_STRTAB_BASE) & ~(1ull << 62),
			 (uintptr_t)small_strtab);
	assert_int_equal(m.reg[SMMU_STRTAB_BASE_CFG / 4], 2); /* linear */
	assert_int_equal(queue_log2(SMMU_CMDQ_BASE), 2);
	assert_ptr_equal(queue_base(SMMU_CMDQ_BASE), small_cmdq);
	assert_ptr_equal(queue_base(SMMU_EVENTQ_BASE), small_evtq);
	assert_true(m.reg[SMMU_GBPA / 4] & GBPA_ABORT);
	assert_int_equal(m.reg[SMMU_CR0 / 4], CR0_CMDQEN); /* not SMMUEN */
	/* Whatever was cached is forgotten: CFGI_ALL, TLBI_NSNH_ALL, SYNC. */
	assert_int_equal(m.cmd_count, 3);
	assert_int_equal(m.cmds[0][0] & 0xff, CMD_CFGI_ALL);
	assert_int_equal(m.cmds[1][0] & 0xff, CMD_TLBI_NSNH_ALL);
	assert_int_equal(m.cmds[2][0] & 0xff, CMD_SYNC);
	assert_int_equal(smmuv3_enable(&s), 0);
	assert_int_equal(m.reg[SMMU_CR0 / 4],
			 CR0_CMDQEN | CR0_EVENTQEN | CR0_SMMUEN);
	assert_int_equal(m.reg[SMMU_IRQ_CTRL / 4],
			 IRQ_CTRL_GERROR | IRQ_CTRL_EVENTQ);
}

/*
 * An STE replaced while translation is on: invalidated and forgotten
 * first, then written and forgotten again; one beyond the table refused.
 */
static void test_ste_write_live(void **state)
{
	struct smmuv3 s;
	uint64_t ste[8];

	(void)state;
	small_setup(&s);
	assert_int_equal(smmuv3_enable(&s), 0);
	m.cmd_count = 0;
	smmuv3_ste_s1(ste, 0x1000);
	assert_int_equal(smmuv3_ste_write(&s, 3, ste), 0);
	assert_memory_equal(&small_strtab[3 * 8], ste, sizeof(ste));
	assert_int_equal(m.cmd_count, 4);
	for (unsigned i = 0; i < 4; i += 2) {
		assert_int_equal(m.cmds[i][0], CMD_CFGI_STE | 3ull << 32);
		assert_int_equal(m.cmds[i + 1][0] & 0xff, CMD_SYNC);
	}
	assert_int_equal(smmuv3_ste_write(&s, 4, ste), -HV_ERANGE);
	assert_int_equal(m.cmd_count, 4);
}

/* Ten commands through a 4-entry queue: the indexes wrap, order holds. */
static void test_cmdq_wraps(void **state)
{
	struct smmuv3 s;
	uint64_t c[2];

	(void)state;
	small_setup(&s);
	m.cmd_count = 0;
	for (uint32_t i = 0; i < 10; i++) {
		smmuv3_cmd_cfgi_ste(c, i);
		assert_int_equal(smmuv3_cmdq_issue(&s, c), 0);
	}
	assert_int_equal(smmuv3_cmdq_sync(&s), 0);
	assert_int_equal(m.cmd_count, 11);
	for (uint32_t i = 0; i < 10; i++)
		assert_int_equal(m.cmds[i][0] >> 32, i);
	assert_int_equal(m.cmds[10][0] & 0xff, CMD_SYNC);
	/* 3 at setup + 11 = 14 = 3 laps and 2: wrap bit set, index 2. */
	assert_int_equal(m.reg[SMMU_CMDQ_PROD / 4], (14u & 7u));
}

/* An SMMU that consumes nothing: four fit, the fifth gives up. */
static void test_cmdq_full(void **state)
{
	struct smmuv3 s;
	uint64_t c[2];

	(void)state;
	small_setup(&s);
	m.stalled = true;
	smmuv3_cmd_tlbi_nsnh_all(c);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(smmuv3_cmdq_issue(&s, c), 0);
	assert_int_equal(smmuv3_cmdq_issue(&s, c), -HV_EBUSY);
	assert_int_equal(smmuv3_cmdq_sync(&s), -HV_EBUSY);
	/* Once it moves again, so does the queue. */
	m.stalled = false;
	consume();
	assert_int_equal(smmuv3_cmdq_sync(&s), 0);
}

/* A refused command is replaced by a SYNC and the queue goes on. */
static void test_cmdq_error(void **state)
{
	struct smmuv3 s;
	uint64_t c[2];

	(void)state;
	small_setup(&s);
	m.cmd_count = 0;
	m.refuse_op = CMD_TLBI_S12_VMALL;
	smmuv3_cmd_tlbi_s12_vmall(c, 1);
	assert_int_equal(smmuv3_cmdq_issue(&s, c), 0);
	smmuv3_cmd_cfgi_ste(c, 3);
	assert_int_equal(smmuv3_cmdq_issue(&s, c), 0);
	assert_int_equal(smmuv3_cmdq_sync(&s), -HV_EINVAL);
	assert_int_equal(m.reg[SMMU_GERROR / 4], m.reg[SMMU_GERRORN / 4]);
	assert_int_equal(m.cmd_count, 3);
	assert_int_equal(m.cmds[0][0] & 0xff, CMD_SYNC); /* the replacement */
	assert_int_equal(m.cmds[1][0], CMD_CFGI_STE | 3ull << 32);
	assert_int_equal(smmuv3_cmdq_sync(&s), 0);
}

/* A dead SMMU: setup gives up instead of hanging. */
static void test_setup_no_ack(void **state)
{
	struct smmuv3 s;
	const char *why;

	(void)state;
	m.never_ack = true;
	m.reg[SMMU_CR0ACK / 4] = CR0_SMMUEN; /* left on by someone */
	assert_int_equal(smmuv3_probe(&s, BASE, &why), 0);
	assert_int_equal(smmuv3_setup(&s, small_strtab, 2, small_cmdq, 2,
				      small_evtq, 2),
			 -HV_EBUSY);
}

static void test_probe(void **state)
{
	struct smmuv3 s;
	const char *why;

	(void)state;
	assert_int_equal(smmuv3_probe(&s, BASE, &why), 0);
	assert_false(s.stage2);
	assert_int_equal(s.oas, 4);
	m.reg[SMMU_IDR0 / 4] = IDR0_QEMU | IDR0_S2P;
	assert_int_equal(smmuv3_probe(&s, BASE, &why), 0);
	assert_true(s.stage2);
	m.reg[SMMU_IDR0 / 4] = IDR0_QEMU & ~IDR0_COHACC;
	assert_int_equal(smmuv3_probe(&s, BASE, &why), -HV_EINVAL);
	assert_string_equal(why, "table and queue accesses not coherent");
	m.reg[SMMU_IDR0 / 4] = IDR0_QEMU & ~IDR0_S1P;
	assert_int_equal(smmuv3_probe(&s, BASE, &why), -HV_EINVAL);
	m.reg[SMMU_IDR0 / 4] = (IDR0_QEMU & ~(3u << 24)) | 2u << 24;
	assert_int_equal(smmuv3_probe(&s, BASE, &why), -HV_EINVAL);
	assert_string_equal(why, "faults always stall");
	m.reg[SMMU_IDR0 / 4] = IDR0_QEMU | 3u << 21; /* big-endian only */
	assert_int_equal(smmuv3_probe(&s, BASE, &why), -HV_EINVAL);
	m.reg[SMMU_IDR0 / 4] = IDR0_QEMU;
	m.reg[SMMU_IDR5 / 4] = IDR5_QEMU & ~IDR5_GRAN4K;
	assert_int_equal(smmuv3_probe(&s, BASE, &why), -HV_EINVAL);
}

static void test_event_decode(void **state)
{
	const uint64_t write_fault[4] = { 0x10 | 0x21ull << 32, 0,
					  0x1234567000ull, 0 };
	const uint64_t read_fault[4] = { 0x13 | 0x8ull << 32,
					 1ull << 35 | 1ull << 39, 0x40001000,
					 0 };
	const uint64_t bad_ste[4] = { 0x04 | 0x30ull << 32, 0, 0xdead, 0 };
	struct smmuv3_event ev;

	(void)state;
	smmuv3_event_decode(write_fault, &ev);
	assert_int_equal(ev.type, EVT_F_TRANSLATION);
	assert_int_equal(ev.sid, 0x21);
	assert_true(ev.has_addr);
	assert_int_equal(ev.addr, 0x1234567000ull);
	assert_true(ev.write);
	assert_false(ev.stage2);
	assert_string_equal(smmuv3_event_name(ev.type), "translation fault");
	smmuv3_event_decode(read_fault, &ev);
	assert_int_equal(ev.type, EVT_F_PERMISSION);
	assert_false(ev.write);
	assert_true(ev.stage2);
	smmuv3_event_decode(bad_ste, &ev);
	assert_false(ev.has_addr); /* the third word means nothing here */
	assert_int_equal(ev.addr, 0);
	assert_string_equal(smmuv3_event_name(0xff), "event");
}

static void test_evtq_overflow(void **state)
{
	struct smmuv3 s;
	uint64_t rec[4];
	bool lost;

	(void)state;
	small_setup(&s);
	translation_fault(1, 0x1000, true);
	assert_true(smmuv3_evtq_pop(&s, rec, &lost));
	assert_false(lost);
	assert_false(smmuv3_evtq_pop(&s, rec, &lost));
	/* The SMMU dropped records: OVFLG toggles; acked once, via CONS. */
	m.evt_prod ^= Q_OVERFLOW;
	translation_fault(2, 0x2000, true);
	assert_true(smmuv3_evtq_pop(&s, rec, &lost));
	assert_true(lost);
	assert_int_equal(rec[0] >> 32, 2);
	assert_int_equal(m.reg[SMMU_EVENTQ_CONS / 4] & Q_OVERFLOW,
			 m.evt_prod & Q_OVERFLOW);
	assert_false(smmuv3_evtq_pop(&s, rec, &lost));
	assert_false(lost);
}

/* The stream table as the SMMU finds it. */
static const uint64_t *ste_of(uint32_t sid)
{
	const uint64_t *t =
		(const uint64_t *)(uintptr_t)(reg64(SMMU_STRTAB_BASE) &
					      0x000fffffffffffc0ull);

	return t + sid * 8;
}

/* The stage-1 table a Context Descriptor points at. */
static struct pgtable cd_table(const uint64_t *cd)
{
	return (struct pgtable){
		.root = (uint64_t *)(uintptr_t)(cd[1] & 0x000ffffffffffff0ull),
		.kind = PGTABLE_STAGE1_DMA
	};
}

static const uint64_t *cd_of(const uint64_t *ste)
{
	return (const uint64_t *)(uintptr_t)(ste[0] & 0x000fffffffffffc0ull);
}

static void boot_two_vms(void)
{
	assert_int_equal(smmu_init(&board, 1, &pool), 0);
	assert_int_equal(smmu_attach(&vm_a, 0x10), 0); /* 00:02.0 */
	assert_int_equal(smmu_attach(&vm_a, 0x18), 0); /* 00:03.0 */
	assert_int_equal(smmu_attach(&vm_b, 0x20), 0); /* 00:04.0 */
	assert_int_equal(smmu_map_msi(&vm_a, 0x8000000, 0x8090000), 0);
	assert_int_equal(smmu_enable(), 0);
}

/* Stage 1: each VM's streams see its RAM, its MSI page, nothing else. */
static void test_stage1_views(void **state)
{
	const uint64_t *a, *b, *blocked;
	struct pgtable pt;
	enum pgtable_mem mem;
	uint64_t pa;
	unsigned level;

	(void)state;
	boot_two_vms();
	assert_true(m.reg[SMMU_CR0 / 4] & CR0_SMMUEN);
	assert_true(vm_a.pci.dma_confined);
	a = cd_of(ste_of(0x10));
	b = cd_of(ste_of(0x20));
	blocked = cd_of(ste_of(0x11));
	assert_int_equal(bits(ste_of(0x10)[0], 3, 0), 0xb); /* V, S1 */
	assert_ptr_equal(cd_of(ste_of(0x18)), a);	    /* one CD per VM */
	assert_int_equal(bits(a[0], 63, 48), 1); /* ASID = index + 1 */
	assert_int_equal(bits(b[0], 63, 48), 2);
	assert_int_equal(bits(blocked[0], 63, 48), 0);

	pt = cd_table(a);
	assert_int_equal(pgtable_lookup(&pt, 0x40000000, &pa, &level, &mem), 0);
	assert_int_equal(pa, 0x80000000);
	assert_int_equal(mem, PGTABLE_MEM_NORMAL);
	assert_int_equal(pgtable_lookup(&pt, 0x4ffff000, &pa, NULL, NULL), 0);
	assert_int_equal(pa, 0x8ffff000);
	assert_int_equal(pgtable_lookup(&pt, 0x50000000, NULL, NULL, NULL),
			 -HV_ENOENT);
	assert_int_equal(pgtable_lookup(&pt, 0x3ffff000, NULL, NULL, NULL),
			 -HV_ENOENT);
	/* The other VM's RAM, as an address: not there. */
	assert_int_equal(pgtable_lookup(&pt, 0x90000000, NULL, NULL, NULL),
			 -HV_ENOENT);
	assert_int_equal(pgtable_lookup(&pt, 0x8000000, &pa, NULL, &mem), 0);
	assert_int_equal(pa, 0x8090000);
	assert_int_equal(mem, PGTABLE_MEM_DEVICE);
	assert_int_equal(pgtable_lookup(&pt, 0x8001000, NULL, NULL, NULL),
			 -HV_ENOENT);

	pt = cd_table(b);
	assert_int_equal(pgtable_lookup(&pt, 0x40000000, &pa, NULL, NULL), 0);
	assert_int_equal(pa, 0x90000000);
	assert_int_equal(pgtable_lookup(&pt, 0x48000000, NULL, NULL, NULL),
			 -HV_ENOENT);
	assert_int_equal(pgtable_lookup(&pt, 0x8000000, NULL, NULL, NULL),
			 -HV_ENOENT);

	/* Every stream no VM owns walks an empty table. */
	for (uint32_t sid = 0; sid < SMMU_STREAMS; sid++) {
		if (sid == 0x10 || sid == 0x18 || sid == 0x20)
			continue;
		assert_int_equal(bits(ste_of(sid)[0], 3, 0), 0xb);
		assert_ptr_equal(cd_of(ste_of(sid)), blocked);
	}
	pt = cd_table(blocked);
	for (unsigned i = 0; i < 512; i++)
		assert_int_equal(pt.root[i], 0);
}

/* Stage-1 DMA pages are non-global (ASID-tagged) and never executable. */
static void test_stage1_descriptors(void **state)
{
	struct pgtable pt;

	(void)state;
	assert_int_equal(pgtable_init(&pt, PGTABLE_STAGE1_DMA, &pool), 0);
	assert_int_equal(pgtable_map(&pt, 0x40000000, 0x80000000, 0x1000,
				     PGTABLE_MEM_NORMAL),
			 0);
	{
		const uint64_t *l2 =
			(const uint64_t *)(uintptr_t)(pt.root[1] & ~0xfffull);
		const uint64_t *l3 =
			(const uint64_t *)(uintptr_t)(l2[0] & ~0xfffull);
		uint64_t d = l3[0];

		assert_int_equal(d & 3, 3);
		assert_int_equal(bits(d, 11, 11), 1); /* nG */
		assert_int_equal(bits(d, 10, 10), 1); /* AF */
		assert_int_equal(bits(d, 7, 6), 1);   /* AP: RW, EL0 too */
		assert_int_equal(bits(d, 4, 2), 1);   /* AttrIndx: normal */
		assert_int_equal(bits(d, 54, 53), 3); /* UXN, PXN */
		assert_int_equal(d & 0x000ffffffffff000ull, 0x80000000);
	}
}

static void test_attach_rules(void **state)
{
	(void)state;
	assert_int_equal(smmu_init(&board, 1, &pool), 0);
	assert_int_equal(smmu_attach(&vm_a, 0x10), 0);
	assert_int_equal(smmu_attach(&vm_a, 0x10), 0); /* again: same owner */
	assert_int_equal(smmu_attach(&vm_b, 0x10), -HV_EBUSY);
	assert_int_equal(smmu_attach(&vm_b, SMMU_STREAMS), -HV_ERANGE);
	assert_int_equal(smmu_map_msi(&vm_b, 0x40001000, 0x8090000),
			 -HV_EINVAL); /* inside its RAM */
	assert_int_equal(smmu_map_msi(&vm_b, 0x8000800, 0x8090000), -HV_EINVAL);
	assert_int_equal(smmu_enable(), 0);
	/* Once on, the streams are fixed. */
	assert_int_equal(smmu_attach(&vm_b, 0x20), -HV_EBUSY);
	assert_int_equal(smmu_map_msi(&vm_b, 0x8000000, 0x8090000), -HV_EBUSY);
	assert_int_equal(fake_gic.spi_enabled[EVTQ_INTID], true);
	assert_int_equal(fake_gic.spi_edge[EVTQ_INTID], true);
	assert_int_equal(fake_gic.spi_route[EVTQ_INTID], 0x1); /* boot CPU */
	assert_int_equal(fake_gic.spi_enabled[GERROR_INTID], true);
}

/*
 * An SMMU that cannot be used: no stream may be attached (the VM, and the
 * plan, are refused); a plan where no VM owns a function boots without it.
 */
static void test_broken_smmu(void **state)
{
	(void)state;
	m.reg[SMMU_IDR0 / 4] = IDR0_QEMU & ~IDR0_COHACC;
	assert_int_not_equal(smmu_init(&board, 0, &pool), 0);
	assert_true(logged("not usable: table and queue accesses not "
			   "coherent"));
	assert_int_equal(smmu_attach(&vm_a, 0x10), -HV_EBUSY);
	assert_int_equal(smmu_map_msi(&vm_a, 0x8000000, 0x8090000), -HV_EBUSY);
	assert_false(vm_a.pci.dma_confined);
	assert_int_equal(smmu_enable(), 0);
	assert_true(logged("smmu: not in use: no VM owns a PCI function"));
	assert_false(smmu_irq(EVTQ_INTID));
	/* StreamIDs beyond one linear table: refused, not misrouted. */
	m.reg[SMMU_IDR0 / 4] = IDR0_QEMU;
	board.pci.sid_base = 0x10000;
	assert_int_not_equal(smmu_init(&board, 0, &pool), 0);
	assert_int_equal(smmu_attach(&vm_a, 0x10010), -HV_EBUSY);
}

/* Translation that does not turn on: refused when a VM owns a stream. */
static void test_enable_fails(void **state)
{
	(void)state;
	assert_int_equal(smmu_init(&board, 0, &pool), 0);
	assert_int_equal(smmu_attach(&vm_a, 0x10), 0);
	m.never_ack = true;
	assert_int_not_equal(smmu_enable(), 0);
	assert_true(logged("smmu: translation did not turn on"));
	assert_false(smmu_irq(EVTQ_INTID));
	/* With no stream owned the VMs boot without it. */
	m.never_ack = false;
	assert_int_equal(smmu_init(&board, 0, &pool), 0);
	m.never_ack = true;
	assert_int_equal(smmu_enable(), 0);
}

/* No SMMU on the board: every call succeeds and touches nothing. */
static void test_no_smmu(void **state)
{
	(void)state;
	board.hw.aarch64.smmu_base = 0;
	assert_int_equal(smmu_init(&board, 0, &pool), 0);
	assert_int_equal(smmu_attach(&vm_a, 0x10), 0);
	assert_int_equal(smmu_map_msi(&vm_a, 0x8000000, 0x8090000), 0);
	assert_int_equal(smmu_enable(), 0);
	assert_false(vm_a.pci.dma_confined);
	assert_false(smmu_irq(EVTQ_INTID));
	assert_int_equal(pool.used, 0);
}

/* Each fault goes to the VM owning its stream, and to no other. */
static void test_fault_routing(void **state)
{
	(void)state;
	boot_two_vms();
	translation_fault(0x10, 0x7ff00000, true);  /* linux0 (stop) */
	translation_fault(0x20, 0x48000000, false); /* linux1 (reflect) */
	translation_fault(0x11, 0x1000, true);	    /* nobody's */
	assert_false(smmu_irq(107));
	assert_true(smmu_irq(EVTQ_INTID));
	assert_int_equal(vm_a.pci.dma_faults, 1);
	assert_int_equal(vm_b.pci.dma_faults, 1);
	assert_int_equal(policy_count, 1);
	assert_ptr_equal(policy_vm[0], &vm_a);
	assert_int_equal(policy_cause[0], VM_CAUSE_FAULT);
	assert_true(logged("vm linux0: DMA fault: device 00:02.0 at IPA "
			   "0x7ff00000 (translation fault), on-fault stop"));
	assert_true(logged("vm linux1: DMA fault: device 00:04.0 at IPA "
			   "0x48000000 (translation fault), on-fault reflect"));
	assert_true(logged("DMA from unowned device 00:02.1 blocked "
			   "(translation fault)"));
	/* All taken: the SMMU's CONS caught up with its PROD. */
	assert_int_equal(m.reg[SMMU_EVENTQ_CONS / 4], m.evt_prod);
	/* A VM already stopping is not asked again. */
	vm_a.life.state = VM_STOPPING;
	translation_fault(0x18, 0x7ff00000, true);
	assert_true(smmu_irq(EVTQ_INTID));
	assert_int_equal(vm_a.pci.dma_faults, 2);
	assert_int_equal(policy_count, 1);
}

/* A device that keeps faulting: every fault counted, few lines logged. */
static void test_fault_rate_limit(void **state)
{
	(void)state;
	boot_two_vms();
	log_count = 0;
	for (unsigned i = 0; i < 20; i++)
		translation_fault(0x20, 0x48000000 + i * 0x1000, true);
	assert_true(smmu_irq(EVTQ_INTID));
	assert_int_equal(vm_b.pci.dma_faults, 20);
	assert_int_equal(log_count, 5);
	now += HZ;
	translation_fault(0x20, 0x49000000, true);
	assert_true(smmu_irq(EVTQ_INTID));
	assert_int_equal(log_count, 6);
	assert_true(logged("0x49000000 (translation fault), on-fault reflect; "
			   "15 earlier faults not logged"));
	/* linux0's budget is its own. */
	translation_fault(0x10, 0x7ff00000, true);
	assert_true(smmu_irq(EVTQ_INTID));
	assert_int_equal(log_count, 7);
}

/* More records than one interrupt takes: it asks to be called again. */
static void test_fault_flood(void **state)
{
	(void)state;
	boot_two_vms();
	for (unsigned i = 0; i < 100; i++)
		translation_fault(0x20, 0x48000000, true);
	assert_true(smmu_irq(EVTQ_INTID));
	assert_int_equal(vm_b.pci.dma_faults, 100);
	assert_false(fake_gic.spi_pending[EVTQ_INTID]);
	/* A full queue (128): all taken, and the line raised again. */
	for (unsigned i = 0; i < 128; i++)
		translation_fault(0x20, 0x48000000, true);
	assert_true(smmu_irq(EVTQ_INTID));
	assert_int_equal(vm_b.pci.dma_faults, 228);
	assert_true(fake_gic.spi_pending[EVTQ_INTID]);
	fake_gic.spi_pending[EVTQ_INTID] = false;
	assert_true(smmu_irq(EVTQ_INTID));
	assert_int_equal(vm_b.pci.dma_faults, 228);
	assert_false(fake_gic.spi_pending[EVTQ_INTID]);
}

static void test_global_error(void **state)
{
	(void)state;
	boot_two_vms();
	m.reg[SMMU_GERROR / 4] ^= GERROR_EVENTQ_ABT;
	assert_true(smmu_irq(GERROR_INTID));
	assert_true(logged("smmu: global error 0x4: event queue write aborted, "
			   "DMA faults were lost"));
	m.reg[SMMU_GERROR / 4] ^= GERROR_CMDQ_ERR;
	assert_true(smmu_irq(GERROR_INTID));
	assert_true(logged("smmu: global error 0x1 (GERROR)"));
	assert_int_equal(m.reg[SMMU_GERROR / 4], m.reg[SMMU_GERRORN / 4]);
	log_count = 0;
	assert_true(smmu_irq(GERROR_INTID));
	assert_int_equal(log_count, 0);
}

/* With stage 2 (S2P): VMID = index + 1, the table maps the VM's RAM. */
static void test_stage2_path(void **state)
{
	const uint64_t *ste;
	struct pgtable pt;
	uint64_t pa;
	enum pgtable_mem mem;

	(void)state;
	m.reg[SMMU_IDR0 / 4] = IDR0_QEMU | IDR0_S2P;
	boot_two_vms();
	ste = ste_of(0x20);
	assert_int_equal(bits(ste[0], 3, 0), 0xd); /* V, S2 translate */
	assert_int_equal(bits(ste[2], 15, 0), 2);
	pt = (struct pgtable){
		.root = (uint64_t *)(uintptr_t)(ste[3] & 0x000ffffffffffff0ull),
		.kind = PGTABLE_STAGE2
	};
	assert_int_equal(pgtable_lookup(&pt, 0x47fff000, &pa, NULL, &mem), 0);
	assert_int_equal(pa, 0x97fff000);
	assert_int_equal(mem, PGTABLE_MEM_NORMAL);
	assert_int_equal(pgtable_lookup(&pt, 0x48000000, NULL, NULL, NULL),
			 -HV_ENOENT);
	/* Unowned streams: VMID 0 on an empty table. */
	ste = ste_of(0x30);
	assert_int_equal(bits(ste[0], 3, 0), 0xd);
	assert_int_equal(bits(ste[2], 15, 0), 0);
	pt.root = (uint64_t *)(uintptr_t)(ste[3] & 0x000ffffffffffff0ull);
	assert_int_equal(pgtable_lookup(&pt, 0x40000000, NULL, NULL, NULL),
			 -HV_ENOENT);
	assert_int_equal(pgtable_lookup(&pt, 0x90000000, NULL, NULL, NULL),
			 -HV_ENOENT);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_ste_abort),
		T(test_ste_s1),
		T(test_ste_s2),
		T(test_cd),
		T(test_commands),
		T(test_queue_indexes),
		T(test_setup_sequence),
		T(test_ste_write_live),
		T(test_cmdq_wraps),
		T(test_cmdq_full),
		T(test_cmdq_error),
		T(test_setup_no_ack),
		T(test_probe),
		T(test_event_decode),
		T(test_evtq_overflow),
		T(test_stage1_views),
		T(test_stage1_descriptors),
		T(test_attach_rules),
		T(test_broken_smmu),
		T(test_enable_fails),
		T(test_no_smmu),
		T(test_fault_routing),
		T(test_fault_rate_limit),
		T(test_fault_flood),
		T(test_global_error),
		T(test_stage2_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
