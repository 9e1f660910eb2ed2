/**
 * Flashes one package, without verification, from this process onto a simulator server
 * (another process that keeps nothing), so this process's peak memory is the host's alone
 * (the parent reads it with exit-usage). Argument: JSON {subject, root, port}.
 */
import { loadSubject } from './subject.js';

const o = JSON.parse(process.argv[2] ?? '{}') as { subject: string; root: string; port: number };
const qfh = await loadSubject(o.subject);
const transport = await qfh.openTcpTransport('127.0.0.1', o.port);
const report = await qfh.flash(await qfh.readPackage(o.root, { verifyMd5: false }), transport, {
  verify: false,
  accept: ['allow-missing-md5'],
});
await transport.close();
console.log(`RESULT ${JSON.stringify({ bytes: report.bytes })}`);
