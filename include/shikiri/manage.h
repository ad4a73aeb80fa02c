/* SPDX-License-Identifier: MIT */
/*
 * The management page: one 4 KiB page of registers in every VM's
 * guest-physical space (a `shikiri,manage-v1` node in its device tree),
 * trapped and served by the hypervisor.  It lets a VM with management
 * rights (`manage` in the config) list, start, stop and restart other VMs
 * from ordinary userspace through /dev/mem (tools/ctl/shikirictl), with no
 * kernel module.  Every register is 32 bits wide and 32-bit aligned, except
 * NAME, which may also be read a byte at a time.
 */
#ifndef SHIKIRI_MANAGE_H
#define SHIKIRI_MANAGE_H

#define SHIKIRI_MANAGE_MAGIC 0x474d4b53u /* "SKMG" */
#define SHIKIRI_MANAGE_VERSION 1u
#define SHIKIRI_MANAGE_SIZE 0x1000u

/* Registers (byte offsets). */
#define SHIKIRI_MANAGE_REG_MAGIC 0x00    /* RO */
#define SHIKIRI_MANAGE_REG_VERSION 0x04  /* RO */
#define SHIKIRI_MANAGE_REG_SELF 0x08     /* RO: the caller's VM index */
#define SHIKIRI_MANAGE_REG_COUNT 0x0c    /* RO: number of VMs */
#define SHIKIRI_MANAGE_REG_SELECT 0x10   /* RW: the VM addressed below */
#define SHIKIRI_MANAGE_REG_COMMAND 0x14  /* WO: SHIKIRI_MANAGE_CMD_* */
#define SHIKIRI_MANAGE_REG_STATUS 0x18   /* RO: result of the last access */
#define SHIKIRI_MANAGE_REG_STATE 0x20    /* RO: SHIKIRI_MANAGE_STATE_* */
#define SHIKIRI_MANAGE_REG_RESTARTS 0x24 /* RO */
#define SHIKIRI_MANAGE_REG_CPUS 0x28     /* RO: physical CPU mask, CPUs 0-31 */
#define SHIKIRI_MANAGE_REG_MEM_MB 0x2c   /* RO */
#define SHIKIRI_MANAGE_REG_UPTIME_MS 0x30 /* RO, 0 unless running */
#define SHIKIRI_MANAGE_REG_CPUS_HI 0x34  /* RO: CPU mask, CPUs 32-63 */
#define SHIKIRI_MANAGE_REG_NAME 0x40     /* RO, 16 bytes, NUL-padded */

#define SHIKIRI_MANAGE_CMD_START 1u
#define SHIKIRI_MANAGE_CMD_STOP 2u
#define SHIKIRI_MANAGE_CMD_RESTART 3u

#define SHIKIRI_MANAGE_STATE_STOPPED 0u
#define SHIKIRI_MANAGE_STATE_STARTING 1u
#define SHIKIRI_MANAGE_STATE_RUNNING 2u
#define SHIKIRI_MANAGE_STATE_STOPPING 3u

/*
 * STATUS values (as a signed 32-bit number).  Reading information about,
 * or commanding, a VM other than the caller needs the right to manage it;
 * without it the information registers read as 0 and STATUS says EPERM.
 */
#define SHIKIRI_MANAGE_OK 0
#define SHIKIRI_MANAGE_EPERM (-1)
#define SHIKIRI_MANAGE_ENOENT (-2)
#define SHIKIRI_MANAGE_EBUSY (-16)
#define SHIKIRI_MANAGE_EINVAL (-22)

#endif /* SHIKIRI_MANAGE_H */
