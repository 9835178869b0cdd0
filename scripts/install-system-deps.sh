#!/usr/bin/env bash
# System tools the tests, the demo and the benchmarks use: file-system builders (no
# mounting needed), virtual-disk and encrypted-volume writers (qemu-img, cryptsetup), EWF tools to make E01 images, the peers we benchmark against, and
# for the web platform's tests a PostgreSQL server (started per run by
# scripts/with-postgres.sh) and Chromium (driven by Playwright); Pango and fonts for
# WeasyPrint (the committee report's PDF), and poppler-utils (pdftoppm, pdftotext) for the
# tests that render that PDF to images and read it back.
set -euo pipefail
packages=(dosfstools mtools e2fsprogs exfatprogs ntfs-3g fdisk gdisk ewf-tools sleuthkit hashdeep testdisk
  qemu-utils cryptsetup-bin xfsprogs genisoimage lvm2 apfsprogs
  postgresql chromium libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core poppler-utils)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "Installing system packages: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
