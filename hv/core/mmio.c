/* SPDX-License-Identifier: MIT */
#include "hv/errno.h"
#include "hv/mmio.h"

int mmio_register(struct mmio_map *map, uint64_t base, uint64_t size,
		  const struct mmio_ops *ops, void *priv)
{
	unsigned i;

	if (!size || base + size < base)
		return -HV_EINVAL;
	if (map->count >= MMIO_MAX_REGIONS)
		return -HV_ENOMEM;
	for (i = 0; i < map->count; i++) {
		const struct mmio_region *r = &map->region[i];

		if (base < r->base + r->size && r->base < base + size)
			return -HV_EINVAL;
		if (r->base > base)
			break;
	}
	for (unsigned j = map->count; j > i; j--)
		map->region[j] = map->region[j - 1];
	map->region[i] = (struct mmio_region){ base, size, ops, priv };
	map->count++;
	return 0;
}

const struct mmio_region *mmio_find(const struct mmio_map *map, uint64_t ipa,
				    unsigned size)
{
	unsigned lo = 0, hi = map->count;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		const struct mmio_region *r = &map->region[mid];

		if (ipa < r->base) {
			hi = mid;
		} else if (ipa - r->base >= r->size) {
			lo = mid + 1;
		} else {
			/* The whole access must fall inside the region. */
			return size <= r->size - (ipa - r->base) ? r : NULL;
		}
	}
	return NULL;
}

static uint64_t extend(const struct mmio_access *acc, uint64_t val)
{
	unsigned bits = acc->size * 8;

	if (bits < 64) {
		val &= (1ull << bits) - 1;
		if (acc->sign_extend && (val >> (bits - 1)) & 1)
			val |= ~0ull << bits;
	}
	if (!acc->reg64)
		val &= 0xffffffffull;
	return val;
}

int mmio_dispatch(const struct mmio_map *map, struct vcpu *vcpu,
		  const struct mmio_access *acc, uint64_t *regs)
{
	const struct mmio_region *r = mmio_find(map, acc->ipa, acc->size);
	uint64_t off, val = 0;
	int ret;

	if (!r)
		return -HV_ENOENT;
	off = acc->ipa - r->base;
	if (acc->write) {
		if (acc->reg < 31)
			val = regs[acc->reg];
		if (acc->size < 8)
			val &= (1ull << (acc->size * 8)) - 1;
		return r->ops->write(vcpu, r->priv, off, acc->size, val);
	}
	ret = r->ops->read(vcpu, r->priv, off, acc->size, &val);
	if (ret)
		return ret;
	if (acc->reg < 31)
		regs[acc->reg] = extend(acc, val);
	return 0;
}
