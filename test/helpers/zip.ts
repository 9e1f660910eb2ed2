/**
 * Zips for tests: a folder zipped as Quectel ships it (nested root folders, deflate), with
 * `yazl`, and byte edits of chosen entries' headers (both the local and the central one, as
 * a crafted archive would have them) to make the archives a reader must refuse.
 */
import { createWriteStream } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import yazl from 'yazl';

/** Every file under `dir`, package-relative with forward slashes. */
async function filesUnder(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(dir, rel), { withFileTypes: true })) {
    const path = rel === '' ? entry.name : posix.join(rel, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(dir, path)));
    else out.push(path);
  }
  return out.sort();
}

/** Zips `folder` into `zipPath`, every name under `prefix` (e.g. `FW/FW/`). */
export async function zipFolder(
  folder: string,
  zipPath: string,
  o: {
    prefix?: string;
    compress?: boolean;
    extra?: Record<string, Uint8Array | string>;
    /** Symbolic links: name → target. */
    links?: Record<string, string>;
  } = {},
): Promise<void> {
  const zip = new yazl.ZipFile();
  const mtime = new Date(2024, 0, 1);
  for (const path of await filesUnder(folder))
    zip.addFile(join(folder, path), `${o.prefix ?? ''}${path}`, {
      compress: o.compress ?? true,
      mtime,
    });
  for (const [name, content] of Object.entries(o.extra ?? {}))
    zip.addBuffer(Buffer.from(content), name, { compress: o.compress ?? true, mtime });
  for (const [name, target] of Object.entries(o.links ?? {}))
    zip.addBuffer(Buffer.from(target), name, { mode: 0o120777, mtime, compress: false });
  zip.end();
  await new Promise<void>((resolve, reject) => {
    const out = createWriteStream(zipPath);
    zip.outputStream.pipe(out).on('close', resolve).on('error', reject);
  });
  if ((await stat(zipPath)).size === 0) throw new Error('empty zip written');
}

/** The header fields of one entry, at their offsets in the archive. */
export interface EntryHeaders {
  readonly name: string;
  /** Offset of the central directory record. */
  readonly central: number;
  /** Offset of the local file header. */
  readonly local: number;
}

/** Every entry's header offsets (walks the central directory from the end record). */
export function entryHeaders(zip: Buffer): EntryHeaders[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const out: EntryHeaders[] = [];
  for (let i = 0; i < count; i++) {
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30);
    const comment = zip.readUInt16LE(at + 32);
    out.push({
      name: zip.subarray(at + 46, at + 46 + nameLength).toString('utf8'),
      central: at,
      local: zip.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + extra + comment;
  }
  return out;
}

/** Field offsets in the central (c) and local (l) headers. */
export const FIELDS = {
  flags: { c: 8, l: 6, size: 2 },
  method: { c: 10, l: 8, size: 2 },
  crc32: { c: 16, l: 14, size: 4 },
  compressedSize: { c: 20, l: 18, size: 4 },
  uncompressedSize: { c: 24, l: 22, size: 4 },
  /** Only in the central record: where the local header is. */
  localHeaderOffset: { c: 42, l: undefined, size: 4 },
} as const;

/**
 * Rewrites fields of the entry whose name ends with `suffix`, in both its headers and in its
 * data descriptor (yazl writes one): a lie the archive tells consistently, as a crafted one
 * would, so what catches it is qfh reading the data, not the headers disagreeing.
 */
export async function editZip(
  zipPath: string,
  suffix: string,
  edit: (
    value: (field: keyof typeof FIELDS) => number,
  ) => Partial<Record<keyof typeof FIELDS, number>>,
): Promise<void> {
  const zip = await readFile(zipPath);
  editEntry(zip, suffix, edit);
  await writeFile(zipPath, zip);
}

/** The same, on the archive's bytes (several edits before one write). */
export function editEntry(
  zip: Buffer,
  suffix: string,
  edit: (
    value: (field: keyof typeof FIELDS) => number,
  ) => Partial<Record<keyof typeof FIELDS, number>>,
): void {
  const entry = entryHeaders(zip).find((e) => e.name.endsWith(suffix));
  if (!entry) throw new Error(`no entry ending in ${suffix}`);
  const read = (field: keyof typeof FIELDS): number => {
    const f = FIELDS[field];
    return f.size === 2
      ? zip.readUInt16LE(entry.central + f.c)
      : zip.readUInt32LE(entry.central + f.c);
  };
  const descriptor = dataDescriptor(zip, entry, read('compressedSize'));
  for (const [field, value] of Object.entries(edit(read)) as [keyof typeof FIELDS, number][]) {
    const f = FIELDS[field];
    const inDescriptor = descriptor === undefined ? undefined : DESCRIPTOR[field];
    for (const at of [
      entry.central + f.c,
      ...(f.l === undefined ? [] : [entry.local + f.l]),
      ...(inDescriptor === undefined || descriptor === undefined
        ? []
        : [descriptor + inDescriptor]),
    ])
      if (f.size === 2) zip.writeUInt16LE(value, at);
      else zip.writeUInt32LE(value >>> 0, at);
  }
}

/** Field offsets in a data descriptor, after its signature. */
const DESCRIPTOR: Partial<Record<keyof typeof FIELDS, number>> = {
  crc32: 0,
  compressedSize: 4,
  uncompressedSize: 8,
};

/** Where the entry's data descriptor's fields start, when it has one (flag bit 3). */
function dataDescriptor(zip: Buffer, entry: EntryHeaders, compressed: number): number | undefined {
  if ((zip.readUInt16LE(entry.local + 6) & 8) === 0) return undefined;
  const data =
    entry.local + 30 + zip.readUInt16LE(entry.local + 26) + zip.readUInt16LE(entry.local + 28);
  const at = data + compressed;
  return zip.readUInt32LE(at) === 0x08074b50 ? at + 4 : at;
}

/** Replaces every occurrence of `from` with `to` (same length) in the archive's bytes: names in both headers. */
export async function renameInZip(zipPath: string, from: string, to: string): Promise<void> {
  if (from.length !== to.length) throw new Error('names must keep their length');
  const zip = await readFile(zipPath);
  const a = Buffer.from(from);
  for (let at = zip.indexOf(a); at >= 0; at = zip.indexOf(a, at + 1)) zip.write(to, at);
  await writeFile(zipPath, zip);
}

/**
 * A stand-in DFOTA delta: a zip (as Quectel ships deltas, `update.zip`) of one patterned file,
 * which qfh's delta check accepts and the simulated module applies.
 */
export async function writeDeltaZip(path: string, bytes = 3000): Promise<void> {
  const zip = new yazl.ZipFile();
  const data = Buffer.from(Uint8Array.from({ length: bytes }, (_, i) => (i * 7 + (i >> 8)) & 0xff));
  zip.addBuffer(data, 'delta.bin', { mtime: new Date(2024, 0, 1) });
  zip.end();
  const out = createWriteStream(path);
  zip.outputStream.pipe(out);
  await new Promise<void>((resolve, reject) => {
    out.on('close', resolve);
    out.on('error', reject);
  });
}
