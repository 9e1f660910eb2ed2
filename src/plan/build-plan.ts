/**
 * Package + device facts → FlashPlan, pure: no file is read here (the package reader kept
 * what the plan needs: sparse indexes, the bytes of host-patched tables) and nothing is
 * sent. NAND packages follow QFirehose's order (`nand-ops.ts`), eMMC/UFS packages the
 * Android one (`android-ops.ts`).
 *
 * @module
 */
import type { DeviceFacts } from '../device-facts.js';
import type { Finding, FirmwarePackage } from '../package/portable.js';
import { androidOps } from './android-ops.js';
import { deviceFindings } from './device-checks.js';
import { gptFindings } from './gpt-checks.js';
import { nandOps } from './nand-ops.js';
import { placementFindings } from './placement.js';
import type { FlashPlan } from './types.js';

/** Builds the plan. Without `facts`, ops whose place depends on the disk size stay unresolved. */
export function buildPlan(pkg: FirmwarePackage, facts?: DeviceFacts): FlashPlan {
  const findings: Finding[] = [...pkg.findings];
  if (facts) findings.push(...deviceFindings(pkg, facts));
  const build = { facts, findings };
  const ops = pkg.storage.kind === 'nand' ? nandOps(pkg, build) : androidOps(pkg, build);
  findings.push(...placementFindings(pkg, ops, facts), ...gptFindings(ops, facts));
  return {
    schema: 'qfh-plan/2',
    package: pkg.root,
    storage: pkg.storage.kind,
    sectorSize: pkg.storage.sectorSize,
    programmer: pkg.programmer,
    device: facts,
    ops,
    totalBytes: ops.reduce((n, op) => n + op.bytes, 0),
    findings,
  };
}
