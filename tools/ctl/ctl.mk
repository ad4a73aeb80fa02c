# shikirictl: a static arm64 program for inside a VM (it goes into the
# test initramfs); it talks to the hypervisor's management page.

SHIKIRICTL := $(BUILD)/guest/shikirictl

$(SHIKIRICTL): tools/ctl/shikirictl.c include/shikiri/manage.h
	@mkdir -p $(dir $@)
	$(call msg,CC,$<)
	$(Q)$(CROSS)gcc -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -O2 \
		-static -Iinclude -o $@ $<
