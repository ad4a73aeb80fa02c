// SPDX-License-Identifier: MIT
/*
 * "network" and "mac-address": a VM's virtio-net device and the virtual
 * LAN it is on.  A LAN exists by being named; it needs two VMs or more,
 * and the MACs on it must be unique unicast addresses, because the
 * hypervisor's switch delivers by destination MAC and drops frames whose
 * source is not the sender's own.  A VM without "mac-address" gets one
 * derived from the LAN and its label, stable from build to build.
 */
#include <string.h>

#include "config.h"
#include "config_vm.h"
#include "hv/plan_check.h"

#define MAC_TEXT 18 /* "xx:xx:xx:xx:xx:xx" and its NUL */

static const char *mac_text(const uint8_t mac[6], char *buf)
{
	snprintf(buf, MAC_TEXT, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

/**
 * config_network_parse() - Read "network".
 * @p: the VM being read.
 * @name: the property's name.
 * @val: its value.
 * @len: its length in bytes.
 */
void config_network_parse(struct vm_parse *p, const char *name, const void *val,
			  int len)
{
	config_name_prop(p->d, p->cfg->path, p->vm->node, name, val, len, "LAN",
			 "network = \"lan0\"", p->vm->network);
}

/**
 * config_mac_parse() - Read "mac-address".
 * @p: the VM being read.
 * @name: the property's name.
 * @val: its value.
 * @len: its length in bytes.
 */
void config_mac_parse(struct vm_parse *p, const char *name, const void *val,
		      int len)
{
	const uint8_t *mac = val;

	if (len != 6) {
		diag_prop(p->d, p->cfg->path, p->vm->node, name,
			  "must be 6 bytes; fix: e.g. mac-address = "
			  "[02 00 00 00 00 01]");
		return;
	}
	if (mac[0] & 1) {
		char text[MAC_TEXT];

		diag_prop(p->d, p->cfg->path, p->vm->node, name,
			  "%s is a multicast address (bit 0 of the first "
			  "byte is set); fix: use a unicast one, e.g. "
			  "[%02x %02x %02x %02x %02x %02x]",
			  mac_text(mac, text), mac[0] & 0xfe, mac[1], mac[2],
			  mac[3], mac[4], mac[5]);
		return;
	}
	if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5])) {
		diag_prop(p->d, p->cfg->path, p->vm->node, name,
			  "00:00:00:00:00:00 is no address; fix: use a "
			  "locally administered one, e.g. "
			  "[02 00 00 00 00 01]");
		return;
	}
	memcpy(p->vm->mac, mac, 6);
	p->vm->mac_given = true;
}

/**
 * config_net_default_mac() - The MAC a VM gets on @lan without one.
 * @lan: the LAN's name.
 * @label: the VM's label.
 * @mac: receives 02:73:6b and the low three bytes of CRC-32("lan/label").
 */
void config_net_default_mac(const char *lan, const char *label, uint8_t mac[6])
{
	char key[2 * SHIKIRI_NAME_LEN + 1];
	uint32_t crc;

	snprintf(key, sizeof(key), "%s/%s", lan, label);
	crc = plan_crc32(0, key, strlen(key));
	/* 0x02: locally administered, unicast; "sk" in ASCII after it. */
	mac[0] = 0x02;
	mac[1] = 0x73;
	mac[2] = 0x6b;
	mac[3] = (uint8_t)(crc >> 16);
	mac[4] = (uint8_t)(crc >> 8);
	mac[5] = (uint8_t)crc;
}

/* Each VM is on one LAN at most, so the LANs never outnumber the VMs. */
_Static_assert(SHIKIRI_MAX_LANS >= SHIKIRI_MAX_VMS, "a LAN per VM fits");

/* The LAN called @name, added if new. */
static uint32_t lan_index(struct config *cfg, const char *name)
{
	for (unsigned int l = 0; l < cfg->lan_count; l++)
		if (strcmp(cfg->lan[l], name) == 0)
			return l;
	strcpy(cfg->lan[cfg->lan_count], name);
	return cfg->lan_count++;
}

/* Two VMs on one LAN with one MAC: report at the later one. */
static void check_macs(const struct config *cfg, unsigned int i, struct diag *d)
{
	const struct vm_config *vm = &cfg->vm[i];
	char text[MAC_TEXT];

	for (unsigned int j = 0; j < i; j++) {
		const struct vm_config *o = &cfg->vm[j];

		if (!o->network[0] || o->lan != vm->lan ||
		    memcmp(o->mac, vm->mac, 6) != 0)
			continue;
		diag_prop(d, cfg->path, vm->node,
			  vm->mac_given ? "mac-address" : "network",
			  "%s%s is already the MAC of %s on '%s'; fix: give "
			  "each VM of a LAN its own mac-address",
			  mac_text(vm->mac, text),
			  vm->mac_given ? "" :
					  " (derived from the LAN and "
					  "the label)",
			  o->node, vm->network);
		return;
	}
}

/**
 * config_net_resolve() - Gather and check the VMs' LANs and MACs.
 * @cfg: the config, every VM read.
 * @d: where problems are reported.
 */
void config_net_resolve(struct config *cfg, struct diag *d)
{
	for (unsigned int i = 0; i < cfg->vm_count; i++) {
		struct vm_config *vm = &cfg->vm[i];

		if (!vm->network[0]) {
			if (vm->mac_given)
				diag_prop(d, cfg->path, vm->node, "mac-address",
					  "is set but the VM has no network; "
					  "fix: add e.g. network = \"lan0\", "
					  "or remove it");
			continue;
		}
		vm->lan = lan_index(cfg, vm->network);
		if (!vm->mac_given)
			config_net_default_mac(vm->network, vm->label, vm->mac);
		check_macs(cfg, i, d);
	}
	for (unsigned int i = 0; i < cfg->vm_count; i++) {
		const struct vm_config *vm = &cfg->vm[i];
		unsigned int peers = 0;

		for (unsigned int j = 0; vm->network[0] && j < cfg->vm_count;
		     j++)
			peers += cfg->vm[j].network[0] &&
				 cfg->vm[j].lan == vm->lan;
		if (vm->network[0] && peers == 1)
			diag_prop(d, cfg->path, vm->node, "network",
				  "no other VM is on '%s', so this one would "
				  "talk to no one; fix: add network = \"%s\" "
				  "to another VM, or remove it",
				  vm->network, vm->network);
	}
}
