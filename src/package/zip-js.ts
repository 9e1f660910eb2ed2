/**
 * zip.js, loaded by the first archive opened (a folder package never needs it) and
 * configured once for how qfh uses it: in the caller's own thread (qfh reads one entry at a
 * time, at the pace of the modem, so web workers would only add start-up and a second copy
 * of each piece), deflate on the runtime's `DecompressionStream` (native zlib on Node, the
 * browser's own elsewhere).
 *
 * @module
 */
import type * as ZipJsModule from '@zip.js/zip.js';

/** The zip.js module. */
export type ZipJs = typeof ZipJsModule;

let loading: Promise<ZipJs> | undefined;

/** The configured zip.js module. */
export function loadZipJs(): Promise<ZipJs> {
  loading ??= import('@zip.js/zip.js').then((zipJs) => {
    zipJs.configure({ useWebWorkers: false, useCompressionStream: true });
    return zipJs;
  });
  return loading;
}
