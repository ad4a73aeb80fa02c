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

# One short line per file built (CC hv/core/vm.c); V=1 shows each command.
ifeq ($(V),1)
Q :=
msg =
else
Q := @
msg = @printf '  %-8s %s\n' '$(1)' '$(2)'
endif

.PHONY: all setup run test unit-test system-test clean check format bench
all:

setup:
	@scripts/setup

include hv/hv.mk
include tools/shikiri-build/shikiri-build.mk
include tests/unit/unit.mk
include guests/baremetal/baremetal.mk
include guests/baremetal-x86/baremetal-x86.mk
include tools/ctl/ctl.mk
include tools/shm/shm.mk
include tools/cpuprobe/cpuprobe.mk
include guests/x86/x86.mk
include tests/fuzz/fuzz.mk
include bench/bench.mk

GUEST_MODULES = $(wildcard $(BUILD)/cache/modules/*.ko)
# The modules init loads at boot, in an order that works (each after the
# ones it needs): virtio-mmio and virtio-net for a VM's network, virtio-pci
# and virtio-blk for the virtio functions it may own on a PCI bus
# (docs/pci.md), uio for its shared-memory regions (docs/communication.md).
# Those the cache lacks (set up before they were kept) are left out.
GUEST_LOAD_ORDER := virtio_ring virtio virtio_mmio virtio_pci_modern_dev \
	virtio_pci_legacy_dev virtio_pci failover net_failover virtio_net \
	virtio_blk uio uio_pci_generic
GUEST_LOAD = $(wildcard $(GUEST_LOAD_ORDER:%=$(BUILD)/cache/modules/%.ko))
ROOTFS_FILES := guests/rootfs/mkinitramfs guests/rootfs/init \
	$(shell find guests/rootfs/etc -type f)

$(BUILD)/guest/initramfs.cpio.gz: $(BUILD)/cache/busybox $(SHIKIRICTL) \
		$(SHIKIRI_SHM) $(SHIKIRI_CPU) guests/rootfs/pcitest \
		$(ROOTFS_FILES) $(GUEST_MODULES)
	$(call msg,CPIO,$@)
	$(Q)guests/rootfs/mkinitramfs $(BUILD)/cache/busybox $@ $(SHIKIRICTL) \
		$(SHIKIRI_SHM) $(SHIKIRI_CPU) guests/rootfs/pcitest \
		$(filter-out $(GUEST_LOAD),$(GUEST_MODULES)) \
		--load $(GUEST_LOAD)

# The same initramfs for x86-64 guests: amd64 busybox and shikirictl, and
# the modules of the amd64 kernel (docs/x86.md).  Built by `make all` once
# set-up has fetched the amd64 payloads.
X86_CACHE := $(BUILD)/cache/x86_64
X86_INITRAMFS := $(BUILD)/guest-x86_64/initramfs.cpio.gz
X86_GUEST_MODULES = $(wildcard $(X86_CACHE)/modules/*.ko)

$(X86_INITRAMFS): $(X86_CACHE)/busybox $(SHIKIRICTL_X86) $(ROOTFS_FILES) \
		$(X86_GUEST_MODULES)
	$(call msg,CPIO,$@)
	$(Q)guests/rootfs/mkinitramfs $(X86_CACHE)/busybox $@ \
		$(SHIKIRICTL_X86) $(X86_GUEST_MODULES)

all: $(if $(wildcard $(X86_CACHE)/busybox),$(X86_INITRAMFS))

# The initramfs of the x86 VMs that own PCI functions: the same, for
# Debian's generic amd64 kernel (build/cache/x86_64/generic), with the
# drivers of the PCI test machine's controllers (AHCI, e1000e, xHCI and
# USB storage, SCSI disks) and every module they need, in load order from
# the kernel's modules.dep (guests/rootfs/moddeps), which init loads at
# boot; that kernel's pvpanic modules for the hook init has; and pcitest,
# the guest's side of the PCI tests.
X86_GENERIC := $(X86_CACHE)/generic
X86_PCI_INITRAMFS := $(BUILD)/guest-x86_64/initramfs-pci.cpio.gz
X86_PCI_MODULES := ahci sd_mod e1000e xhci-pci usb-storage
ifneq ($(wildcard $(X86_GENERIC)/modules.dep),)
X86_GENERIC_MODDIR := $(patsubst %/,%,$(dir $(realpath $(X86_GENERIC)/modules.dep)))
X86_PCI_LOAD := $(shell guests/rootfs/moddeps $(X86_GENERIC_MODDIR) $(X86_PCI_MODULES))
X86_PCI_PVPANIC := $(shell guests/rootfs/moddeps $(X86_GENERIC_MODDIR) pvpanic-mmio)
ifeq ($(X86_PCI_LOAD),)
$(error guests/rootfs/moddeps found no modules in $(X86_GENERIC_MODDIR))
endif

$(X86_PCI_INITRAMFS): $(X86_CACHE)/busybox $(SHIKIRICTL_X86) $(ROOTFS_FILES) \
		guests/rootfs/moddeps guests/rootfs/pcitest $(X86_PCI_PVPANIC) \
		$(X86_PCI_LOAD)
	$(call msg,CPIO,$@)
	$(Q)guests/rootfs/mkinitramfs $(X86_CACHE)/busybox $@ \
		$(SHIKIRICTL_X86) guests/rootfs/pcitest $(X86_PCI_PVPANIC) \
		--load $(X86_PCI_LOAD)

all: $(X86_PCI_INITRAMFS)
endif

# The image for a config anywhere: build/<config name>/shikiri.img.
image_of = $(BUILD)/$(basename $(notdir $(1)))/shikiri.img
CONFIG_IMAGE := $(call image_of,$(CONFIG))
# The config's board (its root's board = "..."): which hypervisor and which
# guest payloads its image is built from.
CONFIG_BOARD := $(shell sed -n 's/^[[:space:]]*board = "\([^"]*\)";.*/\1/p' \
	$(CONFIG) 2>/dev/null | head -n1)
ifeq ($(CONFIG_BOARD),qemu-q35)
CONFIG_HV := $(HVX_BIN)
PAYLOADS := $(X86_CACHE)/bzImage $(X86_INITRAMFS)
else
CONFIG_BOARD := qemu-virt
CONFIG_HV := $(HV_BIN)
PAYLOADS := $(BUILD)/cache/Image $(BUILD)/guest/initramfs.cpio.gz
endif

$(CONFIG_IMAGE): $(CONFIG) $(CONFIG_HV) $(SHIKIRI_BUILD) $(PAYLOADS)
	@mkdir -p $(dir $@)
	$(call msg,IMAGE,$@)
	$(Q)$(SHIKIRI_BUILD) --board $(CONFIG_BOARD) --hv $(CONFIG_HV) $< -o $@

# Plain `make` on a machine not set up yet builds what it can and says in
# one line what to run, instead of failing on a file set-up fetches.
SETUP_HINT := run 'make setup' as root (make run and make test set up too)
ifeq ($(shell command -v $(CROSS)gcc 2>/dev/null),)
all:
	@echo "make: no $(CROSS)gcc: $(SETUP_HINT)" >&2; exit 1
else ifeq ($(wildcard $(BUILD)/cache/Image),)
all: $(HV_BIN) $(HVX_BIN) x86-guests $(SHIKIRI_BUILD) $(BAREMETAL_IMAGES)
	@echo "make: built all but $(CONFIG_IMAGE): no guest kernel in $(BUILD)/cache; $(SETUP_HINT)"
else
all: $(HV_BIN) $(HVX_BIN) x86-guests $(SHIKIRI_BUILD) $(CONFIG_IMAGE) \
	$(BAREMETAL_IMAGES)
endif

run: setup
	@$(MAKE) --no-print-directory all CONFIG=$(CONFIG)
	@scripts/run $(CONFIG_IMAGE)

test: setup
	@$(MAKE) --no-print-directory all unit-test-bins
	@$(PYTHON) tests/run-all

clean:
	rm -rf $(BUILD)/hv $(BUILD)/x86_64/hv $(BUILD)/bin $(BUILD)/unit $(BUILD)/qemu-virt-* \
		$(BUILD)/qemu-q35-*
