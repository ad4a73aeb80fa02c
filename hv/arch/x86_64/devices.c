/* SPDX-License-Identifier: MIT */
/*
 * The emulated PC of an x86 VM wired together (X86_PLAN.md "Fixed x86
 * guest layout"): the legacy devices behind the port bus, the COM1 16550
 * on the console mux, a virtual xAPIC per vCPU and the I/O APIC, with
 * interrupts delivered only inside the VM.  Lock order: vm.lock, then
 * pio_lock, then apic_lock.
 */
#include "arch/vcpu.h"
#include "arch/wallclock.h"
#include "hv/arch/cpu.h"
#include "hv/console.h"
#include "hv/errno.h"
#include "hv/print.h"
#include "hv/vm.h"
#include "hv/vuart.h"

/* The VM's I/O APIC pins: all of them are its own emulated devices'. */
#define VIOAPIC_OWNED 0xffffffu

static void vcpu_kick(void *ctx, unsigned idx)
{
	struct vm *vm = ctx;

	if (idx < vm->vcpu_count && vm->vcpu[idx].pcpu != arch_pcpu_id())
		arch_kick(vm->vcpu[idx].pcpu);
}

/* Pending until its own CPU injects it (svm.c inject_pending()). */
static void vcpu_nmi(void *ctx, unsigned idx)
{
	struct vm *vm = ctx;

	if (idx >= vm->vcpu_count)
		return;
	__atomic_store_n(&vm->vcpu[idx].arch.nmi_pending, true,
			 __ATOMIC_RELEASE);
	vcpu_kick(ctx, idx);
}

/*
 * INIT and SIPI only mark the target (under apic_lock, which may not take
 * vm.lock); x86_vcpu_startups() acts on the marks after the lock is gone.
 */
static void vcpu_init(void *ctx, unsigned idx)
{
	struct vm *vm = ctx;

	if (idx && idx < vm->vcpu_count)
		__atomic_store_n(&vm->vcpu[idx].arch.startup, X86_STARTUP_INIT,
				 __ATOMIC_RELEASE);
}

static void vcpu_sipi(void *ctx, unsigned idx, uint8_t vector)
{
	struct vm *vm = ctx;

	if (idx && idx < vm->vcpu_count)
		__atomic_store_n(&vm->vcpu[idx].arch.startup,
				 X86_STARTUP_SIPI | vector, __ATOMIC_RELEASE);
}

static void ioapic_eoi(void *ctx, uint8_t vector)
{
	struct vm *vm = ctx;

	vioapic_eoi(&vm->arch.ioapic, vector);
}

static const struct vlapic_ops vlapic_ops = {
	.kick = vcpu_kick,
	.nmi = vcpu_nmi,
	.init = vcpu_init,
	.sipi = vcpu_sipi,
	.eoi = ioapic_eoi,
};

static void ioapic_deliver(void *ctx, const struct vlapic_msg *msg)
{
	struct vm *vm = ctx;

	vlapic_deliver(&vm->arch.apic_bus, msg);
}

/* A device of @vm set its I/O APIC pin @gsi to @level. */
static void set_irq(void *ctx, unsigned gsi, bool level)
{
	struct vm *vm = ctx;

	spin_lock(&vm->arch.apic_lock);
	vioapic_set_irq(&vm->arch.ioapic, gsi, level);
	spin_unlock(&vm->arch.apic_lock);
}

static void guest_poweroff(void *ctx)
{
	vm_request_policy(ctx, VM_CAUSE_GUEST_POWEROFF);
}

static void guest_reset(void *ctx)
{
	vm_request_policy(ctx, VM_CAUSE_GUEST_RESET);
}

static void guest_crash(void *ctx)
{
	struct vm *vm = ctx;

	hv_log("vm %s: the guest reported a panic (pvpanic)", vm->name);
	vm_request_policy(vm, VM_CAUSE_CRASH);
}

static const struct pio_ops pio_ops = {
	.irq = set_irq,
	.poweroff = guest_poweroff,
	.reset = guest_reset,
	.crash = guest_crash,
};

static int lapic_read(struct vcpu *v, void *priv, uint64_t off, unsigned size,
		      uint64_t *val)
{
	struct vm *vm = priv;
	int ret;

	spin_lock(&vm->arch.apic_lock);
	ret = vlapic_read(&v->arch.lapic, (uint32_t)off, size, x86_now_ns(),
			  val);
	spin_unlock(&vm->arch.apic_lock);
	return ret;
}

static int lapic_write(struct vcpu *v, void *priv, uint64_t off, unsigned size,
		       uint64_t val)
{
	struct vm *vm = priv;
	int ret;

	spin_lock(&vm->arch.apic_lock);
	ret = vlapic_write(&v->arch.lapic, (uint32_t)off, size, x86_now_ns(),
			   val);
	spin_unlock(&vm->arch.apic_lock);
	x86_vcpu_startups(vm);
	return ret;
}

static const struct mmio_ops lapic_ops = {
	.read = lapic_read,
	.write = lapic_write,
};

static int ioapic_read(struct vcpu *v, void *priv, uint64_t off, unsigned size,
		       uint64_t *val)
{
	struct vm *vm = priv;
	int ret;

	(void)v;
	spin_lock(&vm->arch.apic_lock);
	ret = vioapic_read(&vm->arch.ioapic, (uint32_t)off, size, val);
	spin_unlock(&vm->arch.apic_lock);
	return ret;
}

static int ioapic_write(struct vcpu *v, void *priv, uint64_t off, unsigned size,
			uint64_t val)
{
	struct vm *vm = priv;
	int ret;

	(void)v;
	spin_lock(&vm->arch.apic_lock);
	ret = vioapic_write(&vm->arch.ioapic, (uint32_t)off, size, val);
	spin_unlock(&vm->arch.apic_lock);
	return ret;
}

static const struct mmio_ops ioapic_ops = {
	.read = ioapic_read,
	.write = ioapic_write,
};

int x86_vm_devices_init(struct vm *vm)
{
	struct arch_vm *a = &vm->arch;
	bool uart = vm->plan->flags & SHIKIRI_VM_CONSOLE_VIRTUAL;
	uint64_t epoch_s, at_ns;
	int ret;

	vlapic_vm_init(&a->apic_bus, &vlapic_ops, vm);
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		ret = vlapic_init(&vm->vcpu[i].arch.lapic, &a->apic_bus, i);
		if (ret)
			return ret;
	}
	vioapic_init(&a->ioapic, (uint8_t)vm->vcpu_count, VIOAPIC_OWNED,
		     ioapic_deliver, vm);
	/*
	 * The RTC counts on from the machine's wall clock read at boot; a
	 * restart (pio_reset()) keeps that base, so it reads the time then.
	 */
	wallclock_base(&epoch_s, &at_ns);
	pio_init(&a->pio, &pio_ops, vm, uart ? &a->uart : NULL, epoch_s, at_ns);
	ret = mmio_register(&vm->mmio, VLAPIC_BASE, VLAPIC_SIZE, &lapic_ops,
			    vm);
	if (!ret)
		ret = mmio_register(&vm->mmio, VIOAPIC_BASE, VIOAPIC_SIZE,
				    &ioapic_ops, vm);
	return ret;
}

void x86_vm_devices_reset(struct vm *vm)
{
	struct arch_vm *a = &vm->arch;

	spin_lock(&a->pio_lock);
	pio_reset(&a->pio, x86_now_ns());
	spin_unlock(&a->pio_lock);
	spin_lock(&a->apic_lock);
	vioapic_reset(&a->ioapic);
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		vlapic_reset(&vm->vcpu[i].arch.lapic);
		vm->vcpu[i].arch.startup = 0;
	}
	spin_unlock(&a->apic_lock);
}

void x86_vcpu_startups(struct vm *vm)
{
	for (unsigned i = 1; i < vm->vcpu_count; i++) {
		struct vcpu *t = &vm->vcpu[i];
		unsigned s = __atomic_exchange_n(&t->arch.startup, 0,
						 __ATOMIC_ACQ_REL);
		enum vcpu_power expected = VCPU_OFF;

		if (s == X86_STARTUP_INIT) {
			/* Running or not, INIT parks it (SDM 8.4.3). */
			__atomic_store_n(&t->power, VCPU_OFF, __ATOMIC_RELEASE);
			arch_kick(t->pcpu);
		} else if (s & X86_STARTUP_SIPI) {
			bool claimed;

			spin_lock(&vm->lock);
			claimed = __atomic_compare_exchange_n(
				&t->power, &expected, VCPU_ON_PENDING, false,
				__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
			if (claimed)
				t->boot_pc = (uint64_t)(s & 0xff) << 12;
			spin_unlock(&vm->lock);
			if (claimed)
				arch_kick(t->pcpu);
		}
	}
}

uint64_t x86_vcpu_poll(struct vcpu *v)
{
	struct arch_vm *a = &v->vm->arch;
	uint64_t now = x86_now_ns(), next;

	if (v->id == 0) {
		spin_lock(&a->pio_lock);
		pio_update(&a->pio, now);
		next = pio_deadline(&a->pio);
		spin_unlock(&a->pio_lock);
	} else {
		next = UINT64_MAX;
	}
	spin_lock(&a->apic_lock);
	vlapic_timer_update(&v->arch.lapic, now);
	next = MIN(next, vlapic_timer_deadline(&v->arch.lapic));
	spin_unlock(&a->apic_lock);
	return next;
}

int x86_vcpu_pending(struct vcpu *v)
{
	int vec;

	spin_lock(&v->vm->arch.apic_lock);
	vec = vlapic_pending(&v->arch.lapic);
	spin_unlock(&v->vm->arch.apic_lock);
	return vec;
}

void x86_vcpu_accept(struct vcpu *v, uint8_t vector)
{
	spin_lock(&v->vm->arch.apic_lock);
	vlapic_accept(&v->arch.lapic, vector);
	spin_unlock(&v->vm->arch.apic_lock);
	v->stats.injected++;
}

/* The console UART interface (hv/vuart.h) for VMs with a 16550. */

int vuart_init(struct vm *vm)
{
	return v16550_init(&vm->arch.uart, vm, (uint16_t)vm->plan->console_base,
			   vm->plan->console_irq, set_irq, vm);
}

void vuart_reset(struct vm *vm)
{
	v16550_reset(&vm->arch.uart);
}

bool vuart_rx(struct vm *vm, char c)
{
	return v16550_rx(&vm->arch.uart, c);
}

void vuart_tx_room(struct vm *vm)
{
	v16550_tx_room(&vm->arch.uart);
}

uint64_t vuart_rx_dropped(struct vm *vm)
{
	return v16550_rx_dropped(&vm->arch.uart);
}
