/* SPDX-License-Identifier: MIT */
/* Waiting for a key on the console: how a system test paces a guest. */
#ifndef BAREMETAL_KEY_H
#define BAREMETAL_KEY_H

/*
 * How long to wait after a key before printing: plenty for a test that
 * typed it to move the console's input focus on (baremetal.start_key).
 */
#define KEY_PAUSE_US 500000

/**
 * key_wait() - Sleep until a character arrives on the console; return it,
 * having read and dropped every other one already received.
 */
int key_wait(void);

#endif /* BAREMETAL_KEY_H */
