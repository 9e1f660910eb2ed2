/**
 * `qfh wireshark`: where the shipped Lua dissector is, and the one line that installs it into
 * Wireshark's personal plugin folder (Wireshark 2.6 and later on Linux and macOS).
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineCommand } from '../command.js';
import { ExitCode } from '../exit-codes.js';

/** The dissector file, in the package root (beside dist/ and src/). */
export function dissectorPath(): string {
  // From dist/cli/commands/ (or src/), or from the one-file bundle in dist/bundle/.
  const candidates = ['../../../wireshark/qfh-edl.lua', '../../wireshark/qfh-edl.lua'].map((p) =>
    fileURLToPath(new URL(p, import.meta.url)),
  );
  return candidates.find((p) => existsSync(p)) ?? (candidates[0] as string);
}

export const wiresharkCommand = defineCommand({
  syntax: ['wireshark'],
  describe:
    'Print where the Wireshark dissector for Sahara/Firehose is and the one line that installs it',
  examples: [['qfh wireshark', 'the path and the install line']],
  options: (y) => y,
  run: async (_argv, ctx) => {
    const path = dissectorPath();
    if (!existsSync(path)) {
      ctx.out.stderr(`qfh: the dissector should be at ${path} but is missing; reinstall qfh\n`);
      return ExitCode.FAILURE;
    }
    ctx.out.stdout(
      [
        `Wireshark dissector for Sahara and Firehose: ${path}`,
        'Install it (then restart Wireshark):',
        `  mkdir -p ~/.local/lib/wireshark/plugins && cp '${path}' ~/.local/lib/wireshark/plugins/`,
        `Or use it once: wireshark -X lua_script:'${path}' FILE.pcapng   (tshark takes the same -X)`,
        'Capture a session with: qfh flash DIR --capture FILE.pcapng, or tcpdump -i usbmonN -s 0 -w FILE.pcapng',
        '',
      ].join('\n'),
    );
    return ExitCode.OK;
  },
});
