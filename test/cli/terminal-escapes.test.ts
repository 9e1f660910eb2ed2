/**
 * Text from a device or the network reaches the user's terminal shown, not obeyed: a device
 * server's busy line and a modem's own partition names carry escape sequences here (retitle
 * the window, clear the screen), and the CLI's output holds none of them.
 */
import { once } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { terminalSafe } from '../../src/cli/output.js';
import { buildMibib, EG25G_PARTITIONS } from '../../src/sim/mibib-image.js';
import { buildTestProgrammer, serveModem, SimulatedModem } from '../../src/sim/index.js';
import { qfh } from '../helpers/cli.js';

const HOSTILE = '\x1b]0;pwned\x07\x1b[2J\x9b31m';
// Every control character but newline and tab, C1 included.
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/; // eslint-disable-line no-control-regex

it('shows control characters as \\xNN and keeps newlines, tabs and text', () => {
  expect(terminalSafe(`a\tb${HOSTILE}c\r\nd\re\n`)).toBe(
    'a\tb\\x1b]0;pwned\\x07\\x1b[2J\\x9b31mc\nd\\x0de\n',
  );
});

it("a device server's busy line is printed escaped", async () => {
  const line = Buffer.from(`QFH-BUSY serving ${HOSTILE} another host\n`, 'latin1');
  const server = createServer((s) => s.end(line));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  try {
    const r = await qfh('info', '--device', `tcp://127.0.0.1:${port}`);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('serving \\x1b]0;pwned\\x07\\x1b[2J\\x9b31m another host');
    expect(r.stdout + r.stderr).not.toMatch(CONTROL);
  } finally {
    server.close();
  }
});

it("a modem's own partition names are printed escaped while it is backed up", async () => {
  const work = await mkdtemp(join(tmpdir(), 'qfh-escapes-'));
  const modem = new SimulatedModem({ profile: 'eg25g' });
  modem.storage.erase(0, 10 * 64, 64);
  modem.storage.write(
    0,
    10 * 64,
    buildMibib([...EG25G_PARTITIONS.slice(0, 2), ['0:\x1b]0;pwned\x07', 20, 1, [255, 1, 0, 0]]]),
  );
  await writeFile(join(work, 'prog.mbn'), buildTestProgrammer());
  const server = await serveModem(modem, '127.0.0.1', 0);
  try {
    const r = await qfh(
      'backup',
      join(work, 'bk'),
      '--device',
      `tcp://127.0.0.1:${server.port}`,
      '--programmer',
      join(work, 'prog.mbn'),
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('backup \\x1b]0;pwned\\x07');
    expect(r.stdout + r.stderr).not.toMatch(CONTROL);
  } finally {
    await server.close();
  }
});
