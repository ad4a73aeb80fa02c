# The x86 bare-metal test guest: 32-bit, entered as the hypervisor enters a
# Linux kernel (X86_PLAN.md), output as a flat binary loaded at its link
# address: build/guests/x86/baremetal.bin.

BMX_DIR := guests/baremetal-x86
BMX_OUT := $(BUILD)/guests/x86
BMX_BIN := $(BMX_OUT)/baremetal.bin
BMX_CFLAGS := -std=c11 -m32 -march=i686 -ffreestanding -fno-builtin \
	-nostdinc -isystem $(shell gcc -print-file-name=include 2>/dev/null) \
	-Wall -Wextra -Werror -O2 -fno-pie -fno-pic -mgeneral-regs-only \
	-fno-stack-protector -fno-common -fcf-protection=none \
	-fno-asynchronous-unwind-tables -fno-tree-loop-distribute-patterns
BMX_OBJS := $(BMX_OUT)/start.o $(BMX_OUT)/main.o

$(BMX_OUT)/start.o: $(BMX_DIR)/start.S
	@mkdir -p $(dir $@)
	$(call msg,AS,$<)
	$(Q)gcc $(BMX_CFLAGS) -c $< -o $@

$(BMX_OUT)/main.o: $(BMX_DIR)/main.c
	@mkdir -p $(dir $@)
	$(call msg,CC,$<)
	$(Q)gcc $(BMX_CFLAGS) -c $< -o $@

$(BMX_OUT)/baremetal.elf: $(BMX_OBJS) $(BMX_DIR)/guest.ld
	$(call msg,LD,$@)
	$(Q)ld -m elf_i386 -T $(BMX_DIR)/guest.ld --build-id=none -z noexecstack --no-warn-rwx-segments $(BMX_OBJS) -o $@

$(BMX_BIN): $(BMX_OUT)/baremetal.elf
	$(call msg,OBJCOPY,$@)
	$(Q)objcopy -O binary $< $@

# Its images are written by a test-only tool (tests/x86/test_image.c).
BMX_IMAGE_TOOL := $(BUILD)/bin/x86-test-image

$(BMX_IMAGE_TOOL): tests/x86/test_image.c hv/core/plan_check.c \
		hv/lib/crc32.c hv/arch/x86_64/plan_arch.c include/shikiri/plan.h
	@mkdir -p $(dir $@)
	$(call msg,HOSTCC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -o $@ $(filter %.c,$^)

.PHONY: x86-guests
x86-guests: $(BMX_BIN) $(BMX_IMAGE_TOOL)
