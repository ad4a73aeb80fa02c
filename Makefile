# shikiri: top-level build.  `make` builds everything, `make run` boots the
# default demo on QEMU, `make test` runs every unit and system test.
# Each area keeps its rules in its own fragment, included below.

CROSS ?= aarch64-linux-gnu-
BUILD := build
CONFIG ?= configs/qemu-virt-demo.dts
PYTHON := /usr/bin/python3

HOST_CC ?= gcc
HOST_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -g -O1 \
	-Iinclude -Ihv/include
HOST_SAN := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all

.PHONY: all setup run test unit-test system-test clean check format bench
all:

setup:
	@scripts/setup

include hv/hv.mk
include tools/shikiri-build/shikiri-build.mk
include tests/unit/unit.mk
include guests/baremetal/baremetal.mk
include tools/ctl/ctl.mk
include tests/fuzz/fuzz.mk
include bench/bench.mk

GUEST_MODULES = $(wildcard $(BUILD)/cache/modules/*.ko)

$(BUILD)/guest/initramfs.cpio.gz: $(BUILD)/cache/busybox $(SHIKIRICTL) \
		guests/rootfs/mkinitramfs guests/rootfs/init \
		$(shell find guests/rootfs/etc -type f) $(GUEST_MODULES)
	guests/rootfs/mkinitramfs $(BUILD)/cache/busybox $@ $(SHIKIRICTL) \
		$(GUEST_MODULES)

# The image for a config anywhere: build/<config name>/shikiri.img.
image_of = $(BUILD)/$(basename $(notdir $(1)))/shikiri.img
CONFIG_IMAGE := $(call image_of,$(CONFIG))
PAYLOADS := $(BUILD)/cache/Image $(BUILD)/guest/initramfs.cpio.gz

$(CONFIG_IMAGE): $(CONFIG) $(HV_BIN) $(SHIKIRI_BUILD) $(PAYLOADS)
	@mkdir -p $(dir $@)
	$(SHIKIRI_BUILD) --board qemu-virt --hv $(HV_BIN) $< -o $@

all: $(HV_BIN) $(SHIKIRI_BUILD) $(CONFIG_IMAGE) $(BAREMETAL_IMAGES)

run: setup
	@$(MAKE) --no-print-directory all CONFIG=$(CONFIG)
	@scripts/run $(CONFIG_IMAGE)

test: setup
	@$(MAKE) --no-print-directory all unit-test-bins
	@$(PYTHON) tests/run-all

clean:
	rm -rf $(BUILD)/hv $(BUILD)/bin $(BUILD)/unit $(BUILD)/qemu-virt-*
