/**
 * A NAND boot loader (sbl1) laid out as a 9x07 PBL reads it and Quectel ships it: the first
 * pages each start with the boot codeword (0x844BDCD1 0x73D71034 0x7D0B435A, the rest of the
 * page erased), one more page is erased, and the ELF starts after them: at 0x2800 on 2 KiB
 * pages, as in every EG25-G sbl1.mbn of github.com/Biktorgj/quectel_eg25_recovery. Hosts
 * such as bkerler/edl test that codeword at sector 0 to know a device is NAND before they
 * look for its partition table. On 4 KiB-page profiles (SDX55) the same page count is a
 * guess: no SDX sbl1 is in the captures.
 *
 * @module
 */

/** The codeword words, little-endian at the start of each header page. */
const CODEWORD = [0x844bdcd1, 0x73d71034, 0x7d0b435a] as const;
const HEADER_PAGES = 4;
const ERASED_PAGES = 1;

/** Where the ELF starts in a NAND boot image with `pageSize` pages. */
export function nandBootElfOffset(pageSize: number): number {
  return (HEADER_PAGES + ERASED_PAGES) * pageSize;
}

/** `elf` behind the codeword pages and the erased one. */
export function nandBootImage(elf: Uint8Array, pageSize: number): Uint8Array {
  const out = new Uint8Array(nandBootElfOffset(pageSize) + elf.length).fill(0xff);
  const view = new DataView(out.buffer);
  for (let page = 0; page < HEADER_PAGES; page++)
    CODEWORD.forEach((word, i) => view.setUint32(page * pageSize + i * 4, word, true));
  out.set(elf, nandBootElfOffset(pageSize));
  return out;
}

/** Whether `page` starts with the boot codeword. */
export function startsWithCodeword(page: Uint8Array): boolean {
  if (page.length < 12) return false;
  const view = new DataView(page.buffer, page.byteOffset, 12);
  return CODEWORD.every((word, i) => view.getUint32(i * 4, true) === word);
}
