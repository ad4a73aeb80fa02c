// SPDX-License-Identifier: MIT
/*
 * plan_net_check() (hv/core/plan_net.c): the plan's LANs and each VM's
 * network device, with a minimal arch whose interrupts are SPIs 32..1019
 * and whose only devices are a hypervisor page and a console page.  A
 * valid plan (two VMs on lan0, one on lan1 with a neighbour, one without
 * a network) is accepted; each damage is refused with its message and VM.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hv/errno.h"
#include "hv/plan_check.h"

#define VM_COUNT 5u
#define RAM_IPA 0x40000000ull
#define NET_IPA 0x0a000000ull
#define HV_DEV 0x09000000ull
#define CONSOLE 0x09001000ull

static union {
	struct shikiri_plan plan;
	unsigned char bytes[sizeof(struct shikiri_plan) +
			    VM_COUNT * sizeof(struct shikiri_plan_vm)];
} u;
static struct shikiri_plan *const p = &u.plan;

static bool hv_device(const struct shikiri_plan_board *b, uint64_t base,
		      uint64_t size)
{
	(void)b;
	return plan_overlaps(base, size, HV_DEV, 0x1000);
}

static bool vm_device(const struct shikiri_plan_vm *vm, uint64_t ipa,
		      uint64_t size)
{
	(void)vm;
	return plan_overlaps(ipa, size, CONSOLE, 0x1000);
}

static bool irq_ok(const struct shikiri_plan_board *b, uint32_t irq)
{
	(void)b;
	return irq >= 32 && irq <= 1019;
}

static const struct plan_arch arch = {
	.name = "test",
	.hv_device = hv_device,
	.vm_device = vm_device,
	.irq_ok = irq_ok,
};

static void net(unsigned v, uint32_t lan, uint8_t last)
{
	struct shikiri_vm_net *n = &p->vm[v].net;

	n->ipa = NET_IPA;
	n->intid = 40;
	n->lan = lan;
	n->mac[0] = 0x02;
	n->mac[5] = last;
}

static int setup(void **state)
{
	(void)state;
	memset(&u, 0, sizeof(u));
	p->vm_count = VM_COUNT;
	p->lan_count = 2;
	strcpy(p->lan[0], "lan0");
	strcpy(p->lan[1], "backplane_1");
	for (unsigned v = 0; v < VM_COUNT; v++) {
		struct shikiri_plan_vm *vm = &p->vm[v];

		vm->ram_count = 1;
		vm->ram[0] =
			(struct shikiri_region){ RAM_IPA, RAM_IPA, 0x10000000 };
		vm->flags = SHIKIRI_VM_CONSOLE_VIRTUAL;
		vm->console_irq = 33;
		vm->console_base = CONSOLE;
	}
	net(0, 0, 1);
	net(1, 0, 2);
	net(2, 1, 1); /* the same MAC on another LAN is fine */
	net(3, 1, 3);
	return 0;
}

static void refused(const char *what, int vm)
{
	struct plan_error err = { 0 };
	int ret = plan_net_check(p, &arch, &err);

	if (ret == 0 || !err.what || strcmp(err.what, what) || err.vm != vm)
		print_error("got %d \"%s\" (VM %d), want \"%s\" (VM %d)\n", ret,
			    err.what ? err.what : "(none)", err.vm, what, vm);
	assert_int_equal(ret, -HV_EINVAL);
	assert_string_equal(err.what, what);
	assert_int_equal(err.vm, vm);
}

static void test_valid(void **state)
{
	struct plan_error err = { 0 };

	(void)state;
	assert_int_equal(plan_net_check(p, &arch, &err), 0);
	/* No LANs, no devices: fine too. */
	memset(p->lan, 0, sizeof(p->lan));
	p->lan_count = 0;
	for (unsigned v = 0; v < VM_COUNT; v++)
		memset(&p->vm[v].net, 0, sizeof(p->vm[v].net));
	assert_int_equal(plan_net_check(p, &arch, &err), 0);
}

static void test_lans(void **state)
{
	(void)state;
	p->lan_count = SHIKIRI_MAX_LANS + 1;
	refused("too many LANs", -1);
	p->lan_count = 2;
	strcpy(p->lan[1], "Lan");
	refused("bad LAN name", -1);
	memset(p->lan[1], 0, SHIKIRI_NAME_LEN);
	refused("bad LAN name", -1);
	memset(p->lan[1], 'a', SHIKIRI_NAME_LEN);
	refused("bad LAN name", -1);
	memset(p->lan[1], 0, SHIKIRI_NAME_LEN);
	strcpy(p->lan[1], "lan0");
	refused("duplicate LAN name", -1);
	strcpy(p->lan[1], "lan1");
	p->lan[1][6] = 'x'; /* garbage after the NUL */
	refused("bad LAN name", -1);
	p->lan[1][6] = 0;
	p->lan[2][0] = 'z'; /* an unused entry */
	refused("reserved field not zero", -1);
}

static void test_device_fields(void **state)
{
	(void)state;
	p->vm[4].net.intid = 40; /* no device, yet a field */
	refused("network fields without a device", 4);
	p->vm[4].net.intid = 0;
	p->vm[1].net.reserved[1] = 1;
	refused("reserved field not zero", 1);
	p->vm[1].net.reserved[1] = 0;
	p->vm[1].net.ipa = NET_IPA + 0x800;
	refused("misaligned network device", 1);
	p->vm[1].net.ipa = NET_IPA;
	p->vm[1].net.lan = 2;
	refused("network on an unknown LAN", 1);
}

static void test_overlaps(void **state)
{
	static const uint64_t bad[] = {
		RAM_IPA,
		RAM_IPA + 0x0ffff000,
		HV_DEV,
		CONSOLE,
	};
	struct shikiri_plan_vm *vm = &p->vm[1];

	(void)state;
	for (unsigned k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		vm->net.ipa = bad[k];
		refused("network device overlaps another range", 1);
	}
	vm->net.ipa = NET_IPA;
	vm->manage_ipa = NET_IPA;
	refused("network device overlaps another range", 1);
	vm->manage_ipa = 0;
	vm->watchdog_ipa = NET_IPA - 0x1000; /* two pages */
	refused("network device overlaps another range", 1);
	vm->watchdog_ipa = 0;
	vm->mmio_count = 1;
	vm->mmio[0] = (struct shikiri_region){ NET_IPA - 0x10000, 0x1000000,
					       0x20000 };
	refused("network device overlaps another range", 1);
	vm->mmio_count = 0;
	vm->vpci_ecam_ipa = NET_IPA & ~0xfffffull;
	refused("network device overlaps another range", 1);
	vm->vpci_ecam_ipa = 0x10000000;
	/* Shared-memory BARs: the register page, and the region. */
	p->shm_count = 1;
	p->shm[0].size = 0x200000;
	vm->shm_count = 1;
	vm->shm[0].regs_ipa = NET_IPA;
	vm->shm[0].ipa = 0x80000000;
	refused("network device overlaps another range", 1);
	vm->shm[0].regs_ipa = 0x0b000000;
	vm->shm[0].ipa = NET_IPA & ~0x1fffffull;
	refused("network device overlaps another range", 1);
	vm->shm[0].ipa = 0x80000000;
	vm->shm[0].intid = 41;
	struct plan_error err = { 0 };
	assert_int_equal(plan_net_check(p, &arch, &err), 0);
}

static void test_intids(void **state)
{
	struct shikiri_plan_vm *vm = &p->vm[0];

	(void)state;
	vm->net.intid = 31;
	refused("network INTID out of range", 0);
	vm->net.intid = 1020;
	refused("network INTID out of range", 0);
	vm->net.intid = 33;
	refused("network INTID already in use", 0);
	vm->net.intid = 40;
	vm->irq_count = 1;
	vm->irq[0] = (struct shikiri_irq){ .virt = 40, .phys = 50 };
	refused("network INTID already in use", 0);
	vm->irq[0] = (struct shikiri_irq){ .virt = 41, .phys = 50 };
	vm->shm_count = 1;
	vm->shm[0].intid = 40;
	vm->shm[0].ipa = 0x80000000;
	vm->shm[0].regs_ipa = 0x0b000000;
	refused("network INTID already in use", 0);
	vm->shm[0].intid = 42;
	vm->pci_count = 1;
	vm->pci[0].intx = 40;
	refused("network INTID already in use", 0);
	vm->pci[0].intx = 43;
	/* Without a virtual console its number is free. */
	vm->flags = 0;
	vm->net.intid = 33;
	struct plan_error err = { 0 };
	assert_int_equal(plan_net_check(p, &arch, &err), 0);
}

static void test_macs(void **state)
{
	(void)state;
	p->vm[1].net.mac[0] = 0x03;
	refused("network MAC not unicast", 1);
	memset(p->vm[1].net.mac, 0, 6);
	refused("network MAC not unicast", 1);
	p->vm[1].net.mac[0] = 2;
	p->vm[1].net.mac[5] = 1;
	refused("network MAC used twice on a LAN", 1);
	/* A VM without a device does not count. */
	p->vm[1].net.mac[5] = 2;
	p->vm[3].net.mac[5] = 1;
	refused("network MAC used twice on a LAN", 3);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup(fn, setup)
	const struct CMUnitTest tests[] = {
		T(test_valid),	  T(test_lans),	  T(test_device_fields),
		T(test_overlaps), T(test_intids), T(test_macs),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
