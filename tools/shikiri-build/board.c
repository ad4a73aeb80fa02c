// SPDX-License-Identifier: MIT
/*
 * Board facts: which boards the tool knows, how their DTB is obtained (QEMU
 * dumps its own; a PC's is compiled from its board file), and what the
 * hypervisor needs from an Arm board's: RAM, GICv3, the console PL011, CPUs
 * and timer PPIs (a PC's: board_x86.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "board.h"
#include "exec.h"
#include "hv/plan_check.h"

#define BOARD_PPI_BASE 16u
#define BOARD_MPIDR_AFF_MASK 0xff00ffffffull

/* Exactly how QEMU is started for each known board, by build and run. */
/* clang-format off */
static const char *const qemu_virt_args[] = {
	"-M", "virt,virtualization=on,gic-version=3",
	"-cpu", "cortex-a72",
	"-smp", "4",
	"-m", "2G",
	NULL,
};
/*
 * qemu-virt with an SMMUv3 in front of its PCIe host and three functions
 * to pass through (docs/pci.md): a virtio disk on OUT.disk, a virtio NIC
 * on QEMU's user network, and QEMU's "edu" device, whose DMA engine the
 * DMA-escape test drives.  Modern virtio only: no I/O BARs.  The virtio
 * devices need iommu_platform=on: without it QEMU's virtio does its DMA
 * at the guest's addresses untranslated, around the SMMU.
 */
static const char *const qemu_virt_smmu_args[] = {
	"-M", "virt,virtualization=on,gic-version=3,iommu=smmuv3",
	"-cpu", "cortex-a72",
	"-smp", "4",
	"-m", "2G",
	"-device", "virtio-blk-pci,disable-legacy=on,iommu_platform=on,addr=02.0,"
	"drive=blk0",
	"-drive", "if=none,id=blk0,format=raw,file=" BOARD_DISK,
	"-device", "virtio-net-pci,disable-legacy=on,iommu_platform=on,addr=03.0,"
	"netdev=n0",
	"-netdev", "user,id=n0",
	"-device", "edu,addr=04.0,dma_mask=0xffffffffffffffff",
	NULL,
};
static const char *const qemu_q35_args[] = {
	"-M", "q35",
	"-cpu", "qemu64,+svm,+npt,+rdrand",
	"-smp", "4",
	"-m", "2G",
	NULL,
};
/* clang-format on */

#define BOARD_DISK_SIZE 0x4000000ull /* 64 MiB */

static const struct board_model board_models[] = {
	{ "qemu-virt", qemu_virt_args, NULL, NULL, 0, true },
	{ "qemu-virt-smmu", qemu_virt_smmu_args, NULL, "qemu-virt-smmu.dtso",
	  BOARD_DISK_SIZE, true },
	{ "qemu-q35", qemu_q35_args, "qemu-q35.dts", NULL, 0, false },
};

#define BOARD_MODEL_COUNT (sizeof(board_models) / sizeof(board_models[0]))

/**
 * board_model_find() - The known board called @name.
 * @name: a board name.
 *
 * Return: the board, or NULL when the tool does not know it.
 */
const struct board_model *board_model_find(const char *name)
{
	for (size_t i = 0; i < BOARD_MODEL_COUNT; i++)
		if (strcmp(board_models[i].name, name) == 0)
			return &board_models[i];
	return NULL;
}

/**
 * board_model_names() - Known board names, for messages.
 *
 * Return: "a, b, c" (a static buffer, built once).
 */
const char *board_model_names(void)
{
	static char names[128];

	if (!names[0])
		for (size_t i = 0; i < BOARD_MODEL_COUNT; i++)
			snprintf(names + strlen(names),
				 sizeof(names) - strlen(names), "%s%s",
				 i ? ", " : "", board_models[i].name);
	return names;
}

/**
 * board_qemu_arg() - A board model's QEMU argument with its disk named.
 * @arg: the argument.
 * @disk: what BOARD_DISK becomes.
 *
 * Return: the argument, malloc'd.
 */
char *board_qemu_arg(const char *arg, const char *disk)
{
	const char *at = strstr(arg, BOARD_DISK);
	char *out, *o;

	if (!at)
		return fileio_strdup_printf("%s", arg);
	out = o = fileio_xmalloc(strlen(arg) + 2 * strlen(disk) + 1);
	memcpy(o, arg, (size_t)(at - arg));
	o += at - arg;
	/* QEMU's option syntax reads ",," as one comma of the value. */
	for (const char *c = disk; *c; c++) {
		if (*c == ',')
			*o++ = ',';
		*o++ = *c;
	}
	strcpy(o, at + strlen(BOARD_DISK));
	return out;
}

/**
 * board_write_disk() - Make the board model's sparse disk at @path.
 * @model: the board model (its disk_size).
 * @path: the file.
 *
 * Return: 0, or a negative errno.
 */
int board_write_disk(const struct board_model *model, const char *path)
{
	struct stat st;
	int fd, err = 0;

	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_size == model->disk_size)
		return 0;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -errno;
	/* Sparse: the file system stores only what a VM writes. */
	if (ftruncate(fd, (off_t)model->disk_size))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

/* Ask QEMU for the DTB it would give a guest on this board. */
static int dump_qemu_dtb(struct board *b, struct diag *d)
{
	const char *qemu = getenv("SHIKIRI_QEMU");
	const char *argv[64];
	char *owned[64];
	char *tmp, *messages = NULL;
	size_t n = 0, n_owned = 0;
	int status, err;

	if (!qemu || !*qemu)
		qemu = "qemu-system-aarch64";
	tmp = fileio_tmpfile("board");
	if (!tmp) {
		diag_error(d, "%s: cannot create a temporary file", b->name);
		return -1;
	}
	argv[n++] = qemu;
	for (const char *const *a = b->model->qemu_args; *a; a++) {
		if (n > 0 && strcmp(argv[n - 1], "-M") == 0)
			owned[n_owned] =
				fileio_strdup_printf("%s,dumpdtb=%s", *a, tmp);
		else
			owned[n_owned] = board_qemu_arg(*a, "/dev/null");
		argv[n++] = owned[n_owned++];
	}
	/* Dumping opens no window and no console. */
	argv[n++] = "-display";
	argv[n++] = "none";
	argv[n] = NULL;
	status = exec_run((char *const *)argv, &messages);
	err = status == 0 ? fileio_read(tmp, &b->dtb) : 0;
	if (status != 0 || err)
		diag_error(d,
			   "%s: '%s' could not dump the board's DTB "
			   "(exit status %d)%s%s; fix: install QEMU (make "
			   "setup) or set SHIKIRI_QEMU",
			   b->name, qemu, status, *messages ? ":\n" : "",
			   messages);
	unlink(tmp);
	free(tmp);
	while (n_owned)
		free(owned[--n_owned]);
	free(messages);
	return status == 0 && !err ? 0 : -1;
}

/*
 * The board file @name in $SHIKIRI_BOARDS, or in configs/boards/ of the
 * tree this tool was built in (two levels up from build/bin/), malloc'd;
 * NULL when neither has it.
 */
static char *board_file(const char *name)
{
	const char *env = getenv("SHIKIRI_BOARDS");
	char exe[4096], *dir, *path;
	ssize_t n;

	if (env && *env)
		return fileio_join(env, name);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	dir = fileio_dirname(exe);
	path = fileio_strdup_printf("%s/../../configs/boards/%s", dir, name);
	free(dir);
	return path;
}

/* Compile the board file of a board that has no DTB of its own. */
static int compile_board_file(struct board *b, struct diag *d)
{
	char *path = board_file(b->model->dts), *messages = NULL;
	int status = path ? exec_dtc(path, false, &b->dtb, &messages) : 127;

	if (status != 0)
		diag_error(d,
			   "%s: cannot compile its board file %s (dtc exit "
			   "status %d)%s%s; fix: set SHIKIRI_BOARDS to the "
			   "directory holding %s (configs/boards)",
			   b->name, path ? path : b->model->dts, status,
			   messages && *messages ? ":\n" : "",
			   messages ? messages : "", b->model->dts);
	free(path);
	free(messages);
	return status == 0 ? 0 : -1;
}

/**
 * board_apply_overlay() - Apply the board model's overlay file.
 * @b: the board, its dumped DTB in @b->dtb.
 * @d: where problems are reported.
 *
 * Return: 0, or -1 after reporting.
 */
int board_apply_overlay(struct board *b, struct diag *d)
{
	char *path = board_file(b->model->overlay), *messages = NULL;
	struct blob ovl = { NULL, 0 };
	int status = path ? exec_dtc(path, true, &ovl, &messages) : 127;
	int size = (int)(b->dtb.size + 2 * ovl.size + 0x1000), err = 0;
	void *fdt = NULL;

	if (status == 0) {
		fdt = fileio_xmalloc((size_t)size);
		err = fdt_open_into(b->dtb.data, fdt, size);
		/* fdt_overlay_apply() consumes the overlay it is given. */
		if (!err)
			err = fdt_overlay_apply(fdt, ovl.data);
		if (!err)
			err = fdt_pack(fdt);
	}
	if (status != 0 || err)
		diag_error(d,
			   "%s: its board overlay %s %s%s%s%s; fix: set "
			   "SHIKIRI_BOARDS to the directory holding %s "
			   "(configs/boards), matching the QEMU that dumps "
			   "the board's DTB",
			   b->name, path ? path : b->model->overlay,
			   status ? "does not compile" : "does not apply: ",
			   status ? "" : fdt_strerror(err),
			   messages && *messages ? ":\n" : "",
			   messages ? messages : "", b->model->overlay);
	free(path);
	free(messages);
	fileio_free(&ovl);
	if (status != 0 || err) {
		free(fdt);
		return -1;
	}
	fileio_free(&b->dtb);
	b->dtb.data = fdt;
	b->dtb.size = fdt_totalsize(fdt);
	return 0;
}

/**
 * board_reg() - Read entry @index of a node's "reg", with its parent's cells.
 * @fdt: the tree.
 * @node: the node.
 * @index: which (address, size) pair.
 * @base: receives the address.
 * @size: receives the size.
 *
 * Return: 0, or -1 when the entry is missing or the cells are unusable.
 */
int board_reg(const void *fdt, int node, int index, uint64_t *base,
	      uint64_t *size)
{
	int parent = fdt_parent_offset(fdt, node);
	int ac, sc, len, at;
	const fdt32_t *reg;

	if (parent < 0)
		return -1;
	ac = fdt_address_cells(fdt, parent);
	sc = fdt_size_cells(fdt, parent);
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || ac < 1 || ac > 2 || sc < 0 || sc > 2 || index < 0 ||
	    len < (index + 1) * (ac + sc) * 4)
		return -1;
	at = index * (ac + sc);
	*base = fdt32_to_cpu(reg[at]);
	if (ac == 2)
		*base = *base << 32 | fdt32_to_cpu(reg[at + 1]);
	*size = sc ? fdt32_to_cpu(reg[at + ac]) : 0;
	if (sc == 2)
		*size = *size << 32 | fdt32_to_cpu(reg[at + ac + 1]);
	return 0;
}

/**
 * board_irq() - Decode entry @index of a GIC "interrupts" property.
 * @fdt: the tree.
 * @node: the node.
 * @index: which 3-cell specifier.
 * @intid: receives the INTID.
 * @is_spi: receives whether it is an SPI.
 *
 * Return: 0, or -1 when the entry is missing or not a GIC SPI/PPI.
 */
int board_irq(const void *fdt, int node, int index, uint32_t *intid,
	      bool *is_spi)
{
	const fdt32_t *irq;
	uint32_t type, num;
	int len;

	irq = fdt_getprop(fdt, node, "interrupts", &len);
	if (!irq || index < 0 || len < (index + 1) * 12)
		return -1;
	type = fdt32_to_cpu(irq[index * 3]);
	num = fdt32_to_cpu(irq[index * 3 + 1]);
	if (type == 0 && num <= SHIKIRI_GIC_MAX_INTID - SHIKIRI_GIC_SPI_BASE) {
		*intid = SHIKIRI_GIC_SPI_BASE + num;
		*is_spi = true;
	} else if (type == 1 && num < 16) {
		*intid = BOARD_PPI_BASE + num;
		*is_spi = false;
	} else {
		return -1;
	}
	return 0;
}

static int find_ram(struct board *b, struct diag *d)
{
	const void *fdt = b->dtb.data;
	int node = fdt_node_offset_by_prop_value(fdt, -1, "device_type",
						 "memory", sizeof("memory"));

	b->facts.ram_count = 1;
	if (node < 0 ||
	    board_reg(fdt, node, 0, &b->facts.ram[0].base,
		      &b->facts.ram[0].size) ||
	    !b->facts.ram[0].size) {
		diag_error(d,
			   "%s: no usable memory node (device_type = "
			   "\"memory\" with a reg)",
			   b->name);
		return -1;
	}
	return 0;
}

/* Report a board node that guests get a copy of but is not at the root. */
static int need_root_child(struct board *b, int node, struct diag *d)
{
	char path[256];

	if (fdt_parent_offset(b->dtb.data, node) == 0)
		return 0;
	fdt_get_path(b->dtb.data, node, path, sizeof(path));
	diag_error(d,
		   "%s: %s: not a child of the root node, which shikiri "
		   "cannot copy into guests yet",
		   b->name, path);
	return -1;
}

static int find_gic(struct board *b, struct diag *d)
{
	const void *fdt = b->dtb.data;
	struct shikiri_plan_board *f = &b->facts;
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");
	bool spi;

	b->gic_node = node;
	if (node < 0) {
		diag_error(d,
			   "%s: no GICv3 (compatible \"arm,gic-v3\"); "
			   "shikiri needs one",
			   b->name);
		return -1;
	}
	if (board_reg(fdt, node, 0, &f->hw.aarch64.gicd_base, &b->gicd_size) ||
	    board_reg(fdt, node, 1, &f->hw.aarch64.gicr_base,
		      &f->hw.aarch64.gicr_size)) {
		diag_error(d, "%s: GICv3: reg needs the GICD and GICR regions",
			   b->name);
		return -1;
	}
	if (board_irq(fdt, node, 0, &f->hw.aarch64.gic_maint_intid, &spi) ||
	    spi) {
		diag_error(d,
			   "%s: GICv3: interrupts must give the maintenance "
			   "PPI",
			   b->name);
		return -1;
	}
	b->gic_phandle = fdt_get_phandle(fdt, node);
	if (!b->gic_phandle) {
		diag_error(d, "%s: GICv3: has no phandle", b->name);
		return -1;
	}
	return need_root_child(b, node, d);
}

static int find_uart(struct board *b, struct diag *d)
{
	const void *fdt = b->dtb.data;
	const char *path;
	uint64_t size;
	int node, len;
	bool spi;

	path = fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "stdout-path",
			   &len);
	if (!path) {
		diag_error(d,
			   "%s: /chosen: no stdout-path; shikiri needs it "
			   "to find its console PL011",
			   b->name);
		return -1;
	}
	len = (int)strcspn(path, ":");
	node = fdt_path_offset_namelen(fdt, path, len);
	b->uart_node = node;
	if (node < 0 ||
	    fdt_node_check_compatible(fdt, node, "arm,pl011") != 0) {
		diag_error(d,
			   "%s: /chosen: stdout-path '%s' is not a PL011 "
			   "(compatible \"arm,pl011\")",
			   b->name, path);
		return -1;
	}
	fdt_get_path(fdt, node, b->uart_path, sizeof(b->uart_path));
	if (board_reg(fdt, node, 0, &b->facts.uart_base, &size) ||
	    board_irq(fdt, node, 0, &b->facts.uart_irq, &spi) || !spi) {
		diag_error(d,
			   "%s: %s: the console PL011 needs a reg and an "
			   "SPI in interrupts",
			   b->name, b->uart_path);
		return -1;
	}
	return need_root_child(b, node, d);
}

static int find_timer(struct board *b, struct diag *d)
{
	const void *fdt = b->dtb.data;
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-timer");
	bool spi = true;

	b->timer_node = node;
	/* Entry 2 is the EL1 virtual timer (timer/arm,arch_timer.yaml). */
	if (node < 0 ||
	    board_irq(fdt, node, 2, &b->facts.hw.aarch64.timer_virt_intid,
		      &spi) ||
	    spi) {
		diag_error(d,
			   "%s: no \"arm,armv8-timer\" node whose third "
			   "interrupt is the virtual timer PPI",
			   b->name);
		return -1;
	}
	return 0;
}

/*
 * The PMU (pmu/arm,pmu.yaml): its overflow interrupt, if it is one PPI, is
 * each CPU's own and reaches the VM owning the CPU; guests get the node.
 * A board without one, or whose PMU interrupts are SPIs (one per core),
 * gives guests no PMU node: those SPIs are not the VM's to take.
 */
static int find_pmu(struct board *b, struct diag *d)
{
	const void *fdt = b->dtb.data;
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-pmuv3");
	uint32_t intid;
	bool spi = true;
	int len = 0;

	(void)d;
	if (node < 0 || !fdt_getprop(fdt, node, "interrupts", &len) ||
	    len != 12 || board_irq(fdt, node, 0, &intid, &spi) || spi)
		return 0;
	b->pmu_node = node;
	b->facts.hw.aarch64.pmu_intid = intid;
	return 0;
}

static int find_cpus(struct board *b, struct diag *d)
{
	const void *fdt = b->dtb.data;
	struct shikiri_plan_board *f = &b->facts;
	int cpus = fdt_path_offset(fdt, "/cpus");
	int node;

	f->cpu_count = 0;
	if (cpus >= 0) {
		fdt_for_each_subnode(node, fdt, cpus)
		{
			const char *type =
				fdt_getprop(fdt, node, "device_type", NULL);
			uint64_t mpidr, unused;

			if (!type || strcmp(type, "cpu") != 0)
				continue;
			if (f->cpu_count == plan_arch_aarch64.max_cpus) {
				diag_error(d,
					   "%s: more than %u CPUs; shikiri "
					   "on aarch64 supports at most %u",
					   b->name, plan_arch_aarch64.max_cpus,
					   plan_arch_aarch64.max_cpus);
				return -1;
			}
			if (board_reg(fdt, node, 0, &mpidr, &unused)) {
				diag_error(d, "%s: /cpus/%s: no reg", b->name,
					   fdt_get_name(fdt, node, NULL));
				return -1;
			}
			b->cpu_node[f->cpu_count] = node;
			f->cpu_id[f->cpu_count++] = mpidr &
						    BOARD_MPIDR_AFF_MASK;
		}
	}
	if (f->cpu_count == 0) {
		diag_error(d, "%s: no CPU nodes under /cpus", b->name);
		return -1;
	}
	if (f->cpu_count == 1)
		snprintf(b->cpu_range, sizeof(b->cpu_range), "0");
	else
		snprintf(b->cpu_range, sizeof(b->cpu_range), "0-%u",
			 f->cpu_count - 1);
	return 0;
}

/**
 * board_load() - Obtain and parse a board's device tree.
 * @b: filled in; release with board_free() even on failure.
 * @model: a known board, or NULL.
 * @dtb_path: the board's DTB file, used when @model is NULL.
 * @d: where problems are reported.
 *
 * Return: 0, or -1 after reporting every problem found.
 */
int board_load(struct board *b, const struct board_model *model,
	       const char *dtb_path, struct diag *d)
{
	int (*const steps[])(struct board *, struct diag *) = {
		find_ram, find_gic, find_uart, find_timer, find_pmu, find_cpus,
	};
	int ret = 0;

	memset(b, 0, sizeof(*b));
	b->model = model;
	b->facts.arch = SHIKIRI_ARCH_AARCH64;
	b->pci_node = b->smmu_node = b->its_node = b->pmu_node = -1;
	if (model) {
		b->name = fileio_strdup_printf("board %s", model->name);
		if (model->dts ? compile_board_file(b, d) : dump_qemu_dtb(b, d))
			return -1;
		if (model->overlay && board_apply_overlay(b, d))
			return -1;
	} else {
		int err = fileio_read(dtb_path, &b->dtb);

		b->name = fileio_strdup_printf("%s", dtb_path);
		if (err) {
			diag_error(d, "%s: cannot read the board DTB: %s",
				   dtb_path, strerror(-err));
			return -1;
		}
	}
	if (b->dtb.size < sizeof(struct fdt_header) ||
	    fdt_check_header(b->dtb.data) != 0 ||
	    fdt_totalsize(b->dtb.data) > b->dtb.size) {
		diag_error(d, "%s: not a valid DTB", b->name);
		return -1;
	}
	if (board_x86_is(b->dtb.data))
		return board_x86_parse(b, d);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		ret |= steps[i](b, d);
	return ret ? -1 : 0;
}

/**
 * board_arm_pci_load() - Read an Arm board's PCI host, for a config that
 * names PCI functions.
 * @b: the board, board_load() done.
 * @d: where problems are reported.
 *
 * Return: 0, or -1 after reporting.
 */
int board_arm_pci_load(struct board *b, struct diag *d)
{
	int ret = board_pci_parse(b, d);

	return board_arm_pci_parse(b, d) | ret;
}

/**
 * board_free() - Release what board_load() allocated.
 * @b: the board.
 */
void board_free(struct board *b)
{
	fileio_free(&b->dtb);
	free(b->name);
	b->name = NULL;
	free(b->pci_fn);
	b->pci_fn = NULL;
	b->pci_fn_count = 0;
}

uint32_t board_interrupt_parent(const void *fdt, int node)
{
	for (; node >= 0; node = fdt_parent_offset(fdt, node)) {
		int len;
		const fdt32_t *p =
			fdt_getprop(fdt, node, "interrupt-parent", &len);

		if (p && len == 4)
			return fdt32_to_cpu(*p);
	}
	return 0;
}
