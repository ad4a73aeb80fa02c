/* SPDX-License-Identifier: MIT */
/*
 * Physical INTx pins of passed-through PCI functions, each followed by
 * the virtual I/O APIC pin of the same GSI in the VM that owns it (see
 * arch/intx.h).  A physical pin is unmasked only while the guest has its
 * virtual pin unmasked and is not serving an interrupt of it: a level
 * line stays asserted until the guest's driver quiets the device, so it
 * must stay masked until the guest's EOI says the driver ran.  Lock
 * order: the VM's apic_lock, then this file's lock (then the I/O APIC's).
 */
#include "arch/intx.h"
#include "arch/ioapic.h"
#include "arch/lapic.h"
#include "asm_defs.h"
#include "hv/errno.h"
#include "hv/pci.h"
#include "hv/print.h"
#include "hv/spinlock.h"
#include "hv/vm.h"

/* GSIs below this are the VM's emulated ISA devices' (vIOAPIC pins). */
#define INTX_FIRST_GSI 16u

struct intx_pin {
	struct vm *vm;
	unsigned gsi; /* also the VM's virtual I/O APIC pin */
	unsigned pin; /* of the physical I/O APIC */
	bool level;
	bool open;	 /* the guest's entry is unmasked */
	bool in_service; /* raised to the guest, its EOI not yet seen */
	uint64_t count;	 /* interrupts taken */
};

/* Written at boot; open and in_service under lock afterwards. */
static struct intx_pin pins[VEC_INTX_COUNT];
static unsigned pin_count;
static struct spinlock lock;

static struct intx_pin *find(const struct vm *vm, unsigned gsi)
{
	for (unsigned i = 0; i < pin_count; i++)
		if (pins[i].vm == vm && pins[i].gsi == gsi)
			return &pins[i];
	return NULL;
}

/* The physical pin as the guest's state wants it; under lock. */
static void update(const struct intx_pin *p)
{
	ioapic_mask(p->pin, !p->open || p->in_service);
}

static void guest_mask(void *ctx, unsigned gsi, bool masked)
{
	struct intx_pin *p = find(ctx, gsi);

	if (!p)
		return;
	spin_lock(&lock);
	p->open = !masked;
	update(p);
	spin_unlock(&lock);
}

static void guest_eoi(void *ctx, unsigned gsi)
{
	struct intx_pin *p = find(ctx, gsi);

	if (!p)
		return;
	spin_lock(&lock);
	p->in_service = false;
	update(p);
	spin_unlock(&lock);
}

static const struct vioapic_hw_ops hw_ops = {
	.mask = guest_mask,
	.eoi = guest_eoi,
};

/* Why @gsi cannot be @vm's, or NULL; @level: its function's trigger. */
static const char *refuse(const struct vm *vm, unsigned gsi, bool level)
{
	const struct shikiri_plan_board *b = hv_board;
	unsigned base = b->hw.x86_64.ioapic_gsi_base;

	if (gsi < INTX_FIRST_GSI || gsi >= VIOAPIC_PINS)
		return "is not a PCI GSI of the VM's I/O APIC (16-23)";
	if (gsi < base || gsi - base >= ioapic_pins())
		return "is not a pin of the I/O APIC";
	if (gsi == b->uart_irq)
		return "is the hypervisor's UART's";
	for (unsigned i = 0; i < pin_count; i++) {
		if (pins[i].gsi != gsi)
			continue;
		if (pins[i].vm != vm)
			return "drives a function another VM owns";
		if (pins[i].level != level)
			return "has functions of both trigger modes";
	}
	return NULL;
}

int intx_vm_init(struct vm *vm)
{
	const struct shikiri_plan_vm *plan = vm->plan;
	uint32_t hw = 0;

	for (unsigned i = 0; i < plan->pci_count && i < SHIKIRI_MAX_PCI; i++) {
		const struct shikiri_pci_fn *fn = &plan->pci[i];
		bool level = !(fn->flags & SHIKIRI_PCI_INTX_EDGE);
		bool low = fn->flags & SHIKIRI_PCI_INTX_ACTIVE_LOW;
		const char *why;
		struct intx_pin *p;

		if (fn->intx == SHIKIRI_PCI_NO_INTX)
			continue;
		why = refuse(vm, fn->intx, level);
		if (why) {
			hv_log("vm %s: PCI %02x:%02x.%x: INTx GSI %u %s",
			       vm->name, PCI_BUS(fn->bdf), PCI_DEV(fn->bdf),
			       PCI_FN(fn->bdf), fn->intx, why);
			return -HV_EINVAL;
		}
		hw |= BIT(fn->intx);
		if (find(vm, fn->intx))
			continue;
		if (pin_count == VEC_INTX_COUNT) {
			hv_log("vm %s: more than %u PCI INTx GSIs", vm->name,
			       VEC_INTX_COUNT);
			return -HV_EINVAL;
		}
		p = &pins[pin_count];
		*p = (struct intx_pin){
			.vm = vm,
			.gsi = fn->intx,
			.pin = fn->intx - hv_board->hw.x86_64.ioapic_gsi_base,
			.level = level,
		};
		ioapic_program(p->pin, (uint8_t)(VEC_INTX_FIRST + pin_count),
			       (uint32_t)pcpus[vm->vcpu[0].pcpu].hw_id,
			       (level ? IOAPIC_LEVEL : 0) |
				       (low ? IOAPIC_ACTIVE_LOW : 0));
		pin_count++;
	}
	spin_lock(&vm->arch.apic_lock);
	vioapic_set_hw(&vm->arch.ioapic, hw, &hw_ops);
	spin_unlock(&vm->arch.apic_lock);
	return 0;
}

bool intx_irq(unsigned vector)
{
	struct intx_pin *p;
	struct vm *vm;

	if (vector < VEC_INTX_FIRST || vector - VEC_INTX_FIRST >= pin_count)
		return false;
	p = &pins[vector - VEC_INTX_FIRST];
	vm = p->vm;
	/*
	 * Masked before the EOI: the EOI clears the I/O APIC's remote IRR,
	 * and a level line still asserted would come straight back.
	 */
	spin_lock(&lock);
	if (p->level) {
		p->in_service = true;
		update(p);
	}
	p->count++;
	spin_unlock(&lock);
	lapic_eoi();
	vm->vcpu[0].arch.why.n[EXIT_WHY_PCI_INTX]++;
	spin_lock(&vm->arch.apic_lock);
	vioapic_set_irq(&vm->arch.ioapic, p->gsi, true);
	if (!p->level)
		vioapic_set_irq(&vm->arch.ioapic, p->gsi, false);
	spin_unlock(&vm->arch.apic_lock);
	return true;
}

void intx_vm_hold(struct vm *vm)
{
	spin_lock(&lock);
	for (unsigned i = 0; i < pin_count; i++) {
		if (pins[i].vm != vm)
			continue;
		pins[i].open = false;
		pins[i].in_service = false;
		update(&pins[i]);
	}
	spin_unlock(&lock);
}
