# The hypervisor: freestanding C11 + assembly, cross-compiled for AArch64,
# linked as a static PIE at 0 (head.S relocates it to its load address).

HV_ARCH ?= aarch64
HV_PLATFORM ?= qemu-virt
HV_OUT := $(BUILD)/hv
HV_BIN := $(HV_OUT)/shikiri.bin
HV_ELF := $(HV_OUT)/shikiri.elf

HV_CC := $(CROSS)gcc
HV_CFLAGS := -std=c11 -ffreestanding -fno-builtin -nostdinc \
	-isystem $(shell $(CROSS)gcc -print-file-name=include 2>/dev/null) \
	-Wall -Wextra -Werror -O2 -g -fpie -mgeneral-regs-only -mstrict-align \
	-mno-outline-atomics -fno-stack-protector -fno-common \
	-fno-tree-loop-distribute-patterns -fno-asynchronous-unwind-tables \
	-Iinclude -Ihv/include -Ihv/lib/include -Ihv/arch/$(HV_ARCH)/include \
	-Ihv/arch/$(HV_ARCH) -MMD -MP
HV_LDFLAGS := -nostdlib -static-pie -Wl,--no-dynamic-linker \
	-Wl,-T,hv/arch/$(HV_ARCH)/hv.ld -Wl,-z,norelro -Wl,--build-id=none \
	-Wl,-z,noexecstack -Wl,--no-warn-rwx-segments

HV_SRCS := $(wildcard hv/core/*.c hv/lib/*.c hv/drivers/*.c \
	hv/arch/$(HV_ARCH)/*.c hv/arch/$(HV_ARCH)/*.S \
	hv/platform/$(HV_PLATFORM)/*.c)
HV_OBJS := $(patsubst %,$(HV_OUT)/%.o,$(HV_SRCS))

$(HV_OUT)/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(call msg,CC,$<)
	$(Q)$(HV_CC) $(HV_CFLAGS) -c $< -o $@

$(HV_OUT)/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(call msg,AS,$<)
	$(Q)$(HV_CC) $(HV_CFLAGS) -D__ASSEMBLER__ -c $< -o $@

$(HV_ELF): $(HV_OBJS) hv/arch/$(HV_ARCH)/hv.ld
	$(call msg,LD,$@)
	$(Q)$(HV_CC) $(HV_LDFLAGS) $(HV_OBJS) -lgcc -o $@

$(HV_BIN): $(HV_ELF)
	$(call msg,OBJCOPY,$@)
	$(Q)$(CROSS)objcopy -O binary $< $@

-include $(HV_OBJS:.o=.d)
