/* SPDX-License-Identifier: MIT */
#ifndef HV_SHELL_H
#define HV_SHELL_H

#include <stdbool.h>

/*
 * The hypervisor shell on the console (Ctrl-] then ':'): list, start, stop,
 * restart, stats, focus, help, exit.  It runs in the console's receive
 * interrupt, on the CPU that serves the UART.
 */

/** shell_open() - Show the prompt; input goes to the shell from now on. */
void shell_open(void);

/** shell_active() - Whether input currently goes to the shell. */
bool shell_active(void);

/** shell_input() - One character typed while the shell is open. */
void shell_input(char c);

/**
 * shell_execute() - Run one command line (also used by the unit tests).
 * Return: false when the line closes the shell ("exit").
 */
bool shell_execute(const char *line);

#endif /* HV_SHELL_H */
