/* SPDX-License-Identifier: MIT */
/*
 * VMs built from the checked boot plan, and their lives: start, stop and
 * restart, each carried out on the VM's own CPUs so that no other VM ever
 * waits for it.
 *
 * Lock order: vm.lock, then any device or interrupt-controller lock of
 * that VM (vGIC, vIOAPIC), then a console source's lock (console.c).  No
 * two vm.locks are ever held together.
 */
#include <string.h>

#include "hv/arch/cpu.h"
#include "hv/chacha20.h"
#include "hv/console.h"
#include "hv/errno.h"
#include "hv/print.h"
#include "hv/seed.h"
#include "hv/shm.h"
#include "hv/vm.h"
#include "hv/vuart.h"

struct vm vms[SHIKIRI_MAX_VMS];
unsigned vm_count;
struct pcpu pcpus[SHIKIRI_MAX_CPUS];
unsigned pcpu_count;
const struct shikiri_plan_board *hv_board;


static const unsigned char *hv_image;
/* Only the hypervisor's memory holds it: no stage 2 maps it. */
static uint8_t seed_key[SEED_KEY_SIZE];
/* Each VM's loads so far: its next life's number, for its seeds. */
static uint64_t lives[SHIKIRI_MAX_VMS];

uint64_t vm_ram_pa(const struct vm *vm, uint64_t ipa, uint64_t size)
{
	for (unsigned i = 0; i < vm->plan->ram_count; i++) {
		const struct shikiri_region *r = &vm->plan->ram[i];

		if (ipa >= r->ipa && size <= r->size &&
		    ipa - r->ipa <= r->size - size)
			return r->pa + (ipa - r->ipa);
	}
	return 0;
}

struct vm *vm_find(const char *name)
{
	if (name[0] >= '0' && name[0] <= '9' && !name[1])
		return (unsigned)(name[0] - '0') < vm_count ?
			       &vms[name[0] - '0'] :
			       NULL;
	for (unsigned i = 0; i < vm_count; i++) {
		size_t n = strlen(name);

		if (n < SHIKIRI_NAME_LEN && !memcmp(vms[i].name, name, n + 1))
			return &vms[i];
	}
	return NULL;
}

int vm_from_plan(struct vm *vm, unsigned idx,
		 const struct shikiri_plan_vm *rec, const void *image,
		 struct page_pool *pool)
{
	unsigned n = 0;
	int ret;

	(void)image;
	vm->id = idx;
	vm->plan = rec;
	memcpy(vm->name, rec->name, SHIKIRI_NAME_LEN);
	vm->name[SHIKIRI_NAME_LEN - 1] = '\0';
	vm->life = (struct vm_life){ .state = VM_STOPPED };
	for (unsigned cpu = 0; cpu < pcpu_count; cpu++) {
		if (!(rec->cpu_mask & BIT(cpu)))
			continue;
		vm->vcpu[n] = (struct vcpu){ .vm = vm, .id = n, .pcpu = cpu };
		pcpus[cpu].vcpu = &vm->vcpu[n];
		n++;
	}
	vm->vcpu_count = n;
	/* Before the arch, which maps what pci_vm_maps() lists. */
	ret = pci_vm_init(&vm->pci, vm, &hv_board->pci, pool);
	if (!ret)
		ret = arch_vm_init(vm, pool);
	if (!ret && (rec->flags & SHIKIRI_VM_CONSOLE_VIRTUAL))
		ret = vuart_init(vm);
	if (!ret)
		ret = manage_init(vm);
	if (!ret)
		ret = vwdt_init(vm);
	if (!ret)
		ret = vpci_init(&vm->vpci, vm, rec->vpci_ecam_ipa);
	if (!ret)
		ret = pci_vm_plug(&vm->pci, &vm->vpci);
	if (!ret)
		ret = shm_vm_init(vm);
	if (!ret)
		ret = vnet_init(vm);
	return ret;
}

void vm_set_image(const void *image, const uint8_t key[32])
{
	hv_image = image;
	memcpy(seed_key, key, SEED_KEY_SIZE);
}

/*
 * Zero [@p, @p + @size) (64-byte aligned), writing only the 64-byte lines
 * that are not zero already.  The result is the same as memset(); the
 * cost is not: reading costs as much as writing on hardware (a write
 * allocates the line), but under an emulator the first write to a page
 * makes the host allocate it, and RAM no one has used yet (a cold start)
 * is then scrubbed several times faster.
 */
static void zero_lines(uint64_t *p, uint64_t size)
{
	for (uint64_t *end = p + size / 8; p < end; p += 8)
		if (p[0] | p[1] | p[2] | p[3] | p[4] | p[5] | p[6] | p[7])
			memset(p, 0, 64);
}

/* Zero all of @vm's RAM, and make sure memory (not a cache) holds zeros. */
static void scrub(struct vm *vm)
{
	uint64_t t0 = arch_counter(), bytes = 0, hz = console_clock_hz();

	for (unsigned i = 0; i < vm->plan->ram_count; i++) {
		const struct shikiri_region *r = &vm->plan->ram[i];
		void *p = (void *)(uintptr_t)r->pa;

		/* With the tags a guest can give it (MTE), where it has them. */
		if (!arch_mem_scrub(p, r->size))
			zero_lines(p, r->size);
		arch_dcache_clean(p, r->size);
		bytes += r->size;
	}
	/* What the first start pays for it, for docs/lifecycle.md. */
	if (vm->life.cause == VM_CAUSE_BOOT && hz)
		hv_log("vm %s: %lu MiB of RAM scrubbed in %lu ms", vm->name,
		       bytes >> 20, (arch_counter() - t0) * 1000 / hz);
}

/*
 * Copy the pristine payloads into the VM's RAM, with fresh seeds in its
 * boot info (DTB or boot_params): the 32 bytes of RNG seed, then the 8 of
 * KASLR seed, from this VM's stream for this life (hv/seed.h).
 */
static void load_payloads(struct vm *vm)
{
	const struct shikiri_plan_vm *p = vm->plan;
	uint8_t seeds[SEED_BYTES];

	seed_fill(seed_key, vm->id, lives[vm->id]++, seeds, sizeof(seeds));
	for (unsigned i = 0; i < p->payload_count; i++) {
		const struct shikiri_payload *pl = &p->payload[i];
		unsigned char *dst = (unsigned char *)(uintptr_t)vm_ram_pa(
			vm, pl->ipa, pl->size);

		memcpy(dst, hv_image + pl->offset, pl->size);
		/* Fresh seeds every boot, as a bootloader would give. */
		seed_place(p, pl, dst, seeds);
		arch_vm_payload_loaded(vm, pl, dst);
		/* The guest starts with its MMU and caches off. */
		arch_dcache_clean(dst, pl->size);
	}
	chacha20_wipe(seeds, sizeof(seeds));
}

/*
 * Bring @vm back to its power-on state, on one of its own CPUs while all
 * of its vCPUs are parked: devices and interrupt state reset, RAM scrubbed,
 * payloads copied again from the image.  The first start scrubs too: a
 * warm reset of the machine keeps RAM, and with it whatever the previous
 * owner of these pages left, unless the config says the platform clears
 * RAM at every boot.
 */
static void reload(struct vm *vm)
{
	/* No device of the VM's may write its RAM once it is scrubbed. */
	pci_vm_reset(&vm->pci);
	vnet_reset(vm);
	/*
	 * Before the interrupt state: an edge a peer's device sent until
	 * now is wiped with it, and none comes after (not running).
	 */
	vpci_reset(&vm->vpci);
	shm_vm_reset(vm);
	arch_vm_reset(vm);
	if (vm->plan->flags & SHIKIRI_VM_CONSOLE_VIRTUAL)
		vuart_reset(vm);
	vwdt_reset(&vm->wdt);
	if (vm->life.cause != VM_CAUSE_BOOT ||
	    !(vm->plan->flags & SHIKIRI_VM_RAM_CLEARED_AT_BOOT))
		scrub(vm);
	load_payloads(vm);
	for (unsigned i = 0; i < vm->vcpu_count; i++)
		__atomic_store_n(&vm->vcpu[i].power, VCPU_OFF,
				 __ATOMIC_RELEASE);
	vm->vcpu[0].boot_pc = vm->plan->entry_ipa;
	vm->vcpu[0].boot_ctx = vm->plan->boot_info_ipa;
}

static bool guest_caused(enum vm_cause c)
{
	return c == VM_CAUSE_GUEST_POWEROFF || c == VM_CAUSE_GUEST_RESET ||
	       c == VM_CAUSE_CRASH || c == VM_CAUSE_FAULT ||
	       c == VM_CAUSE_WATCHDOG;
}

/* A VM stopped because of its guest; power off once none is left. */
static void maybe_power_off(void)
{
	for (unsigned i = 0; i < vm_count; i++) {
		struct vm *vm = &vms[i];

		if (vm->life.state != VM_STOPPED || !guest_caused(vm->life.cause))
			return;
	}
	hv_log("no VM is left running: powering off");
	arch_system_off();
}

/* Carry out @act for @vm; called without vm.lock. */
static void act(struct vm *vm, enum vm_action act)
{
	unsigned self = arch_pcpu_id();

	switch (act) {
	case VM_ACT_PARK:
		for (unsigned i = 0; i < vm->vcpu_count; i++)
			if (vm->vcpu[i].pcpu != self)
				arch_kick(vm->vcpu[i].pcpu);
		break;
	case VM_ACT_LOAD:
		spin_lock(&vm->lock);
		vm->load_pending = true;
		spin_unlock(&vm->lock);
		if (vm->vcpu[0].pcpu != self)
			arch_kick(vm->vcpu[0].pcpu);
		break;
	default:
		break;
	}
}

int vm_request(struct vm *vm, enum vm_request req, enum vm_cause cause)
{
	enum vm_action a;
	int ret;

	spin_lock(&vm->lock);
	ret = vm_life_request(&vm->life, req, cause, &a);
	spin_unlock(&vm->lock);
	if (ret)
		return ret;
	if (a == VM_ACT_PARK)
		hv_log("vm %s: %s (%s)", vm->name,
		       req == VM_REQ_STOP ? "stopping" : "restarting",
		       vm_cause_name(cause));
	act(vm, a);
	return 0;
}

void vm_request_policy(struct vm *vm, enum vm_cause cause)
{
	const struct shikiri_plan_vm *p = vm->plan;
	uint32_t policy = cause == VM_CAUSE_GUEST_POWEROFF ? p->on_poweroff :
			  cause == VM_CAUSE_CRASH ||
					  cause == VM_CAUSE_WATCHDOG ?
							     p->on_crash :
			  cause == VM_CAUSE_FAULT	   ? p->on_fault :
							     p->on_reset;

	vm_request(vm,
		   policy == SHIKIRI_POLICY_RESTART ? VM_REQ_RESTART :
						      VM_REQ_STOP,
		   cause);
}

static bool all_parked(const struct vm *vm)
{
	for (unsigned i = 0; i < vm->vcpu_count; i++)
		if (vm->vcpu[i].in_guest)
			return false;
	return true;
}

bool vm_vcpu_idle(struct vcpu *v)
{
	struct vm *vm = v->vm;
	enum vm_action a = VM_ACT_NONE;
	bool load = false, enter = false, stopped = false;

	spin_lock(&vm->lock);
	v->in_guest = false;
	if (vm->life.state == VM_STOPPING && all_parked(vm)) {
		/*
		 * Its devices may keep interrupting: mask them from now until
		 * the next life's guest enables them (reload resets the
		 * interrupt controller, so they stay masked until then).
		 * Under vm.lock, so a start that follows at once cannot enable
		 * one first.
		 */
		arch_vm_hold(vm);
		pci_vm_hold(&vm->pci);
		a = vm_life_parked(&vm->life);
		stopped = vm->life.state == VM_STOPPED;
	}
	if (v->id == 0 && vm->life.state == VM_STARTING &&
	    (vm->load_pending || a == VM_ACT_LOAD)) {
		vm->load_pending = false;
		a = VM_ACT_NONE;
		load = true;
	}
	if (vm->life.state == VM_RUNNING &&
	    __atomic_load_n(&v->power, __ATOMIC_ACQUIRE) == VCPU_ON_PENDING) {
		v->in_guest = true;
		enter = true;
	}
	spin_unlock(&vm->lock);

	if (stopped) {
		hv_log("vm %s: stopped (%s)", vm->name,
		       vm_cause_name(vm->life.cause));
		vm_log_stats(vm);
		maybe_power_off();
	}
	act(vm, a);
	if (!load)
		return enter;

	reload(vm);
	spin_lock(&vm->lock);
	a = vm_life_loaded(&vm->life);
	if (a == VM_ACT_ENTER) {
		vm->started_at = arch_counter();
		__atomic_store_n(&v->power, VCPU_ON_PENDING, __ATOMIC_RELEASE);
		v->in_guest = true;
	}
	spin_unlock(&vm->lock);
	if (a != VM_ACT_ENTER) {
		hv_log("vm %s: stopped (%s)", vm->name,
		       vm_cause_name(vm->life.cause));
		return false;
	}
	if (vm->life.cause == VM_CAUSE_BOOT)
		hv_log("vm %s: started", vm->name);
	else
		hv_log("vm %s: started (%s, restart %u)", vm->name,
		       vm_cause_name(vm->life.cause), vm->life.restarts);
	return true;
}

void vm_log_stats(const struct vm *vm)
{
	struct vcpu_stats t = { 0 };
	char exits[160];

	for (unsigned i = 0; i < vm->vcpu_count; i++)
		vcpu_stats_add(&t, &vm->vcpu[i].stats);
	vcpu_stats_print(exits, sizeof(exits), &t, true);
	hv_log("vm %s: exits: %s; %lu interrupts injected", vm->name, exits,
	       t.injected);
	shm_log_stats(vm);
	vnet_log_stats(vm);
	if (vm->pci.dma_confined)
		hv_log("vm %s: pci: dma faults=%lu", vm->name,
		       vm->pci.dma_faults);
}
