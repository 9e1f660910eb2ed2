/**
 * Pure Firehose XML codec. Builds the `<data>` documents the host sends (attributes in
 * the given order, extra attributes passed through verbatim) and parses the documents a
 * programmer sends back (`<log>`, `<response>` with every attribute, `rawmode`).
 *
 * @module
 */
import { FirehoseXmlError } from '../errors.js';
import {
  escapeAttribute,
  parseXmlElements,
  attributeValue,
  type Attribute,
  type XmlElement,
} from '../xml-elements.js';

export type { Attribute } from '../xml-elements.js';

/** One Firehose command or reply element: tag plus attributes in order. */
export interface FirehoseElement {
  readonly tag: string;
  readonly attributes: readonly Attribute[];
}

const HOST_PROLOGUE = '<?xml version="1.0" encoding="UTF-8" ?><data>';
const DEVICE_PROLOGUE = '<?xml version="1.0" encoding="UTF-8" ?>\n<data>\n';

/** How a document is laid out: hosts send one line; programmers put newlines after the prologue and `<data>`. */
export type DocumentStyle = 'host' | 'device';

function renderElement({ tag, attributes }: FirehoseElement, spaceBeforeClose = true): string {
  if (!/^[A-Za-z_][\w.-]*$/.test(tag)) {
    throw new FirehoseXmlError(
      'QFH_FIREHOSE_BAD_ATTRIBUTE',
      `"${tag}" is not a valid Firehose element name`,
    );
  }
  const attrs = attributes.map(([name, value]) => {
    if (!/^[A-Za-z_][\w.:-]*$/.test(name)) {
      throw new FirehoseXmlError(
        'QFH_FIREHOSE_BAD_ATTRIBUTE',
        `"${name}" is not a valid attribute name on <${tag}>`,
      );
    }
    return ` ${name}="${escapeAttribute(value)}"`;
  });
  return `<${tag}${attrs.join('')}${spaceBeforeClose ? ' ' : ''}/>`;
}

/**
 * Renders elements as one Firehose document (UTF-8 text). `spaceBeforeClose: false` writes
 * `"/>` as the MDM9607 NAND programmer writes its logs.
 */
export function buildDocument(
  elements: readonly FirehoseElement[],
  style: DocumentStyle = 'host',
  spaceBeforeClose = true,
): string {
  const body = elements
    .map((e) => renderElement(e, spaceBeforeClose))
    .join(style === 'host' ? '' : '\n');
  return `${style === 'host' ? HOST_PROLOGUE : DEVICE_PROLOGUE}${body}</data>`;
}

/** Encodes a document to the bytes written to the transport. */
export function encodeDocument(
  elements: readonly FirehoseElement[],
  style: DocumentStyle = 'host',
): Uint8Array {
  return new TextEncoder().encode(buildDocument(elements, style));
}

/**
 * Parses any Firehose document into the elements inside `<data>`.
 * @throws FirehoseXmlError when the text is not well-formed or has no `<data>` root.
 */
export function parseDocument(text: string): FirehoseElement[] {
  const parsed = parseXmlElements(text);
  if ('problem' in parsed) {
    const { message, line, column } = parsed.problem;
    throw new FirehoseXmlError(
      'QFH_FIREHOSE_XML_MALFORMED',
      `malformed Firehose XML at ${line}:${column}: ${message}`,
    );
  }
  const data = parsed.elements.find((e: XmlElement) => e.tag === 'data');
  if (!data)
    throw new FirehoseXmlError(
      'QFH_FIREHOSE_XML_NO_DATA',
      'Firehose document has no <data> element',
    );
  return data.children.map(({ tag, attributes }) => ({ tag, attributes }));
}

/** What a programmer said in one element. */
export type DeviceMessage =
  | { readonly kind: 'log'; readonly value: string }
  | {
      readonly kind: 'response';
      /** `ACK` or `NAK` on every programmer seen; kept as text so anything else is visible. */
      readonly value: string;
      /** `rawmode="true"` / `"false"`, or `undefined` when absent (configure ACKs). */
      readonly rawMode: boolean | undefined;
      readonly attributes: readonly Attribute[];
    }
  | { readonly kind: 'other'; readonly tag: string; readonly attributes: readonly Attribute[] };

/** Classifies one element a programmer sent. */
export function toDeviceMessage(element: FirehoseElement): DeviceMessage {
  if (element.tag === 'log')
    return { kind: 'log', value: attributeValue(element.attributes, 'value') ?? '' };
  if (element.tag === 'response') {
    const raw = attributeValue(element.attributes, 'rawmode');
    return {
      kind: 'response',
      value: attributeValue(element.attributes, 'value') ?? '',
      rawMode: raw === undefined ? undefined : raw.toLowerCase() === 'true',
      attributes: element.attributes,
    };
  }
  return { kind: 'other', tag: element.tag, attributes: element.attributes };
}

/** Parses a device document into its messages, in order. */
export function parseDeviceDocument(text: string): DeviceMessage[] {
  return parseDocument(text).map(toDeviceMessage);
}
