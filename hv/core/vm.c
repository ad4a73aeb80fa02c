/* SPDX-License-Identifier: MIT */
/*
 * VMs built from the checked boot plan: their vCPUs on their own physical
 * CPUs, their stage 2, emulated devices, and payloads copied into their RAM.
 *
 * Lock order: vm_lock before any VM's device or vgic locks.
 */
#include <string.h>

#include "arch/vgic.h"
#include "hv/arch/cpu.h"
#include "hv/errno.h"
#include "hv/print.h"
#include "hv/vm.h"

struct vm vms[SHIKIRI_MAX_VMS];
unsigned vm_count;
struct pcpu pcpus[SHIKIRI_MAX_CPUS];
unsigned pcpu_count;
const struct shikiri_plan_board *hv_board;

static struct spinlock vm_lock = SPINLOCK_INIT;

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
	vm->state = VM_RUNNING;
	for (unsigned cpu = 0; cpu < pcpu_count; cpu++) {
		if (!(rec->cpu_mask & BIT(cpu)))
			continue;
		vm->vcpu[n] = (struct vcpu){ .vm = vm, .id = n, .pcpu = cpu };
		pcpus[cpu].vcpu = &vm->vcpu[n];
		n++;
	}
	vm->vcpu_count = n;
	ret = arch_vm_init(vm, pool);
	if (!ret && (rec->flags & SHIKIRI_VM_CONSOLE_VIRTUAL)) {
		ret = vpl011_init(&vm->uart, vm, rec->console_ipa,
				  rec->console_virq);
		if (!ret)
			ret = vgic_add_sw_spi(vm, rec->console_virq,
					      vpl011_line);
	}
	if (ret)
		return ret;
	vm->vcpu[0].boot_pc = rec->entry_ipa;
	vm->vcpu[0].boot_ctx = rec->dtb_ipa;
	vm->vcpu[0].power = VCPU_ON_PENDING;
	return 0;
}

/* splitmix64: spreads one 64-bit seed into a stream of good bits. */
static uint64_t mix(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void fill_seed(unsigned char *dst, unsigned len, uint64_t *state)
{
	for (unsigned i = 0; i < len; i += 8) {
		uint64_t r = mix(state);

		memcpy(dst + i, &r, MIN(8u, len - i));
	}
}

void vm_load(struct vm *vm, const void *image, uint64_t entropy)
{
	const struct shikiri_plan_vm *p = vm->plan;
	uint64_t state = entropy ^ ((uint64_t)vm->id << 56) ^ arch_counter();

	for (unsigned i = 0; i < p->payload_count; i++) {
		const struct shikiri_payload *pl = &p->payload[i];
		unsigned char *dst = (unsigned char *)(uintptr_t)vm_ram_pa(
			vm, pl->ipa, pl->size);

		memcpy(dst, (const unsigned char *)image + pl->offset,
		       pl->size);
		if (pl->kind == SHIKIRI_PAYLOAD_DTB) {
			/* Fresh seeds every boot, as a bootloader would give. */
			if (p->rng_seed_offset)
				fill_seed(dst + p->rng_seed_offset, 32, &state);
			if (p->kaslr_seed_offset)
				fill_seed(dst + p->kaslr_seed_offset, 8, &state);
		}
		/* The guest starts with its MMU and caches off. */
		arch_dcache_clean(dst, pl->size);
	}
}

void vm_log_stats(const struct vm *vm)
{
	struct vcpu_stats t = { 0 };

	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		const struct vcpu_stats *s = &vm->vcpu[i].stats;

		t.exits_sync += s->exits_sync;
		t.exits_irq += s->exits_irq;
		t.mmio += s->mmio;
		t.hvc += s->hvc;
		t.smc += s->smc;
		t.sysreg += s->sysreg;
		t.injected += s->injected;
	}
	hv_log("vm %s: exits: %lu sync (%lu mmio, %lu hvc, %lu smc, %lu sysreg), "
	       "%lu irq; %lu interrupts injected",
	       vm->name, t.exits_sync, t.mmio, t.hvc, t.smc, t.sysreg,
	       t.exits_irq, t.injected);
}

void vm_stop(struct vm *vm, const char *why)
{
	bool any_running = false;
	unsigned self = arch_pcpu_id();

	spin_lock(&vm_lock);
	if (vm->state == VM_STOPPED) {
		spin_unlock(&vm_lock);
		return;
	}
	vm->state = VM_STOPPED;
	for (unsigned i = 0; i < vm_count; i++)
		any_running |= vms[i].state == VM_RUNNING;
	spin_unlock(&vm_lock);

	hv_log("vm %s: stopped: %s", vm->name, why);
	vm_log_stats(vm);
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *v = &vm->vcpu[i];

		__atomic_store_n(&v->power, VCPU_OFF, __ATOMIC_RELEASE);
		if (v->pcpu != self)
			arch_kick(v->pcpu);
	}
	if (!any_running) {
		hv_log("no VM is running: powering off");
		arch_system_off();
	}
}
