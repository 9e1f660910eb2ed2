/**
 * `qfh inspect` on an XML file: a patch list, contents.xml, a rawprogram, or Firehose
 * documents (a device transcript).
 *
 * @module
 */
import { UsageError } from '../../errors.js';
import { FirehoseFramer, parseDocument } from '../../firehose/index.js';
import { parseContentsManifest, parsePatchList, parseProgramList } from '../../package/index.js';
import { parseXmlElements } from '../../xml-elements.js';
import type { InspectReport } from './inspect-file.js';

/** An XML file: a patch list, contents.xml, a rawprogram, or Firehose documents. */
export function xmlReport(input: string, text: string): InspectReport {
  const parsed = parseXmlElements(text);
  if ('problem' in parsed)
    throw new UsageError(
      'QFH_INPUT_UNREADABLE',
      `${input}: not well-formed XML at ${parsed.problem.line}:${parsed.problem.column}: ${parsed.problem.message}`,
    );
  const root = parsed.elements[0]?.tag;
  if (root === 'patches') {
    const patches = parsePatchList(text, input);
    const onDisk = patches.filter((p) => p.filename === 'DISK').length;
    return {
      kind: 'patch',
      input,
      data: patches.map((p) => ({ ...p, startSector: p.startSector.text, value: p.value.text })),
      text: [
        `patch list ${input}: ${patches.length} patches (${onDisk} on DISK, ${patches.length - onDisk} on files)`,
        ...patches.map(
          (p) =>
            `    ${p.filename} sector ${p.startSector.text} +${p.byteOffset} [${p.sizeInBytes}] = ${p.value.text}${p.what ? `  (${p.what})` : ''}`,
        ),
      ],
    };
  }
  if (root === 'contents') {
    const c = parseContentsManifest(text, input);
    return {
      kind: 'contents',
      input,
      data: c,
      text: [
        `contents.xml ${input}: ${c.productName ?? '?'}, chip ${c.chipId ?? '?'}`,
        ...c.files.map((f) => `    ${f.role.padEnd(18)} ${f.path}`),
      ],
    };
  }
  if (root === 'data') {
    const elements = parsed.elements[0]?.children ?? [];
    const commands = elements.some((e) => e.tag === 'program' || e.tag === 'erase');
    const replies = elements.some((e) => e.tag === 'response' || e.tag === 'log');
    if (commands && !replies) return rawprogramReport(input, text);
  }
  const framer = new FirehoseFramer({ maxDocumentBytes: 1 << 20 });
  framer.push(Buffer.from(text, 'utf8'));
  const documents: { tag: string; attributes: readonly (readonly [string, string])[] }[][] = [];
  for (let doc = framer.nextDocument(); doc !== undefined; doc = framer.nextDocument())
    documents.push(parseDocument(doc));
  return {
    kind: 'firehose',
    input,
    data: documents,
    text: [
      `Firehose XML ${input}: ${documents.length} document(s)`,
      ...documents
        .flat()
        .map((e) => `    <${e.tag}${e.attributes.map(([k, v]) => ` ${k}="${v}"`).join('')} />`),
    ],
  };
}

function rawprogramReport(input: string, text: string): InspectReport {
  const list = parseProgramList(text, input);
  const tags = new Map<string, number>();
  for (const e of list.entries) tags.set(e.tag, (tags.get(e.tag) ?? 0) + 1);
  return {
    kind: 'rawprogram',
    input,
    data: {
      comments: list.comments,
      entries: list.entries.map((e) => ({
        ...e,
        startSector: e.startSector?.text,
        numSectors: e.numSectors?.text,
      })),
    },
    text: [
      `rawprogram ${input}: ${[...tags].map(([t, n]) => `${n} ${t}`).join(', ')}`,
      ...list.entries.map(
        (e) =>
          `    ${String(e.index + 1).padStart(3)} ${e.tag.padEnd(7)} LUN ${e.physicalPartition} sector ${e.startSector?.text ?? '-'} +${e.numSectors?.text ?? '-'} ${e.filename === undefined ? '' : e.filename === '' ? '(no file)' : e.filename}${e.label ? ` [${e.label}]` : ''}${e.sparse ? ' sparse' : ''}${e.vendor ? ` vendor=${e.vendor}` : ''}`,
      ),
    ],
  };
}
