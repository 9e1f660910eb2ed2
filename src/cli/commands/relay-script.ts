/**
 * `qfh relay-script`: prints the router half of relay mode (busybox sh + socat), to save on
 * the router and run there; `qfh flash FIRMWARE --relay ROUTER` then works from a LAN PC.
 *
 * @module
 */
import { relayScript } from '../../transport/relay-script.js';
import { defineCommand } from '../command.js';
import { ExitCode } from '../exit-codes.js';

export const relayScriptCommand = defineCommand({
  syntax: ['relay-script'],
  describe:
    "Print the relay script for a router without Node (busybox sh + socat): it serves the modem's EDL, DIAG and AT ports on TCP 9008-9011 for qfh flash --relay",
  examples: [
    [
      'qfh relay-script > qfh-relay.sh',
      'save it, copy it to the router (scp -O qfh-relay.sh root@192.168.1.1:/tmp/)',
    ],
    ['ssh root@192.168.1.1 sh /tmp/qfh-relay.sh', 'run it there (opkg install socat first)'],
  ],
  options: (y) => y,
  run: (_argv, ctx) => {
    ctx.out.stdout(relayScript());
    return Promise.resolve(ExitCode.OK);
  },
});
