/**
 * The qfh under measurement: the current tree, or another one built from a git ref
 * (`--compare REF`). Its modules are loaded from its own `dist/`, so the same harness
 * measures both the same way.
 *
 * @module
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { flashMany as flashManyFn } from '../src/fleet/flash-many.js';
import type { flash as flashFn } from '../src/flash/node-flash.js';
import type { readPackage as readPackageFn } from '../src/package/open-package.js';
import type { profile as profileFn } from '../src/sim/profiles.js';
import type { SimulatedModem as SimulatedModemClass } from '../src/sim/modem.js';
import type { serveModem as serveModemFn } from '../src/sim/tcp-server.js';
import type { openTcpTransport as openTcpFn } from '../src/transport/tcp.js';

/** What the harness uses of a qfh tree. */
export interface Subject {
  readonly root: string;
  /** Its command line. */
  readonly bin: string;
  readonly flash: typeof flashFn;
  /** `flashMany`, in trees that have it (`--compare` with an older ref may not). */
  readonly flashMany: typeof flashManyFn | undefined;
  readonly readPackage: typeof readPackageFn;
  readonly openTcpTransport: typeof openTcpFn;
}

/** The simulator of a qfh tree. */
export interface SubjectSim {
  readonly SimulatedModem: typeof SimulatedModemClass;
  readonly profile: typeof profileFn;
  readonly serveModem: typeof serveModemFn;
}

const load = async <T>(root: string, path: string): Promise<T> =>
  (await import(pathToFileURL(join(root, 'dist', path)).href)) as T;

/** The host side of the qfh tree at `root` (built: `root/dist`). */
export async function loadSubject(root: string): Promise<Subject> {
  // Node's readPackage moved to package/open-package.js; older refs have it in read-package.js.
  const packageReader = load<{ readPackage: typeof readPackageFn }>(
    root,
    'package/open-package.js',
  ).catch(() => load<{ readPackage: typeof readPackageFn }>(root, 'package/read-package.js'));
  const [{ flash }, { readPackage }, { openTcpTransport }] = await Promise.all([
    // The public entry's flash, as a library user gets it (Node's hashing since the flash
    // workflow joined the runtime-neutral core; flash/flash.js is that core's).
    load<{ flash: typeof flashFn }>(root, 'index.js'),
    packageReader,
    load<{ openTcpTransport: typeof openTcpFn }>(root, 'transport/tcp.js'),
  ]);
  const flashMany = await load<{ flashMany: typeof flashManyFn }>(root, 'fleet/flash-many.js')
    .then((m) => m.flashMany)
    .catch(() => undefined);
  return { root, bin: join(root, 'bin/qfh.js'), flash, flashMany, readPackage, openTcpTransport };
}

/** The simulator of the qfh tree at `root`. */
export async function loadSim(root: string): Promise<SubjectSim> {
  const [{ SimulatedModem }, { profile }, { serveModem }] = await Promise.all([
    load<{ SimulatedModem: typeof SimulatedModemClass }>(root, 'sim/modem.js'),
    load<{ profile: typeof profileFn }>(root, 'sim/profiles.js'),
    load<{ serveModem: typeof serveModemFn }>(root, 'sim/tcp-server.js'),
  ]);
  return { SimulatedModem, profile, serveModem };
}
