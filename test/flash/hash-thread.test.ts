/**
 * The real hashing thread stopping under a job (here: a job it cannot start, which kills
 * the thread): the job's waits end with a typed error instead of hanging, and the next
 * job gets a new thread.
 */
import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { hashOnThread } from '../../src/flash/hash-thread.js';

const within = <T>(p: Promise<T>, ms: number): Promise<T> =>
  Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms),
    ),
  ]);

it('a job on a thread that stopped fails at once with QFH_VERIFY_UNAVAILABLE; the next job works', async () => {
  // Not shared memory: the thread throws on the job's first message and stops.
  const broken = hashOnThread(null as unknown as SharedArrayBuffer[]);
  if (!broken) throw new Error('no hashing thread here');
  await expect(within(broken.update(0, 1), 5000)).rejects.toMatchObject({
    code: 'QFH_VERIFY_UNAVAILABLE',
  });
  // Asked after the thread stopped: no reply will ever come, so it must not wait for one.
  await expect(within(broken.digest(0), 5000)).rejects.toMatchObject({
    code: 'QFH_VERIFY_UNAVAILABLE',
  });

  const slot = new SharedArrayBuffer(16);
  new Uint8Array(slot).set([1, 2, 3, 4, 5]);
  const next = hashOnThread([slot]);
  if (!next) throw new Error('no hashing thread here');
  await within(next.update(0, 5), 5000);
  const expected = createHash('sha256')
    .update(Uint8Array.from([1, 2, 3, 4, 5]))
    .update(new Uint8Array(3))
    .digest('hex');
  expect(await within(next.digest(3), 5000)).toBe(expected);
});
