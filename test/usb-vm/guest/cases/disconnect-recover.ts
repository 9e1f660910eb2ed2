import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { QfhError } from '../../../../src/errors.js';
import { flash, FlashError } from '../../../../src/flash/index.js';
import { timeoutsFor } from '../../../../src/timeouts.js';
import { waitForEdlDevice } from '../bus.js';
import type { UsbCase } from '../harness.js';
import { checkNandDump, nandPackage } from '../packages.js';
import { startSimulator, type RunningSimulator } from '../simulator.js';
import { openEdl, since } from './open-edl.js';

/** What the disconnect leaves for the recovery: the modem (off the bus) and its package. */
let left: { sim: RunningSimulator; pkg: string } | undefined;

/** Pulls the cable (unbinds the gadget) a quarter into the program phase. */
export const disconnect: UsbCase = {
  leavesDevice: true,
  name: 'cable pulled mid-program (gadget unbound from its UDC): a QfhError within the table timeout, state partial',
  async run(ctx) {
    left = undefined;
    const pkg = await nandPackage(ctx.work, 1 / 16);
    const sim = await startSimulator(ctx, { profile: 'eg25g' });
    await waitForEdlDevice();
    const usb = await openEdl(ctx);
    let pulledAt: number | undefined;
    const outcome = await flash(pkg, usb, {
      onProgress: (p) => {
        if (pulledAt !== undefined || p.phase !== 'program' || p.bytesDone < p.bytesTotal / 4)
          return;
        pulledAt = performance.now();
        ctx.log(`unbinding at ${p.bytesDone} of ${p.bytesTotal} bytes`);
        void sim.unbind();
      },
    }).then(
      () => new Error('the flash succeeded with the cable pulled'),
      (e: unknown) => e,
    );
    await usb.close();
    assert.ok(pulledAt !== undefined, 'never reached a quarter of the program phase');
    const after = since(pulledAt);
    assert.ok(outcome instanceof QfhError, `not a QfhError: ${String(outcome)}`);
    const limit = timeoutsFor('nand').rawData;
    assert.ok(
      after < limit,
      `the error came ${after} ms after the unbind (table: rawData ${limit} ms)`,
    );
    assert.ok(outcome instanceof FlashError, `${outcome.code} carries no report`);
    const report = outcome.report;
    assert.equal(report.state, 'partial');
    ctx.log(
      `${outcome.code}: ${outcome.message} / ${report.failure?.code}: ${report.failure?.message}`,
    );
    left = { sim, pkg };
    ctx.log(`next: ${report.next}`);
    return `${report.failure?.code ?? outcome.code} ${after} ms after the unbind (limit ${limit}); state ${report.state}, ${report.ops.length}/${report.opsTotal} steps done`;
  },
};

/** Lines of the CLI's countdown: `waiting for an EDL device (05c6:9008), N s left`. */
const countdown = (text: string): number[] =>
  [...text.matchAll(/waiting for an EDL device \(05c6:9008\), (\d+) s left/g)].map((m) =>
    Number(m[1]),
  );

/** `qfh edl-recover` from before the device is back until it has restored the storage. */
export const recover: UsbCase = {
  name: 'edl-recover started with the modem off the bus: countdown, found on re-bind (udev), storage restored',
  async run(ctx) {
    assert.ok(left, 'needs the state the disconnect case leaves');
    const { sim, pkg } = left;
    left = undefined;
    const cli = spawn(
      ctx.node,
      [ctx.qfh, 'edl-recover', pkg, '--device', 'usb', '--wait', '90', '--yes'],
      {
        cwd: ctx.work,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    cli.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    cli.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => cli.once('exit', resolve));
    while (countdown(stderr).length < 3) {
      assert.equal(cli.exitCode, null, `qfh exited before the device came back: ${stderr}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const boundAt = performance.now();
    await sim.bind();
    const code = await exited;
    const took = since(boundAt);
    ctx.log(`qfh edl-recover exited ${code}\n${stderr}\n${stdout}`);
    assert.equal(code, 0, `qfh edl-recover exited with ${code}: ${stderr.slice(-800)}`);
    assert.match(stdout, /Flashed/);
    const seen = countdown(stderr);
    assert.ok(seen[0]! > seen.at(-1)!, `the countdown did not count down: ${seen.join(', ')}`);
    const { lun0 } = await sim.stop();
    const ranges = await checkNandDump(pkg, lun0);
    await rm(lun0);
    return `countdown ${seen[0]} → ${seen.at(-1)} s left, flashed ${(took / 1000).toFixed(1)} s after the re-bind; ${ranges} ranges equal`;
  },
};
