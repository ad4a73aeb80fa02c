/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "arch/gic.h"
#include "fake.h"
#include "hv/arch/cpu.h"

struct fake_gic fake_gic;
struct fake_cpu fake_cpu;

void fake_reset(void)
{
	memset(&fake_gic, 0, sizeof(fake_gic));
	memset(&fake_cpu, 0, sizeof(fake_cpu));
	fake_gic.typer = 7; /* 256 INTIDs, like QEMU virt */
}

unsigned arch_pcpu_id(void)
{
	return fake_cpu.pcpu;
}

void arch_kick(unsigned pcpu)
{
	fake_cpu.kicks[pcpu]++;
}

void gic_spi_enable(uint32_t intid, bool on)
{
	fake_gic.spi_enabled[intid] = on;
	fake_gic.calls++;
}

void gic_spi_route(uint32_t intid, uint64_t mpidr)
{
	fake_gic.spi_route[intid] = mpidr;
	fake_gic.calls++;
}

void gic_spi_set_edge(uint32_t intid, bool edge)
{
	fake_gic.spi_edge[intid] = edge;
	fake_gic.calls++;
}

void gic_set_pending(uint32_t intid, bool pending)
{
	fake_gic.spi_pending[intid] = pending;
	fake_gic.calls++;
}

void gic_set_active(uint32_t intid, bool active)
{
	(void)intid;
	(void)active;
	fake_gic.calls++;
}

void gic_ppi_enable(unsigned pcpu, uint32_t intid, bool on)
{
	fake_gic.ppi_enabled[pcpu][intid] = on;
	fake_gic.calls++;
}

void gic_ppi_deactivate(unsigned pcpu, uint32_t intid)
{
	(void)pcpu;
	(void)intid;
	fake_gic.calls++;
}

void gic_send_sgi(uint64_t mpidr, unsigned sgi)
{
	(void)sgi;
	fake_gic.sgis_sent++;
	fake_gic.last_sgi_mpidr = mpidr;
}

uint32_t gic_dist_read(uint32_t off)
{
	return off == GICD_TYPER ? fake_gic.typer : 0x43b;
}
