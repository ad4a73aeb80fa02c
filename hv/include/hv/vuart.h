/* SPDX-License-Identifier: MIT */
#ifndef HV_VUART_H
#define HV_VUART_H

#include "hv/types.h"

struct vm;

/*
 * A VM's virtual console UART, as the console multiplexer and the VM's
 * life see it.  Each arch picks the device behind it (aarch64: an emulated
 * PL011, hv/arch/aarch64/vpl011.c; x86_64: an emulated 16550) and keeps it
 * in struct arch_vm.  Only for VMs with SHIKIRI_VM_CONSOLE_VIRTUAL.
 */

/**
 * vuart_init() - Emulate @vm's console UART at @base (aarch64: an IPA;
 * x86_64: an I/O port) raising the VM's interrupt @irq (a virtual INTID;
 * a GSI of its I/O APIC).  Boot time.  Return: 0 or a negative error.
 */
int vuart_init(struct vm *vm, uint64_t base, uint32_t irq);

/**
 * vuart_reset() - Registers back to their reset values, received input
 * gone, the console's filter state for the VM too.
 */
void vuart_reset(struct vm *vm);

/**
 * vuart_rx() - The console received @c for @vm: queue it.
 * Return: false when the buffer was full and @c was dropped (counted).
 */
bool vuart_rx(struct vm *vm, char c);

/**
 * vuart_tx_room() - The console has made room in @vm's output buffer after
 * the UART found it short: raise its transmit interrupt.  Called with no
 * console lock held.
 */
void vuart_tx_room(struct vm *vm);

/** vuart_rx_dropped() - Input bytes dropped because @vm's buffer was full. */
uint64_t vuart_rx_dropped(struct vm *vm);

#endif /* HV_VUART_H */
