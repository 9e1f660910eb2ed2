/**
 * `qfh list`: modems on this machine, in EDL or in normal mode, each with the handle that
 * names it in --device (its USB port, or its PCIe node), then their interfaces and ports.
 *
 * @module
 */
import type { ModemBus } from '../../fleet/bus.js';
import { groupPciePorts, pcieModemState } from '../../transport/pcie-ports.js';
import { listDevices, type DeviceListing } from '../../transport/sysfs-devices.js';
import { defineCommand } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import type { CliOutput } from '../output.js';
import type { EventWriter } from '../events.js';
import { listedModems, renderModems } from '../list-modems.js';
import { withJson } from '../options.js';

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');
const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

/** Renders a listing as text lines. */
export function renderListing(listing: DeviceListing): string[] {
  const lines: string[] = [];
  const edl = listing.usb.filter((d) => d.mode === 'edl');
  const normal = listing.usb.filter((d) => d.mode === 'normal');
  const device = (d: DeviceListing['usb'][number]): string[] => [
    `  ${d.path.padEnd(10)} ${hex4(d.vid)}:${hex4(d.pid)}  ${d.product ?? ''}${d.serial ? `  serial ${d.serial}` : ''}  →  --device ${d.mode === 'edl' ? `usb${/_SN:([0-9A-F]+)/i.exec(d.product ?? '')?.[1] ? `:${/_SN:([0-9A-F]+)/i.exec(d.product ?? '')?.[1]}` : ''}` : `/dev/${d.interfaces.find((i) => i.tty)?.tty ?? '?'}`}`,
    ...d.interfaces.map(
      (i) =>
        `      interface ${i.number}: ${hex2(i.class)}/${hex2(i.subclass)}/${hex2(i.protocol)}${i.driver ? ` driver ${i.driver}` : ''}${i.tty ? ` /dev/${i.tty}` : ''}`,
    ),
  ];
  lines.push(edl.length ? 'In EDL (emergency download, 05c6:9008):' : 'In EDL: none');
  for (const d of edl) lines.push(...device(d));
  lines.push(
    normal.length
      ? 'Quectel modems in normal mode (qfh flash switches them to EDL):'
      : 'Quectel modems in normal mode: none',
  );
  for (const d of normal) lines.push(...device(d));
  const pcie = groupPciePorts(listing.pcie);
  lines.push(pcie.length ? 'PCIe modems:' : 'PCIe modems: none');
  for (const p of pcie) {
    const state = pcieModemState(p);
    const ports = [
      p.at && `AT ${p.at}`,
      p.diag && `DIAG ${p.diag}`,
      p.bhi && `BHI ${p.bhi}`,
      p.edl && `EDL ${p.edl}`,
    ]
      .filter(Boolean)
      .join(', ');
    const next =
      state === 'normal' && p.at
        ? `  →  qfh verify --device ${p.at}`
        : state === 'edl' && p.edl
          ? `  →  --device ${p.edl}`
          : '';
    lines.push(`  ${p.driver} module ${p.index} (${state}): ${ports}${next}`);
  }
  return lines;
}

export const listCommand = defineCommand({
  syntax: ['list'],
  describe:
    'List modems: in EDL (05c6:9008), Quectel modules in normal mode with their ports, PCIe modem nodes',
  examples: [
    ['qfh list', 'every modem and the --device that picks it'],
    ['qfh list --json', 'the same as one JSON event (README: qfh list --json)'],
  ],
  options: (y) => withJson(y),
  run: async (argv, ctx) => runList({ out: ctx.out, events: ctx.events, bus: ctx.bus }),
});

/** Runs `qfh list` (roots point at fixture trees in tests; a bus replaces them). */
export async function runList(
  c: { out: CliOutput; events: EventWriter; bus?: ModemBus | undefined },
  roots: { sys?: string; dev?: string } = {},
): Promise<number> {
  const listing = c.bus ? await c.bus.listing() : await listDevices(roots.sys, roots.dev);
  const modems = listedModems(listing);
  c.events.emit({
    event: 'result',
    command: 'list',
    ok: true,
    exitCode: ExitCode.OK,
    data: { modems, ...listing },
  });
  if (!c.events.json)
    c.out.stdout(`${[...renderModems(modems), '', ...renderListing(listing)].join('\n')}\n`);
  return ExitCode.OK;
}
