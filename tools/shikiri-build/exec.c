// SPDX-License-Identifier: MIT
/* Running dtc and QEMU: fork, exec, collect standard error, wait. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec.h"
#include "fileio.h"

static void child(char *const argv[], int err_fd)
{
	int null = open("/dev/null", O_RDWR);

	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
	}
	dup2(err_fd, STDERR_FILENO);
	execvp(argv[0], argv);
	dprintf(STDERR_FILENO, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static char *slurp(int fd)
{
	size_t size = 0, cap = 4096;
	char *buf = fileio_xmalloc(cap);

	for (;;) {
		ssize_t n;

		if (cap - size < 1024) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf) {
				fputs("shikiri-build: out of memory\n", stderr);
				exit(2);
			}
		}
		n = read(fd, buf + size, cap - size - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		size += (size_t)n;
	}
	buf[size] = '\0';
	return buf;
}

/**
 * exec_run() - Run a program to completion, capturing what it says.
 * @argv: program and arguments, NULL-terminated.
 * @messages: receives its standard error (malloc'd).
 *
 * Return: exit status, 127 when it could not be started, -1 on a signal.
 */
int exec_run(char *const argv[], char **messages)
{
	int pipefd[2], status;
	pid_t pid;

	if (pipe(pipefd) < 0 || fcntl(pipefd[0], F_SETFD, FD_CLOEXEC) < 0 ||
	    fcntl(pipefd[1], F_SETFD, FD_CLOEXEC) < 0) {
		*messages = fileio_strdup_printf("pipe: %s\n", strerror(errno));
		return 127;
	}
	pid = fork();
	if (pid < 0) {
		*messages = fileio_strdup_printf("fork: %s\n", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		return 127;
	}
	if (pid == 0)
		child(argv, pipefd[1]);
	close(pipefd[1]);
	*messages = slurp(pipefd[0]);
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return -1;
}

/**
 * exec_dtc() - Compile a device-tree source into a blob with dtc.
 * @src: the source file.
 * @overlay: pass -@.
 * @out: receives the blob.
 * @messages: receives what dtc said.
 *
 * Return: dtc's exit status, or -2 when its output could not be read.
 */
int exec_dtc(const char *src, bool overlay, struct blob *out, char **messages)
{
	const char *dtc = getenv("SHIKIRI_DTC");
	char *tmp = fileio_tmpfile("dtc");
	const char *argv[12];
	size_t n = 0, len;
	int status;

	if (!dtc || !*dtc)
		dtc = "dtc";
	if (!tmp) {
		*messages = fileio_strdup_printf("cannot create a temporary "
						 "file");
		return 127;
	}
	argv[n++] = dtc;
	argv[n++] = "-q";
	if (overlay)
		argv[n++] = "-@";
	argv[n++] = "-I";
	argv[n++] = "dts";
	argv[n++] = "-O";
	argv[n++] = "dtb";
	argv[n++] = "-o";
	argv[n++] = tmp;
	argv[n++] = src;
	argv[n] = NULL;
	status = exec_run((char *const *)argv, messages);
	if (status == 0 && fileio_read(tmp, out))
		status = -2;
	unlink(tmp);
	free(tmp);
	len = strlen(*messages);
	while (len &&
	       ((*messages)[len - 1] == '\n' || (*messages)[len - 1] == ' '))
		(*messages)[--len] = '\0';
	return status;
}
