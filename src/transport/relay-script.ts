/**
 * The router half of relay mode: a POSIX-sh script (busybox ash + socat, both packaged by
 * OpenWrt; nothing compiled for the router) shipped as `relay/qfh-relay.sh` and printed by
 * `qfh relay-script`. The bundle inlines the text, so it needs no file beside it.
 *
 * @module
 */
import { readFileSync } from 'node:fs';

/** The relay script's text. */
export function relayScript(): string {
  return readFileSync(new URL('../../relay/qfh-relay.sh', import.meta.url), 'utf8');
}
