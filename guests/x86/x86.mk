# guests/x86/: test kernels for the x86 boot routes.  mbtest.bin carries a
# Multiboot1 and a Multiboot2 header and reports which loader started it
# (tests/system/test_x86_native.py boots it by -kernel and from GRUB).

MBTEST := $(BUILD)/guests/x86/mbtest.bin

$(BUILD)/guests/x86/mbtest.o: guests/x86/mbtest.S
	@mkdir -p $(dir $@)
	$(call msg,AS,$<)
	$(Q)$(HOST_CC) -m32 -c -o $@ $<

$(MBTEST): $(BUILD)/guests/x86/mbtest.o guests/x86/mbtest.ld
	$(call msg,LD,$@)
	$(Q)ld -m elf_i386 -nostdlib --no-warn-rwx-segments \
		-T guests/x86/mbtest.ld -o $(basename $@).elf $<
	$(Q)objcopy -O binary $(basename $@).elf $@

all: $(MBTEST)
