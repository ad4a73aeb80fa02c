/* SPDX-License-Identifier: MIT */
/*
 * The boot steps of the arch interface on the host (hv/arch/boot.h, the
 * set-up calls of hv/arch/cpu.h and hv/arch/rng.h), for host builds of
 * the core's boot flow (hv/core/main.c): the test gives the loader's
 * hand-over and the random bytes; the calls, and what went out on the
 * console UART, are recorded in fake_boot.
 */
#include <string.h>

#include "fake.h"
#include "hv/arch/boot.h"
#include "hv/arch/cpu.h"
#include "hv/arch/rng.h"
#include "hv/console.h"
#include "hv/sha256.h"
#include "hv/vm.h"

struct fake_boot fake_boot;
struct page_pool hv_pages;

const char arch_loader_seed_name[] = "fake seeds";
const char arch_rng_name[] = "FAKERNG";

void fake_boot_reset(void)
{
	memset(&fake_boot, 0, sizeof(fake_boot));
	fake_boot.platform_boot_pcpu = -1;
}

/* The console UART: never full, nothing to read; output is kept. */
static bool uart_try_putc(char c)
{
	if (fake_boot.out_len < FAKE_BOOT_OUT - 1)
		fake_boot.out[fake_boot.out_len++] = c;
	fake_boot.out[fake_boot.out_len] = '\0';
	return true;
}

static void uart_putc(char c)
{
	uart_try_putc(c);
}

static int uart_getc(void)
{
	return -1;
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

const struct console_uart *arch_boot_console(void)
{
	fake_boot.console_started = true;
	return &uart;
}

void arch_boot_loader_info(uint64_t info, uint64_t *base, uint64_t *size)
{
	bool ours = info && info == fake_boot.info;

	*base = ours ? fake_boot.info : 0;
	*size = ours ? fake_boot.info_size : 0;
}

size_t arch_boot_entropy(struct sha256 *s, uint64_t info)
{
	fake_boot.entropy_calls++;
	fake_boot.entropy_info = info;
	if (!info || info != fake_boot.info || !fake_boot.entropy_size)
		return 0;
	sha256_update(s, fake_boot.entropy, fake_boot.entropy_size);
	return fake_boot.entropy_size;
}

bool arch_random(uint64_t *out)
{
	*out = 0;
	if (!fake_boot.rng_words)
		return false;
	fake_boot.rng_words--;
	*out = 0x5eed0000ull + fake_boot.rng_words;
	return true;
}

int arch_mmu_setup(const struct shikiri_plan_board *board, uint64_t hv_base,
		   uint64_t hv_size)
{
	(void)board;
	fake_boot.mmu_calls++;
	fake_boot.mmu_base = hv_base;
	fake_boot.mmu_size = hv_size;
	return fake_boot.mmu_ret;
}

void arch_platform_init(const struct shikiri_plan_board *board,
			unsigned boot_pcpu)
{
	(void)board;
	fake_boot.platform_boot_pcpu = (int)boot_pcpu;
}

int arch_iommu_enable(void)
{
	fake_boot.iommu_calls++;
	return fake_boot.iommu_ret;
}

void arch_cpu_init(struct pcpu *p)
{
	if (p->id < FAKE_CPUS)
		fake_boot.cpu_inits[p->id]++;
}

int arch_cpu_start(unsigned idx, uint64_t hw_id)
{
	if (fake_boot.start_count < FAKE_CPUS) {
		fake_boot.started_idx[fake_boot.start_count] = idx;
		fake_boot.started_hw_id[fake_boot.start_count] = hw_id;
	}
	fake_boot.start_count++;
	return fake_boot.start_ret;
}
