import { expect, it } from 'vitest';
import { buildTestProgrammer, SimulatedModem } from '../../src/sim/index.js';
import { describeReal, realText } from '../helpers/real.js';
import { bootProgrammer, drain, texts } from './host-script.js';

/** One host command of a real session and the device lines that answered it. */
interface Exchange {
  command: string;
  device: string[];
}

const HOST =
  /^<(configure|erase|program|power|patch|read|nop|getstorageinfo|getsha256digest|setbootablestoragedrive)\b/;
const DEVICE = /^<(log|response)\b/;

/** Splits a QFirehose log into the banner and command exchanges (timestamps `[t]:` or `[t]` both occur). */
function exchanges(log: string): { banner: string[]; exchanges: Exchange[] } {
  const banner: string[] = [];
  const out: Exchange[] = [];
  for (const raw of log.split(/\r?\n/)) {
    const line = /^\[[\d.]+\]:? (<.*>)\s*$/.exec(raw)?.[1];
    if (!line) continue;
    if (HOST.test(line)) out.push({ command: line, device: [] });
    else if (DEVICE.test(line)) (out.at(-1)?.device ?? banner).push(line);
  }
  return { banner, exchanges: out };
}

/** Elements in a device transfer, each reduced to tag + ordered attributes (regex, independent of the codec). */
const elements = (line: string): string[] =>
  [...line.matchAll(/<(log|response)\b((?:\s+\w+="[^"]*")*)\s*\/>/g)].map(
    (m) =>
      `${m[1]}${[...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((a) => ` ${a[1]}=${a[2]}`).join('')}`,
  );

const attr = (command: string, name: string): number =>
  Number(new RegExp(`${name}="(\\d+)"`).exec(command)?.[1] ?? NaN);

const SESSIONS: { name: string; file: string[]; profile: string }[] = [
  {
    name: 'RM500Q (SDX55) over USB',
    file: ['logs', 'qfirehose-v1.3.2_rm500q-sdx55_usb_openwrt.log.txt'],
    profile: 'rm500q',
  },
  {
    name: 'EM20 (SDX24) over USB',
    file: ['logs', 'qfirehose-v1.1.8_em20-sdx24_usb.log.txt'],
    profile: 'em20',
  },
  {
    name: 'EM20 (SDX24) over TCP',
    file: ['logs', 'qfirehose-v1.1.8_em20-sdx24_tcp-remote.log.txt'],
    profile: 'em20',
  },
  {
    name: 'EG25-G GC (MDM9607)',
    file: ['quectel-eg25g-gc-30.203.30.203', 'qfirehose-eg25ggc-session.log.txt'],
    profile: 'eg25g-gc',
  },
];

describeReal(
  'the simulator answers every host command of the real sessions as the real module did',
  () => {
    for (const session of SESSIONS) {
      it(session.name, async () => {
        const { banner, exchanges: real } = exchanges(realText(...session.file));
        expect(real.length).toBeGreaterThan(10);
        const modem = new SimulatedModem({ profile: session.profile });
        const link = modem.connect();
        const ourBanner = (await bootProgrammer(link, buildTestProgrammer())).flatMap(elements);
        expect(ourBanner).toEqual(banner.flatMap(elements));
        for (const { command, device } of real) {
          await link.write(
            new TextEncoder().encode(`<?xml version="1.0" ?><data>${command}</data>`),
            { timeoutMs: 1000 },
          );
          let ours = texts(await drain(link, 40));
          if (command.startsWith('<program') && ours.some((t) => t.includes('rawmode="true"'))) {
            const bytes =
              attr(command, 'num_partition_sectors') * attr(command, 'SECTOR_SIZE_IN_BYTES');
            for (let at = 0; at < bytes; at += 1 << 20)
              await link.write(new Uint8Array(Math.min(1 << 20, bytes - at)).fill(0x5a), {
                timeoutMs: 1000,
              });
            ours = ours.concat(texts(await drain(link, 40)));
          }
          expect({ command, device: ours.flatMap(elements) }).toEqual({
            command,
            device: device.flatMap(elements),
          });
        }
      });
    }
  },
);
