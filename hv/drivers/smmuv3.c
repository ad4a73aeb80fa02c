/* SPDX-License-Identifier: MIT */
/*
 * The SMMUv3 driver: encodings, queues and the bring-up sequence of
 * IHI 0070 (section numbers below are that document's).  See
 * hv/include/hv/drivers/smmuv3.h.
 */
#include "arch/mmio_reg.h"
#include "hv/drivers/smmuv3.h"
#include "hv/errno.h"
#include "hv/types.h"

/* Register polls give up after this many reads: a dead SMMU must not hang. */
#define POLL_LIMIT 1000000u

/* CR1 (6.3.10): tables and queues write-back cacheable, inner shareable. */
#define CR1_SH_ISH 3u
#define CR1_WB 1u
#define CR1_VALUE                                                         \
	(CR1_SH_ISH << 10 | CR1_WB << 8 | CR1_WB << 6 | CR1_SH_ISH << 4 | \
	 CR1_WB << 2 | CR1_WB)
/*
 * CR2: record events for StreamIDs beyond the table (RECINVSID), and
 * ignore broadcast TLB maintenance (PTM), so no guest's TLBI reaches the
 * SMMU's TLBs: the hypervisor alone invalidates them, by command.
 */
#define CR2_RECINVSID (1u << 1)
#define CR2_PTM (1u << 2)
#define BASE_RA BIT(62) /* read-allocate hint of STRTAB_BASE, CMDQ_BASE */
#define BASE_WA BIT(62) /* write-allocate hint of EVENTQ_BASE */
#define ADDR_MASK(lo) (((1ull << 52) - 1) & ~((1ull << (lo)) - 1))

/* STE (5.2). */
#define STE0_V BIT(0)
#define STE0_CFG_ABORT (0ull << 1)
#define STE0_CFG_S1 (5ull << 1)
#define STE0_CFG_S2 (6ull << 1)
#define STE1_S1CIR_WBRA (1ull << 2)
#define STE1_S1COR_WBRA (1ull << 4)
#define STE1_S1CSH_ISH (3ull << 6)
#define STE1_SHCFG_INCOMING (1ull << 44)
#define STE2_S2T0SZ(v) ((uint64_t)(v) << 32)
#define STE2_S2SL0(v) ((uint64_t)(v) << 38)
#define STE2_S2IR0_WBRA (1ull << 40)
#define STE2_S2OR0_WBRA (1ull << 42)
#define STE2_S2SH0_ISH (3ull << 44)
#define STE2_S2PS(v) ((uint64_t)(v) << 48)
#define STE2_S2AA64 BIT(51)
#define STE2_S2PTW BIT(54)
#define STE2_S2R BIT(58)

/* CD (5.4). */
#define CD0_T0SZ(v) ((uint64_t)(v))
#define CD0_IR0_WBRA (1ull << 8)
#define CD0_OR0_WBRA (1ull << 10)
#define CD0_SH0_ISH (3ull << 12)
#define CD0_EPD1 BIT(30)
#define CD0_V BIT(31)
#define CD0_IPS(v) ((uint64_t)(v) << 32)
#define CD0_AA64 BIT(41)
#define CD0_R BIT(45)
#define CD0_A BIT(46)
#define CD0_ASET BIT(47)
#define CD0_ASID(v) ((uint64_t)(v) << 48)

/*
 * Both tables cover a 39-bit input space, like every table of
 * hv/arch/aarch64/pgtable.c: T0SZ 25, so with 4 KiB pages the walk starts
 * at level 1 (S2SL0 1).
 */
#define INPUT_T0SZ 25u
#define S2SL0_LEVEL1 1u

/* Event record (7.3). */
#define EVT1_RNW BIT(35)
#define EVT1_S2 BIT(39)

static uint32_t rd(const struct smmuv3 *s, uint32_t off)
{
	return mmio_reg_read(s->base + off);
}

static void wr(const struct smmuv3 *s, uint32_t off, uint32_t val)
{
	mmio_reg_write(s->base + off, val);
}

/* A 64-bit register as two 32-bit halves, low first (6.2). */
static void wr64(const struct smmuv3 *s, uint32_t off, uint64_t val)
{
	wr(s, off, (uint32_t)val);
	wr(s, off + 4, (uint32_t)(val >> 32));
}

static int poll(const struct smmuv3 *s, uint32_t off, uint32_t mask,
		uint32_t want)
{
	for (unsigned n = 0; n < POLL_LIMIT; n++)
		if ((rd(s, off) & mask) == want)
			return 0;
	return -HV_EBUSY;
}

/* CR0 changes take effect when CR0ACK says so (6.3.9). */
static int write_cr0(const struct smmuv3 *s, uint32_t val)
{
	wr(s, SMMU_CR0, val);
	return poll(s, SMMU_CR0ACK, ~0u, val);
}

int smmuv3_probe(struct smmuv3 *s, uint64_t base, const char **why)
{
	*s = (struct smmuv3){ .base = base };
	s->idr0 = rd(s, SMMU_IDR0);
	s->idr1 = rd(s, SMMU_IDR1);
	s->idr5 = rd(s, SMMU_IDR5);
	*why = NULL;
	if (!(s->idr0 & (IDR0_S1P | IDR0_S2P)))
		*why = "no translation stage";
	else if (!(IDR0_TTF(s->idr0) & IDR0_TTF_AARCH64))
		*why = "no AArch64 translation tables";
	else if (!(s->idr5 & IDR5_GRAN4K))
		*why = "no 4 KiB granule";
	else if (IDR0_TTENDIAN(s->idr0) == IDR0_TTENDIAN_BE)
		*why = "big-endian table walks only";
	else if (!(s->idr0 & IDR0_COHACC))
		*why = "table and queue accesses not coherent";
	else if (IDR0_STALL_MODEL(s->idr0) == IDR0_STALL_FORCED)
		*why = "faults always stall";
	else if (s->idr1 & (IDR1_TABLES_PRESET | IDR1_QUEUES_PRESET))
		*why = "fixed table or queue addresses";
	if (*why)
		return -HV_EINVAL;
	s->stage2 = s->idr0 & IDR0_S2P;
	s->oas = MIN(IDR5_OAS(s->idr5), 5u);
	return 0;
}

static void queue_init(struct smmuv3_queue *q, uint64_t *base, unsigned log2n,
		       unsigned dwords)
{
	*q = (struct smmuv3_queue){ .base = base,
				    .log2n = log2n,
				    .dwords = dwords };
}

int smmuv3_setup(struct smmuv3 *s, uint64_t *strtab, unsigned sid_bits,
		 uint64_t *cmdq, unsigned cmdq_log2, uint64_t *evtq,
		 unsigned evtq_log2)
{
	uint64_t cmd[SMMUV3_CMD_DWORDS];
	int ret;

	if (sid_bits > IDR1_SIDSIZE(s->idr1) ||
	    cmdq_log2 > IDR1_CMDQS(s->idr1) ||
	    evtq_log2 > IDR1_EVENTQS(s->idr1))
		return -HV_EINVAL;
	s->strtab = strtab;
	s->sid_bits = sid_bits;
	s->enabled = false;
	queue_init(&s->cmdq, cmdq, cmdq_log2, SMMUV3_CMD_DWORDS);
	queue_init(&s->evtq, evtq, evtq_log2, SMMUV3_EVT_DWORDS);

	/* Off, and while off every incoming transaction aborts (6.3.14). */
	ret = write_cr0(s, 0);
	if (!ret) {
		wr(s, SMMU_GBPA, GBPA_ABORT | GBPA_UPDATE);
		ret = poll(s, SMMU_GBPA, GBPA_UPDATE, 0);
	}
	if (ret)
		return ret;
	wr(s, SMMU_IRQ_CTRL, 0);
	ret = poll(s, SMMU_IRQ_CTRLACK, ~0u, 0);
	if (ret)
		return ret;
	wr(s, SMMU_CR1, CR1_VALUE);
	wr(s, SMMU_CR2, CR2_RECINVSID | CR2_PTM);
	/* The tables and queues are complete before the SMMU may read them. */
	mmio_reg_barrier();
	wr64(s, SMMU_STRTAB_BASE, ((uintptr_t)strtab & ADDR_MASK(6)) | BASE_RA);
	wr(s, SMMU_STRTAB_BASE_CFG, sid_bits); /* FMT 0: linear */
	wr64(s, SMMU_CMDQ_BASE,
	     ((uintptr_t)cmdq & ADDR_MASK(5)) | BASE_RA | cmdq_log2);
	wr(s, SMMU_CMDQ_PROD, 0);
	wr(s, SMMU_CMDQ_CONS, 0);
	wr64(s, SMMU_EVENTQ_BASE,
	     ((uintptr_t)evtq & ADDR_MASK(5)) | BASE_WA | evtq_log2);
	wr(s, SMMU_EVENTQ_PROD, 0);
	wr(s, SMMU_EVENTQ_CONS, 0);
	ret = write_cr0(s, CR0_CMDQEN);
	if (ret)
		return ret;
	/* Whatever firmware or an earlier boot left cached goes (4.3). */
	smmuv3_cmd_cfgi_all(cmd);
	ret = smmuv3_cmdq_issue(s, cmd);
	if (!ret) {
		smmuv3_cmd_tlbi_nsnh_all(cmd);
		ret = smmuv3_cmdq_issue(s, cmd);
	}
	return ret ? ret : smmuv3_cmdq_sync(s);
}

int smmuv3_enable(struct smmuv3 *s)
{
	uint64_t cmd[SMMUV3_CMD_DWORDS];
	int ret;

	/* Every STE written since setup is read afresh. */
	smmuv3_cmd_cfgi_all(cmd);
	ret = smmuv3_cmdq_issue(s, cmd);
	if (!ret)
		ret = smmuv3_cmdq_sync(s);
	if (ret)
		return ret;
	/* Wired interrupts: no MSI address (6.3.20). */
	wr64(s, SMMU_GERROR_IRQ_CFG0, 0);
	wr64(s, SMMU_EVENTQ_IRQ_CFG0, 0);
	wr(s, SMMU_IRQ_CTRL, IRQ_CTRL_GERROR | IRQ_CTRL_EVENTQ);
	ret = poll(s, SMMU_IRQ_CTRLACK, ~0u, IRQ_CTRL_GERROR | IRQ_CTRL_EVENTQ);
	if (!ret)
		ret = write_cr0(s, CR0_CMDQEN | CR0_EVENTQEN);
	if (!ret)
		ret = write_cr0(s, CR0_CMDQEN | CR0_EVENTQEN | CR0_SMMUEN);
	s->enabled = !ret;
	return ret;
}

void smmuv3_ste_abort(uint64_t ste[SMMUV3_STE_DWORDS])
{
	for (unsigned i = 0; i < SMMUV3_STE_DWORDS; i++)
		ste[i] = 0;
	ste[0] = STE0_V | STE0_CFG_ABORT;
}

void smmuv3_ste_s1(uint64_t ste[SMMUV3_STE_DWORDS], uint64_t cd_pa)
{
	for (unsigned i = 0; i < SMMUV3_STE_DWORDS; i++)
		ste[i] = 0;
	/* S1Fmt 0, S1CDMax 0: a single CD, no substreams. */
	ste[0] = STE0_V | STE0_CFG_S1 | (cd_pa & ADDR_MASK(6));
	/*
	 * The CD is fetched cached; the device's own shareability is kept;
	 * STRW 0 (non-secure EL1) and S1STALLD clear (no stall: CD.S is 0).
	 */
	ste[1] = STE1_S1CIR_WBRA | STE1_S1COR_WBRA | STE1_S1CSH_ISH |
		 STE1_SHCFG_INCOMING;
}

void smmuv3_ste_s2(const struct smmuv3 *s, uint64_t ste[SMMUV3_STE_DWORDS],
		   uint16_t vmid, uint64_t ttb)
{
	for (unsigned i = 0; i < SMMUV3_STE_DWORDS; i++)
		ste[i] = 0;
	ste[0] = STE0_V | STE0_CFG_S2;
	ste[1] = STE1_SHCFG_INCOMING;
	/*
	 * VTCR-like fields as the CPU's VTCR_EL2 (mmu.c, stage2.c): 39-bit
	 * input from level 1, 4 KiB granule (S2TG 0), walks cached; S2R
	 * records faults and S2S clear terminates them (no stall).
	 */
	ste[2] = vmid | STE2_S2T0SZ(INPUT_T0SZ) | STE2_S2SL0(S2SL0_LEVEL1) |
		 STE2_S2IR0_WBRA | STE2_S2OR0_WBRA | STE2_S2SH0_ISH |
		 STE2_S2PS(s->oas) | STE2_S2AA64 | STE2_S2PTW | STE2_S2R;
	ste[3] = ttb & ADDR_MASK(4);
}

void smmuv3_cd_s1(const struct smmuv3 *s, uint64_t cd[SMMUV3_CD_DWORDS],
		  uint16_t asid, uint64_t ttb, uint64_t mair)
{
	for (unsigned i = 0; i < SMMUV3_CD_DWORDS; i++)
		cd[i] = 0;
	/*
	 * TG0 0 (4 KiB), TTB1 walks disabled (EPD1), R and A: a fault is
	 * recorded and the transaction aborted; ASET: the ASID is private to
	 * the SMMU, no broadcast TLBI from a CPU matches it.
	 */
	cd[0] = CD0_T0SZ(INPUT_T0SZ) | CD0_IR0_WBRA | CD0_OR0_WBRA |
		CD0_SH0_ISH | CD0_EPD1 | CD0_V | CD0_IPS(s->oas) | CD0_AA64 |
		CD0_R | CD0_A | CD0_ASET | CD0_ASID(asid);
	cd[1] = ttb & ADDR_MASK(4);
	cd[3] = mair;
}

static int cfgi_ste(struct smmuv3 *s, uint32_t sid)
{
	uint64_t cmd[SMMUV3_CMD_DWORDS];
	int ret;

	smmuv3_cmd_cfgi_ste(cmd, sid);
	ret = smmuv3_cmdq_issue(s, cmd);
	return ret ? ret : smmuv3_cmdq_sync(s);
}

int smmuv3_ste_write(struct smmuv3 *s, uint32_t sid,
		     const uint64_t ste[SMMUV3_STE_DWORDS])
{
	uint64_t *dst;

	if (sid >> s->sid_bits)
		return -HV_ERANGE;
	dst = s->strtab + (uint64_t)sid * SMMUV3_STE_DWORDS;
	/*
	 * A live entry is invalidated first, so the SMMU never reads a mix
	 * of old and new words (3.21.3, "break before make").
	 */
	if (s->enabled) {
		int ret;

		__atomic_store_n(&dst[0], 0, __ATOMIC_RELAXED);
		mmio_reg_barrier();
		ret = cfgi_ste(s, sid);
		if (ret)
			return ret;
	}
	for (unsigned i = 1; i < SMMUV3_STE_DWORDS; i++)
		dst[i] = ste[i];
	mmio_reg_barrier();
	__atomic_store_n(&dst[0], ste[0], __ATOMIC_RELAXED);
	mmio_reg_barrier();
	return s->enabled ? cfgi_ste(s, sid) : 0;
}

void smmuv3_cmd_cfgi_ste(uint64_t cmd[SMMUV3_CMD_DWORDS], uint32_t sid)
{
	cmd[0] = CMD_CFGI_STE | (uint64_t)sid << 32;
	cmd[1] = 1; /* Leaf: the STE only, no L1 descriptor */
}

void smmuv3_cmd_cfgi_all(uint64_t cmd[SMMUV3_CMD_DWORDS])
{
	cmd[0] = CMD_CFGI_ALL;
	cmd[1] = 31; /* Range 31: every StreamID */
}

void smmuv3_cmd_tlbi_nsnh_all(uint64_t cmd[SMMUV3_CMD_DWORDS])
{
	cmd[0] = CMD_TLBI_NSNH_ALL;
	cmd[1] = 0;
}

void smmuv3_cmd_tlbi_s12_vmall(uint64_t cmd[SMMUV3_CMD_DWORDS], uint16_t vmid)
{
	cmd[0] = CMD_TLBI_S12_VMALL | (uint64_t)vmid << 32;
	cmd[1] = 0;
}

void smmuv3_cmd_tlbi_nh_asid(uint64_t cmd[SMMUV3_CMD_DWORDS], uint16_t asid)
{
	cmd[0] = CMD_TLBI_NH_ASID | (uint64_t)asid << 48;
	cmd[1] = 0;
}

void smmuv3_cmd_sync(uint64_t cmd[SMMUV3_CMD_DWORDS])
{
	cmd[0] = CMD_SYNC; /* CS 0: completion seen by polling CONS */
	cmd[1] = 0;
}

static uint32_t q_mask(unsigned log2n)
{
	return (2u << log2n) - 1; /* index and wrap bit */
}

bool smmuv3_q_empty(uint32_t prod, uint32_t cons, unsigned log2n)
{
	return ((prod ^ cons) & q_mask(log2n)) == 0;
}

bool smmuv3_q_full(uint32_t prod, uint32_t cons, unsigned log2n)
{
	return ((prod ^ cons) & q_mask(log2n)) == 1u << log2n;
}

uint32_t smmuv3_q_next(uint32_t p, unsigned log2n)
{
	return ((p & q_mask(log2n)) + 1) & q_mask(log2n);
}

static uint64_t *q_slot(const struct smmuv3_queue *q, uint32_t p)
{
	return q->base + (p & ((1u << q->log2n) - 1)) * q->dwords;
}

static void read_cmdq_cons(struct smmuv3 *s)
{
	s->cmdq.cons = rd(s, SMMU_CMDQ_CONS) & q_mask(s->cmdq.log2n);
}

int smmuv3_cmdq_issue(struct smmuv3 *s, const uint64_t cmd[SMMUV3_CMD_DWORDS])
{
	struct smmuv3_queue *q = &s->cmdq;
	uint64_t *slot;

	for (unsigned n = 0; smmuv3_q_full(q->prod, q->cons, q->log2n); n++) {
		if (n == POLL_LIMIT)
			return -HV_EBUSY;
		read_cmdq_cons(s);
	}
	slot = q_slot(q, q->prod);
	slot[0] = cmd[0];
	slot[1] = cmd[1];
	q->prod = smmuv3_q_next(q->prod, q->log2n);
	/* The command is in memory before the SMMU learns of it. */
	mmio_reg_barrier();
	wr(s, SMMU_CMDQ_PROD, q->prod);
	return 0;
}

/*
 * The SMMU stopped at a command it refused (4.7): CONS points at it.
 * Replace it with a harmless SYNC and acknowledge, and the queue goes on.
 */
static void cmdq_skip_error(struct smmuv3 *s)
{
	uint64_t *slot = q_slot(&s->cmdq, s->cmdq.cons);

	smmuv3_cmd_sync(slot);
	mmio_reg_barrier();
	wr(s, SMMU_GERRORN, rd(s, SMMU_GERRORN) ^ GERROR_CMDQ_ERR);
}

int smmuv3_cmdq_sync(struct smmuv3 *s)
{
	uint64_t cmd[SMMUV3_CMD_DWORDS];
	int ret, refused = 0;

	smmuv3_cmd_sync(cmd);
	ret = smmuv3_cmdq_issue(s, cmd);
	if (ret)
		return ret;
	for (unsigned n = 0; n < POLL_LIMIT; n++) {
		read_cmdq_cons(s);
		if ((rd(s, SMMU_GERROR) ^ rd(s, SMMU_GERRORN)) &
		    GERROR_CMDQ_ERR) {
			cmdq_skip_error(s);
			refused = -HV_EINVAL;
			continue;
		}
		if (smmuv3_q_empty(s->cmdq.prod, s->cmdq.cons, s->cmdq.log2n))
			return refused;
	}
	return -HV_EBUSY;
}

bool smmuv3_evtq_pop(struct smmuv3 *s, uint64_t rec[SMMUV3_EVT_DWORDS],
		     bool *lost)
{
	struct smmuv3_queue *q = &s->evtq;
	uint32_t prod = rd(s, SMMU_EVENTQ_PROD);
	const uint64_t *slot;

	/* OVFLG differs from our OVACKFLG: records were dropped (7.4). */
	*lost = (prod ^ q->cons) & Q_OVERFLOW;
	if (*lost) {
		q->cons ^= Q_OVERFLOW;
		wr(s, SMMU_EVENTQ_CONS, q->cons);
	}
	q->prod = prod & q_mask(q->log2n);
	if (smmuv3_q_empty(q->prod, q->cons, q->log2n))
		return false;
	/* The record is read after the index that says it is there. */
	mmio_reg_barrier();
	slot = q_slot(q, q->cons);
	for (unsigned i = 0; i < SMMUV3_EVT_DWORDS; i++)
		rec[i] = slot[i];
	mmio_reg_barrier();
	q->cons = (q->cons & Q_OVERFLOW) | smmuv3_q_next(q->cons, q->log2n);
	wr(s, SMMU_EVENTQ_CONS, q->cons);
	return true;
}

void smmuv3_event_decode(const uint64_t rec[SMMUV3_EVT_DWORDS],
			 struct smmuv3_event *ev)
{
	ev->type = (uint8_t)rec[0];
	ev->sid = (uint32_t)(rec[0] >> 32);
	/* The records whose third word is the device's input address. */
	switch (ev->type) {
	case EVT_F_UUT:
	case EVT_F_TRANSL_FORBIDDEN:
	case EVT_F_WALK_EABT:
	case EVT_F_TRANSLATION:
	case EVT_F_ADDR_SIZE:
	case EVT_F_ACCESS:
	case EVT_F_PERMISSION:
		ev->has_addr = true;
		ev->addr = rec[2];
		ev->write = !(rec[1] & EVT1_RNW);
		ev->stage2 = rec[1] & EVT1_S2;
		break;
	default:
		ev->has_addr = false;
		ev->addr = 0;
		ev->write = false;
		ev->stage2 = false;
		break;
	}
}

const char *smmuv3_event_name(uint8_t type)
{
	static const char *const names[] = {
		[EVT_F_UUT] = "unsupported upstream transaction",
		[EVT_C_BAD_STREAMID] = "StreamID outside the stream table",
		[EVT_F_STE_FETCH] = "STE fetch abort",
		[EVT_C_BAD_STE] = "invalid STE",
		[EVT_F_STREAM_DISABLED] = "stream disabled",
		[EVT_F_TRANSL_FORBIDDEN] = "translation forbidden",
		[EVT_C_BAD_SUBSTREAMID] = "invalid SubstreamID",
		[EVT_F_CD_FETCH] = "CD fetch abort",
		[EVT_C_BAD_CD] = "invalid CD",
		[EVT_F_WALK_EABT] = "table walk abort",
		[EVT_F_TRANSLATION] = "translation fault",
		[EVT_F_ADDR_SIZE] = "address size fault",
		[EVT_F_ACCESS] = "access flag fault",
		[EVT_F_PERMISSION] = "permission fault",
	};

	return type < ARRAY_SIZE(names) && names[type] ? names[type] : "event";
}

uint32_t smmuv3_gerror_take(struct smmuv3 *s)
{
	uint32_t gerrorn = rd(s, SMMU_GERRORN);
	/* A pending error is a bit that differs; writing it back acks it. */
	uint32_t active = (rd(s, SMMU_GERROR) ^ gerrorn) & 0x1fdu;

	if (active)
		wr(s, SMMU_GERRORN, gerrorn ^ active);
	return active;
}
