// SPDX-License-Identifier: MIT
/*
 * shikiri-shm: use a shared-memory region and its doorbell from Linux
 * userspace, with nothing but stock modules (docs/communication.md).
 *
 * Each region a VM maps is a PCI function 1af4:1110 on the VM's virtual
 * PCI bus (include/shikiri/shm.h).  This program finds the function whose
 * NAME register holds the region's label, maps its registers (sysfs
 * resource0) and the region (resource2_wc, else resource2), and waits for
 * the doorbell through uio_pci_generic (/dev/uioN), binding that driver to
 * the function first if nothing has.
 *
 *   shikiri-shm info
 *   shikiri-shm fill NAME SEED [LEN]        a pseudo-random pattern
 *   shikiri-shm sum NAME [OFF LEN]           CRC-32 (as zlib's) of a range
 *   shikiri-shm copy-in NAME FILE [OFF]
 *   shikiri-shm copy-out NAME FILE [OFF LEN]
 *   shikiri-shm ring NAME PEER|all           PEER: a VM's index
 *   shikiri-shm wait NAME [TIMEOUT-MS]       prints who rang
 *   shikiri-shm pingpong NAME PEER N         round trips, min/median/max
 *   shikiri-shm pong NAME N                  answers N rings
 *
 * -f before the command writes into a region this VM maps read-only (the
 * hypervisor refuses the write: the VM's on-fault policy applies).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "shikiri/shm.h"

#define PCI_DEVICES "/sys/bus/pci/devices"
#define UIO_DRIVER "/sys/bus/pci/drivers/uio_pci_generic"
#define NAME_LEN 16
#define PCI_COMMAND 0x04
#define PCI_COMMAND_INTX_DISABLE 0x400u

/* How long pong and each round of pingpong wait for the other side. */
#define ROUND_TIMEOUT_MS 30000

/* One region as this VM sees it. */
struct shm {
	char slot[64];		 /* e.g. 0000:00:01.0 */
	char name[NAME_LEN + 1]; /* the NAME register */
	volatile uint32_t *regs; /* BAR 0 */
	volatile uint64_t *mem;	 /* BAR 2, NULL until map_region() */
	uint64_t size;
	int uio;    /* /dev/uioN, -1 until open_uio() */
	int config; /* its PCI config space (sysfs), -1 until open_uio() */
};

static int force_write;

static uint32_t rd(const struct shm *s, unsigned off)
{
	return s->regs[off / 4];
}

static void wr(const struct shm *s, unsigned off, uint32_t v)
{
	s->regs[off / 4] = v;
}

_Noreturn static void die(const char *what)
{
	fprintf(stderr, "shikiri-shm: %s\n", what);
	exit(1);
}

/* The first line of file DIR/NAME in @buf; 0 on success. */
static int read_line(const char *dir, const char *name, char *buf, size_t n)
{
	char path[512];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	ok = fgets(buf, (int)n, f) != NULL;
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return ok ? 0 : -1;
}

static int write_str(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* Map @size bytes of sysfs file SLOT/@res; NULL if it is not there. */
static void *map_resource(const char *slot, const char *res, int writable,
			  uint64_t *size)
{
	char path[512];
	struct stat st;
	void *p;
	int fd;

	snprintf(path, sizeof(path), PCI_DEVICES "/%.63s/%.63s", slot, res);
	fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_SYNC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || st.st_size <= 0) {
		close(fd);
		return NULL;
	}
	p = mmap(NULL, (size_t)st.st_size,
		 PROT_READ | (writable ? PROT_WRITE : 0), MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return NULL;
	*size = (uint64_t)st.st_size;
	return p;
}

/* Open function @slot if it is a shikiri region; 0 on success. */
static int open_slot(const char *slot, struct shm *s)
{
	char dir[512], id[16];
	uint64_t size;
	uint32_t word;
	unsigned i;

	snprintf(dir, sizeof(dir), PCI_DEVICES "/%.63s", slot);
	if (read_line(dir, "vendor", id, sizeof(id)) ||
	    strtoul(id, NULL, 16) != SHIKIRI_SHM_VENDOR ||
	    read_line(dir, "device", id, sizeof(id)) ||
	    strtoul(id, NULL, 16) != SHIKIRI_SHM_DEVICE)
		return -1;
	memset(s, 0, sizeof(*s));
	s->uio = -1;
	s->config = -1;
	snprintf(s->slot, sizeof(s->slot), "%.63s", slot);
	s->regs = map_resource(slot, "resource0", 1, &size);
	if (!s->regs || size < SHIKIRI_SHM_NAME + NAME_LEN)
		return -1;
	/* The NAME register is read a word at a time: BAR 0 takes 32-bit
	 * accesses only (include/shikiri/shm.h). */
	for (i = 0; i < NAME_LEN; i += 4) {
		word = rd(s, SHIKIRI_SHM_NAME + i);
		memcpy(s->name + i, &word, 4);
	}
	s->name[NAME_LEN] = '\0';
	return 0;
}

/* Call @fn on every region function, in sysfs order; the count found. */
static int each_region(void (*fn)(struct shm *, void *), void *arg)
{
	struct dirent *e;
	struct shm s;
	int found = 0;
	DIR *d = opendir(PCI_DEVICES);

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || open_slot(e->d_name, &s) != 0)
			continue;
		found++;
		fn(&s, arg);
	}
	closedir(d);
	return found;
}

struct lookup {
	const char *name;
	struct shm *out;
	int hits;
};

static void match_name(struct shm *s, void *arg)
{
	struct lookup *l = arg;

	if (strcmp(s->name, l->name) == 0 && l->hits++ == 0)
		*l->out = *s;
}

static void find_region(const char *name, struct shm *s)
{
	struct lookup l = { name, s, 0 };

	if (each_region(match_name, &l) == 0)
		die("no shared-memory function (PCI 1af4:1110) in this VM");
	if (l.hits == 0) {
		fprintf(stderr, "shikiri-shm: this VM maps no region '%s'\n",
			name);
		exit(1);
	}
}

/* /dev/uioN of the function, binding uio_pci_generic if needed. */
static void open_uio(struct shm *s)
{
	char dir[512], dev[32];
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), PCI_DEVICES "/%.63s/uio", s->slot);
	d = opendir(dir);
	if (!d) {
		/* new_id binds every unbound 1af4:1110 function; once the ID
		 * is known, it refuses it again, and bind takes one slot. */
		if (access(UIO_DRIVER, F_OK) != 0)
			die("uio_pci_generic is not loaded (insmod uio.ko and "
			    "uio_pci_generic.ko)");
		if (write_str(UIO_DRIVER "/new_id", "1af4 1110") != 0)
			write_str(UIO_DRIVER "/bind", s->slot);
		d = opendir(dir);
	}
	if (!d)
		die("cannot bind uio_pci_generic to the function (another "
		    "driver has it?)");
	dev[0] = '\0';
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, "uio", 3) == 0)
			snprintf(dev, sizeof(dev), "/dev/%.20s", e->d_name);
	closedir(d);
	s->uio = dev[0] ? open(dev, O_RDONLY) : -1;
	if (s->uio < 0)
		die("cannot open the function's /dev/uioN");
	snprintf(dir, sizeof(dir), PCI_DEVICES "/%.63s/config", s->slot);
	s->config = open(dir, O_RDWR);
	if (s->config < 0)
		die("cannot open the function's config space (sysfs)");
}

/*
 * Let the doorbell interrupt through again.  uio_pci_generic masks it
 * when it comes, with the command register's INTx-disable bit, and has no
 * irqcontrol to unmask it (write() to /dev/uioN fails with ENOSYS): that is
 * userspace's job, in config space, as DPDK does for this driver.
 */
static void unmask(const struct shm *s)
{
	uint16_t cmd;

	if (pread(s->config, &cmd, 2, PCI_COMMAND) != 2)
		die("cannot read the command register");
	if (!(cmd & PCI_COMMAND_INTX_DISABLE))
		return;
	cmd &= (uint16_t)~PCI_COMMAND_INTX_DISABLE;
	if (pwrite(s->config, &cmd, 2, PCI_COMMAND) != 2)
		die("cannot write the command register");
}

static int read_only(const struct shm *s)
{
	return (rd(s, SHIKIRI_SHM_FLAGS) & SHIKIRI_SHM_F_READ_ONLY) != 0;
}

/* Map the region; write access only if @writable (and allowed). */
static void map_region(struct shm *s, int writable)
{
	if (writable && read_only(s) && !force_write) {
		fprintf(stderr,
			"shikiri-shm: this VM maps '%s' read-only (-f writes "
			"anyway, and the hypervisor refuses it)\n",
			s->name);
		exit(1);
	}
	/* resource2_wc maps the region as Normal non-cacheable memory,
	 * resource2 as Device memory: either way, this program makes only
	 * aligned 8-byte accesses, which both allow. */
	s->mem = map_resource(s->slot, "resource2_wc", writable, &s->size);
	if (!s->mem)
		s->mem = map_resource(s->slot, "resource2", writable, &s->size);
	if (!s->mem)
		die("cannot map the region (resource2)");
}

static uint64_t parse_num(const char *text, const char *what)
{
	char *end;
	uint64_t v;

	errno = 0;
	v = strtoull(text, &end, 0);
	switch (*end) {
	case 'k':
	case 'K':
		v <<= 10, end++;
		break;
	case 'm':
	case 'M':
		v <<= 20, end++;
		break;
	}
	if (errno || end == text || *end) {
		fprintf(stderr, "shikiri-shm: bad %s '%s'\n", what, text);
		exit(1);
	}
	return v;
}

/* Check that [@off, @off + @len) lies in the region, @off 8-aligned. */
static void check_range(const struct shm *s, uint64_t off, uint64_t len)
{
	if (off % 8 || off > s->size || len > s->size - off)
		die("range outside the region (offset must be a multiple of 8)");
}

/* The pattern's word @i for @seed: SplitMix64 of seed + (i + 1) * golden
 * ratio, so any word can be computed on its own (tests do, in Python). */
static uint64_t pattern(uint64_t seed, uint64_t i)
{
	uint64_t z = seed + (i + 1) * 0x9e3779b97f4a7c15ull;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t crc_table[256];

/* CRC-32 as zlib's crc32() (reflected 0xedb88320), continued from @crc
 * over the low @n bytes of @word, little-endian. */
static uint32_t crc32_word(uint32_t crc, uint64_t word, unsigned n)
{
	unsigned i, k;
	uint32_t c;

	if (!crc_table[1])
		for (i = 0; i < 256; i++) {
			for (c = i, k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			crc_table[i] = c;
		}
	crc = ~crc;
	for (i = 0; i < n; i++, word >>= 8)
		crc = crc_table[(crc ^ word) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static int cmd_fill(struct shm *s, uint64_t seed, const char *len_arg)
{
	uint64_t len, i;
	uint32_t crc = 0;

	map_region(s, 1);
	len = len_arg ? parse_num(len_arg, "length") : s->size;
	check_range(s, 0, len);
	if (len % 8)
		die("length must be a multiple of 8");
	for (i = 0; i < len / 8; i++) {
		uint64_t w = pattern(seed, i);

		s->mem[i] = w;
		crc = crc32_word(crc, w, 8);
	}
	printf("%s: filled %" PRIu64 " bytes, seed %" PRIu64 ", crc32 0x%08x\n",
	       s->name, len, seed, crc);
	return 0;
}

static int cmd_sum(struct shm *s, int argc, char **argv)
{
	uint64_t off = 0, len, i;
	uint32_t crc = 0;

	map_region(s, 0);
	if (argc == 2) {
		off = parse_num(argv[0], "offset");
		len = parse_num(argv[1], "length");
	} else {
		len = s->size;
	}
	check_range(s, off, len);
	for (i = 0; i < len; i += 8)
		crc = crc32_word(crc, s->mem[(off + i) / 8],
				 len - i < 8 ? (unsigned)(len - i) : 8);
	printf("%s: crc32 0x%08x over %" PRIu64 " bytes at 0x%" PRIx64 "\n",
	       s->name, crc, len, off);
	return 0;
}

static int cmd_copy_in(struct shm *s, const char *file, const char *off_arg)
{
	uint64_t off = off_arg ? parse_num(off_arg, "offset") : 0, len = 0;
	unsigned char buf[8];
	uint32_t crc = 0;
	FILE *f = fopen(file, "rb");
	size_t n;

	if (!f)
		die("cannot open the input file");
	map_region(s, 1);
	check_range(s, off, 0);
	while ((n = fread(buf, 1, 8, f)) > 0) {
		uint64_t w;

		check_range(s, off, len + 8);
		/* A last partial word keeps the region's bytes after it. */
		w = n < 8 ? s->mem[(off + len) / 8] : 0;
		memcpy(&w, buf, n);
		s->mem[(off + len) / 8] = w;
		crc = crc32_word(crc, w, (unsigned)n);
		len += n;
	}
	fclose(f);
	printf("%s: copied in %" PRIu64 " bytes at 0x%" PRIx64
	       ", crc32 0x%08x\n",
	       s->name, len, off, crc);
	return 0;
}

static int cmd_copy_out(struct shm *s, const char *file, int argc, char **argv)
{
	uint64_t off = 0, len, i;
	FILE *f = fopen(file, "wb");

	if (!f)
		die("cannot create the output file");
	map_region(s, 0);
	len = s->size;
	if (argc == 2) {
		off = parse_num(argv[0], "offset");
		len = parse_num(argv[1], "length");
	}
	check_range(s, off, len);
	for (i = 0; i < len; i += 8) {
		uint64_t w = s->mem[(off + i) / 8];

		fwrite(&w, 1, len - i < 8 ? (size_t)(len - i) : 8, f);
	}
	if (fclose(f) != 0)
		die("cannot write the output file");
	printf("%s: copied out %" PRIu64 " bytes at 0x%" PRIx64 "\n", s->name,
	       len, off);
	return 0;
}

/* The DOORBELL value for @peer ("all" or a VM index that maps it). */
static uint32_t peer_of(const struct shm *s, const char *peer)
{
	uint64_t n;

	if (strcmp(peer, "all") == 0)
		return SHIKIRI_SHM_PEER_ALL;
	n = parse_num(peer, "peer");
	if (n >= 32 || !(rd(s, SHIKIRI_SHM_PEERS) & (1u << n))) {
		fprintf(stderr, "shikiri-shm: VM %s does not map '%s'\n", peer,
			s->name);
		exit(1);
	}
	return (uint32_t)n;
}

static void ring(const struct shm *s, uint32_t peer)
{
	wr(s, SHIKIRI_SHM_DOORBELL, peer << 16);
}

/* Turn the doorbell interrupt on and open /dev/uioN. */
static void arm(struct shm *s)
{
	open_uio(s);
	wr(s, SHIKIRI_SHM_INTR_MASK, 1);
}

/*
 * Wait until some VM rings this one, at most @timeout_ms (-1: forever).
 * Returns RUNG_BY (bit n: VM n rang), 0 on timeout.  A ring that came
 * before the call is returned at once.
 */
static uint32_t wait_ring(const struct shm *s, int timeout_ms)
{
	struct pollfd p = { .fd = s->uio, .events = POLLIN };
	uint32_t by, events;

	for (;;) {
		/* INTR_STATUS first: a ring landing between the two reads
		 * leaves INTR_STATUS set, which costs one spurious wake-up,
		 * never a lost ring. */
		(void)rd(s, SHIKIRI_SHM_INTR_STATUS);
		by = rd(s, SHIKIRI_SHM_RUNG_BY);
		/* A ring pending meanwhile raises the line again as the
		 * interrupt is unmasked. */
		unmask(s);
		if (by)
			return by;
		switch (poll(&p, 1, timeout_ms)) {
		case 0:
			return 0;
		case 1:
			break;
		default:
			if (errno == EINTR)
				continue;
			die("poll /dev/uioN failed");
		}
		if (read(s->uio, &events, sizeof(events)) != sizeof(events))
			die("read /dev/uioN failed");
	}
}

static int cmd_wait(struct shm *s, const char *timeout_arg)
{
	int timeout = timeout_arg ? (int)parse_num(timeout_arg, "timeout") : -1;
	uint32_t by;

	arm(s);
	by = wait_ring(s, timeout);
	if (!by) {
		printf("%s: no ring in %d ms\n", s->name, timeout);
		return 1;
	}
	printf("%s: rung by 0x%x\n", s->name, by);
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static int cmd_pingpong(struct shm *s, const char *peer_arg, uint64_t n)
{
	uint32_t peer = peer_of(s, peer_arg);
	uint64_t *rtt, i;

	if (peer == SHIKIRI_SHM_PEER_ALL || n == 0 || n > 1000000)
		die("pingpong takes one peer and 1 to 1000000 rounds");
	rtt = calloc(n, sizeof(*rtt));
	if (!rtt)
		die("out of memory");
	arm(s);
	/* Rings from before this run are not answers to it. */
	(void)rd(s, SHIKIRI_SHM_INTR_STATUS);
	(void)rd(s, SHIKIRI_SHM_RUNG_BY);
	for (i = 0; i < n; i++) {
		uint64_t t0 = now_ns();
		uint32_t by;

		ring(s, peer);
		do
			by = wait_ring(s, ROUND_TIMEOUT_MS);
		while (by && !(by & (1u << peer)));
		if (!by) {
			fprintf(stderr,
				"shikiri-shm: no answer in round %" PRIu64 "\n",
				i);
			return 1;
		}
		rtt[i] = now_ns() - t0;
	}
	qsort(rtt, n, sizeof(*rtt), cmp_u64);
	printf("%s: %" PRIu64 " round trips to VM %u: min %" PRIu64
	       " us, median %" PRIu64 " us, max %" PRIu64 " us\n",
	       s->name, n, peer, rtt[0] / 1000, rtt[n / 2] / 1000,
	       rtt[n - 1] / 1000);
	free(rtt);
	return 0;
}

static int cmd_pong(struct shm *s, uint64_t n)
{
	uint32_t self, by, peer;
	uint64_t i;

	arm(s);
	self = rd(s, SHIKIRI_SHM_IV_POSITION);
	for (i = 0; i < n; i++) {
		/* A ring this VM gave itself needs no answer. */
		do
			by = wait_ring(s, ROUND_TIMEOUT_MS);
		while (by == 1u << self);
		by &= ~(1u << self);
		if (!by) {
			fprintf(stderr,
				"shikiri-shm: no ring in round %" PRIu64 "\n",
				i);
			return 1;
		}
		for (peer = 0; peer < 32; peer++)
			if (by & (1u << peer))
				ring(s, peer);
	}
	printf("%s: answered %" PRIu64 " rings\n", s->name, n);
	return 0;
}

static void print_info(struct shm *s, void *arg)
{
	char dir[512], driver[64] = "none";
	ssize_t n;

	(void)arg;
	snprintf(dir, sizeof(dir), PCI_DEVICES "/%.63s/driver", s->slot);
	n = readlink(dir, driver, sizeof(driver) - 1);
	if (n > 0) {
		driver[n] = '\0';
		memmove(driver, strrchr(driver, '/') + 1,
			strlen(strrchr(driver, '/')));
	}
	map_region(s, 0);
	printf("%s: slot %s, %" PRIu64 " KiB %s, this VM is %u, peers 0x%x, "
	       "driver %s\n",
	       s->name, s->slot, s->size >> 10, read_only(s) ? "ro" : "rw",
	       rd(s, SHIKIRI_SHM_IV_POSITION), rd(s, SHIKIRI_SHM_PEERS),
	       driver);
}

static int usage(void)
{
	fprintf(stderr, "usage: shikiri-shm [-f] COMMAND\n"
			"  info\n"
			"  fill NAME SEED [LEN]\n"
			"  sum NAME [OFF LEN]\n"
			"  copy-in NAME FILE [OFF]\n"
			"  copy-out NAME FILE [OFF LEN]\n"
			"  ring NAME PEER|all\n"
			"  wait NAME [TIMEOUT-MS]\n"
			"  pingpong NAME PEER N\n"
			"  pong NAME N\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *cmd;
	struct shm s;

	if (argc > 1 && strcmp(argv[1], "-f") == 0)
		force_write = 1, argv++, argc--;
	if (argc < 2)
		return usage();
	cmd = argv[1];
	if (strcmp(cmd, "info") == 0 && argc == 2) {
		if (each_region(print_info, NULL) == 0)
			die("no shared-memory function (PCI 1af4:1110) in this VM");
		return 0;
	}
	if (argc < 3)
		return usage();
	find_region(argv[2], &s);
	argc -= 3;
	argv += 3;
	if (strcmp(cmd, "fill") == 0 && (argc == 1 || argc == 2))
		return cmd_fill(&s, parse_num(argv[0], "seed"),
				argc == 2 ? argv[1] : NULL);
	if (strcmp(cmd, "sum") == 0 && (argc == 0 || argc == 2))
		return cmd_sum(&s, argc, argv);
	if (strcmp(cmd, "copy-in") == 0 && (argc == 1 || argc == 2))
		return cmd_copy_in(&s, argv[0], argc == 2 ? argv[1] : NULL);
	if (strcmp(cmd, "copy-out") == 0 && (argc == 1 || argc == 3))
		return cmd_copy_out(&s, argv[0], argc - 1, argv + 1);
	if (strcmp(cmd, "ring") == 0 && argc == 1) {
		ring(&s, peer_of(&s, argv[0]));
		return 0;
	}
	if (strcmp(cmd, "wait") == 0 && argc <= 1)
		return cmd_wait(&s, argc ? argv[0] : NULL);
	if (strcmp(cmd, "pingpong") == 0 && argc == 2)
		return cmd_pingpong(&s, argv[0], parse_num(argv[1], "count"));
	if (strcmp(cmd, "pong") == 0 && argc == 1)
		return cmd_pong(&s, parse_num(argv[0], "count"));
	return usage();
}
