/**
 * Ordered XML element reading shared by the Firehose codec and the package reader.
 * Both need every attribute verbatim and in document order (vendor attributes are
 * forwarded untouched: dropping one turned a Quectel vendor `<erase>` into a
 * whole-device wipe, research/captures.md §2.2), which plain object-mapping XML
 * readers do not promise. Parsing is fast-xml-parser's; this module only reshapes.
 *
 * @module
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** One attribute, `[name, value]`, value with XML entities decoded. */
export type Attribute = readonly [name: string, value: string];

/** An element with its attributes in document order and its child elements. */
export interface XmlElement {
  readonly tag: string;
  readonly attributes: readonly Attribute[];
  readonly children: readonly XmlElement[];
  /** The element's own text (its direct text nodes joined), entities decoded. */
  readonly text: string;
}

/** Why a text is not well-formed XML: message plus 1-based line and column. */
export interface XmlProblem {
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  preserveOrder: true,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

type Node = Record<string, unknown> & { ':@'?: Record<string, string> };

function toElements(nodes: readonly Node[]): XmlElement[] {
  const out: XmlElement[] = [];
  for (const node of nodes) {
    const tag = Object.keys(node).find((k) => k !== ':@');
    if (tag === undefined || tag === '#text' || tag === '#comment' || tag.startsWith('?')) continue;
    const children = Array.isArray(node[tag]) ? (node[tag] as Node[]) : [];
    out.push({
      tag,
      attributes: Object.entries(node[':@'] ?? {}).map(([k, v]) => [k, String(v)] as const),
      children: toElements(children),
      text: children.map((c) => (typeof c['#text'] === 'string' ? c['#text'] : '')).join(''),
    });
  }
  return out;
}

/**
 * Parses XML text into its top-level elements. A leading UTF-8 BOM is ignored; line
 * endings may be mixed. Returns the problem instead of throwing so each caller can raise
 * its own error family.
 */
export function parseXmlElements(
  text: string,
): { elements: XmlElement[] } | { problem: XmlProblem } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const valid = XMLValidator.validate(body, { allowBooleanAttributes: false });
  if (valid !== true) {
    return { problem: { message: valid.err.msg, line: valid.err.line, column: valid.err.col } };
  }
  try {
    return { elements: toElements(parser.parse(body) as Node[]) };
  } catch (e) {
    // The validator and the parser disagree on some inputs (found by property tests).
    return { problem: { message: e instanceof Error ? e.message : String(e), line: 0, column: 0 } };
  }
}

/** The value of attribute `name` (exact, case-sensitive), or `undefined`. */
export function attributeValue(attributes: readonly Attribute[], name: string): string | undefined {
  return attributes.find(([k]) => k === name)?.[1];
}

/** Case-insensitive lookup, for manifests whose attribute case varies between vendors. */
export function attributeValueIgnoreCase(
  attributes: readonly Attribute[],
  name: string,
): string | undefined {
  const lower = name.toLowerCase();
  return attributes.find(([k]) => k.toLowerCase() === lower)?.[1];
}

/**
 * `attributes` with `overrides` applied: an existing attribute keeps its position and gets
 * the new value; a new one is appended. Nothing is dropped.
 */
export function withAttributes(
  attributes: readonly Attribute[],
  overrides: readonly Attribute[],
): Attribute[] {
  const out: Attribute[] = attributes.map(([k, v]) => [k, v] as const);
  for (const [name, value] of overrides) {
    const at = out.findIndex(([k]) => k === name);
    if (at >= 0) out[at] = [name, value];
    else out.push([name, value]);
  }
  return out;
}

/** Escapes a value for a double-quoted XML attribute. */
export function escapeAttribute(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** Text for an XML comment: a `--` inside one (or a `-` at its end) would end or break it. */
export function escapeComment(text: string): string {
  return text.replace(/-(?=-|$)/g, '- ');
}
