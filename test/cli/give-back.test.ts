/**
 * What an update stopped comes back, whatever happened: ModemManager is started again even
 * when putting the router's services back throws, and a failed restart names the command
 * this host uses.
 */
import { expect, it } from 'vitest';
import { giveBack } from '../../src/cli/flash-run.js';
import { stopModemManager } from '../../src/preflight/modemmanager.js';

function output(): { out: { stdout(t: string): void; stderr(t: string): void }; text: string[] } {
  const text: string[] = [];
  return { out: { stdout: (t) => text.push(t), stderr: (t) => text.push(t) }, text };
}

it('starts ModemManager again when the services fail to come back, and says so', async () => {
  const calls: string[] = [];
  const modemManager = await stopModemManager(
    async (c, a) => void calls.push(`${c} ${a.join(' ')}`),
    '/nonexistent/init.d/modemmanager',
  );
  const { out, text } = output();
  const services = async (): Promise<void> => {
    throw new Error('uci exploded');
  };
  await expect(giveBack({ out }, { services, modemManager })).rejects.toThrow('uci exploded');
  expect(calls).toEqual(['systemctl stop ModemManager', 'systemctl start ModemManager']);
  expect(text.join('')).toBe('qfh: started ModemManager again\n');
});

it('names the restart command when ModemManager does not start again', async () => {
  const modemManager = await stopModemManager(async (_c, a) => {
    if (a.includes('start')) throw new Error('exit 1');
  }, '/nonexistent/init.d/modemmanager');
  const { out, text } = output();
  await giveBack({ out }, { services: undefined, modemManager });
  expect(text.join('')).toBe(
    'qfh: could not start ModemManager again: systemctl start ModemManager\n',
  );
});
