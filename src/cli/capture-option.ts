/**
 * `--capture FILE.pcapng` and `--debug-bundle FILE` for the commands that talk to a device
 * (flash, edl-recover, backup, info). The command gets {@link SessionHooks}: it passes the
 * transport it opened through `wrap` and its plan to `plan`; everything else happens here.
 * The pcapng is streamed while the session runs; the bundle is written when the command ends,
 * always when `--debug-bundle` was given, and on a failure after a device was opened otherwise
 * (into the temp folder, its path printed), so a failed flash leaves something to attach.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { closeSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { DebugBundleRecorder } from '../capture/debug-bundle.js';
import { UsbPcapngWriter } from '../capture/pcapng-export.js';
import { TappedTransport, type TransferObserver } from '../capture/tapped-transport.js';
import { runDoctor } from '../preflight/doctor.js';
import type { Transport } from '../transport/transport.js';
import { asQfhError } from '../errors.js';
import { openPrivateFileSync } from '../private-file.js';
import { ExitCode, exitCodeFor } from './exit-codes.js';
import type { CliOutput } from './output.js';
import { fileStamp } from './update-record.js';

/** What a device command calls. */
export interface SessionHooks {
  /** Wraps the transport the command opened. */
  wrap(transport: Transport): Transport;
  /** The plan the command will run (JSON form). */
  plan(plan: unknown): void;
}

/** Hooks that do nothing: for library callers and tests of the commands. */
export const NO_SESSION_HOOKS: SessionHooks = { wrap: (t) => t, plan: () => undefined };

/** Adds `--capture` and `--debug-bundle` to a command. */
export function withCaptureOptions<T>(y: Argv<T>): Argv<
  T & {
    capture: string | undefined;
    'debug-bundle': string | undefined;
    'debug-bundle-raw': boolean;
  }
> {
  return y
    .option('capture', {
      type: 'string',
      describe: 'write the USB session as pcapng (Linux USB link type) for Wireshark: FILE.pcapng',
    })
    .option('debug-bundle', {
      type: 'string',
      describe:
        'write a debug bundle (capture, log, plan, versions, host facts) to FILE; on a failure one is written anyway',
    })
    .option('debug-bundle-raw', {
      type: 'boolean',
      default: false,
      describe:
        'keep the chip serial and IMEI/IMSI/ICCID in the debug bundle (masked otherwise): for a private report only',
    });
}

/** Buffers pcapng blocks and writes them with plain fs calls, so a crash loses at most 1 MiB. */
function pcapngFile(path: string): { sink: (b: Uint8Array) => void; close: () => void } {
  const fd = openPrivateFileSync(path);
  let parts: Uint8Array[] = [];
  let size = 0;
  const flush = (): void => {
    if (parts.length > 0) writeSync(fd, Buffer.concat(parts));
    parts = [];
    size = 0;
  };
  return {
    sink: (b) => {
      parts.push(b);
      size += b.length;
      if (size >= 1 << 20) flush();
    },
    close: () => {
      flush();
      closeSync(fd);
    },
  };
}

/** The options {@link sessionCapture} needs: the command line and the capture options. */
export interface CaptureArgs {
  readonly args: readonly string[];
  readonly capture: string | undefined;
  readonly debugBundle: string | undefined;
  /** Keep the chip serial and identity digits in the bundle. */
  readonly raw: boolean;
}

/** What a bundle holds, said where it is written (a bundle is meant to be attached publicly). */
const holds = (raw: boolean): string =>
  raw
    ? 'it holds the chip serial and any IMEI/IMSI/ICCID unmasked: share it privately only'
    : "it holds qfh's output, the plan, the session's protocol messages (image data cut to 64 bytes), versions and host checks; the chip serial and IMEI/IMSI/ICCID-shaped numbers are masked";
export function captureArgs(
  argv: {
    capture?: string | undefined;
    'debug-bundle'?: string | undefined;
    'debug-bundle-raw'?: boolean | undefined;
  },
  args: readonly string[],
): CaptureArgs {
  return {
    args,
    capture: argv.capture,
    debugBundle: argv['debug-bundle'],
    raw: argv['debug-bundle-raw'] === true,
  };
}

/** Host facts for the bundle; never fails the bundle. */
async function hostFacts(): Promise<unknown> {
  const timeout = new Promise<string>((resolve) =>
    setTimeout(() => resolve('doctor did not answer within 5 s'), 5000).unref(),
  );
  try {
    return await Promise.race([runDoctor(), timeout]);
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/** A device command's capture: hooks for the command, its output, and how it ended. */
export interface SessionCapture extends SessionHooks {
  /** The command's output, recorded for the bundle on its way through. */
  readonly out: CliOutput;
  /** The command returned `code`: closes the capture, writes the bundle if due, returns `code`. */
  done(code: number): Promise<number>;
  /** The command threw `error`: closes the capture, writes the bundle, throws `error` again. */
  failed(error: unknown): Promise<never>;
}

/**
 * Starts the capture and bundle a device command's options ask for. Use as
 * `runX({ …, session: capture }, capture.out).then(capture.done, capture.failed)`.
 */
export function sessionCapture(o: CaptureArgs, out: CliOutput): SessionCapture {
  const recorder = new DebugBundleRecorder();
  const file = o.capture ? pcapngFile(o.capture) : undefined;
  const observers: TransferObserver[] = [recorder.observe];
  let opened = false;
  const finish = async (failed: boolean, error?: unknown): Promise<void> => {
    file?.close();
    // A refusal, a "no" or a Ctrl-C is not a bug to report: only failures leave a bundle
    // nobody asked for.
    const failure = failed && exitCodeFor(asQfhError(error)) === ExitCode.FAILURE;
    if (!o.debugBundle && !(failure && opened)) return;
    // A name qfh picks in a shared folder is unguessable and must be new: nobody can plant
    // a link there for a root run to write through.
    const path =
      o.debugBundle ??
      join(tmpdir(), `qfh-debug-${fileStamp()}-${randomBytes(4).toString('hex')}.json`);
    const contents = { command: o.args, error, host: await hostFacts(), raw: o.raw };
    await recorder.write(path, { ...contents, existing: o.debugBundle ? 'replace' : 'new' }).then(
      () =>
        out.stderr(
          `qfh: debug bundle written to ${path} (mode 0600; ${holds(o.raw)}). Attach it to a bug report; \`qfh inspect ${path}\` shows it\n`,
        ),
      (e: unknown) => out.stderr(`qfh: could not write the debug bundle ${path}: ${String(e)}\n`),
    );
  };
  return {
    wrap: (transport) => {
      // One pcapng per command: a second device (after a re-enumeration) joins the same file.
      if (file && !opened)
        observers.push(
          new UsbPcapngWriter(file.sink, { description: transport.description }).observe,
        );
      opened = true;
      recorder.setDevice(transport.description);
      return new TappedTransport(transport, observers);
    },
    plan: (plan) => recorder.setPlan(plan),
    out: {
      stdout: (t) => {
        recorder.log(t);
        out.stdout(t);
      },
      stderr: (t) => {
        recorder.log(t);
        out.stderr(t);
      },
    },
    done: async (code) => {
      await finish(code !== 0);
      return code;
    },
    failed: async (error) => {
      await finish(true, error);
      throw error;
    },
  };
}
