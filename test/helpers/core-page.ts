/**
 * `src/core.ts` as a browser page runs it: bundled by esbuild for the browser platform (a
 * Node built-in anywhere in the core fails the bundle), then evaluated in a `vm` context
 * holding only what a page has. Timers there return numbers, as a page's do, so core code
 * that leans on Node's timer objects (`unref`) fails here too.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import vm from 'node:vm';
import { build } from 'esbuild-wasm';

const root = join(import.meta.dirname, '../..');

/** The core bundled for a page (an IIFE defining `qfhCore`). */
export async function bundleCore(): Promise<string> {
  const bundled = await build({
    entryPoints: [join(root, 'src/core.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'qfhCore',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return bundled.outputFiles[0]?.text ?? '';
}

/** Timers as a page has them: ids are numbers, with nothing to unref. */
function pageTimers(): Pick<typeof globalThis, 'setTimeout' | 'clearTimeout'> {
  const running = new Map<number, NodeJS.Timeout>();
  let next = 1;
  const set = (fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]): number => {
    const id = next++;
    running.set(
      id,
      setTimeout(() => {
        running.delete(id);
        fn(...args);
      }, ms),
    );
    return id;
  };
  const clear = (id: number | undefined): void => {
    if (id === undefined) return;
    clearTimeout(running.get(id));
    running.delete(id);
  };
  return { setTimeout: set, clearTimeout: clear } as unknown as Pick<
    typeof globalThis,
    'setTimeout' | 'clearTimeout'
  >;
}

/**
 * A context with a page's globals the core may touch and nothing of Node's, with `code`
 * (the bundle) run in it.
 */
export function pageWith(code: string): vm.Context {
  const page = vm.createContext({
    TextDecoder,
    TextEncoder,
    ...pageTimers(),
    queueMicrotask,
    AbortController,
    AbortSignal,
    // The web streams, Blob and DecompressionStream every current browser has (deflate-raw:
    // Chrome 80, Firefox 113, Safari 16.4): the zip reader inflates with the page's own.
    ReadableStream,
    WritableStream,
    TransformStream,
    DecompressionStream,
    Blob,
    console,
  });
  vm.runInContext(code, page);
  const leaked = vm.runInContext(
    `['Buffer', 'process', 'require', 'global'].filter((n) => typeof globalThis[n] !== 'undefined')`,
    page,
  ) as string[];
  if (leaked.length > 0) throw new Error(`Node globals in the page: ${leaked.join(', ')}`);
  return page;
}

/** Every file under `dir`, by its path inside it: what a page is handed. */
export async function filesOf(dir: string): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true }))
    if (e.isFile()) {
      const path = join(e.parentPath, e.name);
      out.set(relative(dir, path).split('\\').join('/'), new Uint8Array(await readFile(path)));
    }
  return out;
}
