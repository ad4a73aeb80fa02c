/* SPDX-License-Identifier: MIT */
#ifndef BAREMETAL_TIMER_H
#define BAREMETAL_TIMER_H

#include "baremetal/types.h"

/** timer_now_us() - Microseconds on the virtual counter (CNTVCT_EL0). */
uint64_t timer_now_us(void);

/** timer_delay_us() - Spin for at least @us microseconds. */
void timer_delay_us(uint64_t us);

#endif /* BAREMETAL_TIMER_H */
