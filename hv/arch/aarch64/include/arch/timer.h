/* SPDX-License-Identifier: MIT */
#ifndef ARCH_TIMER_H
#define ARCH_TIMER_H

struct console_clock;

/* The EL2 physical timer's PPI. */
#define TIMER_HYP_INTID 26u

/** timer_console_clock() - The EL2 timer as the console's clock. */
const struct console_clock *timer_console_clock(void);

/** timer_expired() - This CPU's EL2 timer fired: stop it, run its work. */
void timer_expired(void);

#endif /* ARCH_TIMER_H */
