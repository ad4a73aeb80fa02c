/* SPDX-License-Identifier: MIT */
#ifndef HV_VUART_H
#define HV_VUART_H

#include "hv/types.h"

struct vm;

/*
 * The emulated UART a VM's console is, whatever model the architecture
 * gives it (a PL011 on Arm, a 16550 on x86): what the console multiplexer,
 * the shell and the VM's life cycle ask of it.  The model lives in the VM's
 * arch state (arch/vm_arch.h); each arch's model implements these.
 */

/** vuart_init() - Emulate the console UART of @vm's plan record. */
int vuart_init(struct vm *vm);

/** vuart_reset() - Back to power-on: registers reset, input gone. */
void vuart_reset(struct vm *vm);

/** vuart_rx() - Input @c for @vm.  Return: false when it was dropped. */
bool vuart_rx(struct vm *vm, char c);

/** vuart_tx_room() - The console has room for @vm's output again. */
void vuart_tx_room(struct vm *vm);

/** vuart_rx_dropped() - Input bytes @vm lost because it did not read. */
uint64_t vuart_rx_dropped(struct vm *vm);

#endif /* HV_VUART_H */
