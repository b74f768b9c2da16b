#!/usr/bin/env bash
# Regenerates the embedded font subsets in this folder from Debian's packages.
# Needs apt-get (to download .deb files, no install), dpkg-deb and python3 (fonttools
# is installed into a throw-away virtualenv). Run from anywhere:
#   bash fonts/regenerate.sh
# Character sets (sets/): tgh8105.txt = the 8,105 characters of 通用规范汉字表,
# gb2312_hanzi.txt = the 6,763 GB2312 hanzi (both from Unihan: kTGH, kGB0),
# common.unicodes = ASCII, Latin-1, punctuation, full-width forms, circled numbers,
# Roman numerals, GB2312's 682 symbols and the units of measure summaries write
# (㎡ ㎏ ㎞ ㏄ ℉ …).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

apt-get download fonts-noto-cjk fonts-noto-cjk-extra fonts-lxgw-wenkai texlive-lang-chinese
for deb in *.deb; do dpkg-deb -x "$deb" x; done
python3 -m venv v
v/bin/pip install -q fonttools

# Unicode lists: the common set plus the hanzi of one list. `locl` is dropped so the
# Japanese, Korean and Traditional variants of the Noto faces stay out of the subset.
to_unicodes() { python3 -c 'import sys; print("\n".join("U+%04X" % ord(c) for c in sys.stdin.read() if not c.isspace()))'; }
# Headings, the title and 楷体 print any text the body can: both lists together (the
# 8,105 list lacks 125 GB2312 hanzi such as 後 摺 砦 and the radicals 亻 氵 扌).
{ cat "$here/sets/common.unicodes"; cat "$here/sets/tgh8105.txt" "$here/sets/gb2312_hanzi.txt" | to_unicodes | sort -u; } > tgh.unicodes
{ cat "$here/sets/common.unicodes"; to_unicodes < "$here/sets/gb2312_hanzi.txt"; } > gb2312.unicodes
# Characters of the 8,105 list that GB2312 lacks, plus the page-number dash: the filler.
python3 - "$here/sets" > filler.unicodes <<'PY'
import sys
sets = sys.argv[1]
tgh = set(open(f"{sets}/tgh8105.txt").read())
gb = set(open(f"{sets}/gb2312_hanzi.txt").read())
extra = sorted(c for c in tgh - gb if not c.isspace())
common = [l.strip() for l in open(f"{sets}/common.unicodes") if l.strip()]
print("\n".join(common + ["U+%04X" % ord(c) for c in extra]))
PY

noto=x/usr/share/fonts/opentype/noto
subset() { # font index unicodes output
  v/bin/pyftsubset "$1" --font-number="$2" --unicodes-file="$3" --output-file="$here/$4" \
    --layout-features-=locl --no-hinting
}
subset "$noto/NotoSerifCJK-Bold.ttc" 2 tgh.unicodes NotoSerifCJKsc-Bold-subset.ttf
subset "$noto/NotoSerifCJK-Regular.ttc" 2 filler.unicodes NotoSerifCJKsc-Regular-subset.ttf
subset "$noto/NotoSansCJK-Medium.ttc" 2 tgh.unicodes NotoSansCJKsc-Medium-subset.ttf
subset x/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/FandolFang-Regular.otf 0 \
  gb2312.unicodes FandolFang-Regular-subset.ttf

# The Noto and Fandol faces draw with cubic (CFF) outlines. Every PDF embeds a subset of
# each face it uses, and subsetting CFF (decompiling charstrings, evaluating them for
# bounding boxes) was a third of the cost of a PDF; TrueType outlines are copied as they
# are. Convert once here, with cu2qu's 1-unit tolerance (1/1000 em: 0.006 mm at 16 pt).
otf2ttf() {
  v/bin/python - "$1" <<'PY'
import sys
from fontTools.ttLib import TTFont, newTable
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
path = sys.argv[1]
font = TTFont(path)
glyph_set = font.getGlyphSet()
glyf = newTable("glyf")
glyf.glyphOrder = font.getGlyphOrder()
glyf.glyphs = {}
for name in glyf.glyphOrder:
    pen = TTGlyphPen(glyph_set)
    # CFF contours run counter-clockwise, TrueType ones clockwise.
    glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
    glyf[name] = pen.glyph()
font["glyf"] = glyf
font["loca"] = newTable("loca")
maxp = newTable("maxp")
maxp.tableVersion = 0x00010000
for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
              "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
              "maxComponentElements"):
    setattr(maxp, field, 0)
maxp.maxZones = 1
maxp.numGlyphs = font["maxp"].numGlyphs
font["maxp"] = maxp
font["head"].glyphDataFormat = 0
font["post"].formatType = 3.0
for tag in ("CFF ", "VORG"):
    if tag in font:
        del font[tag]
font.sfntVersion = "\x00\x01\x00\x00"
font.save(path)
PY
}
pids=()
for face in NotoSerifCJKsc-Bold NotoSerifCJKsc-Regular NotoSansCJKsc-Medium FandolFang-Regular; do
  otf2ttf "$here/$face-subset.ttf" & pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
subset x/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf 0 tgh.unicodes \
  WenKaiSubset-Regular.ttf

# LXGW WenKai reserves the names "LXGW" and "霞鹜": the modified (subset) font gets
# a new family name.
v/bin/python - "$here/WenKaiSubset-Regular.ttf" <<'PY'
import sys
from fontTools.ttLib import TTFont
path = sys.argv[1]
font = TTFont(path)
names = {1: "AnnualReport Kai", 2: "Regular", 3: "AnnualReport Kai Regular",
         4: "AnnualReport Kai Regular", 6: "AnnualReportKai-Regular",
         16: "AnnualReport Kai", 17: "Regular"}
name = font["name"]
for record in list(name.names):
    if record.nameID in names or record.nameID in (18, 21, 22):
        name.removeNames(nameID=record.nameID)
for name_id, value in names.items():
    name.setName(value, name_id, 3, 1, 0x409)
    name.setName(value, name_id, 1, 0, 0)
font.save(path)
PY

# Record where each face came from.
{
  echo "# Generated by fonts/regenerate.sh from these Debian packages:"
  for deb in *.deb; do dpkg-deb -f "$deb" Package Version | paste -sd' ' -; done
} > "$here/SOURCES.generated"
ls -l "$here"/*.ttf
