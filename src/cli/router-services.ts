/**
 * `qfh flash --stop-services` on an OpenWrt router: the modem's services stopped with the
 * exact lines `qfh doctor` prints, and put back when qfh finishes, whatever happened.
 *
 * @module
 */
import { processes } from '../preflight/host-checks.js';
import { openwrtModemServices, type OpenWrtRoots } from '../preflight/openwrt-services.js';
import type { CommandRunner } from '../preflight/modemmanager.js';
import { stopServices } from '../preflight/stop-services.js';
import type { CliOutput } from './output.js';

/** Stops the router's modem services; resolves to the undo (or undefined: nothing stopped). */
export async function stopRouterServices(
  out: CliOutput,
  env: OpenWrtRoots & { procRoot?: string; runner?: CommandRunner } = {},
): Promise<(() => Promise<void>) | undefined> {
  const services = await openwrtModemServices(await processes(env.procRoot ?? '/proc'), env);
  if (!services) {
    out.stderr(
      'qfh: --stop-services: this is not an OpenWrt router (no /etc/openwrt_release); nothing stopped\n',
    );
    return undefined;
  }
  if (services.length === 0) return undefined;
  const say = (m: string): void => out.stderr(`qfh: ${m}\n`);
  const restore = await stopServices(services, {
    onMessage: say,
    ...(env.runner ? { runner: env.runner } : {}),
  });
  return async () => {
    const r = await restore();
    for (const line of r.restarted) say(`put back: ${line}`);
    for (const line of r.manual) say(`could not put back, run yourself: ${line}`);
  };
}
