/* SPDX-License-Identifier: MIT */
/*
 * The VM's facts from its device tree, which shikiri-build generated from
 * the config: RAM, console UART, GIC, vCPUs, bootargs.  Nothing about the
 * machine is assumed that the tree can say.
 */
#include "baremetal/fdt.h"
#include "baremetal/platform.h"
#include "baremetal/string.h"

struct platform platform;

extern char _end[];

uint64_t platform_image_end(void)
{
	return (uint64_t)(uintptr_t)_end;
}

/* Cell counts of @node's children's reg (DT spec 2.3.5: default 2, 1). */
static void reg_cells(const void *fdt, int node, unsigned *ac, unsigned *sc)
{
	uint32_t len;
	const void *p = fdt_prop(fdt, node, "#address-cells", &len);

	*ac = p && len == 4 ? (unsigned)fdt_cells(p, 1) : 2;
	p = fdt_prop(fdt, node, "#size-cells", &len);
	*sc = p && len == 4 ? (unsigned)fdt_cells(p, 1) : 1;
}

/* Entry @i of node @path's reg into @base/@size; false if there is none. */
static bool read_reg(const void *fdt, const char *path, unsigned i,
		     uint64_t *base, uint64_t *size)
{
	int node = fdt_path(fdt, path);
	unsigned ac, sc;
	uint32_t len;
	const uint32_t *reg;

	if (node < 0)
		return false;
	/* Every node read here is a child of the root. */
	reg_cells(fdt, 0, &ac, &sc);
	reg = fdt_prop(fdt, node, "reg", &len);
	if (!reg || ac > 2 || sc > 2 || len < (i + 1) * (ac + sc) * 4)
		return false;
	reg += i * (ac + sc);
	*base = fdt_cells(reg, ac);
	*size = fdt_cells(reg + ac, sc);
	return true;
}

static const char *chosen_string(const void *fdt, const char *name)
{
	int node = fdt_path(fdt, "/chosen");
	uint32_t len;
	const char *s = node < 0 ? NULL : fdt_prop(fdt, node, name, &len);

	return s && len && s[len - 1] == '\0' ? s : NULL;
}

const char *platform_init(const void *dtb)
{
	static char uart_path[64];
	const char *s;
	const uint32_t *irq;
	uint32_t len;
	int node;
	size_t n;

	if (!fdt_check(dtb))
		return "no device tree at x0";
	platform.dtb = dtb;
	s = chosen_string(dtb, "bootargs");
	platform.bootargs = s ? s : "";
	s = chosen_string(dtb, "shikiri,vm-name");
	platform.vm_name = s ? s : "";

	/* The console: /chosen/stdout-path, up to any ":options".  A VM
	 * with console = "none" has none, and its guest runs silent. */
	s = chosen_string(dtb, "stdout-path");
	for (n = 0; s && s[n] && s[n] != ':' && n < sizeof(uart_path) - 1; n++)
		uart_path[n] = s[n];
	uart_path[n] = '\0';
	if (s && !read_reg(dtb, uart_path, 0, &platform.uart_base,
			   &platform.uart_size))
		return "no reg for the stdout-path UART";
	node = s ? fdt_path(dtb, uart_path) : -1;
	irq = node < 0 ? NULL : fdt_prop(dtb, node, "interrupts", &len);
	/* <type number flags>: type 0 is an SPI, INTID number + 32. */
	if (irq && len == 12 && fdt_cells(irq, 1) == 0)
		platform.uart_intid = (uint32_t)fdt_cells(irq + 1, 1) + 32;

	if (!read_reg(dtb, "/memory", 0, &platform.ram_base,
		      &platform.ram_size))
		return "no /memory reg";
	if (!read_reg(dtb, "/intc", 0, &platform.gicd_base,
		      &platform.gicd_size) ||
	    !read_reg(dtb, "/intc", 1, &platform.gicr_base,
		      &platform.gicr_size))
		return "no GICv3 /intc with distributor and redistributors";
	node = fdt_path(dtb, "/cpus");
	if (node < 0)
		return "no /cpus";
	platform.cpu_count = fdt_child_count(dtb, node, "cpu@");
	return NULL;
}
