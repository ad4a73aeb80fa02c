/* SPDX-License-Identifier: MIT */
#ifndef HV_VM_H
#define HV_VM_H

#include "arch/vm_arch.h"
#include "hv/console.h"
#include "hv/manage.h"
#include "hv/mmio.h"
#include "hv/page_pool.h"
#include "hv/pci.h"
#include "hv/shm.h"
#include "hv/spinlock.h"
#include "hv/types.h"
#include "hv/vcpu_stats.h"
#include "hv/vpci.h"
#include "hv/vm_life.h"
#include "hv/vnet.h"
#include "hv/vwdt.h"
#include "shikiri/plan.h"

enum vcpu_power {
	VCPU_OFF,
	VCPU_ON_PENDING, /* CPU_ON (SIPI) accepted, not yet entered */
	VCPU_ON,
};

/** A virtual CPU, pinned to one physical CPU for its whole life. */
struct vcpu {
	struct vm *vm;
	unsigned id;   /**< index in the VM (its Aff0; its APIC ID) */
	unsigned pcpu; /**< physical CPU index */
	enum vcpu_power power; /* atomic: written by CPU_ON (or a SIPI) from
				* other CPUs */
	bool in_guest; /* under vm.lock: entered, not yet parked */
	uint64_t boot_pc;  /**< where it enters when started */
	uint64_t boot_ctx; /**< the argument it enters with */
	struct vcpu_stats stats;
	struct arch_vcpu arch;
};

/** A partition: its CPUs, memory, devices and emulated hardware. */
struct vm {
	unsigned id;
	char name[SHIKIRI_NAME_LEN];
	const struct shikiri_plan_vm *plan; /**< checked, in hypervisor memory */
	struct spinlock lock; /* protects life, load_pending, vcpu.in_guest */
	struct vm_life life;
	bool load_pending;  /**< STARTING: vCPU 0's CPU is to reload the VM */
	uint64_t started_at; /**< counter value when it last entered RUNNING */
	unsigned vcpu_count;
	struct vcpu vcpu[SHIKIRI_MAX_CPUS];
	struct mmio_map mmio;
	struct console_vm console;
	struct manage_regs manage;
	struct vwdt wdt;
	struct pci_vm pci;   /**< its PCI functions (plan pci-devices) */
	struct vpci_bus vpci; /**< its virtual PCI bus (emulated functions) */
	struct shm_vm shm;    /**< its views of shared-memory regions */
	struct vnet net;     /**< its virtio-net device (plan network) */
	struct arch_vm arch; /**< stage 2, interrupt controller, console device */
};

/** Interrupts one physical CPU took for the hypervisor, for `stats`. */
struct pcpu_stats {
	uint64_t timer; /**< its hypervisor timer (console, watchdog deadlines) */
	uint64_t hv;    /**< kicks, maintenance, the console UART */
	uint64_t held;  /**< a guest's, while it could not take them: masked */
};

/** Per physical CPU data, found through arch_this_pcpu(). */
struct pcpu {
	unsigned id;
	uint64_t hw_id; /**< the board's ID of it: MPIDR affinity, APIC ID */
	struct vcpu *vcpu; /**< the vCPU this CPU runs, or NULL (parked) */
	struct pcpu_stats stats; /* written by this CPU only */
};

extern struct vm vms[SHIKIRI_MAX_VMS];
extern unsigned vm_count;
extern struct pcpu pcpus[SHIKIRI_MAX_CPUS];
extern unsigned pcpu_count;

/** vm_from_plan() - Build VM @idx from its checked plan record. */
int vm_from_plan(struct vm *vm, unsigned idx,
		 const struct shikiri_plan_vm *rec, const void *image,
		 struct page_pool *pool);

/**
 * vm_set_image() - Where the pristine payloads are (the loaded image), and
 * the key the VMs' seeds are drawn from (hv/seed.h), which is copied: the
 * caller wipes its own.  Boot CPU, before any VM starts.
 */
void vm_set_image(const void *image, const uint8_t key[32]);

/**
 * vm_request() - Start, stop or restart @vm because of @cause, from any
 * CPU.  The work happens on the VM's own CPUs; this only asks for it.
 * Return: 0, or -HV_EBUSY when it does not apply (e.g. stop a stopped VM).
 */
int vm_request(struct vm *vm, enum vm_request req, enum vm_cause cause);

/**
 * vm_request_policy() - The guest asked for (or caused) @cause: act on the
 * VM's policy for it (restart or stop).
 */
void vm_request_policy(struct vm *vm, enum vm_cause cause);

/**
 * vm_vcpu_idle() - @v's CPU is parked in the idle loop: note it left the
 * guest, finish a stop when it was the last, do the reload when it is vCPU
 * 0's turn.  Return: true when @v should enter the guest now (its
 * boot_pc/boot_ctx are set).
 */
bool vm_vcpu_idle(struct vcpu *v);

/** vm_running() - Whether @vm's guest may run. */
static inline bool vm_running(const struct vm *vm)
{
	return __atomic_load_n(&vm->life.state, __ATOMIC_ACQUIRE) == VM_RUNNING;
}

/** vm_ram_pa() - Physical address of guest address @ipa, or 0. */
uint64_t vm_ram_pa(const struct vm *vm, uint64_t ipa, uint64_t size);


/** The board facts of the checked plan, for everyone after boot. */
extern const struct shikiri_plan_board *hv_board;

/** vm_log_stats() - Log @vm's exit counts, summed over its vCPUs. */
void vm_log_stats(const struct vm *vm);

/** vm_find() - The VM called @name, or with index @name, or NULL. */
struct vm *vm_find(const char *name);

#endif /* HV_VM_H */
