// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: shared-memory functions (hv/core/shm.c) on the VMs'
 * virtual PCI buses (hv/core/vpci.c), as three hostile guests reach them.
 * linux0 and linux1 map "ring0" and "log" (read-only for linux1); linux2
 * maps "solo", shared with linux0 only, so it has a bus of its own.
 *
 * Input: 8-byte steps:
 *
 *   byte 0     action (mod 8): register read, register write, ECAM read,
 *              ECAM write, doorbell, stop or start the VM, its reset
 *              (vm.c reload()), nothing
 *   byte 1     bits 0-1 the VM (mod 3), bit 2 its second function, bits
 *              4-5 the access size (1 << n bytes)
 *   bytes 2-3  the offset (registers: into the 4 KiB page; ECAM: into
 *              its 1 MiB)
 *   bytes 4-7  the value
 *
 * After each step the invariants are checked: no VM took two doorbell
 * interrupts for one acknowledgement (a read of INTR_STATUS that found it
 * set, a write of INTR_MASK, or a reset), none took one for a line it does
 * not have, no
 * register access changed a byte of any region, the command register
 * holds only its three bits, absent functions read all-ones.  A broken one
 * aborts.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../hv/arch/fake/fake.h"
#include "fuzz_check.h"
#include "hv/shm.h"
#include "hv/vm.h"
#include "shikiri/shm.h"

#define VMS 3u
#define ECAM 0xffe00000ull
#define REGS 0xfff00000ull
#define BAR2 0x7fffe00000ull
#define INTID 40u
#define RING_SIZE 0x2000u

struct vm vms[SHIKIRI_MAX_VMS];
unsigned vm_count;
static struct shikiri_plan *plan;
static uint8_t regions[3][RING_SIZE];
/* Per VM and function: pulses allowed before the next acknowledgement. */
static unsigned allowed[VMS][2];
static unsigned seen[VMS][2];

void hv_log(const char *fmt, ...)
{
	(void)fmt;
}

void arch_dcache_clean(const void *start, uint64_t size)
{
	(void)start;
	(void)size;
}

bool arch_mem_scrub(void *p, uint64_t size)
{
	(void)p;
	(void)size;
	return false; /* data only: shm_boot() zeroes it */
}

static void view(struct shikiri_plan_vm *vm, unsigned k, uint32_t region,
		 uint32_t flags)
{
	vm->vpci_ecam_ipa = ECAM;
	vm->shm_count = k + 1;
	vm->shm[k] = (struct shikiri_vm_shm){ .region = region,
					      .flags = flags,
					      .ipa = BAR2 - k * 0x100000,
					      .regs_ipa = REGS + k * 0x1000,
					      .intid = INTID + k,
					      .devfn = (k + 1) << 3 };
}

static void machine(void)
{
	static const char *names[3] = { "ring0", "log", "solo" };
	static const uint32_t masks[3] = { 0x3, 0x3, 0x5 };

	if (!plan)
		plan = calloc(1, sizeof(*plan) + VMS * sizeof(plan->vm[0]));
	memset(plan, 0, sizeof(*plan) + VMS * sizeof(plan->vm[0]));
	memset(vms, 0, sizeof(vms));
	memset(&fake_virq, 0, sizeof(fake_virq));
	plan->vm_count = vm_count = VMS;
	plan->shm_count = 3;
	for (unsigned r = 0; r < 3; r++) {
		memset(regions[r], 0xa5, RING_SIZE);
		plan->shm[r] = (struct shikiri_plan_shm){
			.pa = (uintptr_t)regions[r],
			.size = RING_SIZE,
			.vm_mask = masks[r],
		};
		strcpy(plan->shm[r].name, names[r]);
	}
	view(&plan->vm[0], 0, 0, 0);
	view(&plan->vm[0], 1, 1, 0);
	view(&plan->vm[1], 0, 0, 0);
	view(&plan->vm[1], 1, 1, SHIKIRI_SHM_READ_ONLY);
	/*
	 * "solo" names linux0 too, which has no view of it (a plan the rules
	 * refuse): rings to linux0 for it are refused all the same.
	 */
	view(&plan->vm[2], 0, 2, 0);
	shm_boot(plan);
	for (unsigned v = 0; v < VMS; v++) {
		vms[v].id = v;
		vms[v].plan = &plan->vm[v];
		vms[v].life.state = VM_RUNNING;
		CHECK(vpci_init(&vms[v].vpci, &vms[v], ECAM) == 0);
		CHECK(shm_vm_init(&vms[v]) == 0);
	}
	memset(allowed, 0, sizeof(allowed));
	memset(seen, 0, sizeof(seen));
	for (unsigned v = 0; v < VMS; v++)
		for (unsigned k = 0; k < 2; k++)
			allowed[v][k] = 1;
	/* shm_boot() zeroed them; register accesses must leave them so. */
	for (unsigned r = 0; r < 3; r++)
		memset(regions[r], 0x3c, RING_SIZE);
}

static void touch(unsigned v, uint64_t ipa, unsigned size, uint64_t *val,
		  bool write)
{
	const struct mmio_region *r = mmio_find(&vms[v].mmio, ipa, size);

	if (!r)
		return;
	if (write)
		CHECK(r->ops->write(NULL, r->priv, ipa - r->base, size, *val) ==
		      0);
	else
		CHECK(r->ops->read(NULL, r->priv, ipa - r->base, size, val) ==
		      0);
}

static void step(const uint8_t *s)
{
	unsigned v = (s[1] & 3) % VMS, k = (s[1] >> 2) & 1;
	unsigned size = 1u << ((s[1] >> 4) & 3);
	unsigned off = s[2] | (unsigned)s[3] << 8;
	uint64_t val = s[4] | s[5] << 8 | s[6] << 16 | (uint64_t)s[7] << 24;
	uint64_t regs = REGS + k * 0x1000;

	switch (s[0] % 8) {
	case 0:
		off &= 0xfff;
		touch(v, regs + off, size, &val, false);
		/* Reading INTR_STATUS set is an acknowledgement. */
		if (off == SHIKIRI_SHM_INTR_STATUS && size == 4 && (val & 1))
			allowed[v][k] = seen[v][k] + 1;
		break;
	case 1:
		off &= 0xfff;
		touch(v, regs + off, size, &val, true);
		/* So is turning the doorbell interrupt off and on again. */
		if (off == SHIKIRI_SHM_INTR_MASK && size == 4)
			allowed[v][k] = seen[v][k] + 1;
		break;
	case 2:
		touch(v, ECAM + (off << 4) + (s[4] & 0xf), size, &val, false);
		break;
	case 3:
		touch(v, ECAM + (off << 4) + (s[5] & 0xf), size, &val, true);
		break;
	case 4:
		val = (uint64_t)(s[4] % 5 == 4 ? SHIKIRI_SHM_PEER_ALL : s[4] % 5)
			      << 16 |
		      (s[5] & 1);
		touch(v, regs + SHIKIRI_SHM_DOORBELL, 4, &val, true);
		break;
	case 5:
		vms[v].life.state = vms[v].life.state == VM_RUNNING ?
					    VM_STOPPED :
					    VM_RUNNING;
		break;
	case 6:
		vpci_reset(&vms[v].vpci);
		shm_vm_reset(&vms[v]);
		for (unsigned i = 0; i < 2; i++)
			allowed[v][i] = seen[v][i] + 1;
		break;
	default:
		break;
	}
}

static void check(void)
{
	uint64_t val;

	for (unsigned v = 0; v < VMS; v++) {
		for (unsigned k = 0; k < 2; k++) {
			unsigned n = fake_virq.pulses[v][INTID + k];

			/* At most one interrupt per acknowledgement. */
			CHECK(n <= allowed[v][k]);
			seen[v][k] = n;
			if (k < vms[v].shm.count)
				CHECK((vpci_command(&vms[v].shm.fn[k].pci) &
				       ~0x0406u) == 0);
		}
		/* Device 3 exists nowhere. */
		val = 0;
		touch(v, ECAM + (3u << 15), 4, &val, false);
		CHECK(val == 0xffffffffu);
	}
	CHECK(fake_virq.pulses[2][INTID + 1] == 0);
	CHECK(fake_virq.stray == 0);
	for (unsigned r = 0; r < 3; r++)
		for (unsigned i = 0; i < RING_SIZE; i++)
			CHECK(regions[r][i] == 0x3c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	machine();
	check();
	for (size_t at = 0; at + 8 <= size; at += 8) {
		step(data + at);
		check();
	}
	return 0;
}
