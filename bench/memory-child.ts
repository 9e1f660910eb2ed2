/**
 * Flashes one package from this process onto a simulator server (another process), so this
 * process's peak memory is the host's alone (the parent reads it with exit-usage); without
 * verification unless asked. Argument: JSON {subject, root, port, verify?}.
 */
import { loadSubject } from './subject.js';

const o = JSON.parse(process.argv[2] ?? '{}') as {
  subject: string;
  root: string;
  port: number;
  verify?: boolean;
};
const qfh = await loadSubject(o.subject);
const transport = await qfh.openTcpTransport('127.0.0.1', o.port);
const report = await qfh.flash(await qfh.readPackage(o.root, { verifyMd5: false }), transport, {
  verify: o.verify ?? false,
  accept: ['allow-missing-md5'],
});
await transport.close();
console.log(`RESULT ${JSON.stringify({ bytes: report.bytes })}`);
