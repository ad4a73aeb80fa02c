# Host unit tests (cmocka), built by `make unit-test-bins` and run by
# tests/run-all.  Each area appends its test binaries to UNIT_TESTS with a
# rule to build them; keep this a plain list.

UNIT_TESTS += $(BUILD)/unit/test_plan $(BUILD)/unit/test_plan_x86 \
	$(BUILD)/unit/test_plan_pci $(BUILD)/unit/test_plan_shm \
	$(BUILD)/unit/test_plan_arm_pci

$(BUILD)/unit/test_plan $(BUILD)/unit/test_plan_x86 \
		$(BUILD)/unit/test_plan_pci $(BUILD)/unit/test_plan_shm \
		$(BUILD)/unit/test_plan_arm_pci: \
		$(BUILD)/unit/%: \
		tests/unit/%.c $(wildcard hv/core/plan_*.c) hv/lib/crc32.c \
		hv/arch/aarch64/plan_arch.c \
		hv/arch/x86_64/plan_arch.c include/shikiri/plan.h \
		include/shikiri/x86_layout.h hv/arch/aarch64/asm_defs.h \
		hv/include/hv/plan_check.h tests/unit/plan_fixture.h
	@mkdir -p $(dir $@)
	$(call msg,HOSTCC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(HOST_SAN) -o $@ $(filter %.c,$^) -lcmocka

# The tool's pieces, tested in process, with the harness in buildtest.c;
# SHIKIRI_SRCDIR finds the golden files wherever the test is run from.
BUILDTEST_TESTS := test_dtgen test_config_errors test_vm_extras test_configs \
	test_comm_errors test_comm_build \
	test_x86_build test_x86_errors test_x86_pci test_arm_pci
UNIT_TESTS += $(addprefix $(BUILD)/unit/,$(BUILDTEST_TESTS))

# x86fake.c makes the x86_64 inputs: a Multiboot hypervisor, bzImages.
$(addprefix $(BUILD)/unit/,$(BUILDTEST_TESTS)): $(BUILD)/unit/%: \
		tests/unit/%.c tests/unit/buildtest.c tests/unit/buildtest.h \
		tests/unit/x86fake.c tests/unit/x86fake.h configs/boards/qemu-q35.dts \
		configs/boards/qemu-virt-smmu.dtso \
		$(SHIKIRI_BUILD_LIB_SRCS) $(SHIKIRI_BUILD_HDRS) \
		$(wildcard tests/unit/golden/* tests/unit/golden/configs/*)
	@mkdir -p $(dir $@)
	$(call msg,HOSTCC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(HOST_SAN) -Itools/shikiri-build \
		-DSHIKIRI_SRCDIR='"$(CURDIR)"' -o $@ $(filter %.c,$^) \
		-lcmocka -lfdt

# Hypervisor pieces, built for the host against the fake architecture.
UNIT_HV_CFLAGS := -Ihv/arch/aarch64/include
UNIT_TESTS += $(BUILD)/unit/test_pgtable $(BUILD)/unit/test_mmio \
	$(BUILD)/unit/test_vgic $(BUILD)/unit/test_vgic_state

$(BUILD)/unit/test_pgtable: tests/unit/test_pgtable.c \
		hv/arch/aarch64/pgtable.c hv/core/page_pool.c
	@mkdir -p $(dir $@)
	$(call msg,HOSTCC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(UNIT_HV_CFLAGS) $(HOST_SAN) -o $@ $^ -lcmocka

$(BUILD)/unit/test_mmio: tests/unit/test_mmio.c \
		hv/arch/aarch64/mmio_decode.c hv/core/mmio.c
	@mkdir -p $(dir $@)
	$(call msg,HOSTCC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(UNIT_HV_CFLAGS) $(HOST_SAN) -o $@ $^ -lcmocka

# With the list registers on the fake CPUs' system registers; the VM they
# play with is tests/unit/vgic_fixture.h.
$(BUILD)/unit/test_vgic $(BUILD)/unit/test_vgic_state: $(BUILD)/unit/%: \
		tests/unit/%.c tests/unit/vgic_fixture.h hv/arch/aarch64/vgic_v3.c \
		hv/arch/aarch64/vgic_lr.c hv/arch/aarch64/vgic_state.c \
		hv/arch/aarch64/virq.c \
		hv/arch/fake/fake.c hv/arch/fake/sysreg.c hv/core/mmio.c
	@mkdir -p $(dir $@)
	$(call msg,HOSTCC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -Ihv/arch/fake/include $(UNIT_HV_CFLAGS) \
		-Ihv/arch/aarch64 -Ihv/arch/fake $(HOST_SAN) -o $@ \
		$(filter %.c,$^) -lcmocka

# ITS command encodings and the MSI route check (pure: no fake hardware).
UNIT_TESTS += $(BUILD)/unit/test_its

$(BUILD)/unit/test_its: tests/unit/test_its.c hv/arch/aarch64/its_cmd.c \
		hv/arch/aarch64/msi.c
	@mkdir -p $(dir $@)
	$(call msg,HOSTCC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -Ihv/arch/fake/include $(UNIT_HV_CFLAGS) \
		-Ihv/arch/aarch64 $(HOST_SAN) -o $@ $^ -lcmocka

# its.c against a model of the ITS and its redistributors in host memory.
UNIT_TESTS += $(BUILD)/unit/test_its_hw

$(BUILD)/unit/test_its_hw: tests/unit/test_its_hw.c hv/arch/aarch64/its.c \
		hv/arch/aarch64/its_cmd.c hv/arch/fake/virq.c
	@mkdir -p $(dir $@)
	$(call msg,HOSTCC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -Ihv/arch/fake/include $(UNIT_HV_CFLAGS) \
		-Ihv/arch/aarch64 -Ihv/arch/fake $(HOST_SAN) -o $@ $^ -lcmocka

UNIT_TESTS += $(BUILD)/unit/test_id_regs

$(BUILD)/unit/test_id_regs: tests/unit/test_id_regs.c hv/arch/aarch64/id_regs.c
	@mkdir -p $(dir $@)
	$(call msg,HOSTCC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(UNIT_HV_CFLAGS) $(HOST_SAN) -o $@ $^ -lcmocka

UNIT_TESTS += $(BUILD)/unit/test_sysreg_trap

# The emulation on the fake hardware accesses (hv/arch/fake/sysreg_hw.c).
$(BUILD)/unit/test_sysreg_trap: tests/unit/test_sysreg_trap.c \
		hv/arch/aarch64/sysreg_trap.c hv/arch/aarch64/id_regs.c \
		hv/arch/fake/sysreg_hw.c
	@mkdir -p $(dir $@)
	$(call msg,HOSTCC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(UNIT_HV_CFLAGS) -Ihv/arch/aarch64 \
		-Ihv/arch/fake $(HOST_SAN) -o $@ $^ -lcmocka

UNIT_TESTS += $(BUILD)/unit/test_vm_life

$(BUILD)/unit/test_vm_life: tests/unit/test_vm_life.c hv/core/vm_life.c
	@mkdir -p $(dir $@)
	$(call msg,HOSTCC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(HOST_SAN) -o $@ $^ -lcmocka

UNIT_TESTS += $(BUILD)/unit/test_pl011

# The hypervisor's PL011 driver against the test's model of QEMU's PL011,
# reached through the fake architecture's register accessors.
$(BUILD)/unit/test_pl011: tests/unit/test_pl011.c hv/drivers/pl011.c \
		hv/arch/fake/include/arch/mmio_reg.h
	@mkdir -p $(dir $@)
	$(call msg,HOSTCC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -Ihv/arch/fake/include $(HOST_SAN) \
		-o $@ $(filter %.c,$^) -lcmocka

UNIT_TESTS += $(BUILD)/unit/test_console

# The console multiplexer and the emulated PL011s with hv_log() from
# print.c; the UART, the clock, the vGIC and the shell are fakes in the test.
$(BUILD)/unit/test_console: tests/unit/test_console.c hv/core/console.c \
		hv/core/console_filter.c hv/arch/aarch64/vpl011.c \
		hv/arch/aarch64/vuart.c hv/core/mmio.c hv/lib/print.c
	@mkdir -p $(dir $@)
	$(call msg,HOSTCC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(UNIT_HV_CFLAGS) $(HOST_SAN) -o $@ $^ -lcmocka

UNIT_TESTS += $(BUILD)/unit/test_vcpu_stats

# The exit counters as the core prints them, with the aarch64 names.
$(BUILD)/unit/test_vcpu_stats: tests/unit/test_vcpu_stats.c \
		hv/core/vcpu_stats.c hv/arch/aarch64/exit_kinds.c hv/lib/print.c
	@mkdir -p $(dir $@)
	$(call msg,HOSTCC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(UNIT_HV_CFLAGS) $(HOST_SAN) -o $@ $^ -lcmocka

UNIT_TESTS += $(BUILD)/unit/test_seed

# The guests' seeds and the ciphers under them; libfdt builds test trees.
$(BUILD)/unit/test_seed: tests/unit/test_seed.c hv/core/seed.c \
		hv/lib/chacha20.c hv/lib/sha256.c
	@mkdir -p $(dir $@)
	$(call msg,HOSTCC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(HOST_SAN) -o $@ $^ -lcmocka -lfdt

UNIT_TESTS += $(BUILD)/unit/test_vwdt

# The watchdog with the fake architecture's CPU; counter, EL2 timer and VM
# policy are fakes in the test.
$(BUILD)/unit/test_vwdt: tests/unit/test_vwdt.c hv/core/vwdt.c \
		hv/arch/fake/fake.c hv/core/mmio.c
	@mkdir -p $(dir $@)
	$(call msg,HOSTCC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(UNIT_HV_CFLAGS) $(HOST_SAN) -o $@ $^ -lcmocka

UNIT_TESTS += $(BUILD)/unit/test_psci

# PSCI/SMCCC for guests; the firmware, the idle loop and the VM are fakes in
# the test.
$(BUILD)/unit/test_psci: tests/unit/test_psci.c hv/arch/aarch64/psci.c
	@mkdir -p $(dir $@)
	$(call msg,HOSTCC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(UNIT_HV_CFLAGS) -Ihv/arch/aarch64 \
		$(HOST_SAN) -o $@ $^ -lcmocka -lpthread

UNIT_TESTS += $(BUILD)/unit/test_pstate

$(BUILD)/unit/test_pstate: tests/unit/test_pstate.c hv/arch/aarch64/pstate.c
	@mkdir -p $(dir $@)
	$(call msg,HOSTCC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(UNIT_HV_CFLAGS) $(HOST_SAN) -o $@ $^ -lcmocka

UNIT_TESTS += $(BUILD)/unit/test_boot_flow

# The core's boot flow (main.c) with every VM piece it builds, on the fake
# arch's boot hooks (hv/arch/fake/boot.c) and CPUs.  HV_HOST_VM_SRCS: the
# core and the aarch64 VM pieces that are pure logic, what host builds of
# whole VMs link (here, and the fuzzers with the trap handlers).
HV_HOST_VM_SRCS := hv/core/vm.c hv/core/vm_life.c hv/core/mmio.c \
	hv/core/manage.c hv/core/vwdt.c hv/core/console.c \
	hv/core/console_filter.c hv/core/seed.c hv/core/vcpu_stats.c \
	hv/core/shell.c $(wildcard hv/core/plan_*.c) hv/core/page_pool.c \
	$(wildcard hv/core/pci*.c) \
	hv/core/vpci.c hv/core/shm.c \
	hv/core/virtio_mmio.c hv/core/virtq.c hv/core/vnet.c hv/core/vswitch.c \
	hv/lib/print.c hv/lib/crc32.c hv/lib/chacha20.c hv/lib/sha256.c \
	hv/arch/aarch64/plan_arch.c hv/arch/aarch64/stage2.c \
	hv/arch/aarch64/pci_guest.c \
	hv/arch/aarch64/pgtable.c hv/arch/aarch64/vgic_v3.c \
	hv/arch/aarch64/vgic_lr.c hv/arch/aarch64/vgic_state.c \
	hv/arch/aarch64/vpl011.c \
	hv/arch/aarch64/vuart.c hv/arch/aarch64/exit_kinds.c \
	hv/arch/aarch64/timer.c hv/arch/aarch64/virq.c \
	hv/arch/aarch64/its.c hv/arch/aarch64/its_cmd.c
BOOT_FLOW_SRCS := hv/core/main.c $(HV_HOST_VM_SRCS) hv/arch/fake/boot.c \
	hv/arch/fake/cpu.c hv/arch/fake/fake.c hv/arch/fake/sysreg.c \
	hv/arch/fake/pci.c hv/arch/fake/smmu.c \
	hv/platform/qemu-virt/platform.c

$(BUILD)/unit/test_boot_flow: tests/unit/test_boot_flow.c $(BOOT_FLOW_SRCS)
	@mkdir -p $(dir $@)
	$(call msg,HOSTCC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -Ihv/arch/fake/include \
		$(UNIT_HV_CFLAGS) -Ihv/arch/aarch64 -Ihv/arch/fake $(HOST_SAN) \
		-o $@ $^ -lcmocka

# x86 device models and the MMIO instruction decoder: pure logic with no
# hardware or hypervisor state, so each test links them all.  The port
# dispatch and the 16550 also call the console multiplexer, which their
# tests fake.
UNIT_X86_CFLAGS := -Ihv/arch/x86_64/include -Ihv/arch/x86_64
X86_MODEL_SRCS := $(addprefix hv/arch/x86_64/,x86_decode.c x86_emulate.c \
	vlapic.c vioapic.c vpit.c vpm.c vrtc.c rtc_read.c vpic.c msi.c)
X86_CONSOLE_SRCS := hv/arch/x86_64/pio.c hv/core/v16550.c
X86_UNIT_TESTS := test_x86_decode test_x86_emulate test_vlapic test_vioapic \
	test_vpit test_vrtc test_rtc_read test_x86_msi
X86_CONSOLE_TESTS := test_pio test_v16550 test_x86_platform
UNIT_TESTS += $(addprefix $(BUILD)/unit/,$(X86_UNIT_TESTS) $(X86_CONSOLE_TESTS))

$(addprefix $(BUILD)/unit/,$(X86_UNIT_TESTS)): $(BUILD)/unit/%: \
		tests/unit/%.c tests/unit/xorshift.h $(X86_MODEL_SRCS) \
		$(wildcard hv/arch/x86_64/include/arch/*.h)
	@mkdir -p $(dir $@)
	$(call msg,HOSTCC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(UNIT_X86_CFLAGS) $(HOST_SAN) -o $@ \
		$(filter %.c,$^) -lcmocka

$(addprefix $(BUILD)/unit/,$(X86_CONSOLE_TESTS)): $(BUILD)/unit/%: \
		tests/unit/%.c $(X86_MODEL_SRCS) $(X86_CONSOLE_SRCS) \
		hv/include/hv/v16550.h $(wildcard hv/arch/x86_64/include/arch/*.h)
	@mkdir -p $(dir $@)
	$(call msg,HOSTCC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(UNIT_X86_CFLAGS) $(HOST_SAN) -o $@ \
		$(filter %.c,$^) -lcmocka

# The PCI code of hv/core on the fake arch's model of PCI functions
# (hv/arch/fake/pci.c); tests/unit/pci_fixture.h builds the machine.
# pci_vm.c puts a VM's functions on its virtual bus (vpci.c).
PCI_CORE_SRCS := $(wildcard hv/core/pci*.c) hv/core/vpci.c
PCI_UNIT_TESTS := test_pci_cfg test_pci_msi test_pci_reset test_pci_assign
UNIT_TESTS += $(addprefix $(BUILD)/unit/,$(PCI_UNIT_TESTS))

$(addprefix $(BUILD)/unit/,$(PCI_UNIT_TESTS)): $(BUILD)/unit/%: \
		tests/unit/%.c tests/unit/pci_fixture.h $(PCI_CORE_SRCS) \
		hv/core/pci_int.h hv/include/hv/pci.h hv/include/hv/arch/pci.h \
		hv/core/mmio.c hv/core/page_pool.c hv/arch/fake/pci.c \
		hv/arch/fake/fake_pci.h
	@mkdir -p $(dir $@)
	$(call msg,HOSTCC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(UNIT_HV_CFLAGS) $(HOST_SAN) -o $@ \
		$(filter %.c,$^) -lcmocka

# The virtual PCI bus, and the shared-memory function over it with the
# fake arch's record of edge lines (hv/arch/fake/virq.c); hv_log(), the
# VMs and the cache maintenance are fakes in test_shm.
UNIT_TESTS += $(BUILD)/unit/test_vpci $(BUILD)/unit/test_shm

$(BUILD)/unit/test_vpci: tests/unit/test_vpci.c hv/core/vpci.c \
		hv/core/mmio.c hv/include/hv/vpci.h
	@mkdir -p $(dir $@)
	$(call msg,HOSTCC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(UNIT_HV_CFLAGS) $(HOST_SAN) -o $@ \
		$(filter %.c,$^) -lcmocka

# The virtio-net device, its transport and virtqueues, and the switch, on
# fake VMs whose RAM is host memory (tests/unit/vnet_fixture.h); the
# fake arch records the interrupt edges.  test_plan_net: the LAN rules.
VNET_SRCS := hv/core/virtq.c hv/core/virtio_mmio.c hv/core/vnet.c \
	hv/core/vswitch.c hv/core/mmio.c hv/arch/fake/virq.c
VNET_DEPS := $(VNET_SRCS) tests/unit/vnet_fixture.h hv/include/hv/virtq.h \
	hv/include/hv/virtio_mmio.h hv/include/hv/vnet.h hv/include/hv/vswitch.h
UNIT_TESTS += $(BUILD)/unit/test_virtq $(BUILD)/unit/test_vnet \
	$(BUILD)/unit/test_plan_net

$(BUILD)/unit/test_virtq $(BUILD)/unit/test_vnet: $(BUILD)/unit/%: \
		tests/unit/%.c $(VNET_DEPS)
	@mkdir -p $(dir $@)
	$(call msg,HOSTCC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(UNIT_HV_CFLAGS) $(HOST_SAN) -o $@ \
		$(filter %.c,$^) -lcmocka

$(BUILD)/unit/test_shm: tests/unit/test_shm.c hv/core/shm.c \
		hv/core/vpci.c hv/core/mmio.c hv/arch/fake/virq.c \
		hv/include/hv/vpci.h hv/include/hv/shm.h include/shikiri/shm.h
	@mkdir -p $(dir $@)
	$(call msg,HOSTCC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(UNIT_HV_CFLAGS) $(HOST_SAN) -o $@ \
		$(filter %.c,$^) -lcmocka -lpthread

# test_plan_net links every plan rule: plan_net.c uses plan_check.c's
# helpers (plan_vm_own_ranges(), plan_vm_intid_used()).
$(BUILD)/unit/test_plan_net: tests/unit/test_plan_net.c \
		$(wildcard hv/core/plan_*.c) hv/lib/crc32.c \
		hv/arch/aarch64/plan_arch.c hv/arch/x86_64/plan_arch.c \
		hv/include/hv/plan_check.h
	@mkdir -p $(dir $@)
	$(call msg,HOSTCC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(HOST_SAN) -o $@ $(filter %.c,$^) \
		-lcmocka

UNIT_TESTS += $(BUILD)/unit/test_smmuv3

# The SMMUv3 driver and the hypervisor's use of it against the test's model
# of the device (through the fake arch's register accessors) and the fake
# GIC; hv_log(), the clock and the VM policy are fakes in the test.
$(BUILD)/unit/test_smmuv3: tests/unit/test_smmuv3.c hv/drivers/smmuv3.c \
		hv/arch/aarch64/smmu.c hv/arch/aarch64/pgtable.c \
		hv/core/page_pool.c hv/arch/fake/fake.c \
		hv/include/hv/drivers/smmuv3.h \
		hv/arch/aarch64/include/arch/smmu.h
	@mkdir -p $(dir $@)
	$(call msg,HOSTCC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -Ihv/arch/fake/include \
		$(UNIT_HV_CFLAGS) -Ihv/arch/aarch64 -Ihv/arch/fake $(HOST_SAN) \
		-o $@ $(filter %.c,$^) -lcmocka

# Keep this rule last: a prerequisite list is expanded where the rule is
# read, so every UNIT_TESTS += above must come before it.
.PHONY: unit-test-bins
unit-test-bins: $(UNIT_TESTS)

.PHONY: print-unit-tests
print-unit-tests:
	@echo $(UNIT_TESTS)
