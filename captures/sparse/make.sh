#!/usr/bin/env bash
# Reference sparse images made by AOSP libsparse (Debian package
# android-sdk-libsparse-utils: img2simg, simg2img), an implementation independent of qfh.
# Run from this folder: `bash make.sh`. It rewrites the *.simg files and expected.txt.
# expected.txt holds, per image, the size and sha256 of what simg2img expands it to;
# test/sparse/img2simg-fixtures.test.ts checks qfh expands each to the same bytes.
# The raw inputs are generated deterministically (seeded), used and deleted. This
# img2simg writes file holes as FILL 0, never DONT_CARE (see `simg_dump -v`).
set -euo pipefail
command -v img2simg >/dev/null || { echo "apt-get install android-sdk-libsparse-utils" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

python3 - "$tmp" <<'PY'
import os, random, sys
d = sys.argv[1]
rnd = random.Random(20261125)
def blocks(path, size, spec):
    # spec: list of (kind, count) with kind in rand/zero/hole/fill:XX ; holes leave a real
    # file hole (seek), which img2simg writes as DONT_CARE.
    with open(path, 'wb') as f:
        for kind, count in spec:
            n = size * count
            if kind == 'rand': f.write(bytes(rnd.getrandbits(8) for _ in range(n)))
            elif kind == 'zero': f.write(bytes(n))
            elif kind == 'hole': f.seek(n, os.SEEK_CUR)
            elif kind.startswith('fill:'): f.write(bytes.fromhex(kind[5:]) * (n // 4))
        f.truncate(f.tell())
blocks(f'{d}/mixed-4096.raw', 4096, [('rand',2),('zero',1),('fill:aabbccdd',3),('hole',4),('rand',1),('fill:00000001',2),('rand',3)])
blocks(f'{d}/nand-2048.raw', 2048, [('rand',5),('fill:ffffffff',20),('rand',1),('hole',10),('rand',2)])
blocks(f'{d}/eraseblock-131072.raw', 131072, [('rand',1),('hole',3),('fill:ffffffff',2),('rand',1)])
blocks(f'{d}/large-fill-4096.raw', 4096, [('rand',1),('fill:5a5a5a5a',8192),('hole',8192),('rand',1)])
# A length that is not a whole number of blocks: libsparse pads the last block.
with open(f'{d}/odd-tail-4096.raw', 'wb') as f: f.write(bytes(rnd.getrandbits(8) for _ in range(4096 * 2 + 1000)))
PY

: > expected.txt
for name in mixed-4096 nand-2048 eraseblock-131072 large-fill-4096 odd-tail-4096; do
  bs=${name##*-}
  img2simg "$tmp/$name.raw" "$name.simg" "$bs"
  simg2img "$name.simg" "$tmp/$name.out"
  echo "$name.simg $(stat -c %s "$tmp/$name.out") $(sha256sum "$tmp/$name.out" | cut -d' ' -f1)" >> expected.txt
done
cat expected.txt
