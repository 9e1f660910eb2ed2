import { expect, it } from 'vitest';
import { convertQFirehoseLog, ReplayTransport } from '../../src/capture/index.js';
import type { FirehoseClient, FirehoseElement } from '../../src/firehose/index.js';
import { openFirehoseSession } from '../../src/session/index.js';
import { describeReal, realText } from '../helpers/real.js';
import { memorySource } from '../helpers/sources.js';

const LOGS = [
  ['logs', 'qfirehose-v1.3.2_rm500q-sdx55_usb_openwrt.log.txt'],
  ['logs', 'qfirehose-v1.1.8_em20-sdx24_usb.log.txt'],
  ['logs', 'qfirehose-v1.1.8_em20-sdx24_tcp-remote.log.txt'],
  ['logs', 'qfirehose-v1.4.5_pcie-mhi_abridged.log.txt'],
  ['quectel-eg25g-gc-30.203.30.203', 'qfirehose-eg25ggc-session.log.txt'],
];

const get = (e: FirehoseElement, n: string): string | undefined =>
  e.attributes.find(([k]) => k === n)?.[1];
const num = (e: FirehoseElement, n: string): number => Number(get(e, n));

/** The operation the log's host performed, through qfh's typed client API. */
async function perform(client: FirehoseClient, e: FirehoseElement): Promise<void> {
  const range = () => ({
    pagesPerBlock: num(e, 'PAGES_PER_BLOCK'),
    sectorSizeInBytes: num(e, 'SECTOR_SIZE_IN_BYTES'),
    numPartitionSectors: num(e, 'num_partition_sectors'),
    physicalPartitionNumber: num(e, 'physical_partition_number'),
    startSector: num(e, 'start_sector'),
  });
  if (e.tag === 'erase') await client.erase(range());
  else if (e.tag === 'program') {
    const r = { ...range(), filename: get(e, 'filename') ?? '' };
    await client.program(
      r,
      (async function* () {
        yield new Uint8Array(r.numPartitionSectors * r.sectorSizeInBytes).fill(0xa5);
      })(),
    );
  } else if (e.tag === 'power')
    await client.power(
      'reset',
      get(e, 'DelayInSeconds') === undefined ? undefined : num(e, 'DelayInSeconds'),
    );
  else throw new Error(`no client call for <${e.tag}>`);
}

describeReal('replaying the device side of every real QFirehose session against qfh', () => {
  for (const file of LOGS) {
    it(file.join('/'), async () => {
      const session = convertQFirehoseLog(realText(...file));
      const transport = new ReplayTransport(session.steps, file[1]);
      // QFirehose's own start: configure as the log has it, no getstorageinfo.
      const configure = session.commands.find((c) => c.tag === 'configure');
      const started = await openFirehoseSession(transport, {
        storage: 'nand',
        programmer: memorySource(new Uint8Array(session.programmerSize)),
        programmerLoaded: session.saharaReads.length === 0,
        maxPayload: configure ? num(configure, 'MaxPayloadSizeToTargetInBytes') : undefined,
        luns: [],
        timeouts: { configure: 500, firehoseStartup: 500, firehoseBanner: 500 },
      });
      if (session.saharaReads.length > 0)
        expect(started.upload?.requests).toBe(session.saharaReads.length);
      expect(started.banner.length).toBeGreaterThan(0);
      const client = started.client;
      for (const command of session.commands.filter((c) => c.tag !== 'configure'))
        await perform(client, command);
      await client.drainLogs(30);
      expect(transport.remaining).toBe(0);
      expect(session.commands.filter((c) => c.tag === 'program').length).toBeGreaterThan(1);
    });
  }

  it('the RM500Q session has the 69 real READ_DATA requests, the last 0x42580+0x800', () => {
    const session = convertQFirehoseLog(
      realText('logs', 'qfirehose-v1.3.2_rm500q-sdx55_usb_openwrt.log.txt'),
    );
    expect(session.saharaReads).toHaveLength(69);
    expect(session.saharaReads.at(-1)).toEqual([0x42580, 0x800]);
  });
});
