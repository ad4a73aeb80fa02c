/* SPDX-License-Identifier: MIT */
/*
 * The Arm SMMUv3 (IHI 0070): its registers, the encodings of Stream Table
 * Entries, Context Descriptors, commands and event records, and the queue
 * logic.  No policy: hv/arch/aarch64/smmu.c decides which stream goes
 * where.  Registers are reached through arch/mmio_reg.h only (32-bit
 * accesses, which the architecture allows for every register, 64-bit
 * ones included: 6.2), so the fake arch runs this file in host unit tests
 * against a model of the device.  Tables and queues are memory the SMMU
 * reads and writes coherently (IDR0.COHACC is required).
 */
#ifndef HV_DRIVERS_SMMUV3_H
#define HV_DRIVERS_SMMUV3_H

#include <stdbool.h>
#include <stdint.h>

/* Two 64 KiB register pages; the event queue's indexes are in page 1. */
#define SMMUV3_REG_SIZE 0x20000u

#define SMMU_IDR0 0x00u
#define SMMU_IDR1 0x04u
#define SMMU_IDR5 0x14u
#define SMMU_CR0 0x20u
#define SMMU_CR0ACK 0x24u
#define SMMU_CR1 0x28u
#define SMMU_CR2 0x2cu
#define SMMU_GBPA 0x44u
#define SMMU_IRQ_CTRL 0x50u
#define SMMU_IRQ_CTRLACK 0x54u
#define SMMU_GERROR 0x60u
#define SMMU_GERRORN 0x64u
#define SMMU_GERROR_IRQ_CFG0 0x68u
#define SMMU_STRTAB_BASE 0x80u
#define SMMU_STRTAB_BASE_CFG 0x88u
#define SMMU_CMDQ_BASE 0x90u
#define SMMU_CMDQ_PROD 0x98u
#define SMMU_CMDQ_CONS 0x9cu
#define SMMU_EVENTQ_BASE 0xa0u
#define SMMU_EVENTQ_IRQ_CFG0 0xb0u
#define SMMU_EVENTQ_PROD 0x100a8u
#define SMMU_EVENTQ_CONS 0x100acu

#define IDR0_S2P (1u << 0)
#define IDR0_S1P (1u << 1)
#define IDR0_TTF(v) (((v) >> 2) & 3u)
#define IDR0_TTF_AARCH64 2u
#define IDR0_COHACC (1u << 4)
#define IDR0_VMID16 (1u << 18)
#define IDR0_TTENDIAN(v) (((v) >> 21) & 3u)
#define IDR0_TTENDIAN_BE 3u
#define IDR0_STALL_MODEL(v) (((v) >> 24) & 3u)
#define IDR0_STALL_FORCED 2u
#define IDR1_SIDSIZE(v) ((v)&0x3fu)
#define IDR1_EVENTQS(v) (((v) >> 16) & 0x1fu)
#define IDR1_CMDQS(v) (((v) >> 21) & 0x1fu)
#define IDR1_TABLES_PRESET (1u << 30)
#define IDR1_QUEUES_PRESET (1u << 29)
#define IDR5_OAS(v) ((v)&7u)
#define IDR5_GRAN4K (1u << 4)

#define CR0_SMMUEN (1u << 0)
#define CR0_EVENTQEN (1u << 2)
#define CR0_CMDQEN (1u << 3)
#define GBPA_ABORT (1u << 20)
#define GBPA_UPDATE (1u << 31)
#define IRQ_CTRL_GERROR (1u << 0)
#define IRQ_CTRL_EVENTQ (1u << 2)
#define GERROR_CMDQ_ERR (1u << 0)
#define GERROR_EVENTQ_ABT (1u << 2)
#define CMDQ_CONS_ERR(v) (((v) >> 24) & 0x7fu)
#define Q_OVERFLOW (1u << 31)

#define SMMUV3_STE_DWORDS 8u
#define SMMUV3_CD_DWORDS 8u
#define SMMUV3_CMD_DWORDS 2u
#define SMMUV3_EVT_DWORDS 4u

/* Commands (4.1). */
#define CMD_CFGI_STE 0x03u
#define CMD_CFGI_ALL 0x04u /* CFGI_STE_RANGE with Range 31 */
#define CMD_TLBI_NH_ASID 0x11u
#define CMD_TLBI_S12_VMALL 0x28u
#define CMD_TLBI_NSNH_ALL 0x30u
#define CMD_SYNC 0x46u

/* Event record types (7.3). */
#define EVT_F_UUT 0x01u
#define EVT_C_BAD_STREAMID 0x02u
#define EVT_F_STE_FETCH 0x03u
#define EVT_C_BAD_STE 0x04u
#define EVT_F_STREAM_DISABLED 0x06u
#define EVT_F_TRANSL_FORBIDDEN 0x07u
#define EVT_C_BAD_SUBSTREAMID 0x08u
#define EVT_F_CD_FETCH 0x09u
#define EVT_C_BAD_CD 0x0au
#define EVT_F_WALK_EABT 0x0bu
#define EVT_F_TRANSLATION 0x10u
#define EVT_F_ADDR_SIZE 0x11u
#define EVT_F_ACCESS 0x12u
#define EVT_F_PERMISSION 0x13u

/** A circular queue in memory: 2^log2n entries of @dwords 64-bit words. */
struct smmuv3_queue {
	uint64_t *base;
	unsigned log2n;
	unsigned dwords;
	uint32_t prod; /**< index with the wrap bit at bit log2n */
	uint32_t cons;
};

/** One SMMUv3 and what the hypervisor set it up with. */
struct smmuv3 {
	uint64_t base; /**< registers, mapped as device memory */
	uint32_t idr0, idr1, idr5;
	bool stage2;  /**< translate with stage 2 (IDR0.S2P), else stage 1 */
	unsigned oas; /**< IDR5.OAS, capped at 48 bits (encoding 5) */
	uint64_t *strtab;  /**< linear Stream table */
	unsigned sid_bits; /**< it covers StreamIDs 0 .. 2^sid_bits - 1 */
	struct smmuv3_queue cmdq, evtq;
	bool enabled;
};

/** A decoded event record. */
struct smmuv3_event {
	uint8_t type;  /**< EVT_* */
	uint32_t sid;  /**< StreamID */
	bool has_addr; /**< @addr is the input address of the access */
	uint64_t addr; /**< the device's address (the VM's IPA) */
	bool write;    /**< the access was a write (RnW clear) */
	bool stage2;   /**< stage 2 faulted */
};

/**
 * smmuv3_probe() - Read the ID registers of the SMMU at @base (mapped) and
 * decide how it is used: stage 2 where it has one, else stage 1.
 * @why: set to the reason when it cannot be used.
 * Return: 0, or -HV_EINVAL when it lacks what the hypervisor needs (AArch64
 * tables with a 4 KiB granule, little-endian walks, coherent table and queue
 * access, a stream table and queues it may place, no forced stall model).
 */
int smmuv3_probe(struct smmuv3 *s, uint64_t base, const char **why);

/**
 * smmuv3_setup() - Disable the SMMU (incoming transactions abort meanwhile:
 * GBPA.ABORT), point it at the linear Stream table @strtab of 2^@sid_bits
 * entries (aligned to its size; every entry already written) and at the
 * queues @cmdq (2^@cmdq_log2 entries) and @evtq (2^@evtq_log2), each
 * aligned to its size, and start the command queue.  Translation stays off
 * until smmuv3_enable().
 * Return: 0, or -HV_EINVAL (a table larger than the SMMU takes), -HV_EBUSY
 * (the SMMU did not acknowledge).
 */
int smmuv3_setup(struct smmuv3 *s, uint64_t *strtab, unsigned sid_bits,
		 uint64_t *cmdq, unsigned cmdq_log2, uint64_t *evtq,
		 unsigned evtq_log2);

/**
 * smmuv3_enable() - Invalidate every cached configuration and translation,
 * turn on the event queue and its interrupt and the global error
 * interrupt, then translation (SMMUEN).  Return: 0 or -HV_EBUSY.
 */
int smmuv3_enable(struct smmuv3 *s);

/** smmuv3_ste_abort() - An STE that aborts every transaction (no event). */
void smmuv3_ste_abort(uint64_t ste[SMMUV3_STE_DWORDS]);

/**
 * smmuv3_ste_s1() - An STE that translates with stage 1 through the one
 * Context Descriptor at @cd_pa (stage 2 bypassed), non-secure EL1 regime.
 */
void smmuv3_ste_s1(uint64_t ste[SMMUV3_STE_DWORDS], uint64_t cd_pa);

/**
 * smmuv3_ste_s2() - An STE that translates with stage 2 only: VMID @vmid,
 * the VMSAv8-64 stage-2 table at @ttb (4 KiB granule, 39-bit input,
 * starting at level 1, as hv/arch/aarch64/pgtable.c builds it), faults
 * recorded and terminated with an abort.
 */
void smmuv3_ste_s2(const struct smmuv3 *s, uint64_t ste[SMMUV3_STE_DWORDS],
		   uint16_t vmid, uint64_t ttb);

/**
 * smmuv3_cd_s1() - A Context Descriptor for ASID @asid whose TTB0 is the
 * VMSAv8-64 stage-1 table at @ttb (4 KiB granule, 39-bit input, level 1
 * start, walks cached write-back inner shareable) with attributes from
 * @mair; TTB1 disabled; faults recorded and terminated with an abort.
 */
void smmuv3_cd_s1(const struct smmuv3 *s, uint64_t cd[SMMUV3_CD_DWORDS],
		  uint16_t asid, uint64_t ttb, uint64_t mair);

/**
 * smmuv3_ste_write() - Install @ste for StreamID @sid: the words after the
 * first, then the first (its valid bit) last.  Once enabled, also make the
 * SMMU forget its cached copy (CFGI_STE, SYNC); the caller replaces an entry
 * only while no transaction of that stream can be in flight.
 * Return: 0, -HV_ERANGE (@sid beyond the table), -HV_EBUSY.
 */
int smmuv3_ste_write(struct smmuv3 *s, uint32_t sid,
		     const uint64_t ste[SMMUV3_STE_DWORDS]);

/* Command encodings. */
void smmuv3_cmd_cfgi_ste(uint64_t cmd[SMMUV3_CMD_DWORDS], uint32_t sid);
void smmuv3_cmd_cfgi_all(uint64_t cmd[SMMUV3_CMD_DWORDS]);
void smmuv3_cmd_tlbi_nsnh_all(uint64_t cmd[SMMUV3_CMD_DWORDS]);
void smmuv3_cmd_tlbi_s12_vmall(uint64_t cmd[SMMUV3_CMD_DWORDS], uint16_t vmid);
void smmuv3_cmd_tlbi_nh_asid(uint64_t cmd[SMMUV3_CMD_DWORDS], uint16_t asid);
void smmuv3_cmd_sync(uint64_t cmd[SMMUV3_CMD_DWORDS]);

/** smmuv3_q_empty() - Whether a queue with these indexes holds nothing. */
bool smmuv3_q_empty(uint32_t prod, uint32_t cons, unsigned log2n);

/** smmuv3_q_full() - Whether a queue with these indexes has no free slot. */
bool smmuv3_q_full(uint32_t prod, uint32_t cons, unsigned log2n);

/** smmuv3_q_next() - Index @p advanced by one (wrap bit toggled on wrap). */
uint32_t smmuv3_q_next(uint32_t p, unsigned log2n);

/**
 * smmuv3_cmdq_issue() - Queue one command, waiting (bounded) for a free
 * slot.  Return: 0, or -HV_EBUSY when the SMMU consumes nothing.
 */
int smmuv3_cmdq_issue(struct smmuv3 *s, const uint64_t cmd[SMMUV3_CMD_DWORDS]);

/**
 * smmuv3_cmdq_sync() - Queue CMD_SYNC and wait (bounded) until the SMMU
 * has consumed it, so every command before it has taken effect.  A command
 * the SMMU refused (CMDQ_ERR) is replaced by a SYNC and acknowledged.
 * Return: 0, -HV_EINVAL (a command was refused), -HV_EBUSY (no progress).
 */
int smmuv3_cmdq_sync(struct smmuv3 *s);

/**
 * smmuv3_evtq_pop() - Take the oldest event record into @rec.
 * @lost: set when the SMMU reports the queue overflowed since the last
 * call (records were dropped); the overflow is acknowledged.
 * Return: true when a record was taken.
 */
bool smmuv3_evtq_pop(struct smmuv3 *s, uint64_t rec[SMMUV3_EVT_DWORDS],
		     bool *lost);

/** smmuv3_event_decode() - The fields of event record @rec. */
void smmuv3_event_decode(const uint64_t rec[SMMUV3_EVT_DWORDS],
			 struct smmuv3_event *ev);

/** smmuv3_event_name() - "translation fault", ... for an EVT_* type. */
const char *smmuv3_event_name(uint8_t type);

/**
 * smmuv3_gerror_take() - The global errors raised since the last call, each
 * acknowledged (GERRORN toggled).  Return: GERROR bits, 0 for none.
 */
uint32_t smmuv3_gerror_take(struct smmuv3 *s);

#endif /* HV_DRIVERS_SMMUV3_H */
