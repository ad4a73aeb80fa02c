# Bare-metal test guests: a tiny EL1 runtime (everything in guests/baremetal
# but the guests themselves) linked with one guest file each, output as an
# arm64 Image that shikiri-build takes as a VM's kernel:
# build/guests/<name>.Image.  A new guest: add guests/baremetal/<name>.c
# and its name to BAREMETAL_GUESTS.

BAREMETAL_DIR := guests/baremetal
BAREMETAL_OUT := $(BUILD)/guests
BAREMETAL_GUESTS := isolation scrubcheck storm wdtstorm sysregs regreset \
	excpstate conattack commprobe dmaprobe gicstate pmuirq
BAREMETAL_IMAGES := $(patsubst %,$(BAREMETAL_OUT)/%.Image,$(BAREMETAL_GUESTS))

BAREMETAL_CC := $(CROSS)gcc
BAREMETAL_CFLAGS := -std=c11 -ffreestanding -fno-builtin -nostdinc \
	-isystem $(shell $(CROSS)gcc -print-file-name=include 2>/dev/null) \
	-Wall -Wextra -Werror -O2 -g -fno-pie -mgeneral-regs-only \
	-mstrict-align -mno-outline-atomics -fno-stack-protector -fno-common \
	-fno-tree-loop-distribute-patterns -fno-asynchronous-unwind-tables \
	-I$(BAREMETAL_DIR)/include -Iinclude -Ihv/lib/include -Ihv/include \
	-Ihv/arch/aarch64/include -MMD -MP
BAREMETAL_LDFLAGS := -nostdlib -static -no-pie \
	-Wl,-T,$(BAREMETAL_DIR)/baremetal.ld -Wl,--build-id=none \
	-Wl,-z,noexecstack -Wl,--no-warn-rwx-segments

BAREMETAL_RT_SRCS := $(filter-out \
	$(patsubst %,$(BAREMETAL_DIR)/%.c,$(BAREMETAL_GUESTS)), \
	$(wildcard $(BAREMETAL_DIR)/*.c $(BAREMETAL_DIR)/*.S))
# Shared with the hypervisor rather than written twice.
BAREMETAL_HV_SRCS := hv/lib/string.c
BAREMETAL_RT_OBJS := $(patsubst $(BAREMETAL_DIR)/%,$(BAREMETAL_OUT)/obj/%.o, \
	$(BAREMETAL_RT_SRCS)) \
	$(patsubst %,$(BAREMETAL_OUT)/obj/%.o,$(BAREMETAL_HV_SRCS))
BAREMETAL_GUEST_OBJS := $(patsubst %,$(BAREMETAL_OUT)/obj/%.c.o, \
	$(BAREMETAL_GUESTS))

# A guest of several files: <name>.c, then the files of <name>_PARTS
# (in guests/baremetal, outside the runtime's wildcard), in link order,
# which is the order their tests run in.
commprobe_PARTS := comm/comm comm/mmu comm/vnet comm/doorbell comm/netprobe \
	comm/netattack comm/netrace comm/netserve
BAREMETAL_PART_OBJS = $(patsubst %,$(BAREMETAL_OUT)/obj/%.c.o,$($(1)_PARTS))
$(BAREMETAL_OUT)/commprobe.elf: $(call BAREMETAL_PART_OBJS,commprobe)
BAREMETAL_GUEST_OBJS += $(call BAREMETAL_PART_OBJS,commprobe)
dmaprobe_PARTS := comm/comm
$(BAREMETAL_OUT)/dmaprobe.elf: $(call BAREMETAL_PART_OBJS,dmaprobe)

$(BAREMETAL_OUT)/obj/%.c.o: $(BAREMETAL_DIR)/%.c
	@mkdir -p $(dir $@)
	$(call msg,CC,$<)
	$(Q)$(BAREMETAL_CC) $(BAREMETAL_CFLAGS) -c $< -o $@

$(BAREMETAL_OUT)/obj/hv/%.c.o: hv/%.c
	@mkdir -p $(dir $@)
	$(call msg,CC,$<)
	$(Q)$(BAREMETAL_CC) $(BAREMETAL_CFLAGS) -c $< -o $@

$(BAREMETAL_OUT)/obj/%.S.o: $(BAREMETAL_DIR)/%.S
	@mkdir -p $(dir $@)
	$(call msg,AS,$<)
	$(Q)$(BAREMETAL_CC) $(BAREMETAL_CFLAGS) -D__ASSEMBLER__ -c $< -o $@

$(BAREMETAL_OUT)/%.elf: $(BAREMETAL_OUT)/obj/%.c.o $(BAREMETAL_RT_OBJS) \
		$(BAREMETAL_DIR)/baremetal.ld
	$(call msg,LD,$@)
	$(Q)$(BAREMETAL_CC) $(BAREMETAL_LDFLAGS) $< \
		$(call BAREMETAL_PART_OBJS,$*) $(BAREMETAL_RT_OBJS) -lgcc -o $@

$(BAREMETAL_OUT)/%.Image: $(BAREMETAL_OUT)/%.elf
	$(call msg,OBJCOPY,$@)
	$(Q)$(CROSS)objcopy -O binary $< $@

.PRECIOUS: $(BAREMETAL_OUT)/%.elf $(BAREMETAL_OUT)/obj/%.c.o \
	$(BAREMETAL_OUT)/obj/hv/%.c.o \
	$(BAREMETAL_OUT)/obj/%.S.o

.PHONY: baremetal-clean
baremetal-clean:
	rm -rf $(BAREMETAL_OUT)
clean: baremetal-clean

-include $(BAREMETAL_RT_OBJS:.o=.d) $(BAREMETAL_GUEST_OBJS:.o=.d)
