#!/bin/busybox sh
# /init of the qfh USB test machine's initramfs (built by test/usb-vm/host/initramfs.ts).
# Loads the USB, gadget, USB/IP, usbmon and 9p modules of the Debian kernel, mounts the host's
# root read-only over 9p and chroots into it, so the checkout's own node and node_modules run
# unchanged; results go back through a second, writable 9p share. Parameters come on the
# kernel command line: qfh.root (the checkout), qfh.node (node binary), qfh.runner (script),
# qfh.only (run only the cases whose names contain it), qfh.skip (leave out those whose names
# contain it: the host runs them in a boot of their own).
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
up() { cut -d' ' -f1 /proc/uptime; }
echo "QFH-VM init $(up)"
for m in $(cat /modules/load-order); do
  insmod "/modules/$m.ko" || echo "QFH-VM insmod $m failed"
done
echo "QFH-VM modules $(up)"
for arg in $(cat /proc/cmdline); do
  case "$arg" in
    qfh.root=*) ROOT="${arg#qfh.root=}" ;;
    qfh.node=*) NODE="${arg#qfh.node=}" ;;
    qfh.runner=*) RUNNER="${arg#qfh.runner=}" ;;
    qfh.only=*) ONLY="${arg#qfh.only=}" ;;
    qfh.skip=*) SKIP="${arg#qfh.skip=}" ;;
  esac
done
R=/newroot
opts=trans=virtio,version=9p2000.L,msize=512000
mount -t 9p -o "$opts,ro,cache=loose" hostroot $R || { echo "QFH-VM no host root"; poweroff -f; }
mount -t proc proc $R/proc
mount -t sysfs sys $R/sys
mount -t configfs configfs $R/sys/kernel/config
mount -t debugfs debugfs $R/sys/kernel/debug 2>/dev/null
mount -t devtmpfs dev $R/dev
# The checkout and node may live where the guest mounts a tmpfs (a CI clone in /tmp or
# /root): keep them visible by binding them back on top.
KEEP=
i=0
for p in "$ROOT" "${NODE%/bin/*}"; do
  case "$p" in
    /tmp/* | /run/* | /root/* | /dev/shm/*)
      i=$((i + 1)); mkdir -p /keep/$i; mount -o bind "$R$p" /keep/$i; KEEP="$KEEP $i:$p" ;;
  esac
done
for d in tmp run root dev/shm; do mkdir -p $R/$d; mount -t tmpfs tmpfs $R/$d; done
for k in $KEEP; do mkdir -p "$R${k#*:}"; mount -o bind "/keep/${k%%:*}" "$R${k#*:}"; done
mkdir -p $R/dev/pts && mount -t devpts devpts $R/dev/pts
mkdir -p $R/tmp/qfh-results $R/run/qfh-vm/modules
mount -t 9p -o "$opts" results $R/tmp/qfh-results || echo "QFH-VM no results share"
# Modules a test loads itself (a kernel driver for the EDL interface), reachable from the chroot.
for m in $(cat /modules/on-demand); do cp "/modules/$m.ko" $R/run/qfh-vm/modules/; done
ip link set lo up
echo "QFH-VM chroot $(up)"
chroot $R /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  HOME=/root QFH_VM_RESULTS=/tmp/qfh-results QFH_VM_MODULES=/run/qfh-vm/modules \
  "$NODE" "$RUNNER" --root "$ROOT" --only "$ONLY" --skip "$SKIP"
echo "QFH-VM runner-exit $? $(up)"
sync
umount $R/tmp/qfh-results 2>/dev/null
poweroff -f
