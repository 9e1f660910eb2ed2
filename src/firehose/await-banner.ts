/**
 * The wait for a programmer's start-up banner: real ones send it about 1 s after Sahara DONE
 * (captures.md §1.4), as log lines that end with the function list.
 *
 * @module
 */
import { endsFunctionList } from './banner.js';
import { FirehoseSilence, type ResponseReader } from './response-reader.js';

/**
 * Reads the start-up banner from `reader` for up to `timeoutMs`: it ends early at the line
 * that closes the function list, or once lines have come and the line has been quiet for a
 * moment.
 */
export async function awaitBanner(reader: ResponseReader, timeoutMs: number): Promise<string[]> {
  const lines: string[] = [];
  const end = Date.now() + timeoutMs;
  for (;;) {
    const quiet = lines.length > 0 ? 250 : end - Date.now();
    let messages;
    try {
      messages = await reader.nextDocument(Math.max(0, quiet), 'with its banner');
    } catch (e) {
      if (e instanceof FirehoseSilence) break;
      throw e;
    }
    for (const m of messages) if (m.kind === 'log') lines.push(m.value);
    for (const m of messages) if (m.kind === 'log') reader.log(m.value);
    if (lines.some(endsFunctionList) || Date.now() >= end) break;
  }
  return lines;
}
