# bench/: `make bench` measures guest overhead (docs/performance.md).  Not
# part of `make test`.  BENCH_ROUNDS=N sets the rounds (default 5);
# BENCH_ICOUNT=1 runs the deterministic mode (-icount shift=0, native,
# null hypervisor and shikiri only, default 3 rounds) into
# build/bench/icount.

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

bench: setup
	@bench/setup
	@$(MAKE) --no-print-directory $(BENCH_IMAGE) $(NULLHV)
	@$(PYTHON) bench/run.py --rounds $(BENCH_ROUNDS) \
		$(if $(filter 1,$(BENCH_ICOUNT)),--icount)
