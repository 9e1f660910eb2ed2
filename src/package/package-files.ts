/**
 * Resolves the file names a package's manifests give (`..\sbl1.mbn`, `gpt_main0.bin`) to
 * package files, once per (folder, name): real rawprograms name the same file many times,
 * thousands of entries in large ones. Each file is looked at once: whether it is an Android
 * sparse image and, if so, its index (kept for the plan, which never reads it again).
 *
 * @module
 */
import { QfhError } from '../errors.js';
import { isSparseImage } from '../sparse/format.js';
import { expandSparse } from '../sparse/expand.js';
import { indexSparseImage, type SparseIndex } from '../sparse/index-image.js';
import { finding, type Finding } from './findings.js';
import type { PackageEntry, PackageSource } from './package-source.js';
import { readStart } from './package-source.js';
import { resolvePackagePath } from './package-paths.js';
import * as posix from '../posix-path.js';

/** A file a rawprogram entry or file patch refers to. */
export interface ReferencedFile {
  /** Verbatim name in the manifest (`..\sbl1.mbn`). */
  readonly name: string;
  /** Package-relative path it resolves to, or `undefined` if it escapes the package. */
  readonly path: string | undefined;
  readonly exists: boolean;
  readonly size: number | undefined;
  /** Whether the file starts with the Android sparse magic. */
  readonly sparse: boolean;
  /** Expanded size of a sparse image. */
  readonly expandedSize: number | undefined;
  /** The layout of a sparse image (undefined when it is not one, or is damaged). */
  readonly sparseIndex: SparseIndex | undefined;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Resolves manifest names against one package's files. */
export class FileResolver {
  private readonly cache = new Map<string, Promise<ReferencedFile>>();
  private readonly byLowerPath: Map<string, PackageEntry>;

  constructor(
    private readonly source: PackageSource,
    files: readonly PackageEntry[],
    private readonly findings: Finding[],
    /** The runtime's fastest CRC-32, for sparse images that carry CRC32 chunks. */
    private readonly crc32?: (data: Uint8Array, previous?: number) => number,
  ) {
    this.byLowerPath = new Map(files.map((f) => [f.path.toLowerCase(), f]));
  }

  /** The file `name`, as written in `manifest` (package-relative), refers to. */
  resolve(manifest: string, name: string): Promise<ReferencedFile> {
    const key = `${posix.dirname(manifest)}\0${name}`;
    let found = this.cache.get(key);
    if (!found) this.cache.set(key, (found = this.resolveOnce(manifest, name)));
    return found;
  }

  private async resolveOnce(manifest: string, name: string): Promise<ReferencedFile> {
    const absent = { name, exists: false, size: undefined, sparse: false } as const;
    const none = { ...absent, expandedSize: undefined, sparseIndex: undefined };
    let path: string;
    try {
      path = resolvePackagePath(
        posix.dirname(manifest) === '.' ? '' : posix.dirname(manifest),
        name,
      );
    } catch (e) {
      if (!(e instanceof QfhError)) throw e;
      this.findings.push(
        finding(
          'refuse',
          'PKG_PATH_ESCAPE',
          `${e.message}; qfh never reads files outside the package`,
          {
            file: manifest,
          },
        ),
      );
      return { ...none, path: undefined };
    }
    const found = this.byLowerPath.get(path.toLowerCase());
    if (!found) return { ...none, path };
    if (found.path !== path)
      this.findings.push(
        finding('info', 'PKG_NAME_CASE', `"${name}" matched ${found.path} only ignoring case`, {
          file: manifest,
        }),
      );
    const sparse = isSparseImage(await readStart(this.source, found.path, 4));
    const sparseIndex = sparse ? await this.indexSparse(found.path) : undefined;
    return {
      name,
      path: found.path,
      exists: true,
      size: found.size,
      sparse,
      expandedSize: sparseIndex?.expandedSize,
      sparseIndex,
    };
  }

  /**
   * An image that carries CRC32 chunks is expanded once here, data discarded, so a damaged
   * one is refused before anything is sent rather than found halfway through its transfer.
   * Most images carry none (img2simg writes none by default) and cost nothing.
   */
  private async checkCrc(path: string): Promise<void> {
    const options = this.crc32 ? { crc32: this.crc32 } : {};
    for await (const extent of expandSparse(this.source.stream(path), options)) void extent;
  }

  private async indexSparse(path: string): Promise<SparseIndex | undefined> {
    const file = await this.source.open(path);
    try {
      const index = await indexSparseImage(file);
      if (index.trailingBytes > 0)
        this.findings.push(
          finding(
            'refuse',
            'PKG_SPARSE_CORRUPT',
            `${path} has ${index.trailingBytes} bytes after its last sparse chunk: it was not made whole by img2simg, or was damaged`,
            { file: path },
          ),
        );
      if (index.entries.some((e) => e.kind === 'crc32')) await this.checkCrc(path);
      return index;
    } catch (e) {
      if (!(e instanceof QfhError)) throw e;
      this.findings.push(
        finding(
          'refuse',
          'PKG_SPARSE_CORRUPT',
          `${path} is a damaged sparse image: ${message(e)}`,
          {
            file: path,
          },
        ),
      );
      return undefined;
    } finally {
      await file.close();
    }
  }
}
