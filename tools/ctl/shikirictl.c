// SPDX-License-Identifier: MIT
/*
 * shikirictl: manage VMs from inside a VM, through the hypervisor's
 * management page (include/shikiri/manage.h) mapped with /dev/mem.  Static,
 * no kernel module, runs on Debian's unmodified kernel.
 *
 *   shikirictl list
 *   shikirictl start|stop|restart VM
 *   shikirictl status VM
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "shikiri/manage.h"

#define DT_ROOT "/proc/device-tree"
#define NODE_PREFIX "shikiri-manage@"
#define MEMMAP_ROOT "/sys/firmware/memmap"
/* Where every x86 VM with management rights finds the page (the fixed x86
 * guest layout); the VM's e820 marks it reserved only then. */
#define X86_MANAGE_GPA 0xfeb00000ull

static volatile uint32_t *page;

static uint32_t rd(unsigned off)
{
	return page[off / 4];
}

static void wr(unsigned off, uint32_t v)
{
	page[off / 4] = v;
}

static int32_t status(void)
{
	return (int32_t)rd(SHIKIRI_MANAGE_REG_STATUS);
}

static const char *strstatus(int32_t s)
{
	switch (s) {
	case SHIKIRI_MANAGE_OK:
		return "ok";
	case SHIKIRI_MANAGE_EPERM:
		return "permission denied (this VM has no right to manage it)";
	case SHIKIRI_MANAGE_ENOENT:
		return "no such VM";
	case SHIKIRI_MANAGE_EBUSY:
		return "not possible in its current state";
	case SHIKIRI_MANAGE_EINVAL:
		return "invalid request";
	default:
		return "unknown error";
	}
}

#if defined(__x86_64__)
/* Read the one number in file DIR/NAME (sysfs prints these in hex). */
static int read_hex(const char *dir, const char *name, uint64_t *value)
{
	char path[512];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	ok = fscanf(f, "%" SCNx64, value) == 1;
	fclose(f);
	return ok ? 0 : -1;
}

/*
 * The page's physical address, from the e820 map the kernel was given
 * (/sys/firmware/memmap keeps it as it came): x86 has no device tree, and
 * touching the fixed address in a VM that has no page there would be a
 * nested page fault, which ends that VM.  So only a reserved entry that
 * covers exactly the page says it is there.
 */
static int find_page(uint64_t *addr)
{
	DIR *d = opendir(MEMMAP_ROOT);
	struct dirent *e;
	char dir[512], type[32];
	uint64_t start, end;
	FILE *f;

	if (!d) {
		perror("shikirictl: " MEMMAP_ROOT);
		return -1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), MEMMAP_ROOT "/%s", e->d_name);
		if (read_hex(dir, "start", &start) ||
		    read_hex(dir, "end", &end))
			continue;
		if (start != X86_MANAGE_GPA ||
		    end != X86_MANAGE_GPA + SHIKIRI_MANAGE_SIZE - 1)
			continue;
		snprintf(dir + strlen(dir), sizeof(dir) - strlen(dir), "/type");
		f = fopen(dir, "r");
		if (!f)
			continue;
		if (!fgets(type, sizeof(type), f))
			type[0] = 0;
		fclose(f);
		if (!strncmp(type, "Reserved", 8)) {
			closedir(d);
			*addr = start;
			return 0;
		}
	}
	closedir(d);
	fprintf(stderr,
		"shikirictl: no reserved e820 entry at 0x%llx: "
		"not running under shikiri, or no management rights?\n",
		X86_MANAGE_GPA);
	return -1;
}
#else
/* The page's physical address, from the node the hypervisor described. */
static int find_page(uint64_t *addr)
{
	DIR *d = opendir(DT_ROOT);
	struct dirent *e;
	char path[512];
	unsigned char reg[16];
	FILE *f;
	size_t n;

	if (!d) {
		perror("shikirictl: " DT_ROOT);
		return -1;
	}
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, NODE_PREFIX, strlen(NODE_PREFIX)))
			break;
	if (!e) {
		closedir(d);
		fprintf(stderr, "shikirictl: no %s node in the device tree: "
				"not running under shikiri?\n",
			NODE_PREFIX);
		return -1;
	}
	snprintf(path, sizeof(path), DT_ROOT "/%s/reg", e->d_name);
	closedir(d);
	f = fopen(path, "rb");
	n = f ? fread(reg, 1, sizeof(reg), f) : 0;
	if (f)
		fclose(f);
	if (n < 8) {
		fprintf(stderr, "shikirictl: cannot read %s\n", path);
		return -1;
	}
	/* #address-cells = 2: a big-endian 64-bit address first. */
	*addr = 0;
	for (int i = 0; i < 8; i++)
		*addr = *addr << 8 | reg[i];
	return 0;
}
#endif

static int map_page(void)
{
	uint64_t addr;
	int fd;
	void *p;

	if (find_page(&addr))
		return -1;
	fd = open("/dev/mem", O_RDWR | O_SYNC);
	if (fd < 0) {
		perror("shikirictl: /dev/mem");
		return -1;
	}
	p = mmap(NULL, SHIKIRI_MANAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, (off_t)addr);
	close(fd);
	if (p == MAP_FAILED) {
		perror("shikirictl: mmap");
		return -1;
	}
	page = p;
	if (rd(SHIKIRI_MANAGE_REG_MAGIC) != SHIKIRI_MANAGE_MAGIC) {
		fprintf(stderr, "shikirictl: no management page at 0x%llx\n",
			(unsigned long long)addr);
		return -1;
	}
	return 0;
}

static void vm_name(unsigned idx, char name[17])
{
	wr(SHIKIRI_MANAGE_REG_SELECT, idx);
	for (unsigned i = 0; i < 16; i += 4) {
		uint32_t v = rd(SHIKIRI_MANAGE_REG_NAME + i);

		memcpy(name + i, &v, 4);
	}
	name[16] = '\0';
}

static const char *state_name(uint32_t s)
{
	static const char *const names[] = { "stopped", "starting", "running",
					     "stopping" };

	return s < 4 ? names[s] : "?";
}

/* The VM called @arg (a name or an index); -1 when there is none. */
static int lookup(const char *arg)
{
	unsigned count = rd(SHIKIRI_MANAGE_REG_COUNT);
	char *end;
	long idx = strtol(arg, &end, 10);
	char name[17];

	if (*arg && !*end)
		return idx >= 0 && idx < (long)count ? (int)idx : -1;
	for (unsigned i = 0; i < count; i++) {
		vm_name(i, name);
		if (status() == SHIKIRI_MANAGE_OK && !strcmp(name, arg))
			return (int)i;
	}
	return -1;
}

/*
 * No visible VM has that name.  When some VMs are hidden from this one, it
 * may be one of them: that is a permission error, not a typo.
 */
static int unknown(const char *arg)
{
	unsigned count = rd(SHIKIRI_MANAGE_REG_COUNT), visible = 0;

	for (unsigned i = 0; i < count; i++) {
		wr(SHIKIRI_MANAGE_REG_SELECT, i);
		rd(SHIKIRI_MANAGE_REG_STATE);
		visible += status() == SHIKIRI_MANAGE_OK;
	}
	if (visible < count) {
		fprintf(stderr, "shikirictl: %s: permission denied (no such "
				"VM among those this VM may manage)\n",
			arg);
		return 3;
	}
	fprintf(stderr, "shikirictl: %s: no such VM\n", arg);
	return 2;
}

static int cmd_list(void)
{
	unsigned count = rd(SHIKIRI_MANAGE_REG_COUNT);
	unsigned self = rd(SHIKIRI_MANAGE_REG_SELF);
	int shown = 0;

	printf("%-3s %-15s %-9s %6s %9s %8s\n", "ID", "NAME", "STATE", "MEM",
	       "UPTIME", "RESTARTS");
	for (unsigned i = 0; i < count; i++) {
		char name[17];
		uint32_t state, mem, up, restarts;

		vm_name(i, name);
		if (status() != SHIKIRI_MANAGE_OK)
			continue;
		state = rd(SHIKIRI_MANAGE_REG_STATE);
		mem = rd(SHIKIRI_MANAGE_REG_MEM_MB);
		up = rd(SHIKIRI_MANAGE_REG_UPTIME_MS);
		restarts = rd(SHIKIRI_MANAGE_REG_RESTARTS);
		printf("%-3u %-15s %-9s %5uM %8.1fs %8u%s\n", i, name,
		       state_name(state), mem, up / 1000.0, restarts,
		       i == self ? "  (this VM)" : "");
		shown++;
	}
	if (shown < (int)count)
		printf("(%d VM(s) hidden: no right to manage them)\n",
		       (int)count - shown);
	return 0;
}

static int cmd_action(const char *verb, const char *arg)
{
	uint32_t cmd = !strcmp(verb, "start") ? SHIKIRI_MANAGE_CMD_START :
		       !strcmp(verb, "stop")  ? SHIKIRI_MANAGE_CMD_STOP :
						SHIKIRI_MANAGE_CMD_RESTART;
	int idx = lookup(arg);
	int32_t s;

	if (idx < 0)
		return unknown(arg);
	wr(SHIKIRI_MANAGE_REG_SELECT, (uint32_t)idx);
	wr(SHIKIRI_MANAGE_REG_COMMAND, cmd);
	s = status();
	if (s != SHIKIRI_MANAGE_OK) {
		fprintf(stderr, "shikirictl: %s %s: %s\n", verb, arg,
			strstatus(s));
		return s == SHIKIRI_MANAGE_EPERM ? 3 : 1;
	}
	printf("%s: %s requested\n", arg, verb);
	return 0;
}

static int cmd_status(const char *arg)
{
	int idx = lookup(arg);

	if (idx < 0)
		return unknown(arg);
	wr(SHIKIRI_MANAGE_REG_SELECT, (uint32_t)idx);
	printf("%s\n", state_name(rd(SHIKIRI_MANAGE_REG_STATE)));
	return status() == SHIKIRI_MANAGE_OK ? 0 : 3;
}

static int usage(void)
{
	fprintf(stderr, "usage: shikirictl list\n"
			"       shikirictl start|stop|restart|status VM\n");
	return 2;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	if (map_page())
		return 1;
	if (!strcmp(argv[1], "list") && argc == 2)
		return cmd_list();
	if (argc != 3)
		return usage();
	if (!strcmp(argv[1], "start") || !strcmp(argv[1], "stop") ||
	    !strcmp(argv[1], "restart"))
		return cmd_action(argv[1], argv[2]);
	if (!strcmp(argv[1], "status"))
		return cmd_status(argv[2]);
	return usage();
}
