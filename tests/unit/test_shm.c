/* SPDX-License-Identifier: MIT */
/*
 * The shared-memory function (hv/core/shm.c) as guests reach it: its PCI
 * header on each VM's virtual bus, its registers, doorbells between the
 * VMs of a region and nobody else, the interrupt as an edge when the line
 * rises (so a thousand rings without an acknowledgement give one), rings
 * to a stopped VM dropped, a VM's reset clearing its registers and never
 * the region, and the log lines `stats` and the boot print.  Three VMs:
 * linux0 and linux1 share "ring0" (2 MiB) and "log" (8 KiB, read-only for
 * linux1); linux2 has neither.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../hv/arch/fake/fake.h"
#include "hv/errno.h"
#include "hv/shm.h"
#include "hv/vm.h"
#include "plan_fixture.h"
#include "shikiri/shm.h"

#define ECAM 0xffe00000ull
#define REGS 0xfff00000ull
#define BAR2 0x7fffe00000ull
#define RING_SIZE 0x200000u
#define LOG_SIZE 0x2000u
#define INTID 40u
#define CFG(slot, off) (ECAM + ((uint64_t)(slot) << 15) + (off))

struct vm vms[SHIKIRI_MAX_VMS];
unsigned vm_count;
static struct shikiri_plan *plan;
static uint8_t *ring_mem, *log_mem;
static char last_log[256];
static unsigned log_lines;

void hv_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_log, sizeof(last_log), fmt, ap);
	va_end(ap);
	log_lines++;
}

void arch_dcache_clean(const void *start, uint64_t size)
{
	(void)start;
	(void)size;
}

/*
 * The arch's scrub (aarch64 with MTE: data and tags): records what it was
 * given and, when it says it did the work, zeroes all but a mark in the
 * first byte that the core's own zeroing would wipe.
 */
static bool arch_scrubs;
static uint64_t scrubbed_pa[4], scrubbed_size[4];
static unsigned scrub_calls;
#define ARCH_SCRUB_MARK 0x7a

bool arch_mem_scrub(void *p, uint64_t size)
{
	if (scrub_calls < 4) {
		scrubbed_pa[scrub_calls] = (uintptr_t)p;
		scrubbed_size[scrub_calls] = size;
	}
	scrub_calls++;
	if (!arch_scrubs)
		return false;
	memset(p, 0, size);
	*(uint8_t *)p = ARCH_SCRUB_MARK;
	return true;
}

static void set_view(struct shikiri_plan_vm *vm, unsigned k, uint32_t region,
		     uint64_t ipa, uint32_t flags)
{
	plan_fixture_shm_view(vm, k, region, ipa, flags, ECAM, REGS);
}

static int setup(void **state)
{
	static const char *names[] = { "linux0", "linux1", "linux2" };

	(void)state;
	memset(&fake_virq, 0, sizeof(fake_virq));
	memset(vms, 0, sizeof(vms));
	log_lines = 0;
	scrub_calls = 0;
	arch_scrubs = false;
	vm_count = 3;
	plan = calloc(1, sizeof(*plan) + 3 * sizeof(plan->vm[0]));
	ring_mem = malloc(RING_SIZE);
	log_mem = malloc(LOG_SIZE);
	memset(ring_mem, 0xaa, RING_SIZE);
	memset(log_mem, 0x55, LOG_SIZE);
	plan->vm_count = 3;
	plan->shm_count = 2;
	plan->shm[0] = (struct shikiri_plan_shm){
		.name = "ring0",
		.pa = (uintptr_t)ring_mem,
		.size = RING_SIZE,
		.vm_mask = 0x3,
	};
	plan->shm[1] = (struct shikiri_plan_shm){
		.name = "log",
		.pa = (uintptr_t)log_mem,
		.size = LOG_SIZE,
		.vm_mask = 0x3,
	};
	for (unsigned v = 0; v < 2; v++) {
		set_view(&plan->vm[v], 0, 0, BAR2, 0);
		set_view(&plan->vm[v], 1, 1, BAR2 - 0x10000,
			 v ? SHIKIRI_SHM_READ_ONLY : 0);
	}
	shm_boot(plan);
	for (unsigned v = 0; v < 3; v++) {
		struct vm *vm = &vms[v];

		vm->id = v;
		strcpy(vm->name, names[v]);
		vm->plan = &plan->vm[v];
		vm->life.state = VM_RUNNING;
		assert_int_equal(
			vpci_init(&vm->vpci, vm, plan->vm[v].vpci_ecam_ipa), 0);
		assert_int_equal(shm_vm_init(vm), 0);
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(plan);
	free(ring_mem);
	free(log_mem);
	return 0;
}

static uint64_t rd(unsigned vm, uint64_t ipa, unsigned size)
{
	struct mmio_access a = {
		.ipa = ipa, .size = size, .reg = 0, .reg64 = true
	};
	uint64_t regs[31];

	memset(regs, 0xee, sizeof(regs));
	assert_int_equal(mmio_dispatch(&vms[vm].mmio, NULL, &a, regs), 0);
	return regs[0];
}

static void wr(unsigned vm, uint64_t ipa, unsigned size, uint64_t val)
{
	struct mmio_access a = {
		.ipa = ipa, .size = size, .reg = 1, .write = true
	};
	uint64_t regs[31] = { 0 };

	regs[1] = val;
	assert_int_equal(mmio_dispatch(&vms[vm].mmio, NULL, &a, regs), 0);
}

static uint32_t reg(unsigned vm, uint32_t off)
{
	return (uint32_t)rd(vm, REGS + off, 4);
}

static void set_reg(unsigned vm, uint32_t off, uint32_t val)
{
	wr(vm, REGS + off, 4, val);
}

static void ring_from(unsigned vm, uint32_t peer)
{
	set_reg(vm, SHIKIRI_SHM_DOORBELL, peer << 16);
}

static unsigned pulses(unsigned vm)
{
	return fake_virq.pulses[vm][INTID];
}

static const struct shm_stats *stats(unsigned vm)
{
	return &vms[vm].shm.fn[0].stats;
}

static void boot_zeroes_regions_and_logs_each_view(void **state)
{
	char want[160];

	(void)state;
	for (unsigned i = 0; i < RING_SIZE; i++)
		assert_int_equal(ring_mem[i], 0);
	for (unsigned i = 0; i < LOG_SIZE; i++)
		assert_int_equal(log_mem[i], 0);
	/* Four views, one line each; linux2 has none and no bus. */
	assert_int_equal(log_lines, 4);
	snprintf(want, sizeof(want),
		 "vm linux1: shm log 8 KiB at IPA 0x7fffdf0000 (PA 0x%lx) ro, "
		 "doorbell INTID 41",
		 (unsigned long)(uintptr_t)log_mem);
	assert_string_equal(last_log, want);
	assert_int_equal(vms[2].mmio.count, 0);
	/* The lines exist as edge lines of the VMs that have views. */
	assert_true(fake_virq.present[0][INTID]);
	assert_true(fake_virq.present[1][INTID + 1]);
	assert_false(fake_virq.present[2][INTID]);
	/* ECAM + two register pages each. */
	assert_int_equal(vms[0].mmio.count, 3);
}

/* Where the arch has more than data to zero (MTE tags), it does it all. */
static void boot_scrubs_each_region_through_the_arch(void **state)
{
	(void)state;
	assert_int_equal(scrub_calls, 2);
	assert_int_equal(scrubbed_pa[0], (uintptr_t)ring_mem);
	assert_int_equal(scrubbed_size[0], RING_SIZE);
	assert_int_equal(scrubbed_pa[1], (uintptr_t)log_mem);
	assert_int_equal(scrubbed_size[1], LOG_SIZE);
	memset(ring_mem, 0xaa, RING_SIZE);
	memset(log_mem, 0x55, LOG_SIZE);
	arch_scrubs = true;
	shm_boot(plan);
	assert_int_equal(scrub_calls, 4);
	assert_int_equal(ring_mem[0], ARCH_SCRUB_MARK);
	assert_int_equal(log_mem[0], ARCH_SCRUB_MARK);
	for (unsigned i = 1; i < RING_SIZE; i++)
		assert_int_equal(ring_mem[i], 0);
	for (unsigned i = 1; i < LOG_SIZE; i++)
		assert_int_equal(log_mem[i], 0);
}

static void header_is_ivshmem_with_fixed_bars(void **state)
{
	(void)state;
	assert_int_equal(rd(0, CFG(1, 0), 4), 0x11101af4u);
	assert_int_equal(rd(0, CFG(1, 8), 4), 0x05000001u);
	assert_int_equal(rd(0, CFG(1, 0x2c), 4), 0x534b1af4u);
	assert_int_equal(rd(0, CFG(1, 0x3d), 1), 1);
	assert_int_equal(rd(0, CFG(1, 0x10), 4), REGS);
	assert_int_equal(rd(0, CFG(1, 0x18), 4), (uint32_t)BAR2 | 0xc);
	assert_int_equal(rd(0, CFG(1, 0x1c), 4), BAR2 >> 32);
	assert_int_equal(rd(0, CFG(2, 0x10), 4), REGS + 0x1000);
	assert_int_equal(rd(0, CFG(2, 0x18), 4),
			 (uint32_t)(BAR2 - 0x10000) | 0xc);
	/* BAR 2 sizes to the region. */
	wr(0, CFG(2, 0x18), 4, 0xffffffff);
	assert_int_equal(rd(0, CFG(2, 0x18), 4),
			 (uint32_t) ~(LOG_SIZE - 1) | 0xc);
	/* Device 3 does not exist. */
	assert_int_equal(rd(0, CFG(3, 0), 4), 0xffffffffu);
}

static void registers_read_as_documented(void **state)
{
	(void)state;
	assert_int_equal(reg(0, SHIKIRI_SHM_INTR_MASK), 0);
	set_reg(0, SHIKIRI_SHM_INTR_MASK, 0xffffffff);
	assert_int_equal(reg(0, SHIKIRI_SHM_INTR_MASK), 1);
	assert_int_equal(reg(0, SHIKIRI_SHM_IV_POSITION), 0);
	assert_int_equal(reg(1, SHIKIRI_SHM_IV_POSITION), 1);
	set_reg(1, SHIKIRI_SHM_IV_POSITION, 5); /* read-only */
	assert_int_equal(reg(1, SHIKIRI_SHM_IV_POSITION), 1);
	assert_int_equal(reg(0, SHIKIRI_SHM_PEERS), 0x3);
	assert_int_equal(reg(0, SHIKIRI_SHM_DOORBELL), 0);
	assert_int_equal(reg(0, SHIKIRI_SHM_FLAGS), 0);
	/* linux1 maps "log" read-only: its second function says so. */
	assert_int_equal(rd(1, REGS + 0x1000 + SHIKIRI_SHM_FLAGS, 4),
			 SHIKIRI_SHM_F_READ_ONLY);
	assert_int_equal(rd(0, REGS + 0x1000 + SHIKIRI_SHM_FLAGS, 4), 0);
	/* The name, by words, by bytes and by a doubleword. */
	assert_int_equal(reg(0, SHIKIRI_SHM_NAME), 0x676e6972); /* "ring" */
	assert_int_equal(reg(0, SHIKIRI_SHM_NAME + 4), 0x30);	/* "0" */
	assert_int_equal(reg(0, SHIKIRI_SHM_NAME + 12), 0);
	assert_int_equal(rd(0, REGS + SHIKIRI_SHM_NAME + 1, 1), 'i');
	assert_int_equal(rd(0, REGS + SHIKIRI_SHM_NAME, 8), 0x30676e6972ull);
	assert_int_equal(rd(0, REGS + 0x1000 + SHIKIRI_SHM_NAME, 4),
			 0x676f6c); /* "log" */
	/* Elsewhere, and odd sizes of registers: zero, no fault. */
	assert_int_equal(reg(0, 0x30), 0);
	assert_int_equal(reg(0, 0xffc), 0);
	assert_int_equal(rd(0, REGS + SHIKIRI_SHM_INTR_MASK, 1), 0);
	assert_int_equal(rd(0, REGS + SHIKIRI_SHM_INTR_MASK, 8), 0);
	assert_int_equal(rd(0, REGS + 2, 2), 0);
	wr(0, REGS + SHIKIRI_SHM_INTR_MASK, 1, 0);
	wr(0, REGS + SHIKIRI_SHM_DOORBELL, 8, 1ull << 16);
	assert_int_equal(reg(0, SHIKIRI_SHM_INTR_MASK), 1);
	assert_int_equal(reg(1, SHIKIRI_SHM_INTR_STATUS), 0);
}

static void a_ring_reaches_the_peer_once_enabled(void **state)
{
	(void)state;
	ring_from(0, 1);
	/* Status set, but INTR_MASK is 0: no interrupt. */
	assert_int_equal(pulses(1), 0);
	assert_int_equal(rd(1, CFG(1, 6), 2), 0); /* PCI status bit 3 */
	set_reg(1, SHIKIRI_SHM_INTR_MASK, 1);
	assert_int_equal(pulses(1), 1);
	assert_int_equal(rd(1, CFG(1, 6), 2), 0x08);
	assert_int_equal(reg(1, SHIKIRI_SHM_RUNG_BY), 0x1);
	assert_int_equal(reg(1, SHIKIRI_SHM_RUNG_BY), 0); /* read-clears */
	assert_int_equal(reg(1, SHIKIRI_SHM_INTR_STATUS), 1);
	assert_int_equal(reg(1, SHIKIRI_SHM_INTR_STATUS), 0);
	assert_int_equal(rd(1, CFG(1, 6), 2), 0);
	/* Acknowledged: the next ring interrupts at once. */
	ring_from(0, 1);
	assert_int_equal(pulses(1), 2);
	/* The other region's function of linux1 was not touched. */
	assert_int_equal(rd(1, REGS + 0x1000 + SHIKIRI_SHM_INTR_STATUS, 4), 0);
	assert_int_equal(fake_virq.pulses[1][INTID + 1], 0);
	assert_int_equal(stats(0)->sent, 2);
	assert_int_equal(stats(1)->taken, 2);
	assert_int_equal(pulses(0), 0);
}

static void a_thousand_rings_without_ack_are_one_interrupt(void **state)
{
	(void)state;
	set_reg(1, SHIKIRI_SHM_INTR_MASK, 1);
	for (unsigned i = 0; i < 1000; i++)
		ring_from(0, 1);
	assert_int_equal(pulses(1), 1);
	assert_int_equal(stats(1)->taken, 1000);
	reg(1, SHIKIRI_SHM_INTR_STATUS);
	ring_from(0, 1);
	assert_int_equal(pulses(1), 2);
}

static void intx_disable_holds_the_edge_until_enabled(void **state)
{
	(void)state;
	set_reg(1, SHIKIRI_SHM_INTR_MASK, 1);
	/* uio_pci_generic's handler masks INTx; rings then pulse nothing. */
	wr(1, CFG(1, 4), 2, 0x0406);
	ring_from(0, 1);
	assert_int_equal(pulses(1), 0);
	/* Status bit 3 shows the request regardless (pci_check_and_mask_intx). */
	assert_int_equal(rd(1, CFG(1, 6), 2), 0x08);
	/* Userspace unmasks: the edge owed goes out, once. */
	wr(1, CFG(1, 4), 2, 0x0006);
	assert_int_equal(pulses(1), 1);
	wr(1, CFG(1, 4), 2, 0x0406);
	wr(1, CFG(1, 4), 2, 0x0006);
	assert_int_equal(pulses(1), 1);
	/* Acknowledged, then rung while masked: owed again. */
	wr(1, CFG(1, 4), 2, 0x0406);
	reg(1, SHIKIRI_SHM_INTR_STATUS);
	ring_from(0, 1);
	wr(1, CFG(1, 4), 2, 0x0006);
	assert_int_equal(pulses(1), 2);
	/* Acknowledged while masked, nothing since: unmasking sends nothing. */
	wr(1, CFG(1, 4), 2, 0x0406);
	reg(1, SHIKIRI_SHM_INTR_STATUS);
	wr(1, CFG(1, 4), 2, 0x0006);
	assert_int_equal(pulses(1), 2);
}

/*
 * The race of a ping-pong: the peer's ring lands while INTx is enabled,
 * after the guest's last acknowledgement.  It interrupts; the handler
 * masks INTx; userspace, woken, unmasks before it acknowledges.  That
 * unmask must not interrupt again for the same ring (seen under QEMU: 204
 * interrupts for 200 round trips).
 */
static void a_ring_already_sent_is_not_sent_again_at_unmask(void **state)
{
	(void)state;
	set_reg(1, SHIKIRI_SHM_INTR_MASK, 1);
	ring_from(0, 1);
	assert_int_equal(pulses(1), 1);
	wr(1, CFG(1, 4), 2, 0x0406); /* the handler */
	wr(1, CFG(1, 4), 2, 0x0006); /* userspace */
	assert_int_equal(pulses(1), 1);
	assert_int_equal(reg(1, SHIKIRI_SHM_RUNG_BY), 0x1);
	assert_int_equal(reg(1, SHIKIRI_SHM_INTR_STATUS), 1);
	/* The next ring interrupts as usual. */
	ring_from(0, 1);
	assert_int_equal(pulses(1), 2);
	/* Clearing INTR_MASK and setting it again re-raises the request. */
	set_reg(1, SHIKIRI_SHM_INTR_MASK, 0);
	set_reg(1, SHIKIRI_SHM_INTR_MASK, 1);
	assert_int_equal(pulses(1), 3);
}

static void rings_go_only_to_members(void **state)
{
	(void)state;
	set_reg(1, SHIKIRI_SHM_INTR_MASK, 1);
	ring_from(0, 2); /* linux2 is not in "ring0" */
	ring_from(0, 7); /* no such VM */
	ring_from(0, 0xfffe);
	set_reg(0, SHIKIRI_SHM_DOORBELL, 1u << 16 | 1); /* vector 1 */
	assert_int_equal(stats(0)->refused, 4);
	assert_int_equal(stats(0)->sent, 0);
	assert_int_equal(pulses(1), 0);
	assert_int_equal(fake_virq.pulses[2][INTID], 0);
	assert_int_equal(fake_virq.stray, 0);
	/* Itself is a member. */
	set_reg(0, SHIKIRI_SHM_INTR_MASK, 1);
	ring_from(0, 0);
	assert_int_equal(pulses(0), 1);
	assert_int_equal(reg(0, SHIKIRI_SHM_RUNG_BY), 0x1);
}

static void peer_all_rings_every_other_member(void **state)
{
	(void)state;
	set_reg(0, SHIKIRI_SHM_INTR_MASK, 1);
	set_reg(1, SHIKIRI_SHM_INTR_MASK, 1);
	ring_from(1, SHIKIRI_SHM_PEER_ALL);
	assert_int_equal(pulses(0), 1);
	assert_int_equal(pulses(1), 0);
	assert_int_equal(fake_virq.pulses[2][INTID], 0);
	assert_int_equal(reg(0, SHIKIRI_SHM_RUNG_BY), 0x2);
	assert_int_equal(stats(1)->sent, 1);
	/* With a vector, even to all: refused, nobody rung. */
	set_reg(1, SHIKIRI_SHM_DOORBELL, SHIKIRI_SHM_PEER_ALL << 16 | 2);
	assert_int_equal(stats(1)->refused, 1);
	assert_int_equal(reg(0, SHIKIRI_SHM_INTR_STATUS), 1);
	assert_int_equal(reg(0, SHIKIRI_SHM_INTR_STATUS), 0);
}

static void a_ring_to_a_stopped_vm_is_dropped(void **state)
{
	(void)state;
	set_reg(1, SHIKIRI_SHM_INTR_MASK, 1);
	vms[1].life.state = VM_STOPPED;
	ring_from(0, 1);
	vms[1].life.state = VM_STARTING;
	ring_from(0, 1);
	assert_int_equal(stats(0)->dropped, 2);
	assert_int_equal(stats(0)->sent, 0);
	assert_int_equal(stats(1)->taken, 0);
	assert_int_equal(pulses(1), 0);
	/* Nothing was kept for later either. */
	vms[1].life.state = VM_RUNNING;
	assert_int_equal(reg(1, SHIKIRI_SHM_INTR_STATUS), 0);
	assert_int_equal(reg(1, SHIKIRI_SHM_RUNG_BY), 0);
}

static void *ring_0_to_1(void *arg)
{
	(void)arg;
	ring_from(0, 1);
	return NULL;
}

/*
 * A ring racing linux1's stop: it must look at linux1's life under the
 * function's lock, which the reset takes too.  Here the test holds that
 * lock while the ring starts, then stops linux1 and lets the ring go on:
 * it may not set anything in a VM that no longer runs (its next life
 * would start rung by the last one).
 */
static void a_ring_racing_a_stop_is_dropped(void **state)
{
	struct shm_fn *to = &vms[1].shm.fn[0];
	pthread_t t;

	(void)state;
	set_reg(1, SHIKIRI_SHM_INTR_MASK, 1);
	spin_lock(&to->lock);
	assert_int_equal(pthread_create(&t, NULL, ring_0_to_1, NULL), 0);
	/* Long enough for the ring to reach the lock. */
	usleep(100 * 1000);
	vms[1].life.state = VM_STOPPING;
	spin_unlock(&to->lock);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(stats(0)->dropped, 1);
	assert_int_equal(stats(0)->sent, 0);
	assert_int_equal(pulses(1), 0);
	vms[1].life.state = VM_RUNNING;
	assert_int_equal(reg(1, SHIKIRI_SHM_RUNG_BY), 0);
}

static void reset_clears_registers_not_the_region(void **state)
{
	(void)state;
	set_reg(1, SHIKIRI_SHM_INTR_MASK, 1);
	wr(1, CFG(1, 4), 2, 0x0406);
	ring_from(0, 1);
	memcpy(ring_mem, "peer data", 10);
	/* linux1 restarts (vm.c reload()). */
	vpci_reset(&vms[1].vpci);
	shm_vm_reset(&vms[1]);
	assert_int_equal(reg(1, SHIKIRI_SHM_INTR_MASK), 0);
	assert_int_equal(reg(1, SHIKIRI_SHM_INTR_STATUS), 0);
	assert_int_equal(reg(1, SHIKIRI_SHM_RUNG_BY), 0);
	assert_int_equal(rd(1, CFG(1, 4), 4), 0);
	assert_memory_equal(ring_mem, "peer data", 10);
	/* The peer's side is untouched, and rings work in the new life. */
	set_reg(0, SHIKIRI_SHM_INTR_MASK, 1);
	assert_int_equal(reg(0, SHIKIRI_SHM_INTR_MASK), 1);
	set_reg(1, SHIKIRI_SHM_INTR_MASK, 1);
	ring_from(0, 1);
	assert_int_equal(pulses(1), 1);
}

static void stats_lines_name_slot_access_and_counts(void **state)
{
	(void)state;
	ring_from(0, 1);
	ring_from(0, 2);
	log_lines = 0;
	shm_log_stats(&vms[1]);
	assert_int_equal(log_lines, 2);
	assert_string_equal(last_log, "vm linux1: shm log: slot 00:02.0 ro, "
				      "rings sent=0 taken=0 dropped=0 "
				      "refused=0");
	shm_log_stats(&vms[0]);
	shm_log_stats(&vms[2]);
	assert_int_equal(log_lines, 4);
	vms[1].life.state = VM_STOPPED;
	ring_from(0, 1);
	log_lines = 0;
	vms[0].shm.count = 1;
	shm_log_stats(&vms[0]);
	assert_int_equal(log_lines, 1);
	assert_string_equal(last_log, "vm linux0: shm ring0: slot 00:01.0 rw, "
				      "rings sent=1 taken=0 dropped=1 "
				      "refused=1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			boot_zeroes_regions_and_logs_each_view, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			boot_scrubs_each_region_through_the_arch, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			header_is_ivshmem_with_fixed_bars, setup, teardown),
		cmocka_unit_test_setup_teardown(a_ring_racing_a_stop_is_dropped,
						setup, teardown),
		cmocka_unit_test_setup_teardown(registers_read_as_documented,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_ring_reaches_the_peer_once_enabled, setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_thousand_rings_without_ack_are_one_interrupt, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			intx_disable_holds_the_edge_until_enabled, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			a_ring_already_sent_is_not_sent_again_at_unmask, setup,
			teardown),
		cmocka_unit_test_setup_teardown(rings_go_only_to_members, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			peer_all_rings_every_other_member, setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_ring_to_a_stopped_vm_is_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(
			reset_clears_registers_not_the_region, setup, teardown),
		cmocka_unit_test_setup_teardown(
			stats_lines_name_slot_access_and_counts, setup,
			teardown),
	};

	return cmocka_run_group_tests_name("shm", tests, NULL, NULL);
}
