import { describe, expect, it } from 'vitest';
import { AtPort, identifyModem, switchToEdl } from '../../src/at/index.js';
import { flashFromNormalMode } from '../../src/flash/index.js';
import {
  buildDemoPackage,
  SimulatedModem,
  simulatorAccess,
  type SimulatedAccess,
} from '../../src/sim/index.js';
import { PlanRefusedError } from '../../src/errors.js';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Transport } from '../../src/transport/transport.js';

/** Waits (up to 10 s: the real switch takes about 3) for the modem to be on the bus as `state`. */
async function until(modem: SimulatedModem, state: 'edl' | 'normal'): Promise<Transport> {
  for (let i = 0; i < 1000 && modem.state !== state; i++)
    await new Promise((r) => setTimeout(r, 10));
  expect(modem.state).toBe(state);
  return modem.connect();
}

/**
 * A real EG25-G takes about 30 s to boot after the flash's reset; these tests cannot wait
 * that long each, so the boot alone is shortened. The banner, the switch to EDL (3 s) and
 * command latency stay real.
 */
const SHORT_BOOT = { overrides: { bootMs: 1500 } };

describe('the modem in normal mode', () => {
  it('AT port: identity from ATI, AT+QGMR and AT+CSUB; errors as AtError; URCs kept apart', async () => {
    const modem = new SimulatedModem({ profile: 'eg25g', state: 'normal' });
    const urcs: string[] = [];
    const port = new AtPort(modem.connect(), { onUrc: (l) => urcs.push(l) });
    const id = await identifyModem(port);
    expect(id).toMatchObject({
      manufacturer: 'Quectel',
      model: 'EG25-G',
      revision: 'EG25GGBR07A08M2G',
      fullRevision: 'EG25GGBR07A08M2G_30.006.30.006',
      subEdition: 'V01',
      firmware: { variant: 'EG25GGB', build: '30.006.30.006' },
    });
    await expect(port.command('AT+NOPE')).rejects.toMatchObject({ code: 'QFH_AT_ERROR' });
  });

  it('switches to EDL with the DIAG frame (echo checked) and the modem re-enumerates as 05c6:9008', async () => {
    const modem = new SimulatedModem({ profile: 'rm500q', state: 'normal' });
    await switchToEdl(modem.connect(), { attempts: 3, intervalMs: 10 });
    await until(modem, 'edl');
    expect(modem.usbId).toEqual({ vid: 0x05c6, pid: 0x9008 });
  });

  it('a module that reboots before its echo is read (the DIAG port closes after the frame) has switched', async () => {
    // Over the router relay under load the echo was lost this way, and the flash failed with
    // QFH_EDL_SWITCH_FAILED although the modem sat in EDL: the port going away after the
    // frame is the reboot. The flash's wait for EDL decides the rest.
    const modem = new SimulatedModem({
      profile: 'rm500q',
      state: 'normal',
      faults: { diagEchoLost: true },
    });
    await switchToEdl(modem.connect(), { attempts: 3, intervalMs: 500 });
    await until(modem, 'edl');
  });

  it('fails with a typed error when nothing echoes', async () => {
    const silent: Transport = {
      description: 'x',
      read: async () => new Uint8Array(0),
      write: async () => undefined,
      close: async () => undefined,
    };
    await expect(switchToEdl(silent, { attempts: 2, intervalMs: 1 })).rejects.toMatchObject({
      code: 'QFH_EDL_SWITCH_FAILED',
    });
  });
});

const access = (modem: SimulatedModem): SimulatedAccess =>
  simulatorAccess(modem, { waitSeconds: 20 });

describe('qfh flash from normal mode, on the simulator', () => {
  it.each([
    ['', {}],
    [' (its echo lost to the reboot)', { diagEchoLost: true }],
  ])(
    'identifies, switches through DIAG%s, flashes, and reads the identity again once the modem is back',
    async (_n, faults) => {
      const root = await buildDemoPackage(await mkdtemp(join(tmpdir(), 'qfh-at-')));
      const modem = new SimulatedModem({
        profile: 'eg25g',
        state: 'normal',
        timing: SHORT_BOOT,
        faults,
      });
      const result = await flashFromNormalMode(root, access(modem), {
        edlSwitch: { attempts: 3, intervalMs: 10 },
      });
      expect(result.before.revision).toBe('EG25GGBR07A08M2G');
      expect(result.report).toMatchObject({ ok: true, state: 'flashed' });
      expect(result.after?.revision).toBe('EG25GGBR07A08M2G');
      expect(modem.saharaBoots).toHaveLength(1);
    },
  );
});

describe('qfh flash from normal mode refuses before the EDL switch, unless accepted', () => {
  it('refuses a package for another variant before the switch frame is sent; --force-variant proceeds', async () => {
    const root = await buildDemoPackage(await mkdtemp(join(tmpdir(), 'qfh-at-')));
    const gc = new SimulatedModem({ profile: 'eg25g-gc', state: 'normal', timing: SHORT_BOOT });
    const e = await flashFromNormalMode(root, access(gc), {
      edlSwitch: { attempts: 1, intervalMs: 1 },
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PlanRefusedError);
    // The GC module also runs a newer build (30.203) than the package (30.006).
    expect((e as PlanRefusedError).refusals.map((r) => r.code)).toEqual([
      'PLAN_VARIANT_MISMATCH',
      'PLAN_NAND_SIZE_MISMATCH',
      'PLAN_DOWNGRADE',
    ]);
    expect(gc.state).toBe('normal');
    expect(gc.saharaBoots).toHaveLength(0);
    // A modem whose only difference is its variant code: --force-variant accepts exactly that.
    const other = new SimulatedModem({
      profile: {
        ...new SimulatedModem().profile,
        normal: {
          revision: 'EG25GGLR07A08M2G',
          fullRevision: 'EG25GGLR07A08M2G_30.006.30.006',
        },
      },
      state: 'normal',
      timing: SHORT_BOOT,
    });
    await expect(
      flashFromNormalMode(root, access(other), { edlSwitch: { attempts: 1, intervalMs: 1 } }),
    ).rejects.toMatchObject({
      refusals: [
        expect.objectContaining({ code: 'PLAN_VARIANT_MISMATCH', flag: '--force-variant' }),
      ],
    });
    expect(
      (
        await flashFromNormalMode(root, access(other), {
          accept: ['force-variant'],
          edlSwitch: { attempts: 3, intervalMs: 10 },
        })
      ).report.ok,
    ).toBe(true);
  });

  it('refuses a downgrade before the switch; --allow-downgrade proceeds', async () => {
    const root = await buildDemoPackage(await mkdtemp(join(tmpdir(), 'qfh-at-')));
    const newer = new SimulatedModem({
      profile: {
        ...new SimulatedModem().profile,
        normal: {
          revision: 'EG25GGBR07A08M2G',
          fullRevision: 'EG25GGBR07A08M2G_30.007.30.007',
        },
      },
      state: 'normal',
      timing: SHORT_BOOT,
    });
    await expect(
      flashFromNormalMode(root, access(newer), { edlSwitch: { attempts: 1, intervalMs: 1 } }),
    ).rejects.toMatchObject({
      code: 'QFH_REFUSED',
      message: expect.stringMatching(/older than the modem/),
    });
    expect(newer.state).toBe('normal');
    const result = await flashFromNormalMode(root, access(newer), {
      accept: ['allow-downgrade'],
      edlSwitch: { attempts: 3, intervalMs: 10 },
    });
    expect(result.report.ok).toBe(true);
  });
});

describe('qfh verify after an update', () => {
  it('shows the new revision and the before/after diff; missing registration is a warning', async () => {
    const { checkModem, diffChecks, AtPort: Port } = await import('../../src/at/index.js');
    const root = await buildDemoPackage(
      await mkdtemp(join(tmpdir(), 'qfh-at-')),
      'EG25GGBR07A08M2G_30.007.30.007',
    );
    const modem = new SimulatedModem({
      profile: 'eg25g',
      state: 'normal',
      timing: SHORT_BOOT,
      afterUpdateRevision: {
        revision: 'EG25GGBR07A08M2G',
        fullRevision: 'EG25GGBR07A08M2G_30.007.30.007',
      },
    });
    const result = await flashFromNormalMode(root, simulatorAccess(modem, { waitSeconds: 20 }), {
      edlSwitch: { attempts: 3, intervalMs: 10 },
    });
    expect(result.checks.before.identity.fullRevision).toBe('EG25GGBR07A08M2G_30.006.30.006');
    expect(result.checks.after?.identity.fullRevision).toBe('EG25GGBR07A08M2G_30.007.30.007');
    expect(diffChecks(result.checks.before, result.checks.after!)).toContain(
      '  revision: EG25GGBR07A08M2G_30.006.30.006 → EG25GGBR07A08M2G_30.007.30.007',
    );
    expect(result.checks.after?.warnings).toEqual([]);
    // A module that has not attached yet: a warning, not an error.
    const lonely = {
      description: 'at',
      read: async () => new TextEncoder().encode(pending.shift() ?? ''),
      write: async (d: Uint8Array) => void answer(new TextDecoder().decode(d).trim()),
      close: async () => undefined,
    };
    const pending: string[] = [];
    const answer = (c: string): void =>
      void pending.push(
        c === 'ATI'
          ? '\r\nQuectel\r\nEG25-G\r\nRevision: EG25GGBR07A08M2G\r\n\r\nOK\r\n'
          : c === 'AT+CREG?'
            ? '\r\n+CREG: 0,2\r\n\r\nOK\r\n'
            : c === 'AT+CEREG?'
              ? '\r\n+CEREG: 0,0\r\n\r\nOK\r\n'
              : '\r\nERROR\r\n',
      );
    const check = await checkModem(new Port(lonely));
    expect(check.warnings[0]).toMatch(/not registered/);
  });
});
