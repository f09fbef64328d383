/* SPDX-License-Identifier: MIT */
/* sysfs (fs/sysfs/): a read-only view of the devices found at boot, in the
 * Linux layout that tools read:
 *
 *   /sys/devices/pci0000:00/<slot>/  uevent vendor device class
 *                                    subsystem_vendor subsystem_device irq
 *   /sys/bus/pci/devices/<slot>      -> ../../../devices/pci0000:00/<slot>
 *   /sys/class/net/<if>/             address mtu operstate carrier ifindex
 *                                    type statistics/{rx,tx}_{packets,bytes,
 *                                    errors,dropped}
 *   /sys/block/<disk>/               dev size ro removable
 *                                    queue/logical_block_size
 *
 * (BusyBox lspci walks /sys/bus/pci/devices and reads each uevent.) Devices
 * behind bridges sit flat under pci0000:00. The tree is built when sysfs is
 * mounted; file contents are generated on open. */
#ifndef FS_SYSFS_H
#define FS_SYSFS_H

#define SYSFS_MAGIC 0x62656572

/* Registers the "sysfs" filesystem type. */
int sysfs_init(void);

#endif
