/**
 * SHA-256 off the main thread, so hashing an image overlaps sending it instead of adding
 * to it: one worker thread per process, shared by every flash running in it (16 modems
 * flashed at once start one thread, not 16), started at the first large image and left
 * idle (not keeping the process alive) between images. The bytes are not copied to it:
 * the image is read into shared slots that the main thread writes to the device while the
 * worker hashes them. The worker's code is a string, so the one-file bundle carries it.
 *
 * @module
 */
import { Worker } from 'node:worker_threads';
import { VerifyUnavailableError } from '../errors.js';
import type { PieceHasher } from './flash-runtime.js';

/**
 * Imported, not require()d: an eval'd worker inherits the process's flags, and under
 * `node --input-type=module` (a script passed with -e) its code is an ES module, where
 * `require` does not exist and the thread died at its first line. Messages posted before
 * the imports settle wait in the port until the listener is attached.
 */
const WORKER_SOURCE = `
Promise.all([import('node:worker_threads'), import('node:crypto')]).then(([threads, crypto]) => {
const { parentPort } = threads;
const { createHash } = crypto;
const jobs = new Map();
const zeros = new Uint8Array(1 << 20);
parentPort.on('message', (m) => {
  if (m.type === 'start') {
    jobs.set(m.id, { hash: createHash('sha256'), slots: m.slots.map((s) => new Uint8Array(s)) });
    return;
  }
  const job = jobs.get(m.id);
  if (m.type === 'drop' || !job) return void jobs.delete(m.id);
  if (m.type === 'update') {
    job.hash.update(job.slots[m.slot].subarray(0, m.length));
    parentPort.postMessage({ type: 'hashed', id: m.id, slot: m.slot });
    return;
  }
  for (let left = m.padding; left > 0; left -= zeros.length)
    job.hash.update(zeros.subarray(0, Math.min(left, zeros.length)));
  jobs.delete(m.id);
  parentPort.postMessage({ type: 'digest', id: m.id, hex: job.hash.digest('hex') });
});
});
`;

type Reply =
  { type: 'hashed'; id: number; slot: number } | { type: 'digest'; id: number; hex: string };
type Waiter = { resolve: (value: string) => void; reject: (e: Error) => void };

/** The process's hashing thread. */
class HashThread {
  private worker: Worker | undefined;
  private nextId = 1;
  /** Replies awaited, by `id:slot` (a slot's hash) or `id:digest`. */
  private readonly waiting = new Map<string, Waiter>();

  /** Why a thread cannot be started here (Node's permission model without --allow-worker). */
  private unavailable: unknown;

  /** Threads that stopped, with why: their jobs fail at once instead of waiting forever. */
  private readonly stopped = new WeakMap<Worker, VerifyUnavailableError>();

  private start(): Worker {
    if (this.worker) return this.worker;
    if (this.unavailable !== undefined) throw this.unavailable;
    let worker: Worker;
    try {
      worker = new Worker(WORKER_SOURCE, { eval: true });
    } catch (e) {
      this.unavailable = e;
      throw e;
    }
    worker.on('message', (m: Reply) => {
      const key = m.type === 'hashed' ? `${m.id}:${m.slot}` : `${m.id}:digest`;
      const waiter = this.waiting.get(key);
      this.waiting.delete(key);
      waiter?.resolve(m.type === 'digest' ? m.hex : '');
      this.idle();
    });
    // 'error' is followed by 'exit': only the first counts. A later job starts a new thread.
    const fail = (e: Error): void => {
      if (this.stopped.has(worker)) return;
      const error = new VerifyUnavailableError(`qfh's hashing thread stopped: ${e.message}`, {
        cause: e,
      });
      this.stopped.set(worker, error);
      if (this.worker === worker) this.worker = undefined;
      for (const w of this.waiting.values()) w.reject(error);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the hashing thread stopped (exit ${code})`)));
    worker.unref();
    this.worker = worker;
    return worker;
  }

  /** Keeps the process alive only while a reply is awaited. */
  private idle(): void {
    if (this.waiting.size === 0) this.worker?.unref();
  }

  private await(key: string, worker: Worker): Promise<string> {
    const stopped = this.stopped.get(worker);
    if (stopped) return Promise.reject(stopped);
    worker.ref();
    return new Promise((resolve, reject) => this.waiting.set(key, { resolve, reject }));
  }

  /** A new job hashing from `slots`. */
  job(slots: readonly SharedArrayBuffer[]): PieceHasher {
    const worker = this.start();
    const id = this.nextId++;
    worker.postMessage({ type: 'start', id, slots });
    let open = true;
    return {
      update: async (slot, length) => {
        const done = this.await(`${id}:${slot}`, worker);
        worker.postMessage({ type: 'update', id, slot, length });
        await done;
      },
      digest: async (padding) => {
        open = false;
        const done = this.await(`${id}:digest`, worker);
        worker.postMessage({ type: 'digest', id, padding });
        return done;
      },
      dispose: () => {
        if (!open) return;
        open = false;
        worker.postMessage({ type: 'drop', id });
        for (const [key, waiter] of [...this.waiting])
          if (key.startsWith(`${id}:`)) {
            this.waiting.delete(key);
            waiter.resolve('');
          }
        this.idle();
      },
    };
  }
}

const thread = new HashThread();

/**
 * A SHA-256 job on the process's hashing thread, reading `slots`; `undefined` where no
 * thread may be started (Node's permission model without --allow-worker): the caller
 * hashes on its own thread.
 */
export function hashOnThread(slots: readonly SharedArrayBuffer[]): PieceHasher | undefined {
  try {
    return thread.job(slots);
  } catch {
    return undefined;
  }
}
