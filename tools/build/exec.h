/* SPDX-License-Identifier: MIT */
#ifndef SHIKIRI_BUILD_EXEC_H
#define SHIKIRI_BUILD_EXEC_H

/**
 * exec_run() - Run a program to completion, capturing what it says.
 * @argv: program (looked up in PATH) and arguments, NULL-terminated.
 * @messages: receives its standard error as a malloc'd NUL-terminated
 *            string (possibly empty); the caller frees it.
 *
 * Standard input and output are /dev/null.
 *
 * Return: its exit status (0-255), 127 when it could not be started (the
 * reason is in @messages), or -1 when it died from a signal.
 */
int exec_run(char *const argv[], char **messages);

#endif /* SHIKIRI_BUILD_EXEC_H */
