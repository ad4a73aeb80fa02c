/* SPDX-License-Identifier: MIT */
#ifndef SHIKIRI_BUILD_FILEIO_H
#define SHIKIRI_BUILD_FILEIO_H

#include <stddef.h>
#include <stdint.h>

/** struct blob - A file's bytes in memory; free with fileio_free(). */
struct blob {
	uint8_t *data;
	size_t size;
};

/**
 * fileio_read() - Read a whole regular file.
 * @path: the file.
 * @out: receives the bytes (malloc'd; an empty file gives size 0).
 *
 * Return: 0, or a negative errno value.
 */
int fileio_read(const char *path, struct blob *out);

/** fileio_free() - Release a blob's bytes (safe on a zeroed blob). */
void fileio_free(struct blob *b);

/**
 * fileio_write() - Create or truncate @path and write @size bytes to it.
 *
 * Return: 0, or a negative errno value.
 */
int fileio_write(const char *path, const void *data, size_t size);

/**
 * fileio_tmpfile() - Create an empty private temporary file.
 * @tag: a word to put in the name, for whoever finds a leftover.
 *
 * Return: its malloc'd path (the caller unlinks and frees it), or NULL.
 */
char *fileio_tmpfile(const char *tag);

/**
 * fileio_dirname() - The directory part of @path ("." when there is none).
 *
 * Return: a malloc'd string.
 */
char *fileio_dirname(const char *path);

/**
 * fileio_join() - @rel taken relative to @dir, unless it is absolute.
 *
 * Return: a malloc'd string.
 */
char *fileio_join(const char *dir, const char *rel);

/**
 * fileio_strdup_printf() - printf into a freshly allocated string.
 *
 * Return: the string; aborts the tool when out of memory.
 */
char *fileio_strdup_printf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/** fileio_xmalloc() - calloc() that aborts the tool when out of memory. */
void *fileio_xmalloc(size_t size);

#endif /* SHIKIRI_BUILD_FILEIO_H */
