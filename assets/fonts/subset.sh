#!/bin/sh
# Regenerate assets/fonts/NotoSansSC-report.otf, the font the PDF report embeds.
#
# Source: Noto Sans CJK SC Regular (SIL Open Font License 1.1, see OFL.txt), from the Debian
# package fonts-noto-cjk (/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc, face 2 = SC).
# Tool: pyftsubset from fontTools (pip install fonttools).
#
# The subset keeps ASCII, Latin-1, the punctuation and symbols the report prints, every
# character of the en and zh-CN catalogues, the glossary words in extra-chars.txt and the
# 3755 level-1 characters of GB 2312 (common Chinese for the patient's own notes). Characters
# outside it are drawn from a system CJK font when one exists (see src/export/pdf.rs).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
src=${NOTO_CJK:-/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc}
chars=$(mktemp)
trap 'rm -f "$chars"' EXIT
python3 - "$root" "$chars" <<'PY'
import pathlib, sys
root, out = pathlib.Path(sys.argv[1]), sys.argv[2]
text = "".join(chr(c) for c in range(0x20, 0x7F)) + "".join(chr(c) for c in range(0xA0, 0x100))
for p in sorted((root / "assets/locales").rglob("*.toml")):
    text += p.read_text(encoding="utf-8")
text += (root / "assets/fonts/extra-chars.txt").read_text(encoding="utf-8")
for hi in range(0xB0, 0xD8):
    for lo in range(0xA1, 0xFF):
        try:
            text += bytes([hi, lo]).decode("gb2312")
        except UnicodeDecodeError:
            pass
chars = sorted(set(c for c in text if c >= " "))
pathlib.Path(out).write_text("".join(chars), encoding="utf-8")
PY
pyftsubset "$src" --font-number=2 --text-file="$chars" \
  --output-file="$here/NotoSansSC-report.otf" \
  --layout-features='kern,liga,locl,ccmp' --no-hinting \
  --name-IDs='*' --name-legacy --drop-tables+=VORG,vhea,vmtx
ls -l "$here/NotoSansSC-report.otf"
