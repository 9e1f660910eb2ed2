/**
 * File names for a backup's images. A partition's label comes from the modem's own
 * partition table or the package's `label=`, both hostile until checked: a label such as
 * `../../etc/x` must not choose where root writes. Each label becomes one plain file name in
 * the backup's own folder, unique even on a file system that ignores case.
 *
 * @module
 */

/** Longest name kept from a label (before `.bin` and any `_2` that keeps it unique). */
const MAX_NAME = 64;

/** A label as a plain file name: letters, digits, `_`, `-` and inner dots only. */
function plainName(label: string): string {
  const name = label
    .replace(/[^A-Za-z0-9_.-]/g, '_')
    .replace(/^[.]+/, '_')
    .slice(0, MAX_NAME);
  return name === '' ? 'partition' : name;
}

/**
 * One image file name (`NAME.bin`) per label, in order: labels that are already plain keep
 * their name; others have every other character replaced by `_`; repeats get `_2`, `_3`, ….
 */
export function backupFileNames(labels: readonly string[]): string[] {
  const taken = new Set<string>();
  return labels.map((label) => {
    const base = plainName(label);
    let name = base;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base}_${n}`;
    taken.add(name.toLowerCase());
    return `${name}.bin`;
  });
}
