// SPDX-License-Identifier: MIT
/*
 * Every error shikiri-build reports about a config: one table entry per
 * message, each a config that triggers it and the line it must print, and
 * tests for the limits and for many errors reported in one run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buildtest.h"

#define VM0 BUILDTEST_VM0
#define VM1 BUILDTEST_VM1
#define SET BUILDTEST_SET

/* ------------------------------------------------------ config errors --- */

static const struct buildtest_error config_errors[] = {
	{ "CPU not on board",
	  "vm@0 { label = \"a\"; cpus = <0 7>; memory-size = <0 0x4000000>; "
	  "kernel = \"Image\"; };",
	  "cfg.dts: /vm@0: property 'cpus': CPU 7 is not on the board (board "
	  "has CPUs 0-3); fix: use CPUs 0-3\n" },
	{ "CPU listed twice",
	  "vm@0 { label = \"a\"; cpus = <2 2>; memory-size = <0 0x4000000>; "
	  "kernel = \"Image\"; };",
	  "/vm@0: property 'cpus': CPU 2 is listed twice; fix: list each CPU "
	  "once\n" },
	{ "CPU in two VMs", VM0 VM1 SET("1", "cpus = <0>; "),
	  "cfg.dts: /vm@1: property 'cpus': CPU 0 is already given to /vm@0; "
	  "fix: give each CPU to one VM\n" },
	{ "no cpus",
	  "vm@0 { label = \"a\"; memory-size = <0 0x4000000>; "
	  "kernel = \"Image\"; };",
	  "/vm@0: property 'cpus': is missing; fix: add e.g. cpus = <0 1>\n" },
	{ "memory too big", VM0 SET("0", "memory-size = <0x1 0x0>; "),
	  "cfg.dts: /vm@0: property 'memory-size': 4096 MiB does not fit in "
	  "board RAM: the largest free range is 1918 MiB, [0x48200000, "
	  "0xc0000000) (free: above the hypervisor's area, outside the other "
	  "VMs); fix: give VMs less memory\n" },
	{ "second 1 GiB VM does not fit",
	  VM0 VM1 SET("0", "memory-size = <0 0x40000000>;")
		  SET("1", "memory-size = <0 0x40000000>;"),
	  "cfg.dts: /vm@1: property 'memory-size': 1024 MiB does not fit in "
	  "board RAM: the largest free range is 894 MiB, [0x48200000, "
	  "0x80000000)" },
	{ "memory not 2 MiB multiple",
	  VM0 SET("0", "memory-size = <0 0x4000800>; "),
	  "cfg.dts: /vm@0: property 'memory-size': 0x4000800 is not a non-zero "
	  "multiple of 2 MiB; fix: use e.g. <0x0 0x4200000> (66 MiB)\n" },
	{ "memory zero", VM0 SET("0", "memory-size = <0 0>; "),
	  "property 'memory-size': 0x0 is not a non-zero multiple of 2 MiB" },
	{ "memory three cells", VM0 SET("0", "memory-size = <0 0 1>; "),
	  "property 'memory-size': must be a 64-bit size as two cells" },
	{ "kernel missing", VM0 SET("0", "kernel = \"nothere/Image\"; "),
	  "/nothere/Image': No such file or directory; fix: build it or "
	  "correct the path (relative to the config file's directory)\n" },
	{ "initrd missing", VM0 SET("0", "initrd = \"rootfs.cpio\"; "),
	  "cfg.dts: /vm@0: property 'initrd': cannot read '" },
	{ "kernel property missing",
	  "vm@0 { label = \"a\"; cpus = <0>; memory-size = <0 0x4000000>; };",
	  "cfg.dts: /vm@0: property 'kernel': is missing; fix: add e.g. "
	  "kernel = \"Image\"\n" },
	{ "kernel not an Image", VM0 SET("0", "kernel = \"initrd\"; "),
	  "/initrd' is not an arm64 Image (no \"ARM\\x64\" magic at offset "
	  "56); fix: use arch/arm64/boot/Image, not vmlinux or a compressed "
	  "Image.gz\n" },
	{ "payloads too big", VM0 SET("0", "memory-size = <0 0x400000>; "),
	  "cfg.dts: /vm@0: property 'memory-size': 4 MiB is too small for the "
	  "payloads (kernel at 0x40000000 needs 0x400000 bytes, initrd at "
	  "0x40400000, DTB at 0x40600000 ends at 0x40600" },
	{ "payloads too big fix", VM0 SET("0", "memory-size = <0 0x400000>; "),
	  "fix: use at least 8 MiB or smaller payloads\n" },
	{ "unknown property", VM0 SET("0", "colour = \"blue\"; "),
	  "cfg.dts: /vm@0: property 'colour': unknown property; fix: remove it "
	  "(see docs/config.md)\n" },
	{ "misspelt property", VM0 SET("0", "on-crahs = \"stop\"; "),
	  "cfg.dts: /vm@0: property 'on-crahs': unknown property; fix: did "
	  "you mean 'on-crash'? (see docs/config.md)\n" },
	{ "bad watchdog", VM0 SET("0", "watchdog-ms = <5>; "),
	  "cfg.dts: /vm@0: property 'watchdog-ms': must be one number of "
	  "milliseconds from 100 to 3600000; fix: e.g. watchdog-ms = "
	  "<10000>\n" },
	{ "unknown root property", "colour = \"blue\";\n" VM0,
	  "cfg.dts: /: property 'colour': unknown property" },
	{ "unknown VM subnode", VM0 SET("0", "extra { }; "),
	  "cfg.dts: /vm@0/extra: unknown node; fix: remove it\n" },
	{ "unknown root node", "foo { };\n" VM0,
	  "cfg.dts: /foo: unknown node; fix: only vm@N and shm@N nodes belong "
	  "at the root\n" },
	{ "bad policy", VM0 SET("0", "on-reset = \"explode\"; "),
	  "cfg.dts: /vm@0: property 'on-reset': 'explode' is not a policy; "
	  "fix: use \"restart\" or \"stop\"\n" },
	{ "reflect only on fault", VM0 SET("0", "on-crash = \"reflect\"; "),
	  "property 'on-crash': 'reflect' is not a policy; fix: use "
	  "\"restart\" or \"stop\"\n" },
	{ "bad fault policy", VM0 SET("0", "on-fault = \"ignore\"; "),
	  "property 'on-fault': 'ignore' is not a policy; fix: use "
	  "\"reflect\", \"stop\" or \"restart\"\n" },
	{ "bad console", VM0 SET("0", "console = \"serial\"; "),
	  "property 'console': 'serial' is not supported; fix: use "
	  "\"virtual\" or \"none\"\n" },
	{ "bad label", VM0 SET("0", "label = \"Linux0\"; "),
	  "cfg.dts: /vm@0: property 'label': 'Linux0' is not a valid VM name; "
	  "fix: use 1-15 characters from a-z, 0-9, '_' and '-'\n" },
	{ "label too long", VM0 SET("0", "label = \"abcdefghijklmnop\"; "),
	  "'abcdefghijklmnop' is not a valid VM name" },
	{ "label not a string", VM0 SET("0", "label = <1>; "),
	  "property 'label': must be a string; fix: e.g. label = \"linux0\"" },
	{ "label missing",
	  "vm@0 { cpus = <0>; memory-size = <0 0x4000000>; "
	  "kernel = \"Image\"; };",
	  "cfg.dts: /vm@0: property 'label': is missing; fix: add e.g. "
	  "label = \"linux0\"\n" },
	{ "duplicate label", VM0 VM1 SET("1", "label = \"a\"; "),
	  "cfg.dts: /vm@1: property 'label': 'a' is already the label of "
	  "/vm@0; fix: give each VM its own label\n" },
	{ "VMs out of order",
	  "vm@1 { label = \"a\"; cpus = <0>; "
	  "memory-size = <0 0x4000000>; kernel = \"Image\"; };",
	  "cfg.dts: /vm@1: VMs must be numbered in order; fix: rename it "
	  "vm@0\n" },
	{ "no VMs", "", "cfg.dts: /: no VMs; fix: add a vm@0 node\n" },
	{ "manage missing VM", VM0 SET("0", "manage = <1>; "),
	  "property 'manage': names a VM that does not exist (there are 1); "
	  "fix: use the N of an existing vm@N\n" },
	{ "wrong compatible", VM0 "};\n/ {\n\tcompatible = \"other\";\n",
	  "cfg.dts: /: property 'compatible': is not \"shikiri,config-v1\"" },
	{ "dtc syntax error", VM0 SET("0", "cpus = <0> "),
	  "cfg.dts: dtc could not compile it (exit status 1):\nError: " },
	{ "device not on board", VM0 SET("0", "devices = \"/nothere\"; "),
	  "cfg.dts: /vm@0: property 'devices': '/nothere' is not in the "
	  "board's DT; fix:" },
	{ "device is the UART", VM0 SET("0", "devices = \"/pl011@9000000\"; "),
	  "property 'devices': '/pl011@9000000' overlaps the hypervisor's "
	  "UART, which the hypervisor keeps; fix: remove it\n" },
	{ "device is the GIC", VM0 SET("0", "devices = \"/intc@8000000\"; "),
	  "'/intc@8000000' overlaps the GIC, which the hypervisor keeps" },
	{ "device nested", VM0 SET("0", "devices = \"/cpus/cpu@0\"; "),
	  "'/cpus/cpu@0' is not a child of the root node" },
	/* Nodes that write to memory for the whole machine. */
	{ "device is the GIC's ITS",
	  VM0 SET("0", "devices = \"/intc@8000000/its@8080000\"; "),
	  "cfg.dts: /vm@0: property 'devices': '/intc@8000000/its@8080000' "
	  "is part of the GIC, which the hypervisor keeps, and an ITS writes "
	  "its tables anywhere in memory; fix: remove it (guests get no "
	  "MSIs)\n" },
	{ "device is fw_cfg",
	  VM0 SET("0", "devices = \"/fw-cfg@9020000\"; "
		       "memory-base = <0 0x80000000>; "),
	  "cfg.dts: /vm@0: property 'devices': '/fw-cfg@9020000' is QEMU's "
	  "fw_cfg, the firmware interface of the whole machine, whose DMA "
	  "interface writes anywhere in memory; fix: remove it\n" },
	{ "ram-cleared-at-boot with a value",
	  "ram-cleared-at-boot = <1>;\n" VM0,
	  "cfg.dts: /: property 'ram-cleared-at-boot': takes no value; fix: "
	  "write ram-cleared-at-boot; (only when every boot of the board, "
	  "warm resets included, clears RAM: see docs/config.md)\n" },
	{ "device without reg", VM0 SET("0", "devices = \"/pmu\"; "),
	  "'/pmu' has no usable reg, so it is not an MMIO device" },
	{ "device with foreign refs",
	  VM0 SET("0", "devices = \"/gpio-keys\"; "),
	  "'/gpio-keys': property 'gpios' refers to other board nodes, which "
	  "shikiri cannot copy yet; fix: pass another device\n" },
	{ "device listed twice",
	  VM0 SET("0", "devices = \"/pl061@9030000\", \"/pl061@9030000\"; "),
	  "'/pl061@9030000' is listed twice; fix: list it once\n" },
	{ "device not a path", VM0 SET("0", "devices = \"pl061\"; "),
	  "'pl061' is not a full path" },
	{ "device in two VMs",
	  VM0 VM1 SET("0", "devices = \"/pl061@9030000\";")
		  SET("1", "devices = \"/pl061@9030000\";"),
	  "cfg.dts: /vm@1: property 'devices': '/pl061@9030000' is already "
	  "given to /vm@0; fix: give it to one VM\n" },
	{ "devices share a page",
	  VM0 VM1 SET("0", "devices = \"/virtio_mmio@a003e00\";")
		  SET("1", "devices = \"/virtio_mmio@a003c00\";"),
	  "cfg.dts: /vm@1: property 'devices': '/virtio_mmio@a003c00' shares "
	  "a 4 KiB page with '/virtio_mmio@a003e00' of /vm@0; fix: give both "
	  "to one VM\n" },
	{ "qemu-args not strings", "qemu-args = <1>;\n" VM0,
	  "cfg.dts: /: property 'qemu-args': must be a list of strings; fix: "
	  "e.g. qemu-args = \"-device\", \"virtio-rng-device\"\n" },
	{ "qemu-args empty property", "qemu-args;\n" VM0,
	  "cfg.dts: /: property 'qemu-args': must be a list of strings" },
	{ "qemu-args empty argument", "qemu-args = \"-device\", \"\";\n" VM0,
	  "cfg.dts: /: property 'qemu-args': argument 2 is empty; fix: remove "
	  "it or write what QEMU should get\n" },
	{ "qemu-args starts with a value",
	  "qemu-args = \"virtio-rng-device\";\n" VM0,
	  "cfg.dts: /: property 'qemu-args': starts with 'virtio-rng-device', "
	  "not with an option; fix: begin with a QEMU option such as "
	  "\"-drive\"\n" },
	{ "qemu-args machine option", "qemu-args = \"-smp\", \"2\";\n" VM0,
	  "cfg.dts: /: property 'qemu-args': '-smp' is one of the board's "
	  "machine options, which shikiri-build writes itself; fix: remove "
	  "it\n" },
	{ "qemu-args machine option, long form",
	  "qemu-args = \"-device\", \"x\", \"--machine\", \"virt\";\n" VM0,
	  "property 'qemu-args': '--machine' is one of the board's machine "
	  "options" },
	{ "qemu-args boot option", "qemu-args = \"-kernel\", \"Image\";\n" VM0,
	  "cfg.dts: /: property 'qemu-args': '-kernel' would change what QEMU "
	  "boots, which is the image; fix: remove it\n" },
	{ "qemu-args console option",
	  "qemu-args = \"-serial\", \"stdio\";\n" VM0,
	  "cfg.dts: /: property 'qemu-args': '-serial' is chosen by "
	  "scripts/run; fix: remove it\n" },
	{ "qemu-args line break", "qemu-args = \"-device\", \"a\\nb\";\n" VM0,
	  "cfg.dts: /: property 'qemu-args': an argument contains a line "
	  "break, which OUT.img.qemu (one argument per line) cannot hold; fix: "
	  "remove it\n" },
	/* memory-base */
	{ "memory-base misaligned",
	  VM0 SET("0", "memory-base = <0 0x80100000>; "),
	  "cfg.dts: /vm@0: property 'memory-base': 0x80100000 is not 2 MiB "
	  "aligned; fix: use e.g. <0x0 0x80000000>\n" },
	{ "memory-base three cells",
	  VM0 SET("0", "memory-base = <0 0x80000000 0>; "),
	  "cfg.dts: /vm@0: property 'memory-base': must be a 64-bit physical "
	  "address as two cells; fix: e.g. memory-base = <0x0 0x80000000>\n" },
	{ "memory-base past board RAM",
	  VM0 SET("0", "memory-base = <0 0xbe000000>; "),
	  "cfg.dts: /vm@0: property 'memory-base': [0xbe000000, 0xc2000000) "
	  "is outside board RAM [0x40000000, 0xc0000000); fix: choose a base "
	  "in board RAM\n" },
	{ "memory-base below board RAM",
	  VM0 SET("0", "memory-base = <0 0x20000000>; "),
	  "property 'memory-base': [0x20000000, 0x24000000) is outside board "
	  "RAM [0x40000000, 0xc0000000)" },
	{ "memory-base in the hypervisor's area",
	  VM0 SET("0", "memory-base = <0 0x48000000>; "),
	  "cfg.dts: /vm@0: property 'memory-base': [0x48000000, 0x4c000000) "
	  "overlaps the hypervisor's area [0x40000000, 0x48200000) (its image, "
	  "plan, payloads and the loader's DTB); fix: use a base of at least "
	  "0x48200000\n" },
	{ "memory-base overlaps another VM",
	  VM0 VM1 SET("0", "memory-base = <0 0x80000000>;")
		  SET("1", "memory-base = <0 0x82000000>;"),
	  "cfg.dts: /vm@1: property 'memory-base': [0x82000000, 0x86000000) "
	  "overlaps the RAM of /vm@0, [0x80000000, 0x84000000); fix: give each "
	  "VM its own range\n" },
	{ "memory-base leaves no room",
	  VM0 VM1 SET("0", "memory-size = <0 0x40000000>; "
			   "memory-base = <0 0x60000000>;")
		  SET("1", "memory-size = <0 0x40000000>;"),
	  "cfg.dts: /vm@1: property 'memory-size': 1024 MiB does not fit in "
	  "board RAM: the largest free range is 512 MiB, [0xa0000000, "
	  "0xc0000000)" },
	/* interrupts and interrupt-ranges */
	{ "interrupts PPI", VM0 SET("0", "interrupts = <27>; "),
	  "cfg.dts: /vm@0: property 'interrupts': INTID 27 is not an SPI "
	  "(32-1019); fix: pass only SPIs (SGIs and PPIs belong to each "
	  "CPU)\n" },
	{ "interrupts past the last SPI", VM0 SET("0", "interrupts = <1020>; "),
	  "property 'interrupts': INTID 1020 is not an SPI (32-1019)" },
	{ "interrupts console", VM0 SET("0", "interrupts = <40 33>; "),
	  "cfg.dts: /vm@0: property 'interrupts': INTID 33 is the board UART's, "
	  "which the hypervisor keeps (it drives every virtual console); fix: "
	  "remove it\n" },
	{ "interrupts maintenance", VM0 SET("0", "interrupts = <25>; "),
	  "cfg.dts: /vm@0: property 'interrupts': INTID 25 is the GIC "
	  "maintenance interrupt, which the hypervisor keeps; fix: remove "
	  "it\n" },
	{ "interrupts twice", VM0 SET("0", "interrupts = <40 41 40>; "),
	  "cfg.dts: /vm@0: property 'interrupts': INTID 40 is given twice; "
	  "fix: give it once\n" },
	{ "interrupts and range overlap",
	  VM0 SET("0", "interrupts = <40>; interrupt-ranges = <38 4>; "),
	  "cfg.dts: /vm@0: property 'interrupt-ranges': INTID 40 (in <38 4>) "
	  "is given twice; fix: give it once\n" },
	{ "interrupt range holds the console",
	  VM0 SET("0", "interrupt-ranges = <32 4>; "),
	  "property 'interrupt-ranges': INTID 33 (in <32 4>) is the board "
	  "UART's" },
	{ "interrupts not cells", VM0 SET("0", "interrupts = \"40\"; "),
	  "cfg.dts: /vm@0: property 'interrupts': must list INTIDs; fix: e.g. "
	  "interrupts = <40 41>\n" },
	{ "interrupt-ranges not pairs",
	  VM0 SET("0", "interrupt-ranges = <40>; "),
	  "cfg.dts: /vm@0: property 'interrupt-ranges': must be <first count> "
	  "pairs of INTIDs; fix: e.g. interrupt-ranges = <64 8> for INTIDs "
	  "64-71\n" },
	{ "interrupt range empty", VM0 SET("0", "interrupt-ranges = <40 0>; "),
	  "cfg.dts: /vm@0: property 'interrupt-ranges': <40 0> is not a range "
	  "of SPIs (32-1019); fix: give a first SPI and how many follow it, "
	  "e.g. <64 8>\n" },
	{ "interrupt range past the last SPI",
	  VM0 SET("0", "interrupt-ranges = <1000 21>; "),
	  "property 'interrupt-ranges': <1000 21> is not a range of SPIs" },
	{ "interrupt range of PPIs",
	  VM0 SET("0", "interrupt-ranges = <16 4>; "),
	  "property 'interrupt-ranges': <16 4> is not a range of SPIs" },
	{ "interrupts of the VM's device",
	  VM0 SET("0", "devices = \"/virtio_mmio@a003e00\"; "
		       "interrupts = <79>; "),
	  "cfg.dts: /vm@0: property 'interrupts': INTID 79 is already passed "
	  "through with '/virtio_mmio@a003e00'; fix: remove it from "
	  "interrupts\n" },
	{ "interrupts of another VM",
	  VM0 VM1 SET("0", "interrupts = <40>;")
		  SET("1", "interrupt-ranges = <40 2>;"),
	  "cfg.dts: /vm@1: property 'interrupt-ranges': INTID 40 is already "
	  "given to /vm@0; fix: give it to one VM\n" },
	{ "interrupts of another VM's device",
	  VM0 VM1 SET("0", "devices = \"/virtio_mmio@a003e00\";")
		  SET("1", "interrupts = <79>;"),
	  "cfg.dts: /vm@1: property 'interrupts': INTID 79 belongs to "
	  "'/virtio_mmio@a003e00' of /vm@0; fix: give the INTID and the "
	  "device to one VM\n" },
	{ "device SPI in another VM's interrupts",
	  VM0 VM1 SET("0", "interrupts = <79>;")
		  SET("1", "devices = \"/virtio_mmio@a003e00\";"),
	  "cfg.dts: /vm@1: property 'devices': '/virtio_mmio@a003e00' uses "
	  "INTID 79, which /vm@0 has in its interrupts; fix: give the device "
	  "and the INTID to one VM\n" },
	{ "too many extra SPIs",
	  VM0 SET("0", "interrupt-ranges = <64 20 100 13>; "),
	  "cfg.dts: /vm@0: property 'interrupt-ranges': 33 SPIs in interrupts "
	  "and interrupt-ranges, more than the 32 a VM can have; fix: pass "
	  "fewer\n" },
	{ "too many SPIs in all",
	  VM0 SET("0", "devices = \"/virtio_mmio@a003e00\"; "
		       "interrupt-ranges = <100 32>; "),
	  "cfg.dts: /vm@0: property 'interrupt-ranges': 33 SPIs in all (1 "
	  "from devices, 32 from interrupts and interrupt-ranges), more than "
	  "the 32 a VM can have; fix: pass fewer\n" },
	/* The word reserved before shm@N nodes: the way to share memory. */
	{ "shared-memory in a VM", VM0 SET("0", "shared-memory = <1>; "),
	  "cfg.dts: /vm@0: property 'shared-memory': unknown property; fix: "
	  "describe the region in a root node shm@N whose vms = <...> lists "
	  "the VMs that map it (see docs/config.md, \"Shared memory\")\n" },
	{ "shm node without a number", "shm { };\n" VM0,
	  "cfg.dts: /shm: unknown node; fix: name a shared-memory region "
	  "shm@N, N = 0, 1, ... (see docs/config.md)\n" },
	{ "shared-memory node at the root", "shared-memory { };\n" VM0,
	  "cfg.dts: /shared-memory: unknown node; fix: name a shared-memory "
	  "region shm@N" },
	{ "shared-memory at the root", "shared-memory = <0 1>;\n" VM0,
	  "cfg.dts: /: property 'shared-memory': unknown property; fix: "
	  "describe the region in a root node shm@N" },
	{ "qemu-args without a QEMU board",
	  "qemu-args = \"-device\", \"virtio-rng-device\";\n" VM0,
	  "cfg.dts: /: property 'qemu-args': needs a board that QEMU runs, and "
	  "--board-dtb names none (no OUT.img.qemu is written); fix: build "
	  "with --board (one of qemu-virt, qemu-virt-smmu, qemu-q35), or remove it\n" },
};

/* --board, the config's board property, and what happens when they differ. */
static void test_board_selection(void **state)
{
	(void)state;
	assert_int_equal(buildtest_run_opts("board = \"raspberry\";\n" VM0,
					    true, "-"),
			 1);
	assert_non_null(strstr(
		buildtest_errors,
		"cfg.dts: unknown board 'raspberry'; "
		"fix: use one of qemu-virt, qemu-virt-smmu, qemu-q35, or "
		"--board-dtb FILE\n"));
	assert_int_equal(buildtest_run_opts("board = \"raspberry\";\n" VM0,
					    true, "qemu-virt"),
			 1);
	assert_non_null(strstr(buildtest_errors,
			       "cfg.dts: /: property 'board': the "
			       "config is for 'raspberry' but --board "
			       "says 'qemu-virt'; fix: make them "
			       "agree\n"));
	assert_int_equal(buildtest_run_opts(VM0, true, "-"), 1);
	assert_non_null(strstr(
		buildtest_errors,
		"cfg.dts: no board; fix: pass --board (one of "
		"qemu-virt, qemu-virt-smmu, qemu-q35) or --board-dtb FILE, or "
		"set board = \"...\" in the config\n"));
	assert_int_equal(buildtest_run_opts(VM0, true, "nope"), 1);
	assert_non_null(strstr(buildtest_errors, "unknown board 'nope'"));
}

static void test_bootargs_too_long(void **state)
{
	char args[1100], *body;

	(void)state;
	memset(args, 'x', sizeof(args));
	args[1025] = '\0';
	body = fileio_strdup_printf(VM0 SET("0", "bootargs = \"%s\"; "), args);
	assert_int_equal(buildtest_run(body), 1);
	assert_non_null(strstr(buildtest_errors,
			       "cfg.dts: /vm@0: property 'bootargs': "
			       "is 1025 characters long, more than "
			       "1024; fix: shorten it\n"));
	free(body);
	args[1024] = '\0';
	body = fileio_strdup_printf(VM0 SET("0", "bootargs = \"%s\"; "), args);
	assert_int_equal(buildtest_run(body), 0);
	free(body);
}

static void test_too_many_vms(void **state)
{
	char *body = fileio_strdup_printf("%s", ""), *next;

	(void)state;
	for (unsigned int i = 0; i <= SHIKIRI_MAX_VMS; i++) {
		next = fileio_strdup_printf("%s\tvm@%x { label = \"v%u\"; "
					    "cpus = <%u>; memory-size = <0 "
					    "0x400000>; kernel = \"Image\"; "
					    "};\n",
					    body, i, i, i % 4);
		free(body);
		body = next;
	}
	assert_int_equal(buildtest_run(body), 1);
	assert_non_null(strstr(buildtest_errors,
			       "cfg.dts: /vm@8: too many VMs; fix: "
			       "use at most 8\n"));
	free(body);
}

/* Limits of the plan: devices, MMIO regions and SPIs per VM. */
static void test_too_many_devices(void **state)
{
	char *list = fileio_strdup_printf("%s", "\"/virtio_mmio@a000000\"");
	char *body, *next;

	(void)state;
	for (unsigned int i = 1; i <= SHIKIRI_MAX_MMIO; i++) {
		next = fileio_strdup_printf("%s, \"/virtio_mmio@a%06x\"", list,
					    i * 0x200);
		free(list);
		list = next;
	}
	body = fileio_strdup_printf(VM0 SET("0", "devices = %s;"), list);
	assert_int_equal(buildtest_run(body), 1);
	assert_non_null(strstr(buildtest_errors,
			       "cfg.dts: /vm@0: property 'devices': lists more "
			       "than 16 devices, the most a VM can have; fix: "
			       "pass fewer\n"));
	free(body);
	free(list);
}

/*
 * A board with @count devices, one page each, each with @irqs SPIs, and
 * /twin@30000000 with two pages apart.
 */
static void make_busy_board(unsigned int count, unsigned int irqs)
{
	char *text = fileio_strdup_printf("%s", "/ {\n"), *next;

	for (unsigned int i = 0; i < count; i++) {
		char *cells = fileio_strdup_printf("%s", "");

		for (unsigned int q = 0; q < irqs; q++) {
			next = fileio_strdup_printf("%s 0 %u 4", cells,
						    200 + i * irqs + q);
			free(cells);
			cells = next;
		}
		next = fileio_strdup_printf(
			"%s\tdev@%x { compatible = \"test,dev\"; reg = <0 0x%x "
			"0 0x100>; interrupts = <%s>; };\n",
			text, 0x20000000 + i * 0x10000,
			0x20000000 + i * 0x10000, cells);
		free(cells);
		free(text);
		text = next;
	}
	next = fileio_strdup_printf("%s\ttwin@30000000 { reg = <0 0x30000000 0 "
				    "0x100 0 0x30100000 0 0x100>; };\n};\n",
				    text);
	buildtest_make_board(next);
	free(text);
	free(next);
}

static void test_too_many_mmio_regions(void **state)
{
	char *list = fileio_strdup_printf("%s", "\"/dev@20000000\""), *body;

	(void)state;
	make_busy_board(16, 1);
	/* Fifteen devices in their own pages, then one with two pages. */
	for (unsigned int i = 1; i < 15; i++) {
		char *next = fileio_strdup_printf("%s, \"/dev@%x\"", list,
						  0x20000000 + i * 0x10000);

		free(list);
		list = next;
	}
	body = fileio_strdup_printf(VM0 SET("0", "devices = %s, "
						 "\"/twin@30000000\";"),
				    list);
	assert_int_equal(buildtest_run(body), 1);
	assert_non_null(
		strstr(buildtest_errors,
		       "cfg.dts: /vm@0: property 'devices': "
		       "'/twin@30000000' makes more than 16 MMIO "
		       "regions (4 KiB pages, merged where they touch), "
		       "the most a VM can have; fix: pass fewer "
		       "devices\n"));
	free(body);
	body = fileio_strdup_printf(VM0 SET("0", "devices = %s;"), list);
	assert_int_equal(buildtest_run(body), 0);
	buildtest_make_board(NULL);
	free(body);
	free(list);
}

static void test_too_many_device_spis(void **state)
{
	(void)state;
	make_busy_board(2, 20);
	assert_int_equal(buildtest_run(VM0 SET("0", "devices = "
						    "\"/dev@20000000\", "
						    "\"/dev@20010000\";")),
			 1);
	assert_non_null(strstr(buildtest_errors,
			       "cfg.dts: /vm@0: property 'devices': "
			       "'/dev@20010000' brings the devices' SPIs to "
			       "more than 32, the most a VM can have; fix: "
			       "pass fewer devices\n"));
	assert_int_equal(buildtest_run(VM0 SET("0", "devices = "
						    "\"/dev@20000000\"; "
						    "interrupt-ranges = "
						    "<64 12>;")),
			 0);
	buildtest_make_board(NULL);
}

#define NEEDS_MEMORY_BASE                                                   \
	"cfg.dts: /vm@0: property 'devices': a VM that owns a DMA-capable " \
	"device needs its RAM at a fixed physical address, which is also "  \
	"where it sees it (device DMA is not translated: there is no "      \
	"IOMMU); fix: add memory-base = <hi lo> (2 MiB aligned, in board "  \
	"RAM)\n"

/*
 * Bus masters without dma-coherent are DMA-capable all the same, and an
 * IOMMU or a fw_cfg without dma-coherent is refused: a board with one of
 * each, as other boards (or other QEMU versions) describe them.
 */
static void test_dma_without_dma_coherent(void **state)
{
	static const struct {
		const char *dev, *want;
	} cases[] = {
		{ "/pcie@20000000", NEEDS_MEMORY_BASE },
		{ "/dma@20010000", NEEDS_MEMORY_BASE },
		{ "/eth@20020000", NEEDS_MEMORY_BASE },
		{ "/smmuv3@20030000",
		  "cfg.dts: /vm@0: property 'devices': '/smmuv3@20030000' is "
		  "an IOMMU, which translates the DMA of every device behind "
		  "it and walks its tables in memory: only the hypervisor "
		  "could own it; fix: remove it\n" },
		{ "/fw-cfg@20040000",
		  "cfg.dts: /vm@0: property 'devices': '/fw-cfg@20040000' is "
		  "QEMU's fw_cfg, the firmware interface of the whole "
		  "machine, whose DMA interface writes anywhere in memory; "
		  "fix: remove it\n" },
	};

	(void)state;
	buildtest_make_board(
		"/ {\n"
		"\tpcie@20000000 { compatible = \"pci-host-ecam-generic\"; "
		"device_type = \"pci\"; reg = <0 0x20000000 0 0x1000>; };\n"
		"\tdma@20010000 { compatible = \"test,dma\"; #dma-cells = "
		"<1>; reg = <0 0x20010000 0 0x1000>; };\n"
		"\teth@20020000 { compatible = \"test,eth\"; dma-ranges; "
		"reg = <0 0x20020000 0 0x1000>; };\n"
		"\tsmmuv3@20030000 { compatible = \"arm,smmu-v3\"; "
		"#iommu-cells = <1>; reg = <0 0x20030000 0 0x1000>; };\n"
		"\tfw-cfg@20040000 { compatible = \"qemu,fw-cfg-mmio\"; "
		"reg = <0 0x20040000 0 0x18>; };\n"
		"\tplain@20050000 { compatible = \"test,plain\"; "
		"reg = <0 0x20050000 0 0x1000>; };\n};\n");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *body = fileio_strdup_printf(
			VM0 SET("0", "devices = \"%s\";"), cases[i].dev);
		int rc = buildtest_run(body);

		if (rc != 1 || !strstr(buildtest_errors, cases[i].want))
			print_error("%s: rc %d, errors:\n%s\n", cases[i].dev,
				    rc, buildtest_errors);
		assert_int_equal(rc, 1);
		assert_non_null(strstr(buildtest_errors, cases[i].want));
		free(body);
	}
	/* A bus master with memory-base, and a plain device, are fine. */
	assert_int_equal(buildtest_run(VM0 SET("0", "devices = "
						    "\"/dma@20010000\"; "
						    "memory-base = "
						    "<0 0x80000000>;")),
			 0);
	assert_int_equal(
		buildtest_run(VM0 SET("0", "devices = \"/plain@20050000\";")),
		0);
	buildtest_make_board(NULL);
}

/* A board with more CPUs than the aarch64 hypervisor has stacks for. */
static void test_too_many_board_cpus(void **state)
{
	char extra[1024] = "/ {\n\tcpus {\n";

	(void)state;
	for (int i = 4; i < 9; i++)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
			 "\t\tcpu@%d { device_type = \"cpu\"; compatible = "
			 "\"arm,cortex-a72\"; reg = <%d>; };\n",
			 i, i);
	strcat(extra, "\t};\n};\n");
	buildtest_make_board(extra);
	assert_int_equal(buildtest_run(VM0), 1);
	if (!strstr(buildtest_errors, "more than 8 CPUs; shikiri on aarch64 "
				      "supports at most 8"))
		print_error("errors:\n%s\n", buildtest_errors);
	assert_non_null(strstr(buildtest_errors,
			       "more than 8 CPUs; shikiri on aarch64 "
			       "supports at most 8\n"));
	buildtest_make_board(NULL);
}

/* One config, many mistakes: every one of them is reported. */
static void test_all_errors_reported(void **state)
{
	static const char *const want[] = {
		"/vm@0: property 'label': 'A' is not a valid VM name",
		"/vm@0: property 'cpus': CPU 9 is not on the board",
		"/vm@0: property 'on-crash': 'never' is not a policy",
		"/vm@0: property 'speed': unknown property",
		"/vm@1: property 'cpus': CPU 1 is already given to /vm@0",
		"/vm@1: property 'kernel': cannot read '",
		"/vm@1: property 'memory-size': 0x4000001 is not a non-zero",
		"/vm@2: property 'kernel': '",
		"/vm@2: property 'devices': '/nope' is not in the board's DT",
	};
	const char *body =
		"vm@0 { label = \"A\"; cpus = <1 9>; memory-size = <0 "
		"0x4000000>; kernel = \"Image\"; on-crash = \"never\"; "
		"speed = <3>; };\n"
		"vm@1 { label = \"b\"; cpus = <1>; memory-size = <0 "
		"0x4000001>; kernel = \"missing\"; };\n"
		"vm@2 { label = \"c\"; cpus = <2>; memory-size = <0 "
		"0x4000000>; kernel = \"initrd\"; devices = \"/nope\"; };\n";
	unsigned int lines = 0;

	(void)state;
	assert_int_equal(buildtest_run(body), 1);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (!strstr(buildtest_errors, want[i]))
			print_error("missing: %s\nin:\n%s", want[i],
				    buildtest_errors);
		assert_non_null(strstr(buildtest_errors, want[i]));
	}
	for (const char *s = buildtest_errors; *s; s++)
		lines += *s == '\n';
	assert_int_equal(lines, sizeof(want) / sizeof(want[0]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_board_selection),
		cmocka_unit_test(test_bootargs_too_long),
		cmocka_unit_test(test_too_many_vms),
		cmocka_unit_test(test_too_many_devices),
		cmocka_unit_test(test_too_many_mmio_regions),
		cmocka_unit_test(test_too_many_device_spis),
		cmocka_unit_test(test_dma_without_dma_coherent),
		cmocka_unit_test(test_too_many_board_cpus),
		cmocka_unit_test(test_all_errors_reported),
	};
	int failed;

	if (buildtest_setup("config-errors")) {
		fprintf(stderr, "test_config_errors: cannot set up %s\n",
			buildtest_dir);
		return 1;
	}
	failed =
		cmocka_run_group_tests_name("config limits", tests, NULL, NULL);
	failed += buildtest_error_table("config errors", config_errors,
					sizeof(config_errors) /
						sizeof(config_errors[0]));
	buildtest_teardown();
	return failed ? 1 : 0;
}
