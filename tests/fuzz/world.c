/* SPDX-License-Identifier: MIT */
/*
 * The fuzzing world (see world.h): a boot plan of three VMs like a real
 * one, built and checked as the hypervisor does at boot, CPUs modelled as
 * hv/arch/aarch64/cpu.c runs them, and the guest actions of the input.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "arch/gic.h"
#include "arch/psci.h"
#include "arch/vgic.h"
#include "hv/console.h"
#include "hv/plan_check.h"
#include "shikiri/manage.h"
#include "world_int.h"

/* Entry points of traps.c, called from the exception vectors. */
void trap_sync(struct vcpu_regs *regs);
void trap_irq(struct vcpu_regs *regs);
void irq_handle_all(struct pcpu *p);
const struct console_clock *timer_console_clock(void);

/* QEMU virt's layout: RAM at 1 GiB, the image (hypervisor) at its start. */
#define RAM_BASE 0x40000000ull
#define RAM_SIZE 0x01000000ull
#define HV_SIZE 0x00200000ull
#define VM_RAM 0x40000ull
#define GICD_BASE 0x08000000ull
#define GICR_BASE 0x080a0000ull
#define UART_BASE 0x09000000ull
#define UART_INTID 33u
#define MAINT_INTID 25u
#define TIMER_HYP_INTID 26u
#define GUEST_UART 0x09000000ull
#define GUEST_MANAGE 0x0b000000ull
#define GUEST_WDT 0x0b010000ull
#define GUEST_DEVICE 0x0a000000ull

#define ESR_IL (1ull << 25)
#define EC_HVC64 0x16ull
#define EC_SMC64 0x17ull
#define EC_SYS64 0x18ull
#define EC_DABT_LOW 0x24ull
#define ISS_ISV (1u << 24)
#define SPSR_EL1H_DAIF 0x3c5ull
#define ICH_HCR_EL2 "S3_4_C12_C11_0"
#define ICH_MISR_EL2 "S3_4_C12_C11_2"
#define LR_PENDING (1ull << 62)
#define LR_ACTIVE (1ull << 63)
#define LR_HW (1ull << 61)
#define SETTLE_ROUNDS 100u

struct world world;

static union {
	struct shikiri_plan plan;
	unsigned char bytes[sizeof(struct shikiri_plan) +
			    WORLD_VMS * sizeof(struct shikiri_plan_vm)];
} plan_buf;
static unsigned char pool_pages[64 * PAGE_SIZE]
	__attribute__((aligned(PAGE_SIZE)));
static struct page_pool pool;
static jmp_buf machine_off;

/* One step of the input, decoded. */
struct step {
	uint8_t act, who, sel, flags;
	uint32_t arg;
	uint64_t val, val2;
};

/* The console's serial line: output is counted, input comes from RX steps. */
static char rx_buf[64];
static unsigned rx_len, rx_pos;
static unsigned long tx_count;

static void uart_putc(char c)
{
	(void)c;
	tx_count++;
}

static int uart_getc(void)
{
	return rx_pos < rx_len ? (unsigned char)rx_buf[rx_pos++] : -1;
}

static bool uart_try_putc(char c)
{
	uart_putc(c);
	return true;
}

static void uart_tx_irq(bool on)
{
	(void)on;
}

static const struct console_uart uart = {
	.putc = uart_putc,
	.try_putc = uart_try_putc,
	.getc = uart_getc,
	.tx_irq = uart_tx_irq,
};

/* The seed key: fixed, so a run replays exactly. */
static const uint8_t seed_key[32] = { 0x5e, 0xed };

/* The firmware: the SMCCC discovery answers of QEMU's TF-A-less PSCI. */
static uint64_t firmware(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	(void)a2;
	(void)a3;
	switch ((uint32_t)fid) {
	case 0x8400000au: /* PSCI_FEATURES, at boot */
		return a1 == 0x80000000u ? 0 : (uint64_t)-1;
	case 0x80000000u: /* SMCCC_VERSION */
		return 0x10001;
	case 0x80000001u: /* SMCCC_ARCH_FEATURES */
	case 0x80008000u: /* SMCCC_ARCH_WORKAROUND_1 */
	case 0x80007fffu: /* SMCCC_ARCH_WORKAROUND_2 */
	case 0x80003fffu: /* SMCCC_ARCH_WORKAROUND_3 */
		return (uint64_t)-1;
	default:
		/* Nothing else of a guest's may reach the firmware. */
		check_fail("firmware call 0x%lx from a guest",
			   (unsigned long)fid);
	}
}

/* Powering the machine off is right only once every VM has stopped. */
static void system_off(void)
{
	for (unsigned i = 0; i < vm_count; i++)
		if (vms[i].life.state != VM_STOPPED)
			check_fail("machine off while vm %u is %s", i,
				   vm_state_name(vms[i].life.state));
	longjmp(machine_off, 1);
}

static void add_vm(struct shikiri_plan_vm *v, unsigned i, const char *name,
		   uint64_t cpus, uint32_t console_irq)
{
	uint64_t pa = RAM_BASE + HV_SIZE + i * VM_RAM;

	strcpy(v->name, name);
	v->cpu_mask = cpus;
	v->flags = SHIKIRI_VM_CONSOLE_VIRTUAL;
	v->console_base = GUEST_UART;
	v->console_irq = console_irq;
	v->ram_count = 1;
	v->ram[0] = (struct shikiri_region){ RAM_BASE, pa, VM_RAM };
	v->payload_count = 2;
	v->payload[0] = (struct shikiri_payload){ 0x100000 + i * 0x2000, 0x1000,
						  RAM_BASE,
						  SHIKIRI_PAYLOAD_KERNEL, 0 };
	v->payload[1] = (struct shikiri_payload){ 0x101000 + i * 0x2000, 0x1000,
						  RAM_BASE + 0x10000,
						  SHIKIRI_PAYLOAD_DTB, 0 };
	v->entry_ipa = RAM_BASE;
	v->boot_info_ipa = RAM_BASE + 0x10000;
	v->rng_seed_offset = 0x100;
	v->kaslr_seed_offset = 0x200;
}

/*
 * The plan: "linux" (2 vCPUs, manages the others, reflects faults, two
 * passthrough lines and a device page), "rtos" (2 vCPUs, watchdog, may see
 * only itself) and "bare" (1 vCPU, no emulated UART, restarted on
 * everything but power-off).
 */
static void make_plan(void)
{
	struct shikiri_plan *p = &plan_buf.plan;
	struct shikiri_plan_vm *v = p->vm;

	memset(&plan_buf, 0, sizeof(plan_buf));
	p->magic = SHIKIRI_PLAN_MAGIC;
	p->revision = SHIKIRI_PLAN_REVISION;
	p->vm_count = WORLD_VMS;
	p->size = sizeof(plan_buf);
	p->image_size = HV_SIZE;
	p->board = (struct shikiri_plan_board){
		.arch = SHIKIRI_ARCH_AARCH64,
		.ram_count = 1,
		.ram = { { RAM_BASE, RAM_SIZE } },
		.uart_base = UART_BASE,
		.uart_irq = UART_INTID,
		.cpu_count = WORLD_CPUS,
		.hw.aarch64 = {
			.gicd_base = GICD_BASE,
			.gicr_base = GICR_BASE,
			.gicr_size = 0xf60000,
			.timer_virt_intid = 27,
			.gic_maint_intid = MAINT_INTID,
		},
	};
	for (unsigned i = 0; i < WORLD_CPUS; i++)
		p->board.cpu_id[i] = i < 4 ? i : 0x100;

	add_vm(&v[0], 0, "linux", 0x3, 33);
	v[0].irq_count = 2;
	v[0].irq[0] = (struct shikiri_irq){ 48, 78 };
	v[0].irq[1] = (struct shikiri_irq){ 49, 79 };
	v[0].mmio_count = 1;
	v[0].mmio[0] =
		(struct shikiri_region){ GUEST_DEVICE, GUEST_DEVICE, 0x1000 };
	v[0].manage_ipa = GUEST_MANAGE;
	v[0].manage_mask = 0x7;
	v[0].watchdog_ipa = GUEST_WDT;
	v[0].watchdog_ms = 2000;
	v[0].on_reset = v[0].on_crash = SHIKIRI_POLICY_RESTART;
	v[0].on_fault = SHIKIRI_POLICY_REFLECT;

	add_vm(&v[1], 1, "rtos", 0xc, 40);
	v[1].irq_count = 1;
	v[1].irq[0] = (struct shikiri_irq){ 48, 80 };
	v[1].manage_ipa = GUEST_MANAGE;
	v[1].watchdog_ipa = GUEST_WDT;
	v[1].watchdog_ms = 500;
	v[1].on_crash = SHIKIRI_POLICY_RESTART;

	add_vm(&v[2], 2, "bare", 0x10, 33);
	/* No emulated UART: its console would be a passthrough device. */
	v[2].flags = 0;
	v[2].console_base = 0;
	v[2].console_irq = 0;
	v[2].irq_count = 1;
	v[2].irq[0] = (struct shikiri_irq){ 100, 101 };
	v[2].on_reset = v[2].on_crash = v[2].on_fault = SHIKIRI_POLICY_RESTART;

	p->crc32 = plan_compute_crc(p);
}

/* Map the board's RAM where the plan says it is, once. */
static void map_ram(void)
{
	void *ram = mmap((void *)(uintptr_t)RAM_BASE, RAM_SIZE,
			 PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1,
			 0);

	if (ram != (void *)(uintptr_t)RAM_BASE) {
		fprintf(stderr, "world: cannot map RAM at 0x%llx\n", RAM_BASE);
		exit(2);
	}
	/* The payloads in the image: recognisable, never all zero. */
	memset(ram, 0xa5, HV_SIZE);
}

static void build(void)
{
	static bool ready;
	const struct shikiri_plan *p = &plan_buf.plan;
	struct plan_limits limits = { RAM_BASE, HV_SIZE, 0, 0 };
	struct plan_error err;

	if (!ready) {
		make_plan();
		map_ram();
		ready = true;
	}
	if (plan_check(p, sizeof(plan_buf), &plan_arch_aarch64, &limits,
		       &err)) {
		fprintf(stderr, "world: plan refused: %s (vm %d)\n", err.what,
			err.vm);
		exit(2);
	}
	fake_reset();
	fake_sysreg_reset();
	fake_hv = (struct fake_hv){ .smc = firmware, .system_off = system_off };
	memset(vms, 0, sizeof(vms));
	memset(pcpus, 0, sizeof(pcpus));
	memset(&world, 0, sizeof(world));
	rx_len = rx_pos = 0;
	world.plan = p;
	for (unsigned i = 0; i < FAKE_INTIDS; i++)
		world.owner[i] = -1;
	world.owner[UART_INTID] = -2;
	for (unsigned i = 0; i < WORLD_VMS; i++)
		for (unsigned n = 0; n < p->vm[i].irq_count; n++)
			world.owner[p->vm[i].irq[n].phys] = (int)i;

	/* What boot_primary() and arch_platform_init() do. */
	hv_board = &p->board;
	pcpu_count = p->board.cpu_count;
	for (unsigned i = 0; i < pcpu_count; i++)
		pcpus[i] =
			(struct pcpu){ .id = i, .hw_id = p->board.cpu_id[i] };
	console_init(&uart, timer_console_clock());
	psci_probe_firmware();
	gic_spi_set_edge(UART_INTID, false);
	gic_spi_route(UART_INTID, pcpus[0].hw_id);
	gic_spi_enable(UART_INTID, true);
	page_pool_init(&pool, pool_pages, sizeof(pool_pages) / PAGE_SIZE);
	vm_count = WORLD_VMS;
	for (unsigned i = 0; i < vm_count; i++) {
		if (vm_from_plan(&vms[i], i, &p->vm[i], NULL, &pool)) {
			fprintf(stderr, "world: vm %u set-up failed\n", i);
			exit(2);
		}
		world.boot_mmio[i] = vms[i].mmio;
	}
	console_set_focus(&vms[0]);
	vm_set_image((const void *)(uintptr_t)RAM_BASE, seed_key);
	for (unsigned i = 0; i < vm_count; i++)
		vm_request(&vms[i], VM_REQ_START, VM_CAUSE_BOOT);
}

/* arch_vcpu_start(), less the EL1 registers the model does not keep. */
static void vcpu_start(struct vcpu *v)
{
	struct vcpu_regs *r = &world.regs[v->pcpu];

	memset(r, 0, sizeof(*r));
	r->x[0] = v->boot_ctx;
	r->elr = v->boot_pc;
	r->spsr = SPSR_EL1H_DAIF;
	vgic_lr_clear();
	fake_sysreg_set(v->pcpu, "vbar_el1", 0);
	__atomic_store_n(&v->power, VCPU_ON, __ATOMIC_RELEASE);
	vgic_lr_flush(v);
	world.in_guest[v->pcpu] = true;
	world.starts[v->pcpu]++;
}

/* One turn of cpu.c's idle loop on this CPU, after its interrupts. */
static void idle_check(unsigned pcpu)
{
	struct vcpu *v = pcpus[pcpu].vcpu;

	if (v && vm_vcpu_idle(v))
		vcpu_start(v);
}

/*
 * The vCPU left the guest for good (arch_idle): what cpu.c's
 * vcpu_quiesce() does (it is not host code: it programs the timers), then
 * the idle loop's first turn.
 */
static void parked(unsigned pcpu)
{
	struct vcpu *v = pcpus[pcpu].vcpu;

	world.in_guest[pcpu] = false;
	gic_ppi_enable(pcpu, 27, false);
	gic_ppi_enable(pcpu, 30, false);
	vgic_vcpu_park(v);
	idle_check(pcpu);
}

/* Enter the hypervisor on @pcpu through @entry, as the vectors do. */
static void enter(unsigned pcpu, void (*entry)(struct vcpu_regs *))
{
	jmp_buf idle;

	fake_cpu.pcpu = pcpu;
	fake_hv.idle = &idle;
	if (!setjmp(idle)) {
		entry(&world.regs[pcpu]);
		fake_hv.idle = NULL;
		return;
	}
	fake_hv.idle = NULL;
	parked(pcpu);
}

/*
 * A synchronous exit of the guest on @pcpu: if the vCPU is still the same
 * run of the guest afterwards, no general register but @rt (31: none) may
 * have changed.  Return: whether the access was emulated (ELR moved past
 * the instruction).
 */
static bool exit_sync(unsigned pcpu, unsigned rt)
{
	struct vcpu_regs was = world.regs[pcpu];
	unsigned starts = world.starts[pcpu];

	enter(pcpu, trap_sync);
	if (!world.in_guest[pcpu] || world.starts[pcpu] != starts)
		return false;
	check_regs(&was, &world.regs[pcpu], rt);
	return world.regs[pcpu].elr == was.elr + 4;
}

/* Serve what @pcpu has pending: in the guest, or in the idle loop. */
static void cpu_step(unsigned pcpu)
{
	fake_cpu.pcpu = pcpu;
	if (world.in_guest[pcpu]) {
		if (fake_gic.cpu_pending_count[pcpu])
			enter(pcpu, trap_irq);
		return;
	}
	irq_handle_all(&pcpus[pcpu]);
	idle_check(pcpu);
}

/* Level-triggered sources and the distributor, into CPUs' pending sets. */
static bool signal_interrupts(void)
{
	bool any = false;

	for (unsigned c = 0; c < WORLD_CPUS; c++) {
		uint64_t ctl = fake_sysreg_get(c, "cnthp_ctl_el2");

		if ((ctl & 3) == 1 &&
		    fake_hv.counter >= fake_sysreg_get(c, "cnthp_cval_el2"))
			fake_gic_raise(c, TIMER_HYP_INTID);
		if (world.in_guest[c] && fake_sysreg_get(c, ICH_MISR_EL2) &&
		    (fake_sysreg_get(c, ICH_HCR_EL2) & 1))
			fake_gic_raise(c, MAINT_INTID);
	}
	for (unsigned i = 32; i < FAKE_INTIDS; i++) {
		if (!fake_gic.spi_pending[i] || !fake_gic.spi_enabled[i])
			continue;
		for (unsigned c = 0; c < WORLD_CPUS; c++) {
			if (pcpus[c].hw_id == fake_gic.spi_route[i]) {
				fake_gic_raise(c, i);
				fake_gic.spi_pending[i] = false;
			}
		}
	}
	for (unsigned c = 0; c < WORLD_CPUS; c++)
		any |= fake_gic.cpu_pending_count[c] != 0;
	return any;
}

/*
 * Only the acting CPU serves its interrupts: the others are slow to take
 * theirs (a kick, a reload, a maintenance interrupt), so the next steps
 * meet VMs half-way through a transition.
 */
static void settle_one(unsigned pcpu)
{
	for (unsigned round = 0; round < SETTLE_ROUNDS; round++) {
		signal_interrupts();
		if (!fake_gic.cpu_pending_count[pcpu])
			return;
		cpu_step(pcpu);
	}
	check_fail("CPU %u: interrupts still pending after %u rounds", pcpu,
		   SETTLE_ROUNDS);
}

/* Serve interrupts on every CPU until none is left. */
static void settle(void)
{
	for (unsigned round = 0; round < SETTLE_ROUNDS; round++) {
		if (!signal_interrupts())
			return;
		for (unsigned c = 0; c < WORLD_CPUS; c++)
			if (fake_gic.cpu_pending_count[c])
				cpu_step(c);
	}
	check_fail("interrupts still pending after %u rounds", SETTLE_ROUNDS);
}

static const uint64_t targets[] = {
	[0] = GICD_BASE, [1] = GICR_BASE,    [2] = GUEST_UART,
	[3] = GUEST_WDT, [4] = GUEST_MANAGE,
};
static const uint64_t target_size[] = {
	[0] = 0x10000, [1] = 2 * SHIKIRI_GICR_STRIDE,
	[2] = 0x1000,  [3] = 0x2000,
	[4] = 0x1000,
};

/* A load or store by @s's vCPU: its syndrome as the CPU would report it. */
/*
 * The guest on @pcpu wrote @val to its distributor at @ipa: remember the
 * physical lines behind the ISACTIVER bits it set (ICACTIVER: cleared).
 */
static void note_guest_active(unsigned pcpu, uint64_t ipa, uint64_t val)
{
	const struct vm *vm = pcpus[pcpu].vcpu->vm;
	uint64_t off = ipa - GICD_BASE;

	if (ipa < GICD_BASE || off < GICD_ISACTIVER || off >= 0x400)
		return;
	for (unsigned k = 0; k < 32; k++) {
		uint32_t vintid = (uint32_t)(off & 0x7c) * 8 + k;
		const struct vgic_irq *irq;

		if (!(val >> k & 1) || vintid < 32 ||
		    vintid - 32 >= vm->arch.vgic.spi_count)
			continue;
		irq = &vm->arch.vgic.spi[vintid - 32];
		if (irq->present && irq->phys)
			world.guest_active[irq->phys] = off < GICD_ICACTIVER;
	}
}

static void mmio_step(unsigned pcpu, const struct step *s, unsigned mask)
{
	unsigned kinds[6], count = 0, kind, size = 1u << (s->flags & 3);
	unsigned rt = s->arg >> 24 & 31;
	uint64_t ipa, val;
	uint32_t iss;

	for (unsigned k = 0; k < 6; k++)
		if (mask & (1u << k))
			kinds[count++] = k;
	kind = s->sel < 6 && (mask & (1u << s->sel)) ? s->sel :
						       kinds[s->sel % count];
	if (kind == 5) {
		ipa = s->val2 & 0xfffffffffull;
	} else {
		ipa = (s->arg & 0xffffff) % target_size[kind];
		if (!(s->flags & 0x20))
			ipa &= ~(uint64_t)(size - 1);
		ipa += targets[kind];
	}
	iss = ISS_ISV | (s->flags & 3) << 22 | rt << 16 |
	      (s->flags & 0x08 ? 1u << 21 : 0) |
	      (s->flags & 0x10 ? 1u << 15 : 0) |
	      (s->flags & 0x04 ? 1u << 6 : 0);
	if (rt < 31)
		world.regs[pcpu].x[rt] = s->val;
	fake_sysreg_set(pcpu, "esr_el2", EC_DABT_LOW << 26 | ESR_IL | iss);
	fake_sysreg_set(pcpu, "hpfar_el2", (ipa >> 8) & 0xffffffffff0ull);
	fake_sysreg_set(pcpu, "far_el2", (s->val2 & ~0xfffull) | (ipa & 0xfff));
	if (s->flags & 4)
		note_guest_active(pcpu, ipa, rt < 31 ? s->val : 0);
	if (!exit_sync(pcpu, (s->flags & 4) ? 31 : rt) || (s->flags & 4) ||
	    rt == 31)
		return;
	/* A load fills its register as wide as its syndrome says. */
	val = world.regs[pcpu].x[rt];
	if ((size < 8 && !(s->flags & 0x08) && val >> (size * 8)) ||
	    (!(s->flags & 0x10) && val >> 32))
		check_fail("a %u-byte load at 0x%lx gave x%u = 0x%lx", size,
			   (unsigned long)ipa, rt, (unsigned long)val);
	check_manage_read(pcpus[pcpu].vcpu->vm, ipa, val);
}

static const uint32_t smccc_ids[] = {
	0x84000000, 0x84000001, 0x84000002, 0x84000003, 0xc4000003, 0x84000004,
	0xc4000004, 0x84000006, 0x84000008, 0x84000009, 0x8400000a, 0x84000012,
	0xc4000012, 0x80000000, 0x80000001, 0x80008000, 0x80007fff, 0x80003fff,
};

/* An SMCCC call: x0 a known function (or any), x1-x3 shaped for PSCI. */
static void smccc_step(unsigned pcpu, const struct step *s, uint64_t ec)
{
	struct vcpu_regs *r = &world.regs[pcpu];
	unsigned n = sizeof(smccc_ids) / sizeof(smccc_ids[0]);

	r->x[0] = s->sel < n ? smccc_ids[s->sel] : s->arg;
	/* Mostly a vCPU of this VM and an entry in its RAM; else raw. */
	r->x[1] = s->flags & 0x20 ? s->val : s->val & 0x7;
	r->x[2] = s->flags & 0x10 ? s->val2 : RAM_BASE + (s->arg % VM_RAM);
	r->x[3] = s->val2;
	fake_sysreg_set(pcpu, "esr_el2", ec << 26 | ESR_IL);
	exit_sync(pcpu, 0);
}

/*
 * As ESR_EL2.ISS (Op0 Op2 Op1 CRn CRm, Rt and direction left out):
 * ICC_SGI1R_EL1, ICC_ASGI1R_EL1, ICC_SGI0R_EL1, then registers that do not
 * trap unless something is wrong: ICC_IAR1_EL1, ICC_EOIR1_EL1,
 * ICC_PMR_EL1, ID_AA64PFR0_EL1, CNTP_CTL_EL0.
 */
static const uint32_t sysreg_iss[] = {
	0x3a3016, 0x3c3016, 0x3e3016, 0x303018,
	0x323018, 0x30100c, 0x300008, 0x32f804,
};

static void sysreg_step(unsigned pcpu, const struct step *s)
{
	unsigned n = sizeof(sysreg_iss) / sizeof(sysreg_iss[0]);
	unsigned rt = s->arg >> 24 & 31;
	uint32_t iss = s->sel < n ? sysreg_iss[s->sel] : s->arg & 0x1ffffff;

	if (s->sel < n)
		iss |= rt << 5 | !(s->flags & 4); /* bit 0: a read */
	if (rt < 31)
		world.regs[pcpu].x[rt] = s->val;
	fake_sysreg_set(pcpu, "esr_el2", EC_SYS64 << 26 | ESR_IL | iss);
	exit_sync(pcpu, (iss & 1) ? iss >> 5 & 31 : 31);
}

static void raw_trap_step(unsigned pcpu, const struct step *s)
{
	unsigned rt = s->arg >> 24 & 31;

	if (rt < 31)
		world.regs[pcpu].x[rt] = s->val2;
	fake_sysreg_set(pcpu, "esr_el2", s->val);
	fake_sysreg_set(pcpu, "hpfar_el2", s->val2);
	fake_sysreg_set(pcpu, "far_el2", s->arg | s->val << 32);
	enter(pcpu, trap_sync);
}

/* The guest takes its best pending interrupt from the list registers. */
static void guest_ack(unsigned pcpu)
{
	uint64_t *lr = fake_sysregs[pcpu].lr;
	int best = -1;

	for (unsigned n = 0; n < FAKE_LRS; n++)
		if ((lr[n] >> 62) == 1 &&
		    (best < 0 ||
		     (lr[n] >> 48 & 0xff) < (lr[best] >> 48 & 0xff)))
			best = (int)n;
	if (best >= 0)
		lr[best] ^= LR_PENDING | LR_ACTIVE;
}

/* The guest ends an active interrupt (EOImode 0: EOI deactivates). */
static void guest_eoi(unsigned pcpu, unsigned sel)
{
	uint64_t *lr = fake_sysregs[pcpu].lr;
	unsigned active[FAKE_LRS], count = 0;

	for (unsigned n = 0; n < FAKE_LRS; n++)
		if (lr[n] & LR_ACTIVE)
			active[count++] = n;
	if (!count)
		return;
	lr[active[sel % count]] &= ~LR_ACTIVE;
	/* A hardware one is deactivated in the distributor by the CPU. */
	if (lr[active[sel % count]] & LR_HW)
		fake_gic_deactivate(pcpu,
				    lr[active[sel % count]] >> 32 & 0x3ff);
}

/*
 * A device asserts its line in the distributor, or a CPU's EL1 physical or
 * virtual timer (PPI 30, 27) fires.  Return: the VM it belongs to, or
 * WORLD_VMS for nobody's (it must reach no guest).
 */
static unsigned device_irq(const struct step *s)
{
	const struct shikiri_plan *p = world.plan;
	unsigned n = s->sel, intid;

	for (unsigned i = 0; i < WORLD_VMS; i++) {
		if (n < p->vm[i].irq_count) {
			fake_gic.spi_pending[p->vm[i].irq[n].phys] = true;
			return i;
		}
		n -= p->vm[i].irq_count;
	}
	if (n < 2 * WORLD_CPUS) {
		unsigned c = n / 2, ppi = n % 2 ? 30 : 27;

		if (fake_gic.ppi_enabled[c][ppi])
			fake_gic_raise(c, ppi);
		return pcpus[c].vcpu->vm->id;
	}
	intid = 32 + s->arg % (FAKE_INTIDS - 36);
	if (world.owner[intid] == -1)
		fake_gic.spi_pending[intid] = true;
	return WORLD_VMS;
}

static void rx(const struct step *s)
{
	rx_len = rx_pos = 0;
	for (unsigned i = 0; i < 8 && i < (s->arg & 7) + 1u; i++) {
		char c = (char)(s->val >> (8 * i));

		/* The escape key is the operator's, not a guest's. */
		rx_buf[rx_len++] = c == CONSOLE_ESCAPE ? 'e' : c;
	}
	fake_gic_raise(0, UART_INTID);
}

/* An action the harness has is taken as it is; any other byte modulo. */
static enum world_act pick_act(uint8_t act, const struct world_profile *prof)
{
	for (unsigned i = 0; i < prof->act_count; i++)
		if (prof->acts[i] == act)
			return act;
	return prof->acts[act % prof->act_count];
}

static const char *const act_names[] = {
	"mmio", "trap", "hvc",	"smc", "sysreg", "device-irq",
	"ack",	"eoi",	"tick", "rx",  "cpu",
};

/* FUZZ_TRACE=1: each step and where the VMs stand after it, on stderr. */
static void trace(const struct step *s, enum world_act act, unsigned pcpu)
{
	static int on = -1;

	if (on < 0)
		on = getenv("FUZZ_TRACE") != NULL;
	if (!on)
		return;
	fprintf(stderr,
		"step %u: %s cpu %u sel %u flags 0x%x arg 0x%x "
		"val 0x%lx val2 0x%lx x0 0x%lx |",
		world.steps, act_names[act], pcpu, s->sel, s->flags, s->arg,
		(unsigned long)s->val, (unsigned long)s->val2,
		(unsigned long)world.regs[pcpu].x[0]);
	for (unsigned i = 0; i < WORLD_VMS; i++) {
		fprintf(stderr, " %s:%s/%u", vms[i].name,
			vm_state_name(vms[i].life.state), vms[i].life.restarts);
		for (unsigned n = 0; n < vms[i].vcpu_count; n++)
			fprintf(stderr, "%c%s%u", n ? ',' : '[',
				world.in_guest[vms[i].vcpu[n].pcpu] ? "g" : "",
				vms[i].vcpu[n].power);
		fprintf(stderr, "]");
	}
	fprintf(stderr, " | LR");
	for (unsigned n = 0; n < FAKE_LRS; n++)
		fprintf(stderr, " %lx",
			(unsigned long)fake_sysregs[pcpu].lr[n]);
	fprintf(stderr, " q%u\n", pcpus[pcpu].vcpu->arch.vgic.queue_len);
}

static void run_step(const struct step *s, const struct world_profile *prof)
{
	static struct world_snapshot before;
	enum world_act act = pick_act(s->act, prof);
	unsigned vmi = (s->who & 7) % WORLD_VMS;
	struct vm *vm = &vms[vmi];
	struct vcpu *v = &vm->vcpu[(s->who >> 3 & 7) % vm->vcpu_count];
	unsigned pcpu = v->pcpu;
	bool trap = act <= WORLD_SYSREG;

	/*
	 * Time, console input and device lines are not a guest's exit, but
	 * what they cause is settled before the next step: so they are
	 * checked with what they cause (the console's input goes to the VM
	 * with focus, vm 0).
	 */
	if (act == WORLD_TICK) {
		settle();
		check_snapshot(&before);
		fake_hv.counter += s->arg;
		settle();
		check_tick(&before);
	} else if (act == WORLD_RX) {
		settle();
		check_snapshot(&before);
		rx(s);
		settle();
		check_isolation(&before, 0);
	} else if (act == WORLD_DEVICE_IRQ) {
		unsigned owner;

		settle();
		owner = device_irq(s);
		check_snapshot(&before);
		settle();
		check_isolation(&before, owner);
	} else if (!world.in_guest[pcpu]) {
		/* Not running: its CPU waits in the idle loop instead. */
		fake_cpu.pcpu = pcpu;
		cpu_step(pcpu);
	} else if (act == WORLD_GUEST_ACK) {
		guest_ack(pcpu);
	} else if (act == WORLD_GUEST_EOI) {
		guest_eoi(pcpu, s->sel);
	} else if (act == WORLD_CPU) {
		cpu_step(pcpu);
	} else if (trap) {
		check_snapshot(&before);
		if (act == WORLD_MMIO)
			mmio_step(pcpu, s, prof->targets);
		else if (act == WORLD_HVC || act == WORLD_SMC)
			smccc_step(pcpu, s,
				   act == WORLD_HVC ? EC_HVC64 : EC_SMC64);
		else if (act == WORLD_SYSREG)
			sysreg_step(pcpu, s);
		else
			raw_trap_step(pcpu, s);
		check_isolation(&before, vmi);
	}
	if (s->flags & 0x40)
		settle_one(pcpu);
	else
		settle();
	/* A line ended (ICACTIVER, the VM's reset) is the guest's no more. */
	for (unsigned i = 0; i < FAKE_INTIDS; i++)
		world.guest_active[i] &= fake_gic.spi_active[i];
	check_all();
	trace(s, act, pcpu);
}

int world_run(const uint8_t *data, size_t size,
	      const struct world_profile *profile)
{
	if (setjmp(machine_off))
		return 0; /* every VM stopped and the machine went off */
	build();
	/* Every CPU ends boot in the idle loop, where VMs are loaded. */
	for (unsigned c = 0; c < WORLD_CPUS; c++) {
		fake_cpu.pcpu = c;
		idle_check(c);
	}
	settle();
	check_all();
	for (size_t at = 0; at < size; at += WORLD_STEP_SIZE) {
		unsigned char raw[WORLD_STEP_SIZE] = { 0 };
		struct step s;

		memcpy(raw, data + at, MIN(size - at, WORLD_STEP_SIZE));
		s.act = raw[0];
		s.who = raw[1];
		s.sel = raw[2];
		s.flags = raw[3];
		memcpy(&s.arg, raw + 4, 4);
		memcpy(&s.val, raw + 8, 8);
		memcpy(&s.val2, raw + 16, 8);
		world.steps++;
		run_step(&s, profile);
	}
	return 0;
}
