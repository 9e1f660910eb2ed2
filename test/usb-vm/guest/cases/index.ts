/** Every case of the USB test machine, in the order they run. */
import type { UsbCase } from '../harness.js';
import { disconnect, recover } from './disconnect-recover.js';
import { enumerate } from './enumerate.js';
import { exactLength } from './exact-length.js';
import { flashEmmc } from './flash-emmc.js';
import { flashNand } from './flash-nand.js';
import { kernelDriver } from './kernel-driver.js';
import { lateTimeout } from './late-timeout.js';
import { qdlEmmc, qdlNand, qdlUfs } from './qdl.js';
import { usbip } from './usbip.js';
import { zlp } from './zlp.js';

export const CASES: readonly UsbCase[] = [
  enumerate,
  lateTimeout,
  zlp,
  exactLength,
  flashNand,
  flashEmmc,
  qdlEmmc,
  qdlUfs,
  qdlNand,
  disconnect,
  recover,
  kernelDriver,
  usbip,
];
