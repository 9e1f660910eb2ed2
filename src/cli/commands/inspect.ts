/**
 * `qfh inspect INPUT`: what qfh understands of a file, a firmware package, or Sahara
 * packet bytes given in hex.
 *
 * @module
 */
import { stat } from 'node:fs/promises';
import { isZipFile } from '../../package/open-source.js';
import { defineCommand } from '../command.js';
import { jsonLine } from '../events.js';
import { ExitCode } from '../exit-codes.js';
import { inspectFile } from '../inspect/inspect-file.js';
import { inspectPackage } from '../inspect/inspect-package.js';
import { withJson } from '../options.js';

export const inspectCommand = defineCommand({
  syntax: ['inspect <input>'],
  describe:
    'Show what qfh understands of a file or firmware package: sparse image, rawprogram/patch/contents XML, md5.txt, MIBIB, GPT, ELF programmer, Firehose XML, Sahara packet hex',
  examples: [
    ['qfh inspect ./fw', 'the package: manifests, images, md5 results, findings'],
    ['qfh inspect ./fw.zip', 'the same, read straight from the zip as downloaded'],
    ['qfh inspect system.img', 'a sparse image: chunks and expanded size'],
    [
      'qfh inspect 03000000140000000d0000000000000050000000',
      'decode Sahara packet bytes (a READ_DATA)',
    ],
  ],
  options: (y) =>
    withJson(
      y.positional('input', {
        type: 'string',
        demandOption: true,
        describe: 'a file, a firmware package, or Sahara packet bytes in hex',
      }),
    ),
  run: async (argv, ctx) => {
    const info = await stat(argv.input).catch(() => undefined);
    const isPackage = info?.isDirectory() || (info?.isFile() && (await isZipFile(argv.input)));
    const report = isPackage ? await inspectPackage(argv.input) : await inspectFile(argv.input);
    ctx.out.stdout(
      argv.json
        ? jsonLine({ kind: report.kind, input: report.input, [report.kind]: report.data })
        : `${report.text.join('\n')}\n`,
    );
    return ExitCode.OK;
  },
});
