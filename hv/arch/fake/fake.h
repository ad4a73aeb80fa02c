/* SPDX-License-Identifier: MIT */
/*
 * The fake architecture: host implementations of the hardware-facing calls,
 * recording what the code under test asked of the hardware, so unit tests
 * can assert on it.
 */
#ifndef HV_ARCH_FAKE_H
#define HV_ARCH_FAKE_H

#include <stdbool.h>
#include <stdint.h>

#define FAKE_INTIDS 1024

struct fake_gic {
	bool spi_enabled[FAKE_INTIDS];
	bool spi_pending[FAKE_INTIDS];
	bool spi_edge[FAKE_INTIDS];
	uint64_t spi_route[FAKE_INTIDS];
	bool ppi_enabled[8][32];
	unsigned sgis_sent;
	uint64_t last_sgi_mpidr;
	uint32_t typer;
	unsigned calls; /* every state-changing call */
};

struct fake_cpu {
	unsigned pcpu;        /* what arch_pcpu_id() returns */
	unsigned kicks[8];    /* arch_kick() per CPU */
};

extern struct fake_gic fake_gic;
extern struct fake_cpu fake_cpu;

/** fake_reset() - Forget everything recorded. */
void fake_reset(void);

#endif /* HV_ARCH_FAKE_H */
