/**
 * What a `<configure>` settles between the host and the simulated programmer: the largest
 * payload it takes in one USB read, and whether the host ends transfers of whole packets
 * with a ZLP (`ZlpAwareHost`). Both decide how the programmer reads raw data (see
 * `FirehoseTarget.readLength`). A NAK leaves the settings as they were.
 *
 * @module
 */
import type { FirehoseElement } from '../firehose/xml.js';
import { attr } from './firehose-disk.js';
import type { Replies } from './firehose-replies.js';
import type { DeviceProfile } from './profiles.js';

/** What the host and the programmer agreed on. */
export interface HostLinkSettings {
  readonly payloadToTarget: number;
  /** `ZlpAwareHost=1` (what programmers assume until told otherwise). */
  readonly zlpAwareHost: boolean;
}

/** The settings a programmer starts with, before any `<configure>`. */
export function initialSettings(profile: DeviceProfile): HostLinkSettings {
  const payload = profile.storage.kind === 'nand' ? 8192 : 1048576;
  return {
    payloadToTarget: Math.min(profile.firehose.maxPayloadToTarget, payload),
    zlpAwareHost: true,
  };
}

/** The programmer's answer to `<configure>` and the settings it leaves. */
export function configure(
  e: FirehoseElement,
  c: { profile: DeviceProfile; replies: Replies; settings: HostLinkSettings },
): { out: Uint8Array[]; settings: HostLinkSettings } {
  const { replies: r, settings } = c;
  const memory = (attr(e, 'MemoryName') ?? '').toLowerCase();
  const f = c.profile.firehose;
  if (memory !== c.profile.storage.kind) {
    const ack = f.configureAck(settings.payloadToTarget).slice();
    const refused = `Not support configure MemoryName ${attr(e, 'MemoryName') ?? ''}`;
    return { out: [r.errorLog(refused), r.response('NAK', undefined, ack)], settings };
  }
  const asked = Number(attr(e, 'MaxPayloadSizeToTargetInBytes') ?? settings.payloadToTarget);
  if (!Number.isFinite(asked) || asked <= 0 || asked > f.maxPayloadToTarget) {
    const ack = f.configureAck(f.maxPayloadToTarget).slice();
    const log = r.log("Host's payload to target size is too large");
    return { out: [log, r.response('NAK', undefined, ack)], settings };
  }
  const logs = f.logStyle === 'sdx' ? [r.log(`Storage type set to value ${memory}`)] : [];
  return {
    out: [...logs, r.response('ACK', undefined, f.configureAck(asked))],
    settings: { payloadToTarget: asked, zlpAwareHost: attr(e, 'ZlpAwareHost') !== '0' },
  };
}
