import type { ReadOptions, Transport, WriteOptions } from '../../src/transport/transport.js';

/** Wraps a transport and counts writes, so a test can prove none happen after an error or a refusal. */
export class Counting implements Transport {
  writes = 0;
  constructor(private readonly inner: Transport) {}
  get description(): string {
    return this.inner.description;
  }
  read(n: number, o: ReadOptions): Promise<Uint8Array> {
    return this.inner.read(n, o);
  }
  async write(d: Uint8Array, o: WriteOptions): Promise<void> {
    this.writes++;
    await this.inner.write(d, o);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
