/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "arch/gic.h"
#include "arch/pmu.h"
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
	fake_gic_raise(pcpu, 0); /* GIC_SGI_KICK */
}

void fake_gic_raise(unsigned pcpu, uint32_t intid)
{
	unsigned n = fake_gic.cpu_pending_count[pcpu];

	for (unsigned i = 0; i < n; i++)
		if (fake_gic.cpu_pending[pcpu][i] == intid)
			return;
	if (n < FAKE_CPU_PENDING) {
		fake_gic.cpu_pending[pcpu][n] = (uint16_t)intid;
		fake_gic.cpu_pending_count[pcpu] = n + 1;
	}
}

uint32_t gic_ack(void)
{
	unsigned pcpu = fake_cpu.pcpu;
	unsigned n = fake_gic.cpu_pending_count[pcpu];
	uint32_t intid;

	if (!n)
		return FAKE_ICC_SPURIOUS;
	intid = fake_gic.cpu_pending[pcpu][0];
	if (intid >= 32)
		fake_gic.spi_active[intid] = true;
	else
		fake_gic.ppi_active[pcpu][intid] = true;
	for (unsigned i = 1; i < n; i++)
		fake_gic.cpu_pending[pcpu][i - 1] =
			fake_gic.cpu_pending[pcpu][i];
	fake_gic.cpu_pending_count[pcpu] = n - 1;
	return intid;
}

void gic_priority_drop(uint32_t intid)
{
	(void)intid;
}

void fake_gic_deactivate(unsigned pcpu, uint32_t intid)
{
	if (intid >= 32)
		fake_gic.spi_active[intid] = false;
	else
		fake_gic.ppi_active[pcpu][intid] = false;
}

void gic_deactivate(uint32_t intid)
{
	fake_gic_deactivate(fake_cpu.pcpu, intid);
	fake_gic.deactivations++;
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
	fake_gic.spi_active[intid] = active;
	fake_gic.calls++;
}

void gic_ppi_enable(unsigned pcpu, uint32_t intid, bool on)
{
	fake_gic.ppi_enabled[pcpu][intid] = on;
	fake_gic.calls++;
}

void gic_ppi_deactivate(unsigned pcpu, uint32_t intid)
{
	fake_gic_deactivate(pcpu, intid);
	fake_gic.calls++;
}

void gic_ppi_set_pending(unsigned pcpu, uint32_t intid, bool pending)
{
	fake_gic.ppi_pending[pcpu][intid] = pending;
	fake_gic.calls++;
}

void gic_ppi_set_active(unsigned pcpu, uint32_t intid, bool active)
{
	fake_gic.ppi_active[pcpu][intid] = active;
	fake_gic.calls++;
}

bool gic_is_pending(unsigned pcpu, uint32_t intid)
{
	if (intid < 32)
		return fake_gic.ppi_pending[pcpu][intid] ||
		       fake_gic.ppi_level[pcpu][intid];
	return fake_gic.spi_pending[intid] || fake_gic.spi_level[intid];
}

bool gic_is_active(unsigned pcpu, uint32_t intid)
{
	return intid < 32 ? fake_gic.ppi_active[pcpu][intid] :
			    fake_gic.spi_active[intid];
}

uint32_t pmu_guest_intid(unsigned pcpu)
{
	return fake_gic.pmu_intid[pcpu];
}

void gic_send_sgi(uint64_t mpidr, unsigned sgi)
{
	(void)sgi;
	fake_gic.sgis_sent++;
	fake_gic.last_sgi_mpidr = mpidr;
}

uint64_t gic_redist_base(uint64_t mpidr)
{
	(void)mpidr;
	return 0; /* no redistributor frames: the fake board has no ITS */
}

uint32_t gic_dist_read(uint32_t off)
{
	return off == GICD_TYPER ? fake_gic.typer : 0x43b;
}
