/**
 * What a child process's ES module loader resolves: a script prefix that registers a loader
 * hook writing each specifier to stderr, and the reader of that stderr. Node's register()
 * hooks see import(), never a createRequire() function, so a CommonJS package that qfh
 * loads through `require` (src/transport/load-usb.ts) must
 * not show up here.
 */

const HOOK = `import { writeSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  writeSync(2, 'ESM ' + specifier + '\\n');
  return next(specifier, context);
}`;

/** Put first in a `node --input-type=module -e` script. */
export const RECORD_IMPORTS = `import { register as qfhRegisterHook } from 'node:module';
qfhRegisterHook(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOK)}`)});\n`;

/** The specifiers the hook wrote to `stderr`, in order. */
export function importedSpecifiers(stderr: string): string[] {
  return stderr.split('\n').flatMap((line) => (line.startsWith('ESM ') ? [line.slice(4)] : []));
}

/** Whether `specifier` names package `name` itself or a file inside it. */
export function namesPackage(specifier: string, name: string): boolean {
  return (
    specifier === name ||
    specifier.startsWith(`${name}/`) ||
    new RegExp(`[/\\\\]node_modules[/\\\\]${name}[/\\\\]`).test(specifier)
  );
}
