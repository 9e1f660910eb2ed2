/**
 * Node's entries flash with Node's runtime: `qfh`, `qfh/flash` and `qfh/session` export the
 * Node-bound functions, not the core's (which hash in JavaScript on the main thread: the
 * same digests, about six and a half times the CPU; the bench's host.verify.ufs was 8.4 s/GiB with
 * the core's, 1.28 with Node's). A partial runtime keeps the rest of Node's.
 */
import { expect, it } from 'vitest';
import * as flashLayer from '../../src/flash/index.js';
import * as nodeFlash from '../../src/flash/node-flash.js';
import * as entry from '../../src/index.js';
import * as sessionLayer from '../../src/session/index.js';
import * as nodeSession from '../../src/session/node-session.js';
import { prepareFlash } from '../../src/flash/node-flash.js';
import { portableSha256 } from '../../src/sha256.js';
import { buildDemoPackage } from '../../src/sim/demo-package.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

it('qfh and qfh/flash export the Node-bound flash functions, qfh/session the Node-bound opener', () => {
  for (const name of ['flash', 'edlRecover', 'prepareFlash', 'flashFromNormalMode'] as const) {
    expect(entry[name], name).toBe(nodeFlash[name]);
    expect(flashLayer[name], name).toBe(nodeFlash[name]);
  }
  expect(flashLayer.executePlan).toBe(nodeFlash.executePlan);
  expect(entry.openFirehoseSession).toBe(nodeSession.openFirehoseSession);
  expect(sessionLayer.openFirehoseSession).toBe(nodeSession.openFirehoseSession);
});

it("a runtime with only its own hashing still reads the package's path from disk", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'qfh-partial-'));
  try {
    const root = await buildDemoPackage(dir);
    const prepared = await prepareFlash(root, { runtime: { sha256: portableSha256 } });
    expect(prepared.plan.ops.length).toBeGreaterThan(5);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
