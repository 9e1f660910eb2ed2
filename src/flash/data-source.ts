/**
 * A plan op's bytes: file segments read through the package source, host-patched bytes, or
 * a FILL pattern repeated (never allocated whole: a 1 GiB fill is 1 MiB reused). Either as
 * pieces ({@link readSource}), or copied into the caller's own buffers
 * ({@link sourceFiller}), which is how a flash reads: into a few reused buffers, so a GiB
 * image costs no GiB of short-lived allocations (and the garbage collection they cause).
 *
 * @module
 */
import type { OpenedFile, PackageSource } from '../package/package-source.js';
import type { DataSource } from '../plan/types.js';

/** The bytes of `source` (a fill has its own filler), in pieces, read from the package. */
export async function* readSource(
  source: Exclude<DataSource, { kind: 'fill' }>,
  files: PackageSource,
): AsyncGenerator<Uint8Array> {
  if (source.kind === 'bytes') {
    yield source.data;
    return;
  }
  for (const { offset, length } of source.segments) {
    if (length > 0) yield* files.stream(source.path, { start: offset, length });
  }
}

/** Copies a source's bytes, in order, into buffers the caller owns. */
export interface SourceFiller {
  /** Fills `target` from the start; resolves to the bytes copied (fewer only at the end). */
  fill(target: Uint8Array): Promise<number>;
  /** Releases the file (after the last fill, or when the caller stops early). */
  close(): Promise<void>;
}

/** A filler for `source`: file ranges read straight into the target where the package allows. */
export async function sourceFiller(
  source: DataSource,
  files: PackageSource,
): Promise<SourceFiller> {
  if (source.kind === 'fill') return fillFiller(source.pattern, source.length);
  if (source.kind === 'file') {
    const file = await files.open(source.path);
    const readInto = file.readInto?.bind(file);
    if (readInto) return segmentFiller(source.segments, { readInto, close: () => file.close() });
    await file.close();
  }
  return pieceFiller(readSource(source, files));
}

/** Reads file segments into the target with positioned reads. */
function segmentFiller(
  segments: readonly { readonly offset: number; readonly length: number }[],
  file: Required<Pick<OpenedFile, 'readInto' | 'close'>>,
): SourceFiller {
  let index = 0;
  let within = 0;
  return {
    async fill(target) {
      let at = 0;
      while (at < target.length) {
        const segment = segments[index];
        if (!segment) break;
        const n = Math.min(segment.length - within, target.length - at);
        const got =
          n > 0 ? await file.readInto(segment.offset + within, target.subarray(at, at + n)) : 0;
        if (n > 0 && got === 0)
          throw new RangeError(`${segment.offset + within} is past the file's end`);
        at += got;
        within += got;
        if (within === segment.length) {
          index++;
          within = 0;
        }
      }
      return at;
    },
    close: () => file.close(),
  };
}

/** A FILL pattern written straight into the target (targets are whole multiples of 4 bytes). */
function fillFiller(pattern: Uint8Array, length: number): SourceFiller {
  const value = pattern.subarray(0, Math.min(4, pattern.length));
  let left = length;
  return {
    fill: (target) => {
      const n = Math.min(left, target.length);
      repeatInto(target.subarray(0, n), value);
      left -= n;
      return Promise.resolve(n);
    },
    close: () => Promise.resolve(),
  };
}

/** Fills `target` with `value` repeated: the pattern once, then doubled by copying within. */
function repeatInto(target: Uint8Array, value: Uint8Array): void {
  if (value.length === 0) return void target.fill(0);
  if (target.length === 0) return;
  const first = Math.min(value.length, target.length);
  target.set(value.subarray(0, first));
  for (let filled = first; filled < target.length; filled *= 2)
    target.copyWithin(filled, 0, Math.min(filled, target.length - filled));
}

/** Copies pieces of any size into the target (zip entries, patched bytes). */
function pieceFiller(pieces: AsyncGenerator<Uint8Array>): SourceFiller {
  let carry: Uint8Array | undefined;
  return {
    async fill(target) {
      let at = 0;
      while (at < target.length) {
        if (!carry || carry.length === 0) {
          const next = await pieces.next();
          if (next.done) break;
          carry = next.value;
        }
        const n = Math.min(carry.length, target.length - at);
        target.set(carry.subarray(0, n), at);
        carry = carry.subarray(n);
        at += n;
      }
      return at;
    },
    close: async () => void (await pieces.return(undefined)),
  };
}
