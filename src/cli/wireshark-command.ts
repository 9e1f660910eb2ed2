/**
 * `qfh wireshark`: where the shipped Lua dissector is, and the one line that installs it into
 * Wireshark's personal plugin folder (Wireshark 2.6 and later on Linux and macOS).
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ExitCode } from './exit-codes.js';
import type { CliOutput } from './output.js';

/** The dissector file, from the package root (next to dist/ and src/). */
export function dissectorPath(): string {
  return fileURLToPath(new URL('../../wireshark/qfh-edl.lua', import.meta.url));
}

/** Runs `qfh wireshark`. */
export function runWireshark(out: CliOutput): number {
  const path = dissectorPath();
  if (!existsSync(path)) {
    out.stderr(`qfh: the dissector should be at ${path} but is missing; reinstall qfh\n`);
    return ExitCode.FAILURE;
  }
  out.stdout(
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
}
