/**
 * Reader for Qualcomm's `contents.xml` build manifest (pure). qfh uses it for the
 * product/chip identity and the files it names; the Firehose programmer is usually not
 * among them (Quectel's names the legacy NPRG streaming programmer), so discovery does
 * not rely on it.
 *
 * @module
 */
import { PackageError } from '../errors.js';
import { parseXmlElements, type XmlElement } from '../xml-elements.js';

/** A file the manifest names. */
export interface ContentsFile {
  /** `download_file`, `flash_programmer`, `partition_file`, ... */
  readonly role: string;
  readonly build: string | undefined;
  /** Package-relative path, forward slashes. */
  readonly path: string;
}

/** What qfh reads from contents.xml. */
export interface ContentsManifest {
  readonly productName: string | undefined;
  readonly chipId: string | undefined;
  readonly hlosType: string | undefined;
  readonly files: readonly ContentsFile[];
}

function text(el: XmlElement | undefined): string | undefined {
  return el?.text;
}

function child(el: XmlElement, tag: string): XmlElement | undefined {
  return el.children.find((c) => c.tag === tag);
}

/** Parses contents.xml text (BOM and mixed line endings accepted). */
export function parseContentsManifest(source: string, file = 'contents.xml'): ContentsManifest {
  const parsed = parseXmlElements(source);
  if ('problem' in parsed) {
    throw new PackageError(
      'QFH_PACKAGE_XML',
      `${file}: not well-formed XML at ${parsed.problem.line}:${parsed.problem.column}: ${parsed.problem.message}`,
    );
  }
  const root = parsed.elements.find((e) => e.tag === 'contents');
  if (!root) throw new PackageError('QFH_PACKAGE_XML', `${file}: no <contents> root element`);
  const info = child(root, 'product_info');
  const files: ContentsFile[] = [];
  const builds = child(root, 'builds_flat')?.children.filter((b) => b.tag === 'build') ?? [];
  for (const build of builds) {
    const name = text(child(build, 'name'))?.trim();
    for (const entry of build.children) {
      const fileName = text(child(entry, 'file_name'))?.trim();
      if (!fileName) continue;
      const dir = (text(child(entry, 'file_path'))?.trim() ?? '').replace(/\\/g, '/');
      files.push({
        role: entry.tag,
        build: name,
        path: `${dir}${dir === '' || dir.endsWith('/') ? '' : '/'}${fileName}`.replace(
          /^\.?\/+/,
          '',
        ),
      });
    }
  }
  return {
    productName: text(info && child(info, 'product_name'))?.trim(),
    chipId: text(info && child(info, 'chipid'))?.trim(),
    hlosType: text(info && child(info, 'hlos_type'))?.trim(),
    files,
  };
}
