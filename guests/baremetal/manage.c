/* SPDX-License-Identifier: MIT */
/* The guest's view of the management page (include/shikiri/manage.h). */
#include "baremetal/manage.h"
#include "baremetal/fdt.h"
#include "baremetal/platform.h"
#include "baremetal/sysreg.h"
#include "shikiri/manage.h"

uint64_t manage_base(void)
{
	const void *dtb = platform.dtb;
	int node = fdt_path(dtb, "/shikiri-manage");
	uint32_t len;
	const void *reg = node < 0 ? NULL : fdt_prop(dtb, node, "reg", &len);

	/* The generated tree has #address-cells = #size-cells = 2. */
	return reg && len == 16 ? fdt_cells(reg, 2) : 0;
}

uint32_t manage_own_restarts(uint64_t page)
{
	if (mmio_read32(page + SHIKIRI_MANAGE_REG_MAGIC) !=
	    SHIKIRI_MANAGE_MAGIC)
		return ~0u;
	mmio_write32(page + SHIKIRI_MANAGE_REG_SELECT,
		     mmio_read32(page + SHIKIRI_MANAGE_REG_SELF));
	return mmio_read32(page + SHIKIRI_MANAGE_REG_RESTARTS);
}
