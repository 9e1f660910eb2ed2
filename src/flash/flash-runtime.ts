/**
 * What flashing takes from the runtime it runs on: SHA-256, optionally a thread to hash
 * large images on, and optionally a file system for packages and programmers named by path.
 * The flash workflow itself (prepare, session, plan, execute) is the same code on Node and in
 * a browser page; only this object differs. `portableRuntime` is the default and needs
 * nothing from the host; Node's (`node-runtime.ts`) hashes with node:crypto on a worker
 * thread and reads paths from disk, and `qfh`'s Node entry passes it.
 *
 * @module
 */
import type { FirmwarePackage } from '../package/read-package.js';
import type { OpenedProgrammer } from '../sahara/client.js';
import { portableSha256, type Sha256Factory } from '../sha256.js';

/** A running SHA-256 of one image whose pieces are in shared slots another thread reads. */
export interface PieceHasher {
  /** Hashes `length` bytes of slot `slot`; resolves once the slot may be refilled. */
  update(slot: number, length: number): Promise<void>;
  /** The digest (hex) of everything hashed, followed by `padding` zero bytes. */
  digest(padding: number): Promise<string>;
  /** Gives up the job (the image was not finished). */
  dispose(): void;
}

export type { OpenedProgrammer };

/** Packages and programmer files named by a path (a runtime with a file system). */
export interface HostFiles {
  /** Reads and checks the package at `path` (a folder or a zip). */
  readPackage(path: string): Promise<FirmwarePackage>;
  /** The path a programmer file the user named is known by from here on (made absolute). */
  programmerPath(path: string): string;
  /** Opens and checks a programmer file. @throws ProgrammerFileError when it cannot load. */
  openProgrammer(path: string): Promise<OpenedProgrammer>;
}

/** What flashing takes from the runtime. */
export interface FlashRuntime {
  /** SHA-256 for what is verified and compared. */
  readonly sha256: Sha256Factory;
  /**
   * A job on a hashing thread reading `slots`, so hashing overlaps the transfer; absent, or
   * `undefined` from it, and images are hashed on the calling thread.
   */
  readonly hashOnThread?:
    ((slots: readonly SharedArrayBuffer[]) => PieceHasher | undefined) | undefined;
  /** Absent: packages and programmers come as objects (a page's files), never as paths. */
  readonly files?: HostFiles | undefined;
}

/** Hashing in JavaScript on the calling thread, no file system: runs anywhere. */
export const portableRuntime: FlashRuntime = { sha256: portableSha256 };
