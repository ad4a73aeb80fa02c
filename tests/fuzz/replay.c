// SPDX-License-Identifier: MIT
/*
 * A harness without libFuzzer: replays every input of its checked-in
 * corpus (FUZZ_CORPUS, or the directories and files given) once, under
 * ASan/UBSan, as a unit test.  A broken invariant aborts the run; what
 * it prints on success is cmocka's summary, one test per input.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned replayed;

static void replay_file(const char *path)
{
	static uint8_t buf[1 << 20];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		perror(path);
		exit(1);
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	printf("[ RUN      ] %s\n", path);
	fflush(stdout);
	LLVMFuzzerTestOneInput(buf, n);
	printf("[       OK ] %s\n", path);
	replayed++;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void replay(const char *path)
{
	struct dirent **names;
	struct stat st;
	int count;

	if (stat(path, &st)) {
		perror(path);
		exit(1);
	}
	if (!S_ISDIR(st.st_mode)) {
		replay_file(path);
		return;
	}
	count = scandir(path, &names, NULL, by_name);
	for (int i = 0; i < count; i++) {
		char file[4096];

		if (names[i]->d_name[0] != '.') {
			snprintf(file, sizeof(file), "%s/%s", path,
				 names[i]->d_name);
			replay_file(file);
		}
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		for (int i = 1; i < argc; i++)
			replay(argv[i]);
	else
		replay(FUZZ_CORPUS);
	printf("[==========] %u test(s) run.\n", replayed);
	printf("[  PASSED  ] %u test(s).\n", replayed);
	return replayed ? 0 : 1;
}
