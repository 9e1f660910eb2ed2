// The layer table: which folder of src/ may import which. eslint.config.js turns it into
// import-x/no-restricted-paths zones, and test/release/architecture-doc.test.ts holds
// docs/ARCHITECTURE.md's table to it, so the document, the lint and the code cannot drift.
// `bottom` is the modules directly in src/ (errors, CRC-32, storage kind, timeouts, ...);
// src/index.ts, the public entry, may import anything.

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
  flash: [
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
  ],
  sim: ['bottom'],
  fleet: [
    'flash',
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
  ],
  cli: [
    'fleet',
    'flash',
    'sim',
    'capture',
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
  ],
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
        ignores: ['src/index.ts'],
        rules: { 'import-x/no-restricted-paths': ['error', { zones }] },
      },
    ];
  });
}
