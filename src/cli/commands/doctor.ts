/**
 * `qfh doctor`: the pre-flight checks, each with its result and a one-line fix.
 *
 * @module
 */
import { overrideText } from '../../accept-flags.js';
import { runDoctor } from '../../preflight/doctor.js';
import { usbBackendCheck } from '../../preflight/usb-backend-check.js';
import { defineCommand } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { withJson } from '../options.js';

export const doctorCommand = defineCommand({
  syntax: ['doctor'],
  describe:
    'Check this host before an update: modem daemons, processes holding modem ports, the EDL driver, SSH over the modem, free space, whether libusb loads',
  examples: [
    ['qfh doctor', 'each check with its fix'],
    ['qfh doctor --json', 'the checks as one JSON event'],
  ],
  options: (y) => withJson(y),
  run: async (_argv, ctx) => {
    // The usb backend here only: a flash's pre-flight does not load libusb for a tty or
    // PCIe flash that never uses it (it costs about 5 MiB, load-usb.ts).
    const checks = [...(await runDoctor()), await usbBackendCheck()];
    const refused = checks.some((c) => c.status === 'refuse');
    const exitCode = refused ? ExitCode.REFUSED : ExitCode.OK;
    ctx.events.emit({ event: 'result', command: 'doctor', ok: !refused, exitCode, data: checks });
    if (!ctx.events.json)
      for (const c of checks)
        ctx.out.stdout(
          `${c.status.toUpperCase().padEnd(6)} ${c.check}: ${c.detail}${c.fix ? `\n       fix: ${c.fix}` : ''}${c.flag ? ` (or accept with ${overrideText(c.flag)})` : ''}\n`,
        );
    return exitCode;
  },
});
