/**
 * What the simulated programmer says, in the profile's log style: `sdx` and `9x07` are
 * copied from the real Quectel sessions (captures.md §1.4–1.5: the 9x07 programmer writes
 * no `INFO: ` prefix and no space before `/>`); `android` follows research/edl.md §2 and
 * captures.md §1.6. Each document goes out in its own transfer, as real programmers send.
 *
 * @module
 */
import { buildDocument, type Attribute, type FirehoseElement } from '../firehose/xml.js';
import type { DeviceProfile } from './profiles.js';
import type { Storage } from './storage/storage.js';

/** Builds the programmer's documents. */
export class Replies {
  constructor(private readonly profile: DeviceProfile) {}

  private get nine(): boolean {
    return this.profile.firehose.logStyle === '9x07';
  }

  doc(elements: readonly FirehoseElement[], spaceBeforeClose = true): Uint8Array {
    return new TextEncoder().encode(buildDocument(elements, 'device', spaceBeforeClose));
  }

  /** A `<log>`. */
  log(value: string): Uint8Array {
    const v = this.nine ? value : `INFO: ${value}`;
    return this.doc([{ tag: 'log', attributes: [['value', v]] }], !this.nine);
  }

  /** An error `<log>`. */
  errorLog(value: string): Uint8Array {
    const v = this.nine ? value : `ERROR: ${value}`;
    return this.doc([{ tag: 'log', attributes: [['value', v]] }], !this.nine);
  }

  /** A `<response>`, `rawmode` after the other attributes as the real ones order it. */
  response(
    value: 'ACK' | 'NAK',
    rawmode: boolean | undefined,
    extra: readonly Attribute[] = [],
  ): Uint8Array {
    const attrs: Attribute[] = [['value', value], ...extra];
    if (rawmode !== undefined) attrs.push(['rawmode', String(rawmode)]);
    return this.doc([{ tag: 'response', attributes: attrs }]);
  }

  /** A bare `<response value="…"/>` (no rawmode, as the 9x07 programmer answers some commands). */
  bare(value: 'ACK' | 'NAK', spaceBeforeClose = true): Uint8Array {
    return this.doc([{ tag: 'response', attributes: [['value', value]] }], spaceBeforeClose);
  }

  /** Error logs, then a NAK. */
  fail(...lines: string[]): Uint8Array[] {
    return [...lines.map((l) => this.errorLog(l)), this.response('NAK', false)];
  }

  /** The answer to `<power>`, in the order each programmer sends it. */
  power(value: 'reset' | 'off', calling: readonly Uint8Array[]): Uint8Array[] {
    const requested = this.log(
      `Inside handlePower() - Requested POWER_${value === 'off' ? 'OFF' : 'RESET'}`,
    );
    const style = this.profile.firehose.logStyle;
    if (style === '9x07') return [requested, this.bare('ACK')];
    if (style === 'sdx')
      // Real: the ACK comes before the last two logs.
      return [
        ...calling,
        this.response('ACK', false),
        this.log(
          'Will issue reset/power off 100 useconds, if this hangs check if watchdog is enabled',
        ),
        this.log('bsp_target_reset() 1'),
      ];
    return [
      ...calling,
      requested,
      this.response('ACK', false),
      this.log(
        'Issuing bsp_target_reset() after 1 seconds, if this hangs, do you have WATCHDOG enabled?',
      ),
    ];
  }

  /** The start-up banner (sent on its own after Sahara DONE). */
  banner(): Uint8Array[] {
    const f = this.profile.firehose;
    if (this.nine) return [this.log(`Supported Functions: ${f.functions.join(' ')} `)];
    const serial = this.profile.sahara.serial;
    return [
      this.log(`Binary build date: ${f.buildDate}`),
      this.log(`Binary build date: ${f.buildDate}.`),
      this.log(`Chip serial num: ${serial} (0x${serial.toString(16)})`),
      this.log(`Supported Functions (${f.functions.length}):`),
      ...f.functions.map((fn) => this.log(fn)),
      this.log(`End of supported functions ${f.functions.length}`),
    ];
  }
}

/** The getstorageinfo JSON log line, in the format real programmers print (edl.md §2.4). */
export function storageInfoJson(profile: DeviceProfile, storage: Storage, lun: number): string {
  const g = profile.storage;
  const nand = g.kind === 'nand';
  const blockSize = nand ? storage.sectorSize * (g.pagesPerBlock ?? 1) : storage.sectorSize;
  const sectors = storage.sectors(lun) ?? 0;
  const info = {
    total_blocks: nand ? sectors / (g.pagesPerBlock ?? 1) : sectors,
    block_size: blockSize,
    page_size: storage.sectorSize,
    num_physical: g.lunSectors.length,
    manufacturer_id: 408,
    serial_num: profile.sahara.serial,
    fw_version: '300',
    mem_type: g.kind === 'nand' ? 'NAND' : g.kind.toUpperCase(),
    prod_name: `QFH-SIM-${profile.id.toUpperCase()}`,
  };
  return `{"storage_info": ${JSON.stringify(info)}}`;
}
