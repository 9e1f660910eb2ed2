/**
 * Splits the byte stream from a Firehose programmer into XML documents and raw data.
 * Transfers carry no framing guarantee: one read may hold several documents (the SDM855
 * transcript), half of one, or a document followed by the first raw bytes of a `<read>`.
 * The framer keeps what it was given until the caller takes it as a document or as raw.
 * It does no I/O.
 *
 * @module
 */
import { concatBytes, fromLatin1, toHex, utf8 } from '../bytes.js';
import { FirehoseXmlError } from '../errors.js';

const END_TAG = fromLatin1('</data>');
const XML_START = fromLatin1('<?xml');
const EMPTY = new Uint8Array(0);

/** Where `needle` first occurs in `haystack` at or after `from`, or -1. */
function indexOfBytes(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0] ?? 0;
  for (let at = haystack.indexOf(first, from); at >= 0; at = haystack.indexOf(first, at + 1)) {
    if (at + needle.length > haystack.length) return -1;
    let k = 1;
    while (k < needle.length && haystack[at + k] === needle[k]) k++;
    if (k === needle.length) return at;
  }
  return -1;
}
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** Options for {@link FirehoseFramer}. */
export interface FramerOptions {
  /**
   * Largest document accepted. Programmers announce MaxXMLSizeInBytes="4096"; the default
   * leaves room for long getstorageinfo logs while keeping memory bounded on garbage.
   * @default 65536
   */
  maxDocumentBytes?: number;
}

/** Incremental splitter of a Firehose device stream. */
export class FirehoseFramer {
  private pending: Uint8Array = EMPTY;
  /** Where the next search for `</data>` starts, so partial documents are not rescanned. */
  private searchFrom = 0;
  private readonly maxDocumentBytes: number;

  constructor(options: FramerOptions = {}) {
    this.maxDocumentBytes = options.maxDocumentBytes ?? 65536;
  }

  /** Bytes received and not yet taken. */
  get buffered(): number {
    return this.pending.length;
  }

  /** Appends bytes from the transport (copied: the caller may reuse its buffer). A ZLP adds nothing. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.pending =
      this.pending.length === 0 ? new Uint8Array(chunk) : concatBytes([this.pending, chunk]);
  }

  /**
   * The next complete document as text, or `undefined` when more bytes are needed.
   * Whitespace between documents is skipped.
   * @throws FirehoseXmlError when the stream does not start with `<` (garbage, or Sahara
   *   bytes where Firehose was expected) or a document grows past the size limit.
   */
  nextDocument(): string | undefined {
    let start = 0;
    while (start < this.pending.length && WHITESPACE.has(this.pending[start] ?? 0)) start++;
    if (start === this.pending.length) {
      this.drop(start);
      return undefined;
    }
    if (this.pending[start] !== 0x3c /* < */) {
      const preview = toHex(this.pending.subarray(start, start + 16));
      throw new FirehoseXmlError(
        'QFH_FIREHOSE_XML_MALFORMED',
        `expected a Firehose XML document, got bytes ${preview}${looksLikeSahara(this.pending.subarray(start)) ? ' (a Sahara packet: the programmer is not running)' : ''}`,
      );
    }
    const end = indexOfBytes(this.pending, END_TAG, Math.max(start, this.searchFrom));
    if (end < 0) {
      if (this.pending.length - start > this.maxDocumentBytes) {
        throw new FirehoseXmlError(
          'QFH_FIREHOSE_XML_TOO_LARGE',
          `no </data> within ${this.maxDocumentBytes} bytes of a document start`,
        );
      }
      this.searchFrom = Math.max(start, this.pending.length - END_TAG.length + 1);
      return undefined;
    }
    const stop = end + END_TAG.length;
    const text = utf8(this.pending.subarray(start, stop));
    this.drop(stop);
    return text;
  }

  /**
   * Up to `max` raw bytes from the front of the buffer (the raw phase of `<read>`), or
   * `undefined` if none. A view of the framer's own copy: no further copy is made.
   */
  takeRaw(max: number): Uint8Array | undefined {
    if (this.pending.length === 0 || max <= 0) return undefined;
    const n = Math.min(max, this.pending.length);
    const p = this.pending;
    const out = new Uint8Array(p.buffer, p.byteOffset, n);
    this.drop(n);
    return out;
  }

  /**
   * Drops bytes up to the next `<?xml` (or everything, if none), to get back in step after
   * garbage. Returns how many bytes were dropped.
   */
  resync(): number {
    const at = indexOfBytes(this.pending, XML_START, 1);
    const n = at < 0 ? this.pending.length : at;
    this.drop(n);
    return n;
  }

  private drop(n: number): void {
    this.pending = this.pending.subarray(n);
    this.searchFrom = 0;
    if (this.pending.length === 0) this.pending = EMPTY;
  }
}

function looksLikeSahara(bytes: Uint8Array): boolean {
  // HELLO (cmd 1, len 0x30) or END_IMAGE_TX (cmd 4, len 0x10): what a PBL sends unprompted.
  return (
    bytes.length >= 8 &&
    bytes[1] === 0 &&
    bytes[2] === 0 &&
    bytes[3] === 0 &&
    ((bytes[0] === 1 && bytes[4] === 0x30) || (bytes[0] === 4 && bytes[4] === 0x10))
  );
}
