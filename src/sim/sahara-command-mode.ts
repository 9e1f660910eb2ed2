/**
 * What the simulated PBL answers in Sahara command mode (EXECUTE / EXECUTE_DATA): serial
 * number, MSM HW ID (v1/v2 PBLs only), OEM public-key hash (three copies), and the v3 chip
 * ID block (research/edl.md §1.4). The values are the profile's, illustrative.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { SaharaExecCommand } from '../sahara/constants.js';
import type { DeviceProfile } from './profiles.js';

/** The data a command-mode request returns, or `undefined` when the PBL does not offer it. */
export function commandModeData(profile: DeviceProfile, command: number): Uint8Array | undefined {
  const s = profile.sahara;
  if (command === SaharaExecCommand.SERIAL_NUM_READ) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, s.serial, true);
    return b;
  }
  if (command === SaharaExecCommand.MSM_HW_ID_READ && s.answersHwId) {
    const b = new Uint8Array(0x18);
    for (let i = 0; i < 3; i++) new DataView(b.buffer).setBigUint64(i * 8, s.hwId, true);
    return b;
  }
  if (command === SaharaExecCommand.OEM_PK_HASH_READ) {
    const digest = createHash('sha256').update(`pk-${s.pkHashSeed}`).digest();
    return Uint8Array.from([...digest, ...digest, ...digest]);
  }
  if (command === SaharaExecCommand.READ_CHIP_ID_V3 && s.version >= 3) {
    const b = new Uint8Array(48);
    const v = new DataView(b.buffer);
    v.setUint32(0, s.serial, true);
    v.setUint32(36, Number((s.hwId >> 32n) & 0xffffffn), true);
    v.setUint16(40, Number((s.hwId >> 16n) & 0xffffn), true);
    v.setUint16(42, Number(s.hwId & 0xffffn), true);
    return b;
  }
  return undefined;
}
