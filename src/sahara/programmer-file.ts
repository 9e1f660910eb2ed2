/**
 * The programmer file, checked before Sahara starts: a PBL only loads an ELF whose program
 * headers include Qualcomm's hash segment and whose segments lie inside the file. A file
 * that fails here would be refused by the PBL after the upload (or, worse, half-served), so
 * qfh refuses it first, with nothing sent.
 *
 * @module
 */
import { open } from 'node:fs/promises';
import { ProgrammerFileError } from '../errors.js';
import type { OpenedProgrammer } from './client.js';
import { programmerProblem, PROGRAMMER_HEAD_BYTES } from '../elf.js';

/**
 * Opens and checks a programmer file for upload. Call `close()` when done.
 * @throws ProgrammerFileError when it is not a loadable programmer.
 */
export async function openProgrammer(path: string): Promise<OpenedProgrammer> {
  const handle = await open(path, 'r').catch((e: unknown) => {
    throw new ProgrammerFileError(
      'QFH_PROGRAMMER_INVALID',
      `cannot read the programmer ${path}: ${(e as Error).message}`,
      { cause: e },
    );
  });
  try {
    const info = await handle.stat();
    if (!info.isFile())
      throw new ProgrammerFileError(
        'QFH_PROGRAMMER_INVALID',
        `the programmer ${path} is ${info.isDirectory() ? 'a folder' : 'not a regular file'}, not a programmer file`,
        {
          hint: "Give --programmer the programmer file itself (prog_*firehose*.mbn or .elf), or leave it out to use the package's.",
        },
      );
    const { size } = info;
    const head = Buffer.alloc(Math.min(size, PROGRAMMER_HEAD_BYTES));
    await handle.read(head, 0, head.length, 0);
    const problem = programmerProblem(head, size);
    if (problem)
      throw new ProgrammerFileError('QFH_PROGRAMMER_INVALID', `the programmer ${path} ${problem}`);
    return {
      size,
      async read(position, length) {
        const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - position)));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
        return buffer.subarray(0, bytesRead);
      },
      close: () => handle.close(),
    };
  } catch (e) {
    await handle.close();
    throw e;
  }
}

/**
 * Checks a programmer file the user named, before any device is touched (a modem in normal
 * mode is not switched to EDL for a programmer that could never load).
 * @throws ProgrammerFileError when it is not a loadable programmer.
 */
export async function checkProgrammerFile(path: string): Promise<void> {
  const file = await openProgrammer(path);
  await file.close();
}
