// SPDX-License-Identifier: MIT
/*
 * --explain for shared memory and LANs: each region where it is in RAM
 * and how each VM sees it, each VM's PCI bus and network port.  Read from
 * the plan, so it shows what the hypervisor is given.
 */
#include <inttypes.h>
#include <stdio.h>

#include "explain.h"

static void print_size(uint64_t size, FILE *out)
{
	if (size >= 0x100000 && !(size & 0xfffff))
		fprintf(out, "%" PRIu64 " MiB", size >> 20);
	else
		fprintf(out, "%" PRIu64 " KiB", size >> 10);
}

static void print_mac(const uint8_t *mac, FILE *out)
{
	fprintf(out, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
		mac[3], mac[4], mac[5]);
}

/* VM @i's view of region @s, or NULL when it does not map it. */
static const struct shikiri_vm_shm *view(const struct shikiri_plan *p,
					 unsigned int i, uint32_t s)
{
	for (uint32_t k = 0; k < p->vm[i].shm_count; k++)
		if (p->vm[i].shm[k].region == s)
			return &p->vm[i].shm[k];
	return NULL;
}

/**
 * explain_comm_regions() - Print every shared-memory region: its physical
 * range, then one line per VM that maps it.
 * @ib: the image, after pack_plan().
 * @out: where to print.
 */
void explain_comm_regions(const struct image_build *ib, FILE *out)
{
	const struct shikiri_plan *p = ib->plan;

	for (uint32_t s = 0; s < p->shm_count; s++) {
		const struct shikiri_plan_shm *r = &p->shm[s];

		fprintf(out, "shm %u %-15s PA [0x%" PRIx64 ", 0x%" PRIx64 ") (",
			s, r->name, r->pa, r->pa + r->size);
		print_size(r->size, out);
		fprintf(out, "%s), zeroed once at boot\n",
			ib->cfg->shm[s].mem_fixed ? ", memory-base" : "");
		for (unsigned int i = 0; i < p->vm_count; i++) {
			const struct shikiri_vm_shm *v = view(p, i, s);

			if (!v)
				continue;
			fprintf(out,
				"    %-15s IPA 0x%" PRIx64
				" %s, registers 0x%" PRIx64
				", doorbell INTID %u, PCI 00:%02x.0\n",
				p->vm[i].name, v->ipa,
				v->flags & SHIKIRI_SHM_READ_ONLY ? "ro" : "rw",
				v->regs_ipa, v->intid, v->devfn >> 3);
		}
	}
}

/**
 * explain_comm_vm() - Print VM @i's virtual PCI bus (its regions by slot)
 * and its network port with the other ports of its LAN.
 * @ib: the image, after pack_plan().
 * @i: the VM.
 * @out: where to print.
 */
void explain_comm_vm(const struct image_build *ib, unsigned int i, FILE *out)
{
	const struct shikiri_plan *p = ib->plan;
	const struct shikiri_plan_vm *pv = &p->vm[i];
	const char *sep = "";

	if (pv->vpci_ecam_ipa) {
		char name[8];

		fprintf(out, "    PCI bus   virtual, ECAM 0x%" PRIx64 ":",
			pv->vpci_ecam_ipa);
		for (uint32_t k = 0; k < pv->shm_count; k++)
			fprintf(out, "%s 00:%02x.0 %s %s", k ? "," : "",
				pv->shm[k].devfn >> 3,
				p->shm[pv->shm[k].region].name,
				pv->shm[k].flags & SHIKIRI_SHM_READ_ONLY ?
					"ro" :
					"rw");
		for (uint32_t k = 0; k < pv->pci_count; k++)
			fprintf(out, "%s %s passed through",
				k || pv->shm_count ? "," : "",
				config_pci_name(pv->pci[k].bdf, name));
		fputc('\n', out);
	}
	if (!pv->net.ipa)
		return;
	fprintf(out, "    network   %s, MAC ", p->lan[pv->net.lan]);
	print_mac(pv->net.mac, out);
	fprintf(out, ", virtio-mmio at IPA 0x%" PRIx64 ", INTID %u; peers:",
		pv->net.ipa, pv->net.intid);
	for (unsigned int j = 0; j < p->vm_count; j++) {
		if (j == i || !p->vm[j].net.ipa ||
		    p->vm[j].net.lan != pv->net.lan)
			continue;
		fprintf(out, "%s %s ", sep, p->vm[j].name);
		print_mac(p->vm[j].net.mac, out);
		sep = ",";
	}
	fputc('\n', out);
}
