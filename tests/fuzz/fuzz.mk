# make fuzz: libFuzzer with ASan and UBSan, each harness for a bounded time
# (FUZZ_SECONDS each, default 60), then a summary line per harness.  Not
# part of make test, which replays the hypervisor harnesses' checked-in
# corpora instead (fuzz_replay_* below).  Needs clang and its runtime.
#
# fuzz_config: shikiri-build's config front end, seeded with every config.
# fuzz_<name>: what a guest reaches at EL2 (tests/fuzz/world.h), seeded
# with tests/fuzz/corpus/<name>/.

FUZZ_SECONDS ?= 60
FUZZ_OUT := $(BUILD)/fuzz
FUZZ_BIN := $(FUZZ_OUT)/fuzz_config
FUZZ_BOARD := $(FUZZ_OUT)/qemu-virt.dtb
FUZZ_SEEDS := $(wildcard configs/*.dts tests/system/configs/*.dts)
FUZZ_HARNESSES := vgic vpl011 vwdt manage mmio psci sysreg

# The hypervisor as a guest reaches it, on the fake architecture: the one
# list of what every harness (and its replay) links.  libFuzzer's coverage
# instruments the hypervisor only: the world around it (its model of the
# CPUs and its invariants) is plain code, which keeps it fast.
FUZZ_HV_SRCS := $(HV_HOST_VM_SRCS) \
	hv/arch/aarch64/traps.c hv/arch/aarch64/mmio_decode.c \
	hv/arch/aarch64/sysreg_trap.c hv/arch/aarch64/id_regs.c \
	hv/arch/aarch64/psci.c hv/arch/aarch64/inject.c \
	hv/arch/aarch64/pstate.c
FUZZ_WORLD_SRCS := hv/arch/fake/fake.c hv/arch/fake/cpu.c hv/arch/fake/pci.c \
	hv/arch/fake/smmu.c \
	hv/arch/fake/sysreg.c hv/arch/fake/sysreg_hw.c tests/fuzz/world.c \
	tests/fuzz/check.c
FUZZ_HV_CFLAGS := -Ihv/arch/fake/include -Ihv/arch/aarch64/include -Ihv/arch/fake
FUZZ_HV_DEPS := $(FUZZ_HV_SRCS) $(FUZZ_WORLD_SRCS) $(wildcard \
	tests/fuzz/*.h hv/include/hv/*.h hv/include/hv/*/*.h \
	hv/arch/aarch64/*.h hv/arch/aarch64/include/arch/*.h \
	hv/arch/fake/*.h hv/arch/fake/include/arch/*.h include/shikiri/*.h)
FUZZ_CLANG := clang -std=c11 -D_DEFAULT_SOURCE -g -O1 -Iinclude \
	-Ihv/include -fno-sanitize-recover=all
FUZZ_SAN := -fsanitize=address,undefined
FUZZ_HV_OBJS := $(patsubst %.c,$(FUZZ_OUT)/cov/%.o,$(FUZZ_HV_SRCS)) \
	$(patsubst %.c,$(FUZZ_OUT)/plain/%.o,$(FUZZ_WORLD_SRCS))
FUZZ_HV_BINS := $(addprefix $(FUZZ_OUT)/fuzz_,$(FUZZ_HARNESSES))
FUZZ_REPLAYS := $(addprefix $(BUILD)/unit/fuzz_replay_,$(FUZZ_HARNESSES))

.PHONY: fuzz fuzz-setup fuzz-bins
fuzz-setup:
	@dpkg-query -W -f='$${Status}' clang libclang-rt-14-dev 2>/dev/null | \
		grep -c 'ok installed' | grep -q 2 || \
		apt-get install -y -q clang libclang-rt-14-dev >/dev/null

$(FUZZ_BIN): tests/fuzz/fuzz_config.c $(SHIKIRI_BUILD_LIB_SRCS) \
		$(SHIKIRI_BUILD_HDRS) | fuzz-setup
	@mkdir -p $(dir $@)
	$(call msg,CLANG,$@)
	$(Q)$(FUZZ_CLANG) -fsanitize=fuzzer,address,undefined \
		-Itools/shikiri-build -o $@ $(filter %.c,$^) -lfdt

$(FUZZ_OUT)/cov/%.o: %.c $(FUZZ_HV_DEPS) | fuzz-setup
	@mkdir -p $(dir $@)
	$(call msg,CLANG,$@)
	$(Q)$(FUZZ_CLANG) $(FUZZ_HV_CFLAGS) $(FUZZ_SAN) \
		-fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_OUT)/plain/%.o: %.c $(FUZZ_HV_DEPS) | fuzz-setup
	@mkdir -p $(dir $@)
	$(call msg,CLANG,$@)
	$(Q)$(FUZZ_CLANG) $(FUZZ_HV_CFLAGS) $(FUZZ_SAN) -c -o $@ $<

$(FUZZ_HV_BINS): $(FUZZ_OUT)/fuzz_%: $(FUZZ_OUT)/plain/tests/fuzz/fuzz_%.o \
		$(FUZZ_HV_OBJS)
	$(call msg,CLANG,$@)
	$(Q)$(FUZZ_CLANG) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^

# The same harnesses as unit tests: each replays its corpus once.
UNIT_TESTS += $(FUZZ_REPLAYS)
unit-test-bins: $(FUZZ_REPLAYS)

$(FUZZ_REPLAYS): $(BUILD)/unit/fuzz_replay_%: tests/fuzz/fuzz_%.c \
		tests/fuzz/replay.c $(FUZZ_HV_DEPS) \
		$(wildcard tests/fuzz/corpus/*/*)
	@mkdir -p $(dir $@)
	$(call msg,HOSTCC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(FUZZ_HV_CFLAGS) $(HOST_SAN) \
		-DFUZZ_CORPUS='"$(CURDIR)/tests/fuzz/corpus/$*"' -o $@ \
		$< tests/fuzz/replay.c $(FUZZ_HV_SRCS) $(FUZZ_WORLD_SRCS)

$(FUZZ_BOARD): tests/unit/golden/qemu-virt.dts
	@mkdir -p $(dir $@)
	dtc -q -I dts -O dtb -o $@ $<

fuzz-bins: $(FUZZ_BIN) $(FUZZ_HV_BINS)

# Each run works on a copy of its seeds, so the checked-in corpus stays
# small; what it finds is written to build/fuzz/<name>/.
fuzz: setup fuzz-bins $(FUZZ_BOARD)
	@rm -rf $(FUZZ_OUT)/corpus && mkdir -p $(FUZZ_OUT)/corpus/config
	@for f in $(FUZZ_SEEDS); do \
		dtc -q -I dts -O dtb -o $(FUZZ_OUT)/corpus/config/$$(basename $$f).dtb $$f; \
	done
	@for h in $(FUZZ_HARNESSES) $(FUZZ_ALONE); do \
		mkdir -p $(FUZZ_OUT)/corpus/$$h && \
		cp tests/fuzz/corpus/$$h/* $(FUZZ_OUT)/corpus/$$h/; \
	done
	@SHIKIRI_FUZZ_BOARD=$(FUZZ_BOARD) tests/fuzz/run $(FUZZ_OUT) \
		$(FUZZ_SECONDS) config $(FUZZ_HARNESSES) $(FUZZ_ALONE)

# Harnesses of pure-logic models that need no world around them: fuzz_x86,
# the x86 device models of one VM (tests/fuzz/fuzz_x86.c).
FUZZ_ALONE := x86 pci shm virtq
FUZZ_ALONE_BINS := $(addprefix $(FUZZ_OUT)/fuzz_,$(FUZZ_ALONE))
fuzz-bins: $(FUZZ_ALONE_BINS)
FUZZ_X86_SRCS := $(X86_MODEL_SRCS) $(X86_CONSOLE_SRCS)
FUZZ_X86_DEPS := tests/fuzz/fuzz_x86.c $(FUZZ_X86_SRCS) \
	$(wildcard hv/arch/x86_64/include/arch/*.h) hv/include/hv/v16550.h

# A harness that needs no world, and its corpus replayed as a unit test:
# $(1) its name, $(2) its sources and headers, $(3) the variable that
# holds its compiler flags.
define fuzz_alone
$$(FUZZ_OUT)/fuzz_$(1): $(2) tests/fuzz/fuzz_check.h | fuzz-setup
	@mkdir -p $$(dir $$@)
	$$(call msg,CLANG,$$@)
	$$(Q)$$(FUZZ_CLANG) $$($(3)) -fsanitize=fuzzer,address,undefined \
		-o $$@ $$(filter %.c,$$^)

UNIT_TESTS += $$(BUILD)/unit/fuzz_replay_$(1)
unit-test-bins: $$(BUILD)/unit/fuzz_replay_$(1)

$$(BUILD)/unit/fuzz_replay_$(1): $(2) tests/fuzz/fuzz_check.h \
		tests/fuzz/replay.c $$(wildcard tests/fuzz/corpus/$(1)/*)
	@mkdir -p $$(dir $$@)
	$$(call msg,HOSTCC,$$@)
	$$(Q)$$(HOST_CC) $$(HOST_CFLAGS) $$($(3)) $$(HOST_SAN) \
		-DFUZZ_CORPUS='"$$(CURDIR)/tests/fuzz/corpus/$(1)"' -o $$@ \
		$$(filter %.c,$$^)
endef

$(eval $(call fuzz_alone,x86,$(FUZZ_X86_DEPS),UNIT_X86_CFLAGS))

# fuzz_pci: the PCI config-space handler and MSI-X pages of hv/core on the
# fake arch's model of PCI functions (tests/fuzz/fuzz_pci.c), with the
# unit tests' machine.
FUZZ_PCI_SRCS := $(PCI_CORE_SRCS) hv/core/mmio.c hv/core/page_pool.c \
	hv/arch/fake/pci.c
FUZZ_PCI_DEPS := tests/fuzz/fuzz_pci.c $(FUZZ_PCI_SRCS) \
	tests/unit/pci_fixture.h hv/core/pci_int.h hv/include/hv/pci.h \
	hv/include/hv/arch/pci.h hv/arch/fake/fake_pci.h

$(eval $(call fuzz_alone,pci,$(FUZZ_PCI_DEPS),UNIT_HV_CFLAGS))

# fuzz_shm: the shared-memory functions on three VMs' virtual buses, with
# the fake arch's record of edge lines (tests/fuzz/fuzz_shm.c).
FUZZ_SHM_DEPS := tests/fuzz/fuzz_shm.c hv/core/shm.c hv/core/vpci.c \
	hv/core/mmio.c hv/arch/fake/virq.c hv/include/hv/shm.h \
	hv/include/hv/vpci.h include/shikiri/shm.h

$(eval $(call fuzz_alone,shm,$(FUZZ_SHM_DEPS),UNIT_HV_CFLAGS))

# fuzz_virtq: the virtio-net device, its virtqueues and the switch as a
# hostile guest drives them (tests/fuzz/fuzz_virtq.c), on the unit tests'
# fake VMs, the guest's RAM guarded by ASan.
FUZZ_VIRTQ_DEPS := tests/fuzz/fuzz_virtq.c $(VNET_DEPS)

$(eval $(call fuzz_alone,virtq,$(FUZZ_VIRTQ_DEPS),UNIT_HV_CFLAGS))
