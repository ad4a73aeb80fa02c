// SPDX-License-Identifier: MIT
/*
 * Stopping and resetting a function: held (no DMA, no interrupt) when its
 * VM stops; reset with the strongest method it offers and its header
 * restored when its VM (re)starts, or when its guest asks for a Function
 * Level Reset or takes it from D3hot to D0, so the next driver finds it
 * at power-on state at the addresses the firmware gave it.  The waits are
 * the specs': 100 ms after an FLR (PCIe 5.0 6.6.2), 10 ms around a D3hot
 * transition (PCI PM 1.2 5.6.1); every poll is bounded.
 */
#include "pci_int.h"

static const char *const names[] = {
	[PCI_RESET_FLR] = "FLR",
	[PCI_RESET_AF_FLR] = "AF FLR",
	[PCI_RESET_PM] = "D3hot-D0",
	[PCI_RESET_NONE] = "none",
};

const char *pci_reset_name(enum pci_reset r)
{
	return (unsigned)r < ARRAY_SIZE(names) ? names[r] : "?";
}

static bool has_flr(const struct pci_fn *fn)
{
	return fn->pcie_cap && pci_rd(fn, fn->pcie_cap + PCI_EXP_DEVCAP, 4) &
				       PCI_EXP_DEVCAP_FLR;
}

/* AF FLR needs Transactions Pending too, to know when to start it. */
static bool has_af_flr(const struct pci_fn *fn)
{
	return fn->af_cap && (pci_rd(fn, fn->af_cap + PCI_AF_CAP, 1) &
			      (PCI_AF_CAP_TP | PCI_AF_CAP_FLR)) ==
				     (PCI_AF_CAP_TP | PCI_AF_CAP_FLR);
}

enum pci_reset pci_reset_choose(const struct pci_fn *fn)
{
	if (has_flr(fn))
		return PCI_RESET_FLR;
	if (has_af_flr(fn))
		return PCI_RESET_AF_FLR;
	if (fn->pm_cap &&
	    !(pci_rd(fn, fn->pm_cap + PCI_PM_CSR, 2) & PCI_PM_NO_SOFT_RESET))
		return PCI_RESET_PM;
	return PCI_RESET_NONE;
}

void pci_reset_hold(const struct pci_fn *fn)
{
	uint16_t cmd = (uint16_t)pci_rd(fn, PCI_COMMAND, 2);
	uint16_t ctrl;

	/*
	 * Bus mastering off first: it stops DMA and MSI writes at once.
	 * Decode stays as it is: nothing accesses a stopped VM's BARs, and
	 * each decode change remaps them in the machine, which QEMU 7.2's
	 * multi-threaded TCG does not make safe for the other VMs' MMIO at
	 * that moment (it crashed QEMU in linux1's reboot storm of
	 * tests/system/test_x86_pci.py).
	 */
	pci_wr(fn, PCI_COMMAND, 2, (cmd & ~PCI_CMD_BME) | PCI_CMD_INTX_DISABLE);
	if (fn->msi_cap) {
		ctrl = (uint16_t)pci_rd(fn, fn->msi_cap + PCI_MSI_CTRL, 2);
		pci_wr(fn, fn->msi_cap + PCI_MSI_CTRL, 2,
		       ctrl & ~(PCI_MSI_ENABLE | PCI_MSI_MME));
		if (fn->msi_dev_ctrl & PCI_MSI_MASKABLE)
			pci_wr(fn,
			       fn->msi_cap + (fn->msi_dev_ctrl & PCI_MSI_64 ?
						      16u :
						      12u),
			       4, 0xffffffffu);
	}
	if (fn->msix_cap) {
		ctrl = (uint16_t)pci_rd(fn, fn->msix_cap + PCI_MSIX_CTRL, 2);
		pci_wr(fn, fn->msix_cap + PCI_MSIX_CTRL, 2,
		       (ctrl & ~PCI_MSIX_ENABLE) | PCI_MSIX_MASKALL);
	}
}

/* Wait, PCI_TP_POLLS times PCI_POLL_US at most, for @bit to clear. */
static void wait_clear(const struct pci_fn *fn, unsigned off, unsigned size,
		       uint32_t bit)
{
	for (unsigned i = 0; i < PCI_TP_POLLS && (pci_rd(fn, off, size) & bit);
	     i++)
		arch_pci_delay_us(PCI_POLL_US);
}

static void flr(const struct pci_fn *fn)
{
	unsigned ctl = fn->pcie_cap + PCI_EXP_DEVCTL;

	/* Outstanding requests complete before the reset (PCIe 5.0 6.6.2). */
	wait_clear(fn, fn->pcie_cap + PCI_EXP_DEVSTA, 2, PCI_EXP_DEVSTA_TP);
	pci_wr(fn, ctl, 2, pci_rd(fn, ctl, 2) | PCI_EXP_DEVCTL_FLR);
	arch_pci_delay_us(PCI_FLR_WAIT_US);
}

static void af_flr(const struct pci_fn *fn)
{
	wait_clear(fn, fn->af_cap + PCI_AF_STATUS, 1, PCI_AF_STATUS_TP);
	pci_wr(fn, fn->af_cap + PCI_AF_CTRL, 1, PCI_AF_CTRL_FLR);
	arch_pci_delay_us(PCI_FLR_WAIT_US);
}

static void pm_cycle(const struct pci_fn *fn)
{
	unsigned csr = fn->pm_cap + PCI_PM_CSR;
	uint16_t v = (uint16_t)pci_rd(fn, csr, 2) & ~PCI_PM_STATE;

	pci_wr(fn, csr, 2, v | PCI_PM_D3HOT);
	arch_pci_delay_us(PCI_PM_WAIT_US);
	pci_wr(fn, csr, 2, v);
	arch_pci_delay_us(PCI_PM_WAIT_US);
}

/* After a reset the function may answer with retries for a while
 * (PCIe 5.0 2.3.1): wait until it reads as itself, bounded. */
static void wait_ready(const struct pci_fn *fn)
{
	for (unsigned i = 0; i < PCI_READY_POLLS &&
			     (pci_rd(fn, PCI_VENDOR, 2) & 0xffffu) == 0xffffu;
	     i++)
		arch_pci_delay_us(PCI_POLL_US);
}

/*
 * Put back what the firmware gave @fn and the reset cleared: BARs, cache
 * line, latency timer, Interrupt Line, then @cmd; and the guest's shadows
 * of its emulated registers as after power-on.
 */
static void restore(struct pci_fn *fn, uint16_t cmd)
{
	const uint8_t *h = fn->header;

	for (unsigned i = 0; i < PCI_MAX_BARS; i++) {
		unsigned o = PCI_BAR0 + 4 * i;

		pci_wr(fn, o, 4,
		       (uint32_t)h[o] | (uint32_t)h[o + 1] << 8 |
			       (uint32_t)h[o + 2] << 16 |
			       (uint32_t)h[o + 3] << 24);
		fn->bar[i].sizing = false;
	}
	pci_wr(fn, PCI_CACHE_LINE, 1, h[PCI_CACHE_LINE]);
	pci_wr(fn, PCI_LATENCY, 1, h[PCI_LATENCY]);
	pci_wr(fn, PCI_INT_LINE, 1, h[PCI_INT_LINE]);
	/* Without a reset the hold's Function Mask would stay: MSI-X as at
	 * power-on, disabled and unmasked (no entry can fire while off). */
	if (fn->msix_cap)
		pci_wr(fn, fn->msix_cap + PCI_MSIX_CTRL, 2,
		       pci_rd(fn, fn->msix_cap + PCI_MSIX_CTRL, 2) &
			       ~(uint32_t)(PCI_MSIX_ENABLE | PCI_MSIX_MASKALL));
	pci_wr(fn, PCI_COMMAND, 2, cmd);
	fn->cmd = cmd;
	fn->intx_line = h[PCI_INT_LINE];
	pci_msi_forget(fn);
	pci_msix_forget(fn);
}

/*
 * A function its guest left in D3hot goes back to D0 first: an FLR is
 * only defined in D0, and the next guest expects D0 whatever the reset.
 */
static void wake(const struct pci_fn *fn)
{
	unsigned csr = fn->pm_cap + PCI_PM_CSR;
	uint16_t v;

	if (!fn->pm_cap || fn->reset == PCI_RESET_PM)
		return;
	v = (uint16_t)pci_rd(fn, csr, 2);
	if (!(v & PCI_PM_STATE))
		return;
	pci_wr(fn, csr, 2, v & ~PCI_PM_STATE);
	arch_pci_delay_us(PCI_PM_WAIT_US);
}

/* Reset @fn by its method; the caller has held it. */
static void reset(struct pci_fn *fn)
{
	wake(fn);
	switch (fn->reset) {
	case PCI_RESET_FLR:
		flr(fn);
		break;
	case PCI_RESET_AF_FLR:
		af_flr(fn);
		break;
	case PCI_RESET_PM:
		pm_cycle(fn);
		break;
	default:
		return;
	}
	wait_ready(fn);
}

void pci_reset_fn(struct pci_fn *fn)
{
	uint16_t cmd = (uint16_t)(fn->header[PCI_COMMAND] |
				  fn->header[PCI_COMMAND + 1] << 8);

	pci_reset_hold(fn);
	reset(fn);
	/*
	 * Bus mastering stays off: a function without a reset may still hold
	 * the last life's DMA descriptors, and would follow them into the
	 * next one's memory the moment it is on.  The next driver turns it
	 * on once it has reset its device (Linux: pci_set_master()).
	 */
	restore(fn, cmd & ~PCI_CMD_BME);
}

/*
 * The guest asked for a reset its device would do on its own: do it
 * with the hypervisor's waits, and put back the BARs (which the guest
 * cannot write) with decoding off, as a reset leaves the command register.
 */
static void guest_reset(struct pci_fn *fn, enum pci_reset how)
{
	pci_reset_hold(fn);
	if (how == PCI_RESET_FLR)
		flr(fn);
	else
		af_flr(fn);
	wait_ready(fn);
	restore(fn, 0);
}

/* The guest writes PMCSR; a D3hot -> D0 that resets the device restores. */
static void pm_write(struct pci_fn *fn, unsigned d, unsigned bm, uint32_t dval)
{
	uint32_t before = pci_rd(fn, d, 2);

	pci_cfg_pass(fn, d, bm, dval);
	if (!(bm & 1u) || (before & PCI_PM_STATE) != PCI_PM_D3HOT ||
	    (dval & PCI_PM_STATE) != 0 || (before & PCI_PM_NO_SOFT_RESET))
		return;
	arch_pci_delay_us(PCI_PM_WAIT_US);
	wait_ready(fn);
	restore(fn, 0);
}

bool pci_reset_cap_write(struct pci_fn *fn, unsigned d, unsigned bm,
			 uint32_t dval)
{
	if (fn->pcie_cap && d == fn->pcie_cap + PCI_EXP_DEVCTL) {
		if ((bm & 2u) && (dval & PCI_EXP_DEVCTL_FLR) && has_flr(fn))
			guest_reset(fn, PCI_RESET_FLR);
		else
			pci_cfg_pass(fn, d, bm, dval & ~PCI_EXP_DEVCTL_FLR);
		return true;
	}
	if (fn->af_cap && d == fn->af_cap + PCI_AF_CTRL) {
		if ((bm & 1u) && (dval & PCI_AF_CTRL_FLR) && has_af_flr(fn))
			guest_reset(fn, PCI_RESET_AF_FLR);
		else
			pci_cfg_pass(fn, d, bm, dval & ~PCI_AF_CTRL_FLR);
		return true;
	}
	if (fn->pm_cap && d == fn->pm_cap + PCI_PM_CSR) {
		pm_write(fn, d, bm, dval);
		return true;
	}
	return false;
}
