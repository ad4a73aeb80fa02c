# The hypervisors: freestanding C11 + assembly.  AArch64: cross-compiled,
# linked as a static PIE at 0 (head.S relocates it to its load address),
# into build/hv.  x86-64: the host gcc, linked at a fixed physical address
# (Multiboot), into build/x86_64/hv.  Both share hv/core and hv/lib; each
# arch adds its own directory, UART driver and console UART model.

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

HV_COMMON_SRCS := $(filter-out hv/core/v16550.c,$(wildcard hv/core/*.c)) \
	$(wildcard hv/lib/*.c)
HV_SRCS := $(HV_COMMON_SRCS) hv/drivers/pl011.c hv/drivers/smmuv3.c \
	$(wildcard hv/arch/$(HV_ARCH)/*.c hv/arch/$(HV_ARCH)/*.S \
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

# x86-64 (docs/x86.md): same core, its own output directory.
HVX_OUT := $(BUILD)/x86_64/hv
HVX_BIN := $(HVX_OUT)/shikiri.bin
HVX_ELF := $(HVX_OUT)/shikiri.elf
HVX_CC := gcc
HVX_CFLAGS := -std=c11 -ffreestanding -fno-builtin -nostdinc \
	-isystem $(shell gcc -print-file-name=include 2>/dev/null) \
	-Wall -Wextra -Werror -O2 -g -m64 -mcmodel=small -fno-pie -fno-pic \
	-mno-red-zone -mgeneral-regs-only -fno-stack-protector -fno-common \
	-fcf-protection=none -fno-tree-loop-distribute-patterns \
	-fno-asynchronous-unwind-tables \
	-Iinclude -Ihv/include -Ihv/lib/include -Ihv/arch/x86_64/include \
	-Ihv/arch/x86_64 -MMD -MP
HVX_LDFLAGS := -nostdlib -static -no-pie -Wl,-T,hv/arch/x86_64/hv.ld \
	-Wl,--build-id=none -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments \
	-Wl,-z,max-page-size=4096
HVX_SRCS := $(HV_COMMON_SRCS) hv/core/v16550.c hv/drivers/ns16550.c \
	$(wildcard hv/arch/x86_64/*.c hv/arch/x86_64/*.S \
	hv/platform/qemu-q35/*.c)
HVX_OBJS := $(patsubst %,$(HVX_OUT)/%.o,$(HVX_SRCS))

$(HVX_OUT)/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(call msg,CC,$<)
	$(Q)$(HVX_CC) $(HVX_CFLAGS) -c $< -o $@

$(HVX_OUT)/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(call msg,AS,$<)
	$(Q)$(HVX_CC) $(HVX_CFLAGS) -D__ASSEMBLER__ -c $< -o $@

$(HVX_ELF): $(HVX_OBJS) hv/arch/x86_64/hv.ld
	$(call msg,LD,$@)
	$(Q)$(HVX_CC) $(HVX_LDFLAGS) $(HVX_OBJS) -lgcc -o $@

$(HVX_BIN): $(HVX_ELF)
	$(call msg,OBJCOPY,$@)
	$(Q)objcopy -O binary $< $@

.PHONY: hv-x86
hv-x86: $(HVX_BIN)

-include $(HVX_OBJS:.o=.d)
