/* SPDX-License-Identifier: MIT */
/*
 * The physical GICv3 ITS (IHI0069 chapter 6), programmed once at boot:
 * every owned PCI function's DeviceID has its events 0..msi_count-1
 * translated to LPIs of its VM's block (its_lpi_of()), on the collection
 * of that VM's vCPU 0's CPU.  An LPI that arrives is pulsed into its VM as
 * the edge virtual SPI msi_intid + event: the VM's guest sees MBIs
 * (GICD_SETSPI_NSR of its own distributor), never the ITS.
 */
#ifndef ARCH_ITS_H
#define ARCH_ITS_H

#include "arch/its_cmd.h"
#include "shikiri/plan.h"

struct vm;

/* GITS registers (IHI0069 12.19): control frame, then translater frame. */
#define GITS_CTLR 0x0000u
#define GITS_TYPER 0x0008u
#define GITS_CBASER 0x0080u
#define GITS_CWRITER 0x0088u
#define GITS_CREADR 0x0090u
#define GITS_BASER 0x0100u
#define GITS_TRANSLATER_FRAME 0x10000u
#define GITS_TRANSLATER 0x10040u
#define GITS_SIZE 0x20000u

/**
 * its_init() - When @board has an ITS: its device, collection and command
 * tables, one collection per CPU (ICID = CPU index), then enable it.  Boot
 * CPU, after gic_init(), before any VM is set up.  Return: 0 (also without
 * an ITS), or a negative error, logged; a VM with MSIs then fails its
 * set-up (its_vm_init()), so the plan is refused.
 */
int its_init(const struct shikiri_plan_board *board);

/**
 * its_init_cpu() - Enable LPIs at CPU @pcpu's redistributor (property and
 * pending tables), when the ITS came up.  On that CPU, after
 * gic_init_cpu().
 */
void its_init_cpu(unsigned pcpu);

/**
 * its_vm_init() - @vm's MSIs: its virtual SPIs msi_intid..+msi_count-1
 * (edge), their LPIs enabled, each of its plan's PCI functions' events
 * mapped in the ITS, and the address its functions' MSIs go to (SMMU:
 * the vGICD page, mapped to the ITS translater; without: GITS_TRANSLATER)
 * in vm->arch.msi_doorbell.  Boot CPU, from arch_vm_init(), after
 * vgic_init().  Return: 0, or a negative error, logged.
 */
int its_vm_init(struct vm *vm);

/**
 * its_lpi() - Physical LPI @intid arrived (acknowledged, priority
 * dropped): pulse its VM's line.  LPIs have no active state, so nothing
 * is left to deactivate.  Any CPU.
 */
void its_lpi(uint32_t intid);

#endif /* ARCH_ITS_H */
