/**
 * The public API as a tool author meets it: a project that installs the tarball `npm pack`
 * makes, imports what a caller needs (the flash workflow, its error and report, backup,
 * the plan, the session opener, the normal-mode access builders, host safety) from `qfh`
 * and `qfh/flash`, and type-checks under strict settings. Then the same names are loaded
 * from the installed package and run: the error a refusal throws is the exported class.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');
let project: string;

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'qfh-consumer-'));
  const { stdout } = await run(
    'npm',
    ['pack', '--ignore-scripts', '--json', '--pack-destination', project],
    { cwd: root, maxBuffer: 16 << 20 },
  );
  const tarball = (JSON.parse(stdout) as { filename: string }[])[0]?.filename ?? '';
  const installed = join(project, 'node_modules/qfh');
  await mkdir(installed, { recursive: true });
  await run('tar', ['-xzf', join(project, tarball), '-C', installed, '--strip-components=1']);
  // The package's dependencies (and TypeScript, @types/node), from this checkout's install.
  for (const name of await readdir(join(root, 'node_modules')))
    if (name !== '.bin' && !name.startsWith('.'))
      await symlink(join(root, 'node_modules', name), join(project, 'node_modules', name));
  await writeFile(join(project, 'package.json'), '{ "type": "module" }\n');
}, 120_000);
afterAll(() => (project ? rm(project, { recursive: true, force: true }) : undefined));

const CONSUMER = `
import {
  FlashError,
  PlanRefusedError,
  backup,
  flash,
  holdHost,
  openFirehoseSession,
  planPackage,
  prepareFlash,
  readPackage,
  usbNormalModeAccess,
  pcieNormalModeAccess,
  relayNormalModeAccess,
  type FlashReport,
  type NormalModeAccess,
  type PreparedFlash,
} from 'qfh';
import { flashFromNormalMode, edlRecover } from 'qfh/flash';
import { SimulatedModem, buildDemoPackage } from 'qfh/sim';

export async function consume(dir: string): Promise<string[]> {
  const root = await buildDemoPackage(dir);
  const prepared: PreparedFlash = await prepareFlash(root, { accept: ['allow-downgrade'] });
  const plan = planPackage(await readPackage(root));
  const said: string[] = [\`\${prepared.plan.ops.length} \${plan.ops.length}\`];
  try {
    await prepareFlash(root, { modemRevision: 'EG25GGBR07A08M2G_99.999.99.999' });
  } catch (e) {
    if (e instanceof PlanRefusedError) said.push(e.name, e.code);
  }
  const modem = new SimulatedModem({ profile: 'eg25g' });
  const report: FlashReport = await flash(prepared, modem.connect());
  said.push(report.state);
  // Referenced, not called: called here they would open a real modem's ports on this host.
  const access: typeof usbNormalModeAccess = usbNormalModeAccess;
  const typed: NormalModeAccess | undefined = undefined;
  void [access, typed, backup, holdHost, openFirehoseSession, pcieNormalModeAccess];
  void [relayNormalModeAccess, flashFromNormalMode, edlRecover, FlashError];
  return said;
}
`;

it('type-checks against the packed declarations and runs from the installed package', async () => {
  await writeFile(join(project, 'consumer.ts'), CONSUMER);
  await writeFile(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        types: ['node'],
        outDir: 'out',
      },
      files: ['consumer.ts'],
    }),
  );
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const compiled = await run(process.execPath, [tsc, '-p', project]).catch(
    (e: { stdout: string }) => e,
  );
  expect(compiled.stdout).toBe('');
  const script = `import { consume } from './out/consumer.js'; console.log(JSON.stringify(await consume(process.argv[1])));`;
  const work = join(project, 'work');
  await mkdir(work);
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, work], {
    cwd: project,
  });
  const said = JSON.parse(stdout) as string[];
  expect(said.slice(1)).toEqual(['PlanRefusedError', 'QFH_REFUSED', 'flashed']);
  expect(said[0]).toMatch(/^(\d+) \1$/);
}, 180_000);
