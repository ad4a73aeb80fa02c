/* SPDX-License-Identifier: MIT */
/*
 * The flattened device tree's binary format (Devicetree Specification
 * v0.4, chapter 5): the header magic and the structure block's tokens.
 * Shared by the hypervisor and the bare-metal test guests.
 */
#ifndef HV_FDT_FORMAT_H
#define HV_FDT_FORMAT_H

#define FDT_MAGIC 0xd00dfeedu
#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE 2u
#define FDT_PROP 3u
#define FDT_NOP 4u
#define FDT_END 9u

#endif /* HV_FDT_FORMAT_H */
