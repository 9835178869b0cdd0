#!/usr/bin/env bash
# Builds tests/data/ntfs-deleted.raw.gz: a small NTFS volume in which files were deleted by
# the NTFS driver itself (ntfs-3g), as Windows would delete them. No tool here deletes on
# NTFS without mounting, and the tests must not mount, so the image is built once with
# this script (as root, with FUSE) and kept in the repository. Content: benign synthetic
# pictures from safeguard.demo.media and short texts. Run from the project's root:
#     sudo bash scripts/make-ntfs-deleted-fixture.sh
set -euo pipefail
out="$(pwd)/tests/data/ntfs-deleted.raw.gz"
work="$(mktemp -d)"
trap 'mountpoint -q "$work/mnt" && umount "$work/mnt"; rm -rf "$work"' EXIT
truncate -s 8M "$work/n.raw"
mkntfs -q -F -L DELETED -T "$work/n.raw" >/dev/null 2>&1
mkdir "$work/mnt"
ntfs-3g "$work/n.raw" "$work/mnt"
.venv/bin/python - "$work/mnt" <<'PY'
import os, sys
from safeguard.demo.media import picture_bytes
root = sys.argv[1]
os.makedirs(f"{root}/dir/sub")
files = {
    "keep.jpg": picture_bytes(4),          # live
    "pic.jpg": picture_bytes(3),           # deleted (content in clusters)
    "gone.txt": b"a short benign note\n",  # deleted (content resident in the MFT record)
    "dir/sub/deep.jpg": picture_bytes(5),  # deleted with its folders
    "dir/stay.txt": b"benign\n",           # deleted with its folder
}
for name, data in files.items():
    with open(f"{root}/{name}", "wb") as f:
        f.write(data)
PY
sync
rm "$work/mnt/pic.jpg" "$work/mnt/gone.txt"
rm -r "$work/mnt/dir"
umount "$work/mnt"
gzip -9 -n -c "$work/n.raw" > "$out"
echo "wrote $out"
fls -r -d "$work/n.raw"
