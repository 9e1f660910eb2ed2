/**
 * `--json` output: schema `qfh-events/1` (README documents it). Every line on stdout is
 * exactly one JSON object, in success and failure alike, with `schema` and `event`; the
 * last line of a command is its `result`. BigInts become numbers when exact and strings
 * otherwise, byte arrays become hex.
 *
 * @module
 */
import type { QfhError } from '../errors.js';
import type { CliOutput } from './output.js';

/** The schema every event line carries. */
export const EVENTS_SCHEMA = 'qfh-events/1';

/** One event (README: "Events"). `device` names the modem when several are flashed at once. */
export type CliEvent =
  | {
      readonly event: 'message';
      readonly level: 'info' | 'warning';
      readonly text: string;
      readonly device?: string;
    }
  | { readonly event: 'plan'; readonly plan: unknown }
  | { readonly event: 'progress'; readonly [field: string]: unknown }
  | {
      readonly event: 'state';
      readonly state: string;
      readonly detail?: string;
      readonly device?: string;
    }
  | { readonly event: 'report'; readonly report: unknown; readonly device?: string }
  | {
      readonly event: 'summary';
      readonly devices: readonly unknown[];
      readonly skipped: readonly unknown[];
      readonly retry: string | undefined;
    }
  | {
      readonly event: 'error';
      readonly error: { name: string; code: string; message: string; hint: string };
    }
  | {
      readonly event: 'result';
      readonly command: string;
      readonly ok: boolean;
      readonly exitCode: number;
      readonly data?: unknown;
    };

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint')
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= -BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
  if (value instanceof Set) return [...(value as Set<unknown>)];
  if (value instanceof Map) return Object.fromEntries(value as Map<string, unknown>);
  return value;
}

/** `value` as one line of JSON. */
export function jsonLine(value: unknown): string {
  return `${JSON.stringify(value, replacer)}\n`;
}

/** Writes events as JSON lines when `json` is on; does nothing otherwise. */
export class EventWriter {
  constructor(
    private readonly out: CliOutput,
    readonly json: boolean,
  ) {}

  emit(e: CliEvent): void {
    if (this.json)
      this.out.stdout(jsonLine({ schema: EVENTS_SCHEMA, time: new Date().toISOString(), ...e }));
  }

  /** The error event of a failure. */
  error(e: QfhError): void {
    this.emit({ event: 'error', error: e.toJSON() });
  }
}
