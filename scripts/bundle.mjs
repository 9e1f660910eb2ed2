/* global console, process, Buffer */
// `npm run bundle` (and the build): qfh's CLI as one self-contained JavaScript file,
// dist/bundle/qfh.mjs, that runs with `node` alone (no node_modules): for routers with
// Node but no room or no compiler for a package tree. The native `usb` package stays
// outside (loaded lazily if it is installed beside it); the relay script is inlined.
// esbuild-wasm: the same esbuild, without a per-platform native binary (npm's optional
// dependencies may be left out, and it builds on any CPU the router owner has).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild-wasm';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'dist/bundle/qfh.mjs');
const LIMIT = 1.5e6;

/** The relay script module reads its file at run time; in the bundle it carries the text. */
const inlineRelayScript = {
  name: 'inline-relay-script',
  setup(b) {
    b.onLoad({ filter: /transport[\\/]relay-script\.ts$/ }, () => ({
      contents: `export function relayScript() { return ${JSON.stringify(
        readFileSync(join(root, 'relay/qfh-relay.sh'), 'utf8'),
      )}; }`,
      loader: 'js',
    }));
  },
};

/**
 * string-width (ESM, versions 7 and 8) builds a \p{RGI_Emoji} regular expression and an
 * Intl.Segmenter as it loads: about 45 ms of the 200 ms of CPU a small flash's start-up
 * took, paid by every command, although yargs and cliui measure text only to print help. In
 * the bundle each `import` of it gets a stand-in that loads the real module at the first call
 * (esbuild runs a module that is require()d when it is first required, not at start-up).
 * Only imports: cli-progress require()s its own CommonJS string-width 4, which is cheap to
 * load and which a stand-in with a default export would turn into a non-function.
 */
const lazyStringWidth = {
  name: 'lazy-string-width',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.pluginData?.real || args.kind !== 'import-statement') return undefined;
      const real = await b.resolve(args.path, {
        resolveDir: args.resolveDir,
        kind: args.kind,
        importer: args.importer,
        pluginData: { real: true },
      });
      if (real.errors.length > 0) return { errors: real.errors };
      return { path: real.path, namespace: 'lazy-string-width' };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-string-width' }, (args) => ({
      contents: `export default function stringWidth(text, options) {
        return require(${JSON.stringify(args.path)}).default(text, options);
      }`,
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};

/**
 * The npm packages whose code esbuild put in the bundle (from its metafile), each with its
 * version, licence and licence text: the bundle travels alone to routers, so it carries
 * their notices itself.
 */
function embeddedPackages(metafile) {
  const dirs = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    // A plugin's namespace prefixes its inputs (lazy-string-width:/…/string-width/index.js).
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input.replace(/^[a-z-]+:/, ''));
    if (m) dirs.add(resolve(root, m[1]));
  }
  return [...dirs]
    .map((dir) => {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)/i.test(f));
      const text = file ? readFileSync(join(dir, file), 'utf8').trim() : undefined;
      return { name: pkg.name, version: pkg.version, license: pkg.license ?? 'UNKNOWN', text };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The notices as one comment: the list first, then each licence text. */
function notices(packages) {
  const own = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const clean = (t) => t.replace(/\*\//g, '* /');
  const list = packages.map((p) => ` *   ${p.name} ${p.version} (${p.license})`).join('\n');
  const texts = packages
    .map(
      (p) =>
        `\n * ${p.name} ${p.version}:\n${clean(p.text ?? `licence: ${p.license}`).replace(/^/gm, ' * ')}`,
    )
    .join('\n');
  return `/*!\n * qfh ${own.version} (${own.license}), one-file bundle. It embeds:\n${list}\n * Their licence texts follow.\n${texts}\n */`;
}

const result = await build({
  stdin: {
    contents:
      "import { main } from './src/cli/main.ts';\nprocess.exitCode = await main(process.argv.slice(2));\n",
    resolveDir: root,
    loader: 'ts',
    sourcefile: 'qfh-bundle-entry.ts',
  },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  outfile,
  external: ['usb'],
  // CommonJS dependencies call require() for Node's own modules.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __qfhCreateRequire } from 'node:module';\nconst require = __qfhCreateRequire(import.meta.url);",
  },
  plugins: [inlineRelayScript, lazyStringWidth],
  logLevel: 'warning',
  metafile: true,
  write: false,
});

// The notices go at the end: the first line must stay the #! line.
const packages = embeddedPackages(result.metafile);
const code = result.outputFiles[0].text;
const text = `${code}${code.endsWith('\n') ? '' : '\n'}${notices(packages)}\n`;
// With write: false esbuild creates no folder: on a fresh clone dist/bundle is not there yet.
mkdirSync(dirname(outfile), { recursive: true });
writeFileSync(outfile, text, { mode: 0o755 });
// Beside it: a checksum `sha256sum -c` (busybox's too) checks on the router, and the manifest.
const sha256 = createHash('sha256').update(text).digest('hex');
writeFileSync(`${outfile}.sha256`, `${sha256}  qfh.mjs\n`);
writeFileSync(
  `${outfile}.manifest.json`,
  `${JSON.stringify({ file: 'qfh.mjs', sha256, bytes: Buffer.byteLength(text), embeds: packages.map((p) => ({ name: p.name, version: p.version, license: p.license })) }, null, 2)}\n`,
);
if (existsSync(outfile) && packages.some((p) => !p.text))
  console.log(
    `bundle: no licence file in ${packages
      .filter((p) => !p.text)
      .map((p) => p.name)
      .join(', ')}`,
  );

const size = statSync(outfile).size;
console.log(`bundle: ${outfile} ${(size / 1e6).toFixed(2)} MB (limit ${LIMIT / 1e6} MB)`);
if (size > LIMIT) {
  console.error(`bundle: ${(size / 1e6).toFixed(2)} MB is over the ${LIMIT / 1e6} MB limit`);
  process.exit(1);
}
