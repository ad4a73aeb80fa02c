// SPDX-License-Identifier: MIT
/* Small file and string helpers for the host tool. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"

/**
 * fileio_xmalloc() - calloc() that aborts the tool when out of memory.
 * @size: bytes, zeroed.
 *
 * Return: the memory, never NULL.
 */
void *fileio_xmalloc(size_t size)
{
	void *p = calloc(1, size ? size : 1);

	if (!p) {
		fputs("shikiri-build: out of memory\n", stderr);
		exit(2);
	}
	return p;
}

/**
 * fileio_strdup_printf() - printf into a freshly allocated string.
 * @fmt: the format.
 *
 * Return: the string; aborts the tool when out of memory.
 */
char *fileio_strdup_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	s = fileio_xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/**
 * fileio_read() - Read a whole regular file.
 * @path: the file.
 * @out: receives the bytes.
 *
 * Return: 0, or a negative errno value.
 */
int fileio_read(const char *path, struct blob *out)
{
	struct stat st;
	size_t done = 0;
	int fd, err = 0;

	out->data = NULL;
	out->size = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		err = -errno;
	} else if (!S_ISREG(st.st_mode)) {
		err = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	} else {
		out->data = fileio_xmalloc((size_t)st.st_size);
		out->size = (size_t)st.st_size;
	}
	while (!err && done < out->size) {
		ssize_t n = read(fd, out->data + done, out->size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			err = n < 0 ? -errno : -EIO;
		else
			done += (size_t)n;
	}
	close(fd);
	if (err)
		fileio_free(out);
	return err;
}

/**
 * fileio_free() - Release a blob's bytes.
 * @b: the blob; left empty.
 */
void fileio_free(struct blob *b)
{
	free(b->data);
	b->data = NULL;
	b->size = 0;
}

/**
 * fileio_write() - Create or truncate @path and write @size bytes to it.
 * @path: the file.
 * @data: the bytes.
 * @size: how many.
 *
 * Return: 0, or a negative errno value.
 */
int fileio_write(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	int err = 0;

	if (!f)
		return -errno;
	if (size && fwrite(data, 1, size, f) != size)
		err = -errno;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

/**
 * fileio_tmpfile() - Create an empty private temporary file.
 * @tag: a word to put in the name.
 *
 * Return: its malloc'd path, or NULL (errno set).
 */
char *fileio_tmpfile(const char *tag)
{
	const char *dir = getenv("TMPDIR");
	char *path;
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	path = fileio_strdup_printf("%s/shikiri-%s-XXXXXX", dir, tag);
	fd = mkstemp(path);
	if (fd < 0) {
		free(path);
		return NULL;
	}
	close(fd);
	return path;
}

/**
 * fileio_dirname() - The directory part of @path.
 * @path: a file name.
 *
 * Return: a malloc'd string, "." when @path has no directory part.
 */
char *fileio_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return fileio_strdup_printf(".");
	if (slash == path)
		return fileio_strdup_printf("/");
	return fileio_strdup_printf("%.*s", (int)(slash - path), path);
}

/**
 * fileio_join() - @rel taken relative to @dir, unless it is absolute.
 * @dir: a directory.
 * @rel: a path.
 *
 * Return: a malloc'd string.
 */
char *fileio_join(const char *dir, const char *rel)
{
	if (rel[0] == '/' || strcmp(dir, ".") == 0)
		return fileio_strdup_printf("%s", rel);
	return fileio_strdup_printf("%s/%s", dir, rel);
}
