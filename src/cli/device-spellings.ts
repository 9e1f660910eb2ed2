/**
 * The `--device` spellings, stated once: `--help` of every command with `--device`, the table
 * in `qfh flash --help` and the README's table (`npm run readme:tables`) come from here, and
 * test/cli/device-spellings.test.ts runs each spelling through each command.
 *
 * @module
 */

/** One way to name a modem. */
export interface DeviceSpelling {
  readonly spelling: string;
  /** A handle of that spelling, as a user types it. */
  readonly example: string;
  readonly means: string;
}

export const DEVICE_SPELLINGS: readonly DeviceSpelling[] = [
  {
    spelling: 'usb',
    example: 'usb',
    means:
      'the one modem on USB, the default (in EDL for flash, info, backup; its AT port otherwise)',
  },
  {
    spelling: 'usb:PORT',
    example: 'usb:1-1.4',
    means: 'the modem plugged into that USB port (qfh list), followed across its switch to EDL',
  },
  {
    spelling: 'usb:SERIAL',
    example: 'usb:3B090F7D',
    means: 'the modem with that USB serial number (qfh list)',
  },
  {
    spelling: '/dev/ttyUSB0',
    example: '/dev/ttyUSB0',
    means: 'a tty: the qcserial node of a modem in EDL, or the AT port of one in normal mode',
  },
  {
    spelling: '/dev/wwan0firehose0, /dev/mhi_EDL',
    example: '/dev/wwan0firehose0',
    means: 'the Firehose node of a PCIe modem (its programmer already loaded)',
  },
  {
    spelling: 'tcp://HOST:PORT',
    example: 'tcp://127.0.0.1:9',
    means: 'a device server: qfh simulate (in EDL or normal mode: qfh asks which), or a relay port',
  },
  { spelling: 'sim:PROFILE', example: 'sim:eg25g', means: 'the built-in simulated modem, in EDL' },
  {
    spelling: 'sim:PROFILE:normal',
    example: 'sim:eg25g:normal',
    means: 'the built-in simulated modem, in normal mode',
  },
];

/** `--device`'s help line. */
export const DEVICE_HELP = `${DEVICE_SPELLINGS.map((s) => s.spelling).join(' | ')} (qfh flash --help says what each means)`;

/** The spellings as lines of `--help`. */
export function deviceSpellingLines(): string {
  // Each meaning on its own line, under 100 columns: yargs wraps longer lines without indent.
  return [
    '--device, the same in every command that takes it:',
    ...DEVICE_SPELLINGS.flatMap((s) => [`  ${s.spelling}`, `      ${s.means}`]),
  ].join('\n');
}

/** The spellings as a markdown table (README.md, `npm run readme:tables`). */
export function deviceSpellingTable(): string {
  return [
    '| `--device` | the modem it names |',
    '|---|---|',
    ...DEVICE_SPELLINGS.map((s) => `| \`${s.spelling}\` | ${s.means} |`),
  ].join('\n');
}
