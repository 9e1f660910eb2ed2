/**
 * A device script: what a device sends and what it expects the host to send, in order.
 * Captures (`*.qfhcap.jsonl`, docs/ARCHITECTURE.md, Contracts) hold exact bytes both ways; material that is
 * not a byte capture (QFirehose logs) becomes a script whose host steps are looser: an XML
 * element to match, or a number of raw bytes.
 *
 * @module
 */
import type { FirehoseElement } from '../firehose/xml.js';

/** One step of a device script. */
export type ScriptStep =
  /** The device sends these bytes as one transfer (empty = a ZLP). */
  | { readonly dir: 'in'; readonly data: Uint8Array }
  /** The host must send exactly these bytes (across any number of writes). */
  | { readonly dir: 'out'; readonly data: Uint8Array }
  /** The host must send a document holding this element (tag and attributes, in order). */
  | { readonly dir: 'out-xml'; readonly element: FirehoseElement }
  /** The host must send this many bytes, of any value (raw program data, a served programmer read). */
  | { readonly dir: 'out-raw'; readonly length: number }
  /** The host must send bytes starting with this prefix, `length` in all (a HELLO_RSP whose reserved words vary). */
  | { readonly dir: 'out-prefix'; readonly prefix: Uint8Array; readonly length: number };
