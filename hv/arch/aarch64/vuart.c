/* SPDX-License-Identifier: MIT */
/*
 * An Arm VM's console UART (hv/vuart.h) is an emulated PL011 at the plan's
 * console_base, on a software SPI (console_irq) of its vGIC,
 * level-triggered and resampled at the guest's EOI.
 */
#include "arch/vgic.h"
#include "arch/vpl011.h"
#include "hv/vm.h"
#include "hv/vuart.h"

int vuart_init(struct vm *vm)
{
	int ret = vpl011_init(&vm->arch.uart, vm, vm->plan->console_base,
			      vm->plan->console_irq);

	if (!ret)
		ret = vgic_add_sw_spi(vm, vm->plan->console_irq, vpl011_line);
	return ret;
}

void vuart_reset(struct vm *vm)
{
	vpl011_reset(&vm->arch.uart);
}

bool vuart_rx(struct vm *vm, char c)
{
	return vpl011_rx(&vm->arch.uart, c);
}

void vuart_tx_room(struct vm *vm)
{
	vpl011_tx_room(&vm->arch.uart);
}

uint64_t vuart_rx_dropped(struct vm *vm)
{
	return vpl011_rx_dropped(&vm->arch.uart);
}
