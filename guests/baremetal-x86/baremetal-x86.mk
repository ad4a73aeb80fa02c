# The x86 bare-metal test guests: 32-bit, entered as the hypervisor enters a
# Linux kernel (X86_PLAN.md).  Each is output twice: as a flat binary loaded
# at its link address (build/guests/x86/NAME.bin, for tests/x86/test_image.c)
# and as a bzImage (build/guests/x86/NAME.bzImage: bzhdr.S in front), which
# shikiri-build takes as the kernel of a qemu-q35 config.

BMX_DIR := guests/baremetal-x86
BMX_OUT := $(BUILD)/guests/x86
BMX_BIN := $(BMX_OUT)/baremetal.bin
BMX_GUESTS := baremetal isolation cpureset
BMX_CFLAGS := -std=c11 -m32 -march=i686 -ffreestanding -fno-builtin \
	-nostdinc -isystem $(shell gcc -print-file-name=include 2>/dev/null) -Iinclude \
	-Wall -Wextra -Werror -O2 -fno-pie -fno-pic -mgeneral-regs-only \
	-fno-stack-protector -fno-common -fcf-protection=none \
	-fno-asynchronous-unwind-tables -fno-tree-loop-distribute-patterns
BMX_COMMON := $(BMX_OUT)/start.o $(BMX_OUT)/lib.o
# The C file of each guest: baremetal is main.c.
bmx_main = $(BMX_OUT)/$(if $(filter baremetal,$(1)),main,$(1)).o

$(BMX_OUT)/%.o: $(BMX_DIR)/%.S
	@mkdir -p $(dir $@)
	$(call msg,AS,$<)
	$(Q)gcc $(BMX_CFLAGS) -c $< -o $@

$(BMX_OUT)/%.o: $(BMX_DIR)/%.c $(BMX_DIR)/lib.h
	@mkdir -p $(dir $@)
	$(call msg,CC,$<)
	$(Q)gcc $(BMX_CFLAGS) -c $< -o $@

define bmx_guest
$(BMX_OUT)/$(1).elf: $(BMX_COMMON) $(call bmx_main,$(1)) $(BMX_DIR)/guest.ld
	$$(call msg,LD,$$@)
	$$(Q)ld -m elf_i386 -T $(BMX_DIR)/guest.ld --build-id=none -z noexecstack --no-warn-rwx-segments $(BMX_COMMON) $(call bmx_main,$(1)) -o $$@

$(BMX_OUT)/$(1).bz.elf: $(BMX_COMMON) $(call bmx_main,$(1)) $(BMX_OUT)/bzhdr.o $(BMX_DIR)/guest.ld
	$$(call msg,LD,$$@)
	$$(Q)ld -m elf_i386 -T $(BMX_DIR)/guest.ld --build-id=none -z noexecstack --no-warn-rwx-segments $(BMX_OUT)/bzhdr.o $(BMX_COMMON) $(call bmx_main,$(1)) -o $$@
endef
$(foreach g,$(BMX_GUESTS),$(eval $(call bmx_guest,$(g))))

# The PCI probe guest, once per load address: a VM owning PCI functions is
# identity-mapped (docs/isolation.md), so the guest runs where that VM's
# RAM is (memory-base of tests/system/configs/x86-pci-isolation.dts).
BMX_PCI_LOADS := 0x10000000 0x14000000
BMX_PCI_IMAGES := $(foreach a,$(BMX_PCI_LOADS),$(BMX_OUT)/pciprobe-$(a).bzImage)

$(BMX_OUT)/pciprobe-%.bz.elf: $(BMX_COMMON) $(BMX_OUT)/pciprobe.o \
		$(BMX_OUT)/bzhdr.o $(BMX_DIR)/guest.ld
	$(call msg,LD,$@)
	$(Q)ld -m elf_i386 -T $(BMX_DIR)/guest.ld --defsym=GUEST_LOAD=$* \
		--build-id=none -z noexecstack --no-warn-rwx-segments \
		$(BMX_OUT)/bzhdr.o $(BMX_COMMON) $(BMX_OUT)/pciprobe.o -o $@

$(BMX_OUT)/%.bin: $(BMX_OUT)/%.elf
	$(call msg,OBJCOPY,$@)
	$(Q)objcopy -O binary $< $@

$(BMX_OUT)/%.bzImage: $(BMX_OUT)/%.bz.elf
	$(call msg,OBJCOPY,$@)
	$(Q)objcopy -O binary $< $@

# Images of the flat binary are written by a test-only tool
# (tests/x86/test_image.c).
BMX_IMAGE_TOOL := $(BUILD)/bin/x86-test-image

$(BMX_IMAGE_TOOL): tests/x86/test_image.c $(wildcard hv/core/plan_*.c) \
		hv/lib/crc32.c hv/arch/x86_64/plan_arch.c include/shikiri/plan.h
	@mkdir -p $(dir $@)
	$(call msg,HOSTCC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -o $@ $(filter %.c,$^)

.PHONY: x86-guests
x86-guests: $(BMX_BIN) $(BMX_IMAGE_TOOL) \
	$(foreach g,$(BMX_GUESTS),$(BMX_OUT)/$(g).bzImage) $(BMX_PCI_IMAGES)
