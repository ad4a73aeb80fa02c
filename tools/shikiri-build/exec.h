/* SPDX-License-Identifier: MIT */
#ifndef SHIKIRI_BUILD_EXEC_H
#define SHIKIRI_BUILD_EXEC_H

#include <stdbool.h>

#include "fileio.h"

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

/**
 * exec_dtc() - Compile a device-tree source into a blob with dtc.
 * @src: the .dts (or overlay .dtso) file.
 * @overlay: pass -@ (symbols, and the fragments of a /plugin/ source).
 * @out: receives the blob (malloc'd) when dtc succeeds.
 * @messages: receives what dtc said, trailing white space trimmed
 *            (malloc'd; the caller frees it).
 *
 * dtc is $SHIKIRI_DTC, or "dtc" from PATH; warnings are silenced (-q).
 *
 * Return: dtc's exit status as exec_run() gives it; 0 with @out filled,
 * or -2 when dtc succeeded but its output could not be read.
 */
int exec_dtc(const char *src, bool overlay, struct blob *out, char **messages);

#endif /* SHIKIRI_BUILD_EXEC_H */
