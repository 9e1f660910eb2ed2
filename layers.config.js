// The layer table: which folder of src/ may import which. eslint.config.js turns it into
// import-x/no-restricted-paths zones, and test/release/architecture-doc.test.ts holds
// docs/ARCHITECTURE.md's table to it, so the document, the lint and the code cannot drift.
// `bottom` is the modules directly in src/ (errors, CRC-32, storage kind, timeouts, ...);
// src/index.ts, the public entry, may import anything.

// What the flash workflow stands on; the fleet adds flash, the CLI adds everything.
const BELOW_FLASH = [
  'session',
  'plan',
  'package',
  'sparse',
  'at',
  'preflight',
  'sahara',
  'firehose',
  'transport',
  'bottom',
];

/** Folder → the folders it may import (besides itself). Order: bottom up. */
export const LAYERS = {
  bottom: [],
  transport: ['bottom'],
  sparse: ['bottom'],
  sahara: ['transport', 'bottom'],
  firehose: ['transport', 'bottom'],
  package: ['sparse', 'bottom'],
  plan: ['package', 'sparse', 'bottom'],
  at: ['transport', 'bottom'],
  preflight: ['transport', 'bottom'],
  session: ['sahara', 'firehose', 'transport', 'bottom'],
  capture: ['sahara', 'firehose', 'transport', 'bottom'],
  flash: BELOW_FLASH,
  sim: ['bottom'],
  fleet: ['flash', ...BELOW_FLASH],
  cli: ['fleet', 'flash', 'sim', 'capture', ...BELOW_FLASH],
};

/**
 * The files of other layers the simulator may use: the pure codecs (XML and framing, Sahara
 * packets) and the transport's interface and types. Nothing else of the host: a simulator
 * that shared the host's parsers or workflow could not catch their bugs.
 */
export const SIM_MAY_USE = [
  'src/firehose/xml.ts',
  'src/firehose/framer.ts',
  'src/sahara/packets.ts',
  'src/sahara/constants.ts',
  'src/transport/transport.ts',
  'src/transport/usb-api.ts',
  'src/transport/sysfs-devices.ts',
  'src/transport/busy-notice.ts',
];

/**
 * The runtime-neutral core: these layers run on any JavaScript runtime (Node, a browser
 * page), so they import no Node built-in and use no Node global. The files in
 * NODE_ADAPTERS live beside them and do the Node-only work (the file system, node:crypto,
 * zlib's CRC-32); core files never import them, and entry files (`index.ts`) may.
 */
export const CORE = [
  'bottom',
  'sparse',
  'package',
  'plan',
  'sahara',
  'firehose',
  'at',
  'session',
  'flash',
];

/**
 * The files of other layers the core may use: the transport's interface and its reader
 * with push-back (no medium of its own). Every transport itself is a Node adapter.
 */
export const CORE_MAY_USE = ['src/transport/transport.ts', 'src/transport/pushback-reader.ts'];

/** Node-only files inside the core's folders. */
export const NODE_ADAPTERS = [
  'src/package/folder-source.ts',
  'src/package/open-source.ts',
  'src/package/open-package.ts',
  'src/package/verify-md5.ts',
  'src/package/file-on-disk.ts',
  'src/package/zip-file.ts',
  'src/package/stat-package.ts',
  'src/package/native-crc32.ts',
  'src/sparse/file-source.ts',
  'src/sahara/programmer-file.ts',
  'src/session/node-session.ts',
  'src/flash/node-runtime.ts',
  'src/flash/node-flash.ts',
  'src/flash/hash-thread.ts',
  'src/flash/backup.ts',
  'src/flash/backup-package.ts',
  'src/flash/backup-destination.ts',
  'src/private-file.ts',
  'src/flash/edl-tty.ts',
  'src/flash/normal-mode-access.ts',
  'src/flash/relay-access.ts',
];

/** The folders of src/ (every layer but bottom). */
export const FOLDERS = Object.keys(LAYERS).filter((l) => l !== 'bottom');

/** The lint limits, stated once: docs/ARCHITECTURE.md quotes them and a test compares. */
export const LIMITS = { fileLines: 300, functionLines: 80, params: 4 };

const pathOf = (layer) => (layer === 'bottom' ? 'src' : `src/${layer}`);

/** ESLint config blocks: one per layer, forbidding imports from every layer it may not use. */
export function layerZones() {
  return Object.entries(LAYERS).flatMap(([layer, allowed]) => {
    const forbidden = FOLDERS.filter((f) => f !== layer && !allowed.includes(f));
    const zones = forbidden.map((f) => {
      const except = layer === 'sim' ? SIM_MAY_USE.filter((p) => p.startsWith(`src/${f}/`)) : [];
      return {
        target: `./${pathOf(layer)}`,
        from: `./src/${f}`,
        ...(except.length > 0
          ? { except: except.map((p) => `./${p.slice(`src/${f}/`.length)}`) }
          : {}),
        message: `${layer} may not import ${f} (layers.config.js, docs/ARCHITECTURE.md).`,
      };
    });
    if (zones.length === 0) return [];
    return [
      {
        files: layer === 'bottom' ? ['src/*.ts'] : [`src/${layer}/**/*.ts`],
        ignores: ['src/index.ts', 'src/core.ts'],
        rules: { 'import-x/no-restricted-paths': ['error', { zones }] },
      },
    ];
  });
}

/** ESLint config for the core: no Node built-in, no Node global, no Node adapter. */
export function coreRules() {
  const files = CORE.map((l) => (l === 'bottom' ? 'src/*.ts' : `src/${l}/**/*.ts`));
  const why = 'the core runs on any JavaScript runtime (docs/ARCHITECTURE.md, "The runtime seam")';
  return {
    files,
    ignores: ['src/index.ts', 'src/**/index.ts', ...NODE_ADAPTERS],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*'],
              message: `${why}: take it through an interface, or write a Node adapter.`,
            },
            {
              group: ['**/index.js', '!./index.js'],
              message: `an index.ts is an entry that may re-export Node adapters; ${why}: import the module itself.`,
            },
            ...NODE_ADAPTERS.map((p) => ({
              group: [`**/${p.split('/').pop().replace(/\.ts$/, '.js')}`],
              message: `${p} is a Node adapter; ${why}.`,
            })),
            ...FOLDERS.filter((f) => !CORE.includes(f)).map((f) => ({
              group: [
                `**/${f}/*.js`,
                ...CORE_MAY_USE.filter((p) => p.startsWith(`src/${f}/`)).map(
                  (p) => `!**/${p.slice(4).replace(/\.ts$/, '.js')}`,
                ),
              ],
              message: `${f} is not in the core; ${why}.`,
            })),
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['Buffer', 'process', 'require', '__dirname', '__filename', 'global'].map((name) => ({
          name,
          message: `${why}: use Uint8Array and injected clocks and options.`,
        })),
      ],
    },
  };
}
