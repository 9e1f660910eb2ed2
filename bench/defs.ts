/**
 * Every figure of `npm run bench`, with its limit and the goal of issue 18 where there is
 * one. CPU figures are CPU seconds per GiB of the process named, all threads counted.
 *
 * @module
 */
import type { FigureDef } from './figures.js';

export const FIGURES: readonly FigureDef[] = [
  {
    name: 'limit.read',
    unit: 's/GiB',
    limit: '`cat` of the same file',
    note: 'positioned reads into one reused 1 MiB buffer, tight loop',
  },
  {
    name: 'limit.read-sha256',
    unit: 's/GiB',
    limit: 'plain read',
    note: 'the same read, hashed with SHA-256 (OpenSSL) on the same thread',
  },
  {
    name: 'limit.read-sha256-send',
    unit: 's/GiB',
    limit: 'read + SHA-256',
    note: 'the same read and hash, each 4 MiB also written over loopback TCP to a process that drops it, one thread',
  },
  {
    name: 'host.verify.ufs',
    unit: 's/GiB',
    limit: 'read + SHA-256',
    goal: { atMost: 1.3 },
    note: 'flash with verification (1 MiB UFS payloads) onto the simulator in its own process over TCP; CPU of the qfh process, hashing thread included',
  },
  {
    name: 'host.verify.ufs.marginal',
    unit: 's/GiB',
    limit: 'read + SHA-256',
    note: 'the same, CPU of the big flash minus a verified 16 MiB one, per GiB between them (the fixed cost taken out)',
  },
  {
    name: 'host.verify.ufs.vs-send',
    unit: 's/GiB',
    limit: 'read + SHA-256 + TCP send',
    note: 'host.verify.ufs against the limit that also sends the bytes over TCP, as the flash must',
  },
  {
    name: 'sim.verify.ufs',
    unit: 's/GiB',
    limit: 'read + SHA-256',
    note: "the simulator's own CPU for the same flash: storing every byte (into memory touched before the flash) and its getsha256digest (its capacity; the host figures do not include it)",
  },
  {
    name: 'host.noverify.ufs.marginal',
    unit: 's/GiB',
    limit: 'plain read',
    goal: { atMost: 2 },
    note: "flash without verification onto an in-process simulator that discards (a dry run's regime): CPU of eight flashes of the big package minus eight of a 16 MiB one, per GiB between them",
  },
  {
    name: 'host.noverify.ufs.whole',
    unit: 's/GiB',
    limit: 'plain read',
    note: 'the same eight big flashes, fixed cost included (CPU of the flash calls)',
  },
  {
    name: 'host.noverify.nand-8kib.marginal',
    unit: 's/GiB',
    limit: 'the 1 MiB UFS marginal figure',
    goal: { atMost: 1.5 },
    note: '8 KiB NAND payloads (RM500Q), marginal as above; its flashes alternate with the UFS ones in one child (eight of each size)',
  },
  {
    name: 'process.noverify.ufs',
    unit: 's/GiB',
    limit: 'plain read',
    note: 'qfh flash --no-verify from the command line onto a simulator server: the whole process (start-up included) per GiB',
  },
  {
    name: 'process.noverify.nand-8kib',
    unit: 's/GiB',
    limit: 'the same for 1 MiB UFS payloads',
    note: 'the same with 8 KiB NAND payloads',
  },
  {
    name: 'startup.small-flash',
    unit: 's',
    limit: '0.25 s (the goal)',
    goal: { atMost: 1 },
    note: 'CPU of the whole qfh process flashing and verifying a 5 MB package (md5.txt checked) from the command line',
  },
  {
    name: 'reference.node',
    unit: 's',
    limit: '',
    note: 'CPU of `node -e` doing nothing (the floor of any start-up)',
  },
  {
    name: 'memory.raw-1gib',
    unit: 'MiB',
    limit: '32 MiB (the goal)',
    goal: { atMost: 1 },
    note: 'peak RSS (kernel maxrss) above an idle node of a process flashing a 1 GiB raw image without verification onto a simulator server',
  },
  {
    name: 'memory.raw-1gib.verify',
    unit: 'MiB',
    limit: '32 MiB (the goal of the unverified figure)',
    note: 'the same flash verified, as qfh flashes by default: a ring of two 4 MiB pieces instead of two of 1 MiB, and the hashing thread',
  },
  {
    name: 'memory.sparse-4gib',
    unit: 'MiB',
    limit: '32 MiB (the goal)',
    goal: { atMost: 1 },
    note: 'the same for a 4 GiB sparse image',
  },
  {
    name: 'memory.zip',
    unit: 'MiB',
    limit: '32 MiB (the raw and sparse goal)',
    note: 'the same for a raw image deflated inside a Quectel-shaped zip (1 GiB; 256 MiB with --quick)',
  },
  {
    name: 'memory.cli.raw-1gib',
    unit: 'MiB',
    limit: '32 MiB (the goal of the library figure)',
    note: 'memory.raw-1gib from the command line (`qfh flash --no-verify`, the single-file bundle where it is built), as a router owner runs it: yargs, the progress renderer and the report come on top of the library',
  },
  {
    name: 'memory.cli.raw-1gib.verify',
    unit: 'MiB',
    limit: '32 MiB (the goal of the library figure)',
    note: 'the same with verification, as `qfh flash` does by default',
  },
  {
    name: 'memory.cli.zip.verify',
    unit: 'MiB',
    limit: '32 MiB (the goal of the library figure)',
    note: '`qfh flash FW.zip` as a router owner runs it: the zip of memory.zip, verified, from the command line',
  },
  {
    name: 'memory.node-idle',
    unit: 'MiB',
    limit: '',
    note: 'peak RSS of an idle `node` (what every memory figure above is measured on top of)',
  },
  {
    name: 'modelled.rm500q',
    unit: 's',
    limit: "the device's own time",
    goal: { atMost: 1.02 },
    note: 'an RM500Q-shaped package (191.9 MB; 8% with --quick) on the timing model: USB 2.0 40 MB/s, SDX55 NAND 3.86 MB/s, 5 ms per command',
  },
  {
    name: 'modelled.rm500q.reflash-unchanged',
    unit: 's',
    limit: 'the full flash',
    goal: { atMost: 0.05 },
    note: 'the same package again with --skip-unchanged (the model has no digest time: the real one is not public)',
  },
  {
    name: 'many.4.efficiency',
    unit: 'MB/s',
    limit: '4 × one modem',
    note: '4 modems on the timing model flashed at once from one process, by flashMany',
  },
  { name: 'many.16.efficiency', unit: 'MB/s', limit: '16 × one modem', note: '16 modems at once' },
  {
    name: 'many.16.cpu-per-device',
    unit: 'cores',
    limit: '',
    note: 'CPU of the process per device, as a fraction of a core',
  },
  {
    name: 'planning.seconds',
    unit: 's',
    limit: 'md5 of the sparse image',
    note: 'read, md5-check and plan a package of 2000 (8000) rawprogram entries and an 8 GiB sparse image',
  },
];
