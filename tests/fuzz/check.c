/* SPDX-License-Identifier: MIT */
/*
 * The invariants of the fuzzing world (world.h): what one VM's exit may
 * change, and what must hold between any two steps.  A broken one prints
 * what broke and aborts, which libFuzzer reports as a crash.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shikiri/manage.h"
#include "world_int.h"

#define LR_STATE(v) ((v) >> 62)
#define LR_HW (1ull << 61)
#define LR_PINTID(v) ((uint32_t)((v) >> 32) & 0x3ff)

/*
 * FUZZ_SKIP=name,name... turns checks off by name, to look past a finding
 * that is already known: isolation, tick, vm, lost-hw, lost-sw, lrs, gic.
 */
static bool skipped(const char *name)
{
	static const char *list;
	const char *at;
	size_t n = strlen(name);

	if (!list)
		list = getenv("FUZZ_SKIP") ? getenv("FUZZ_SKIP") : "";
	for (at = strstr(list, name); at; at = strstr(at + 1, name))
		if ((at == list || at[-1] == ',') &&
		    (at[n] == ',' || at[n] == '\0'))
			return true;
	return false;
}

void check_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz invariant broken at step %u: ", world.steps);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void check_snapshot(struct world_snapshot *s)
{
	memcpy(s->vm, vms, sizeof(s->vm));
	memcpy(s->pcpu, pcpus, sizeof(s->pcpu));
	s->gic = fake_gic;
	s->cpu = fake_cpu;
	memcpy(s->sysregs, fake_sysregs, sizeof(s->sysregs));
}

static bool vm_has_cpu(unsigned vm, unsigned pcpu)
{
	return vm < WORLD_VMS && (world.plan->vm[vm].cpu_mask & (1ull << pcpu));
}

/* Name the first byte of struct vm that differs, for the report. */
static const char *vm_field(size_t off)
{
	static const struct {
		size_t off;
		const char *name;
	} fields[] = {
		{ offsetof(struct vm, lock), "lock" },
		{ offsetof(struct vm, life), "life" },
		{ offsetof(struct vm, vcpu), "vcpu" },
		{ offsetof(struct vm, mmio), "mmio" },
		{ offsetof(struct vm, console), "console" },
		{ offsetof(struct vm, manage), "manage" },
		{ offsetof(struct vm, wdt), "wdt" },
		{ offsetof(struct vm, arch.stage2), "stage2" },
		{ offsetof(struct vm, arch.vgic), "vgic" },
		{ offsetof(struct vm, arch.uart), "uart" },
	};
	const char *name = "header";

	for (unsigned i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (off >= fields[i].off)
			name = fields[i].name;
	return name;
}

static size_t first_diff(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return i;
	return n;
}

/*
 * Another VM's state: byte for byte as it was, except that a VM the actor
 * may manage can have been asked to start, stop or restart (its life, its
 * load request and the lock that guards them).  @actor is WORLD_VMS for
 * nobody (a device line no VM owns).
 */
static void check_other_vm(const struct world_snapshot *before, unsigned actor,
			   unsigned other)
{
	static struct vm was;
	size_t off;

	was = before->vm[other];
	if (actor < WORLD_VMS &&
	    (world.plan->vm[actor].manage_mask & (1u << other))) {
		was.lock = vms[other].lock;
		was.life = vms[other].life;
		was.load_pending = vms[other].load_pending;
	}
	/*
	 * Whichever CPU drains the console sends every VM's finished lines
	 * (console.c): it may only consume them (head moves on, up to ready),
	 * never add or change one.
	 * It may also end a VM's partial line on the serial line when another
	 * source has a whole line to show (the rest follows under a fresh
	 * prefix): released goes from true to false, never the other way.
	 */
	if (vms[other].console.head - was.console.head <=
	    was.console.ready - was.console.head) {
		was.console.lock = vms[other].console.lock;
		was.console.head = vms[other].console.head;
	}
	if (was.console.released && !vms[other].console.released)
		was.console.released = false;
	if (!memcmp(&was, &vms[other], sizeof(was)))
		return;
	off = first_diff(&was, &vms[other], sizeof(was));
	if (off < sizeof(was))
		check_fail("vm %u's step changed vm %u's %s (byte %zu)", actor,
			   other, vm_field(off), off);
}

/* Physical SPIs that are not @actor's: as they were. */
static void check_spis(const struct world_snapshot *before, unsigned actor)
{
	const struct fake_gic *was = &before->gic, *now = &fake_gic;

	if (!memcmp(was->spi_enabled, now->spi_enabled,
		    sizeof(now->spi_enabled)) &&
	    !memcmp(was->spi_pending, now->spi_pending,
		    sizeof(now->spi_pending)) &&
	    !memcmp(was->spi_edge, now->spi_edge, sizeof(now->spi_edge)) &&
	    !memcmp(was->spi_route, now->spi_route, sizeof(now->spi_route)))
		return;
	for (unsigned i = 0; i < FAKE_INTIDS; i++) {
		if (world.owner[i] == (int)actor)
			continue;
		if (was->spi_enabled[i] != now->spi_enabled[i] ||
		    was->spi_pending[i] != now->spi_pending[i] ||
		    was->spi_edge[i] != now->spi_edge[i] ||
		    was->spi_route[i] != now->spi_route[i])
			check_fail("vm %u's step changed physical INTID %u",
				   actor, i);
	}
}

void check_isolation(const struct world_snapshot *before, unsigned actor)
{
	uint32_t managed =
		actor < WORLD_VMS ? world.plan->vm[actor].manage_mask : 0;

	if (skipped("isolation"))
		return;

	for (unsigned i = 0; i < WORLD_VMS; i++)
		if (i != actor)
			check_other_vm(before, actor, i);
	for (unsigned c = 0; c < WORLD_CPUS; c++) {
		bool mine = vm_has_cpu(actor, c), kickable = mine;

		for (unsigned i = 0; i < WORLD_VMS; i++)
			if ((managed & (1u << i)) && vm_has_cpu(i, c))
				kickable = true;
		struct pcpu was = before->pcpu[c];

		/*
		 * A CPU counts the interrupts it takes for the hypervisor:
		 * the acting VM's own CPUs may count more, no other CPU.
		 */
		if (mine)
			was.stats = pcpus[c].stats;
		if (memcmp(&was, &pcpus[c], sizeof(pcpus[c])))
			check_fail("vm %u's step changed CPU %u's pcpu", actor,
				   c);
		if (mine)
			continue;
		if (memcmp(&before->sysregs[c], &fake_sysregs[c],
			   sizeof(fake_sysregs[c])))
			check_fail("vm %u's step changed CPU %u's registers",
				   actor, c);
		if (memcmp(before->gic.ppi_enabled[c], fake_gic.ppi_enabled[c],
			   sizeof(fake_gic.ppi_enabled[c])) ||
		    memcmp(before->gic.ppi_pending[c], fake_gic.ppi_pending[c],
			   sizeof(fake_gic.ppi_pending[c])) ||
		    memcmp(before->gic.ppi_active[c], fake_gic.ppi_active[c],
			   sizeof(fake_gic.ppi_active[c])))
			check_fail("vm %u's step changed CPU %u's PPIs", actor,
				   c);
		if (!kickable && (before->cpu.kicks[c] != fake_cpu.kicks[c] ||
				  before->gic.cpu_pending_count[c] !=
					  fake_gic.cpu_pending_count[c]))
			check_fail("vm %u's step interrupted CPU %u", actor, c);
	}
	check_spis(before, actor);
	if (before->gic.sgis_sent != fake_gic.sgis_sent)
		check_fail("vm %u's step sent a physical SGI", actor);
}

void check_tick(const struct world_snapshot *before)
{
	for (unsigned i = 0; i < WORLD_VMS && !skipped("tick"); i++) {
		const struct vm *was = &before->vm[i], *now = &vms[i];

		/* Bit 0 of WCS: the watchdog is enabled (it can bite). */
		if ((was->wdt.wcs & 1) || was->life.state != VM_RUNNING)
			continue;
		if (now->life.state != VM_RUNNING ||
		    now->life.restarts != was->life.restarts)
			check_fail("time alone changed vm %u (%s, %u restarts)",
				   i, vm_state_name(now->life.state),
				   now->life.restarts);
	}
}

void check_regs(const struct vcpu_regs *was, const struct vcpu_regs *now,
		unsigned rt)
{
	for (unsigned i = 0; i < 31; i++)
		if (i != rt && was->x[i] != now->x[i])
			check_fail("x%u changed from 0x%lx to 0x%lx by a trap",
				   i, (unsigned long)was->x[i],
				   (unsigned long)now->x[i]);
}

void check_manage_read(const struct vm *vm, uint64_t ipa, uint64_t val)
{
	uint64_t base = vm->plan->manage_ipa, off = ipa - base;
	unsigned sel = vm->manage.select;

	/* From STATE on, the registers describe the selected VM. */
	if (!base || ipa < base || off >= SHIKIRI_MANAGE_SIZE ||
	    off < SHIKIRI_MANAGE_REG_STATE || sel == vm->id ||
	    (sel < 32 && (vm->plan->manage_mask & (1u << sel))))
		return;
	if (val)
		check_fail("vm %u read 0x%lx about vm %u at page offset 0x%lx",
			   vm->id, (unsigned long)val, sel, (unsigned long)off);
}

/* Whether @vm may have virtual @vintid backed by physical @pintid. */
static bool owns(const struct vm *vm, uint32_t vintid, uint32_t pintid)
{
	const struct vgic_irq *irq;

	if (vintid < VGIC_PRIVATE_IRQS)
		return !pintid ||
		       (pintid == vintid && (pintid == 27 || pintid == 30));
	if (vintid - VGIC_PRIVATE_IRQS >= vm->arch.vgic.spi_count)
		return false;
	irq = &vm->arch.vgic.spi[vintid - VGIC_PRIVATE_IRQS];
	if (!irq->present)
		return false;
	return !pintid ||
	       (irq->phys == pintid && world.owner[pintid] == (int)vm->id);
}

static void check_vm(const struct vm *vm)
{
	unsigned i = vm->id;

	if (memcmp(&vm->mmio, &world.boot_mmio[i], sizeof(vm->mmio)))
		check_fail("vm %u's MMIO map changed", i);
	if (vm->plan != &world.plan->vm[i] || vm->vcpu_count < 1 ||
	    vm->vcpu_count > 2)
		check_fail("vm %u's identity changed", i);
	for (unsigned n = 0; n < vm->vcpu_count; n++) {
		const struct vcpu *v = &vm->vcpu[n];

		if (v->vm != vm || v->id != n || !vm_has_cpu(i, v->pcpu) ||
		    pcpus[v->pcpu].vcpu != v)
			check_fail("vm %u vcpu %u's identity changed", i, n);
		if (v->arch.vgic.queue_len > VGIC_QUEUE_LEN)
			check_fail("vm %u vcpu %u: %u queued", i, n,
				   v->arch.vgic.queue_len);
		for (unsigned q = 0; q < v->arch.vgic.queue_len; q++)
			if (!owns(vm, v->arch.vgic.queue[q].vintid,
				  v->arch.vgic.queue[q].pintid))
				check_fail("vm %u vcpu %u queues INTID %u/%u",
					   i, n, v->arch.vgic.queue[q].vintid,
					   v->arch.vgic.queue[q].pintid);
	}
	for (unsigned s = 0; s < VGIC_MAX_SPIS; s++) {
		const struct vgic_irq *irq = &vm->arch.vgic.spi[s];

		if (irq->phys && world.owner[irq->phys] != (int)i)
			check_fail("vm %u's INTID %u is physical %u, not its "
				   "own",
				   i, s + 32, irq->phys);
		if (irq->target >= vm->vcpu_count)
			check_fail("vm %u's INTID %u targets vcpu %u", i,
				   s + 32, irq->target);
	}
	if (vm->arch.uart.rx_count > VPL011_RX_BUF ||
	    vm->arch.uart.rx_head >= VPL011_RX_BUF)
		check_fail("vm %u's UART input is %u at %u", i,
			   vm->arch.uart.rx_count, vm->arch.uart.rx_head);
	if (vm->wdt.wor > vm->wdt.max_wor)
		check_fail("vm %u's watchdog WOR %u above %lu", i, vm->wdt.wor,
			   (unsigned long)vm->wdt.max_wor);
}

/* What the list registers of each CPU hold belongs to the VM it runs. */
static void check_lrs(void)
{
	for (unsigned c = 0; c < WORLD_CPUS; c++) {
		const struct vcpu *v = pcpus[c].vcpu;

		for (unsigned n = 0; n < FAKE_LRS; n++) {
			uint64_t lr = fake_sysregs[c].lr[n];

			if (!LR_STATE(lr))
				continue;
			if (!world.in_guest[c])
				check_fail("CPU %u parked with LR%u 0x%lx", c,
					   n, (unsigned long)lr);
			if (!owns(v->vm, (uint32_t)lr,
				  lr & LR_HW ? LR_PINTID(lr) : 0))
				check_fail("CPU %u (vm %u) has LR%u 0x%lx", c,
					   v->vm->id, n, (unsigned long)lr);
		}
	}
}

/* The physical distributor: only owned lines on, routed to their owner. */
static void check_gic(void)
{
	for (unsigned i = 32; i < FAKE_INTIDS; i++) {
		int owner = world.owner[i];
		bool routed = false;

		if (owner == -1 && fake_gic.spi_enabled[i])
			check_fail("physical INTID %u enabled, nobody's", i);
		if (owner < 0)
			continue;
		for (unsigned c = 0; c < WORLD_CPUS; c++)
			if (vm_has_cpu((unsigned)owner, c) &&
			    pcpus[c].hw_id == fake_gic.spi_route[i])
				routed = true;
		if (!routed)
			check_fail("physical INTID %u of vm %d routed to 0x%lx",
				   i, owner,
				   (unsigned long)fake_gic.spi_route[i]);
	}
}

/* Whether @vm has @vintid (or, if @pintid, that physical one) in flight. */
static bool in_flight(const struct vm *vm, uint32_t vintid, uint32_t pintid)
{
	for (unsigned n = 0; n < vm->vcpu_count; n++) {
		const struct vcpu *v = &vm->vcpu[n];

		for (unsigned q = 0; q < v->arch.vgic.queue_len; q++)
			if (pintid ? v->arch.vgic.queue[q].pintid == pintid :
				     v->arch.vgic.queue[q].vintid == vintid)
				return true;
		for (unsigned r = 0; r < FAKE_LRS; r++) {
			uint64_t lr = fake_sysregs[v->pcpu].lr[r];

			if (!LR_STATE(lr) || !world.in_guest[v->pcpu])
				continue;
			if (pintid ? (lr & LR_HW) && LR_PINTID(lr) == pintid :
				     (uint32_t)lr == vintid)
				return true;
		}
	}
	return false;
}

/*
 * No interrupt of a running VM is lost: a physical one it was given that
 * is active in the GIC (so cannot fire again) is on its way to the guest
 * or was set active by the guest itself (GICD_ISACTIVER), and so is a level-triggered software one marked in flight (it is not
 * raised again before the guest's EOI).  A stopped VM's are reset when it
 * starts again.
 */
static void check_lost(const struct vm *vm)
{
	static int hw = -1, sw = -1;

	if (hw < 0) {
		hw = !skipped("lost-hw");
		sw = !skipped("lost-sw");
	}
	if (vm->life.state != VM_RUNNING)
		return;
	for (unsigned i = 32; i < FAKE_INTIDS && hw; i++)
		if (fake_gic.spi_active[i] && world.owner[i] == (int)vm->id &&
		    !world.guest_active[i] && !in_flight(vm, 0, i))
			check_fail("vm %u: physical INTID %u active, lost",
				   vm->id, i);
	for (unsigned s = 0; s < vm->arch.vgic.spi_count && sw; s++) {
		const struct vgic_irq *irq = &vm->arch.vgic.spi[s];

		if (irq->present && !irq->phys && irq->in_flight &&
		    !in_flight(vm, s + 32, 0))
			check_fail("vm %u: INTID %u in flight, lost", vm->id,
				   s + 32);
	}
}

void check_all(void)
{
	for (unsigned i = 0; i < WORLD_VMS; i++) {
		if (!skipped("vm"))
			check_vm(&vms[i]);
		check_lost(&vms[i]);
	}
	if (!skipped("lrs"))
		check_lrs();
	if (!skipped("gic"))
		check_gic();
}
