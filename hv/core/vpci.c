/* SPDX-License-Identifier: MIT */
/*
 * A VM's virtual PCI bus 0 behind an emulated ECAM (PCIe Base 4.0 7.2.2:
 * function n's 4 KiB of config space at n << 12), and the type-0 header
 * its emulated functions share (PCI Local Bus 3.0 6.1).  The guest's
 * device tree says linux,pci-probe-only, so the guest keeps the BARs where
 * they are: sizing works, moving a BAR is ignored.  Every access the
 * guest makes ends in a value or is ignored; none faults.
 *
 * Lock order: vpci_bus.lock, then a function's own lock, then the vGIC's.
 */
#include "hv/errno.h"
#include "hv/mmio.h"
#include "hv/vm.h"
#include "hv/vpci.h"

#define HDR_ID 0x00u
#define HDR_COMMAND 0x04u
#define HDR_CLASS 0x08u
#define HDR_BAR0 0x10u
#define HDR_BAR_END 0x28u
#define HDR_SUBSYS 0x2cu
#define HDR_INTR 0x3cu
#define INTR_LINE_UNKNOWN 0xffu /* PCI LB 3.0 6.2.4: "no connection" */
#define CMD_KEPT (VPCI_CMD_MEM | VPCI_CMD_MASTER | VPCI_CMD_INTX_DISABLE)

static uint32_t ones(unsigned size)
{
	return size >= 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

static struct vpci_fn *fn_at(const struct vpci_bus *bus, unsigned devfn)
{
	for (unsigned i = 0; i < bus->count; i++)
		if (bus->fn[i]->devfn == devfn)
			return bus->fn[i];
	return NULL;
}

/* The dword of BAR slot @n: its base, or its size mask while sized. */
static uint32_t bar_read(const struct vpci_fn *fn, unsigned n)
{
	const struct vpci_bar *b = &fn->hdr.bar[n];
	bool sizing = fn->sizing & BIT(n);

	if (b->size)
		return (uint32_t)(sizing ? ~(b->size - 1) : b->base) |
		       (b->flags & (VPCI_BAR_MEM64 | VPCI_BAR_PREFETCH));
	/* The upper half of the 64-bit BAR below. */
	b = n ? &fn->hdr.bar[n - 1] : NULL;
	if (b && b->size && (b->flags & VPCI_BAR_MEM64))
		return (uint32_t)((sizing ? ~(b->size - 1) : b->base) >> 32);
	return 0;
}

static uint32_t header_dword(struct vpci_fn *fn, uint32_t off)
{
	const struct vpci_header *h = &fn->hdr;
	uint32_t status;

	switch (off) {
	case HDR_ID:
		return h->vendor | (uint32_t)h->device << 16;
	case HDR_COMMAND:
		status = fn->ops->intx && fn->ops->intx(fn) ? VPCI_STATUS_INTX :
							      0;
		return vpci_command(fn) | status << 16;
	case HDR_CLASS:
		return h->class_rev;
	case HDR_SUBSYS:
		return h->subsys_vendor | (uint32_t)h->subsys_id << 16;
	case HDR_INTR:
		return h->int_pin ?
			       INTR_LINE_UNKNOWN | (uint32_t)h->int_pin << 8 :
			       0;
	default:
		if (off >= HDR_BAR0 && off < HDR_BAR_END)
			return bar_read(fn, (off - HDR_BAR0) / 4);
		return 0;
	}
}

uint32_t vpci_header_read(struct vpci_fn *fn, uint32_t off, unsigned size)
{
	return (header_dword(fn, off & ~3u) >> (off & 3) * 8) & ones(size);
}

void vpci_header_write(struct vpci_fn *fn, uint32_t off, unsigned size,
		       uint32_t val)
{
	uint32_t at = off & ~3u, shift = (off & 3) * 8;
	uint32_t mask = ones(size) << shift;

	if (at == HDR_COMMAND && (mask & 0xffffu)) {
		uint16_t old = vpci_command(fn);
		uint16_t cmd =
			(uint16_t)(((old & ~mask) | (val << shift & mask)) &
				   CMD_KEPT);

		__atomic_store_n(&fn->command, cmd, __ATOMIC_RELEASE);
		if (cmd != old && fn->ops->command)
			fn->ops->command(fn, old);
	} else if (at >= HDR_BAR0 && at < HDR_BAR_END) {
		unsigned n = (at - HDR_BAR0) / 4;

		/* All-ones asks for the size (PCI LB 3.0 6.2.5.1); any
		 * other value would move the BAR, which stays put. */
		if (size == 4 && val == 0xffffffffu)
			fn->sizing |= (uint8_t)BIT(n);
		else
			fn->sizing &= (uint8_t)~BIT(n);
	}
	/* The status register's bits are read-only or write-1-to-clear of
	 * errors it never has; the rest of the header is read-only. */
}

uint32_t vpci_config_read(struct vpci_bus *bus, unsigned devfn, uint32_t off,
			  unsigned size)
{
	struct vpci_fn *fn;
	uint32_t val;

	spin_lock(&bus->lock);
	fn = fn_at(bus, devfn);
	if (!fn)
		val = ones(size); /* no function: the read is master-aborted */
	else if (fn->ops->read)
		val = fn->ops->read(fn, off, size);
	else
		val = vpci_header_read(fn, off, size);
	spin_unlock(&bus->lock);
	return val;
}

void vpci_config_write(struct vpci_bus *bus, unsigned devfn, uint32_t off,
		       unsigned size, uint32_t val)
{
	struct vpci_fn *fn;

	spin_lock(&bus->lock);
	fn = fn_at(bus, devfn);
	if (fn && fn->ops->write)
		fn->ops->write(fn, off, size, val);
	else if (fn)
		vpci_header_write(fn, off, size, val);
	spin_unlock(&bus->lock);
}

/* ECAM: 1, 2 or 4 bytes, naturally aligned; anything else reads as zero
 * and is ignored, rather than faulting the guest. */
static bool ecam_size_ok(uint64_t off, unsigned size)
{
	return (size == 1 || size == 2 || size == 4) && !(off & (size - 1));
}

static int ecam_read(struct vcpu *vcpu, void *priv, uint64_t off, unsigned size,
		     uint64_t *val)
{
	(void)vcpu;
	*val = ecam_size_ok(off, size) ?
		       vpci_config_read(priv, (unsigned)(off >> 12),
					(uint32_t)(off & 0xfff), size) :
		       0;
	return 0;
}

static int ecam_write(struct vcpu *vcpu, void *priv, uint64_t off,
		      unsigned size, uint64_t val)
{
	(void)vcpu;
	if (ecam_size_ok(off, size))
		vpci_config_write(priv, (unsigned)(off >> 12),
				  (uint32_t)(off & 0xfff), size, (uint32_t)val);
	return 0;
}

static const struct mmio_ops ecam_ops = { ecam_read, ecam_write };

int vpci_init(struct vpci_bus *bus, struct vm *vm, uint64_t ecam_ipa)
{
	*bus = (struct vpci_bus){ .ecam_ipa = ecam_ipa };
	if (!ecam_ipa)
		return 0;
	return mmio_register(&vm->mmio, ecam_ipa, VPCI_ECAM_SIZE, &ecam_ops,
			     bus);
}

int vpci_add(struct vpci_bus *bus, struct vpci_fn *fn)
{
	if (!bus->ecam_ipa || fn_at(bus, fn->devfn))
		return -HV_EINVAL;
	if (bus->count == VPCI_MAX_FNS)
		return -HV_ENOMEM;
	fn->command = 0;
	fn->sizing = 0;
	bus->fn[bus->count++] = fn;
	return 0;
}

void vpci_reset(struct vpci_bus *bus)
{
	spin_lock(&bus->lock);
	for (unsigned i = 0; i < bus->count; i++) {
		__atomic_store_n(&bus->fn[i]->command, 0, __ATOMIC_RELEASE);
		bus->fn[i]->sizing = 0;
	}
	spin_unlock(&bus->lock);
}
