// SPDX-License-Identifier: MIT
/*
 * A test-only image writer for the x86 bare-metal guest: the x86
 * hypervisor binary, a revision-2 plan for QEMU q35 (-smp 4 -m 2G) with
 * one VM, and its payloads (the guest as the kernel, an empty boot_params
 * page, a placeholder ACPI blob), with both Multiboot headers' load_end
 * and bss_end widened to the whole image, as shikiri-build does for real
 * configs.  The plan is checked with the hypervisor's own plan_check().
 *
 *   test-image HV.bin GUEST.bin OUT.img VCPUS [on-fault]
 *
 * VCPUS vCPUs on CPUs 1.., 64 MiB of RAM at host 0x40000000; on-fault is
 * "stop" (default) or "reflect".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/plan_check.h"
#include "shikiri/plan.h"
#include "shikiri/x86_layout.h"

#define MB1_MAGIC 0x1badb002u
#define MB2_MAGIC 0xe85250d6u
#define HEADER_SEARCH 8192u
#define IMAGE_MAX (64u << 20)

static unsigned char image[IMAGE_MAX];

static void *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	void *buf;

	if (!f || fseek(f, 0, SEEK_END) || (long)(*size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET)) {
		perror(path);
		exit(1);
	}
	buf = malloc(*size ? *size : 1);
	if (!buf || fread(buf, 1, *size, f) != *size) {
		perror(path);
		exit(1);
	}
	fclose(f);
	return buf;
}

static size_t align_up(size_t x, size_t a)
{
	return (x + a - 1) & ~(a - 1);
}

static uint32_t get32(size_t off)
{
	uint32_t v;

	memcpy(&v, image + off, 4);
	return v;
}

static void put32(size_t off, uint32_t v)
{
	memcpy(image + off, &v, 4);
}

static void board_q35(struct shikiri_plan_board *b)
{
	b->arch = SHIKIRI_ARCH_X86_64;
	b->cpu_count = 4;
	for (unsigned i = 0; i < 4; i++)
		b->cpu_id[i] = i;
	b->ram_count = 1;
	b->ram[0].size = 0x80000000;
	b->uart_base = X86_LAYOUT_COM1;
	b->uart_irq = X86_LAYOUT_COM1_GSI;
	b->hw.x86_64.lapic_base = X86_LAYOUT_LAPIC;
	b->hw.x86_64.ioapic_base = X86_LAYOUT_IOAPIC;
	b->hw.x86_64.ioapic_pins = X86_LAYOUT_IOAPIC_PINS;
	b->hw.x86_64.trampoline = 0x8000;
}

int main(int argc, char **argv)
{
	static unsigned char boot_params[4096], acpi[64] = "RSD PTR ";
	size_t hv_size, guest_size, plan_size, plan_off, off, mb1 = 0, mb2 = 0;
	unsigned char *hv, *guest;
	struct shikiri_plan *plan;
	struct shikiri_plan_vm *vm;
	struct plan_limits limits = { 0 };
	struct plan_error err;
	unsigned vcpus;
	FILE *out;

	if (argc < 5) {
		fprintf(stderr, "usage: test-image HV GUEST OUT VCPUS "
				"[stop|reflect]\n");
		return 2;
	}
	hv = slurp(argv[1], &hv_size);
	guest = slurp(argv[2], &guest_size);
	vcpus = (unsigned)atoi(argv[4]);
	if (hv_size > IMAGE_MAX / 2 || vcpus < 1 || vcpus > 3)
		return 2;
	memcpy(image, hv, hv_size);
	for (size_t o = 0; o < HEADER_SEARCH; o += 4) {
		if (get32(o) == MB1_MAGIC && !mb1)
			mb1 = o + 1;
		if (get32(o) == MB2_MAGIC && !(o & 7) && !mb2)
			mb2 = o + 1;
	}
	if (!mb1-- || !mb2--) {
		fprintf(stderr, "%s: no Multiboot headers\n", argv[1]);
		return 1;
	}
	plan_off =
		align_up(get32(mb1 + 24) - get32(mb1 + 16), SHIKIRI_PLAN_ALIGN);
	plan_size = sizeof(*plan) + sizeof(*vm);
	plan = calloc(1, plan_size);
	plan->magic = SHIKIRI_PLAN_MAGIC;
	plan->revision = SHIKIRI_PLAN_REVISION;
	plan->size = (uint32_t)plan_size;
	plan->vm_count = 1;
	board_q35(&plan->board);
	vm = &plan->vm[0];
	strcpy(vm->name, "bm0");
	vm->cpu_mask = ((1ull << vcpus) - 1) << 1;
	vm->entry_ipa = X86_LAYOUT_KERNEL;
	vm->boot_info_ipa = X86_LAYOUT_BOOT_PARAMS;
	vm->flags = SHIKIRI_VM_CONSOLE_VIRTUAL;
	vm->ram_count = 1;
	vm->ram[0].pa = 0x40000000;
	vm->ram[0].size = 0x4000000;
	vm->console_base = X86_LAYOUT_COM1;
	vm->console_irq = X86_LAYOUT_COM1_GSI;
	vm->on_fault = argc > 5 && !strcmp(argv[5], "reflect") ?
			       SHIKIRI_POLICY_REFLECT :
			       SHIKIRI_POLICY_STOP;
	{
		const struct {
			const void *data;
			size_t size;
			uint64_t ipa;
			uint32_t kind;
		} pl[] = {
			{ guest, guest_size, X86_LAYOUT_KERNEL,
			  SHIKIRI_PAYLOAD_KERNEL },
			{ boot_params, sizeof(boot_params),
			  X86_LAYOUT_BOOT_PARAMS, SHIKIRI_PAYLOAD_BOOT_PARAMS },
			{ acpi, sizeof(acpi), X86_LAYOUT_ACPI,
			  SHIKIRI_PAYLOAD_ACPI },
		};

		off = align_up(plan_off + plan_size, SHIKIRI_PAYLOAD_ALIGN);
		for (unsigned i = 0; i < 3; i++) {
			if (off + pl[i].size > IMAGE_MAX)
				return 1;
			memcpy(image + off, pl[i].data, pl[i].size);
			vm->payload[i] = (struct shikiri_payload){
				.offset = off,
				.size = pl[i].size,
				.ipa = pl[i].ipa,
				.kind = pl[i].kind,
				.crc32 = plan_crc32(0, pl[i].data, pl[i].size),
			};
			off = align_up(off + pl[i].size, SHIKIRI_PAYLOAD_ALIGN);
		}
		vm->payload_count = 3;
	}
	plan->image_size = off;
	plan->crc32 = plan_compute_crc(plan);
	limits.hv_base = get32(mb1 + 16);
	limits.hv_size = off;
	if (plan_check(plan, plan_size, &plan_arch_x86_64, &limits, &err)) {
		fprintf(stderr, "plan refused: %s (vm %d)\n", err.what, err.vm);
		return 1;
	}
	memcpy(image + plan_off, plan, plan_size);
	/* Multiboot 1 load_end/bss_end; Multiboot2 address tag's, after it. */
	put32(mb1 + 20, get32(mb1 + 16) + (uint32_t)off);
	put32(mb1 + 24, get32(mb1 + 16) + (uint32_t)off);
	put32(mb2 + 32, get32(mb1 + 16) + (uint32_t)off);
	put32(mb2 + 36, get32(mb1 + 16) + (uint32_t)off);
	out = fopen(argv[3], "wb");
	if (!out || fwrite(image, 1, off, out) != off || fclose(out)) {
		perror(argv[3]);
		return 1;
	}
	return 0;
}
