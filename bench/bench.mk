# bench/: `make bench` measures guest overhead (docs/performance.md).  Not
# part of `make test`.  BENCH_ROUNDS=N sets the rounds (default 5);
# BENCH_ICOUNT=1 runs the deterministic mode (-icount shift=0, native,
# null hypervisor and shikiri only, default 3 rounds) into
# build/bench/icount.  After the aarch64 tables, the x86 ones (native and
# shikiri on q35) go to build/bench/x86_64; BENCH_ARCH=aarch64 or x86_64
# runs one only.

BENCH_DIR := $(BUILD)/bench
GUESTBENCH := $(BENCH_DIR)/guestbench
NULLHV := $(BENCH_DIR)/nullhv.bin
BENCH_INITRD := $(BENCH_DIR)/initramfs.cpio.gz
BENCH_IMAGE := $(BENCH_DIR)/shikiri.img
BENCH_ICOUNT ?=
BENCH_ROUNDS ?= $(if $(filter 1,$(BENCH_ICOUNT)),3,5)

$(GUESTBENCH): bench/guestbench.c
	@mkdir -p $(dir $@)
	$(call msg,CC,$<)
	$(Q)$(CROSS)gcc -O2 -static -Wall -Wextra -Werror -o $@ $<

$(BENCH_DIR)/nullhv.o: bench/nullhv/nullhv.S
	@mkdir -p $(dir $@)
	$(call msg,AS,$<)
	$(Q)$(CROSS)gcc -c -o $@ $<

$(NULLHV): $(BENCH_DIR)/nullhv.o bench/nullhv/nullhv.ld
	$(call msg,LD,$@)
	$(Q)$(CROSS)ld -nostdlib --no-warn-rwx-segments -T bench/nullhv/nullhv.ld \
		-o $(BENCH_DIR)/nullhv.elf $<
	$(Q)$(CROSS)objcopy -O binary $(BENCH_DIR)/nullhv.elf $@

$(BENCH_INITRD): $(BUILD)/cache/busybox $(GUESTBENCH) bench/mkinitramfs \
		bench/rootfs/init
	$(call msg,CPIO,$@)
	$(Q)bench/mkinitramfs $(BUILD)/cache/busybox $(GUESTBENCH) $@

$(BENCH_IMAGE): bench/shikiri.dts $(HV_BIN) $(SHIKIRI_BUILD) \
		$(BUILD)/cache/Image $(BENCH_INITRD)
	$(call msg,IMAGE,$@)
	$(Q)$(SHIKIRI_BUILD) --board qemu-virt --hv $(HV_BIN) $< -o $@

# x86-64: the same benchmark program and init, built for amd64.
BENCH_X86 := $(BENCH_DIR)/x86_64
GUESTBENCH_X86 := $(BENCH_X86)/guestbench
BENCH_INITRD_X86 := $(BENCH_X86)/initramfs.cpio.gz
BENCH_IMAGE_X86 := $(BENCH_X86)/shikiri.img
BENCH_ARCH ?= aarch64 x86_64

$(GUESTBENCH_X86): bench/guestbench.c
	@mkdir -p $(dir $@)
	$(call msg,CC,$< (x86_64))
	$(Q)$(HOST_CC) -O2 -static -Wall -Wextra -Werror -o $@ $<

$(BENCH_INITRD_X86): $(BUILD)/cache/x86_64/busybox $(GUESTBENCH_X86) \
		bench/mkinitramfs bench/rootfs/init
	$(call msg,CPIO,$@)
	$(Q)bench/mkinitramfs $(BUILD)/cache/x86_64/busybox $(GUESTBENCH_X86) $@

$(BENCH_IMAGE_X86): bench/shikiri-x86.dts $(HVX_BIN) $(SHIKIRI_BUILD) \
		$(BUILD)/cache/x86_64/bzImage $(BENCH_INITRD_X86)
	$(call msg,IMAGE,$@)
	$(Q)$(SHIKIRI_BUILD) --board qemu-q35 --hv $(HVX_BIN) $< -o $@

bench: setup
	@bench/setup
	@status=0; \
	if [ -n "$(filter aarch64,$(BENCH_ARCH))" ]; then \
		$(MAKE) --no-print-directory $(BENCH_IMAGE) $(NULLHV) && \
		$(PYTHON) bench/run.py --rounds $(BENCH_ROUNDS) \
			$(if $(filter 1,$(BENCH_ICOUNT)),--icount) || status=1; \
		$(if $(filter 1,$(BENCH_ICOUNT)),, \
		$(MAKE) --no-print-directory bench-comm || status=1;) \
	fi; \
	if [ -n "$(filter x86_64,$(BENCH_ARCH))" ]; then \
		$(MAKE) --no-print-directory $(BENCH_IMAGE_X86) && \
		$(PYTHON) bench/run.py --arch x86_64 --rounds $(BENCH_ROUNDS) \
			$(if $(filter 1,$(BENCH_ICOUNT)),--icount) || status=1; \
	fi; \
	exit $$status

BENCH_COMM_ROUNDS ?= 3

.PHONY: bench-comm
bench-comm: setup
	@$(MAKE) --no-print-directory $(HV_BIN) $(SHIKIRI_BUILD) \
		$(BUILD)/guest/initramfs.cpio.gz
	@$(PYTHON) bench/comm.py \
		--rounds $(BENCH_COMM_ROUNDS)
