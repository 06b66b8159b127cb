"""The certificate's own font: Noto Serif CJK SC cut down to the characters certificates print.

Rendering a PDF means subsetting every font it uses, and WeasyPrint's cost for that grows with the size of
the source font: the full Noto Serif CJK SC face (65,000 glyphs in a 26 MB collection) costs a third of a
render. Certificates print mostly the same few hundred characters plus a name, so this module builds once
(per machine and font version) a face with the same glyphs for GB 2312's 6,763 hanzi, Latin, digits and
punctuation — about 5 MB — named ``CertificateSerif`` and used first in the template's font list. A name
character outside it falls back to the full Noto face, then to Hanazono (CJK Extensions B–F), so every name
still prints; only such certificates pay for the larger subset. Built lazily under a file lock, or ahead
with ``manage.py certificates_font``.
"""

import fcntl
import functools
import hashlib
import subprocess
from pathlib import Path

from django.conf import settings

FAMILY = "CertificateSerif"
SOURCE_PATTERN = "Noto Serif CJK SC:style=Regular"
CHARSET_VERSION = "gb2312-1"


def _charset():
    chars = set()
    for b1 in range(0xA1, 0xF8):
        for b2 in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes([b1, b2]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    ranges = [(0x20, 0x250), (0x2000, 0x2070), (0x2100, 0x2200), (0x3000, 0x3040), (0xFF00, 0xFFF0)]
    for lo, hi in ranges:
        chars.update(range(lo, hi))
    return sorted(chars)


@functools.cache
def source_font():
    """(file, index) of Noto Serif CJK SC as fontconfig finds it, or None: asked of ``fc-match`` once per process
    (a process of its own each time, which cost a render a tenth of its time)."""
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}\n%{index}\n%{family}", SOURCE_PATTERN], check=True,
                             capture_output=True, text=True, timeout=30).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        return None
    if len(out) < 3 or "Noto Serif CJK SC" not in out[2]:
        return None
    return Path(out[0]), int(out[1] or 0)


def _target(source, index):
    stat = source.stat()
    key = f"{source}:{index}:{stat.st_size}:{stat.st_mtime_ns}:{CHARSET_VERSION}".encode()
    return Path(settings.CERTIFICATES_FONT_DIR) / f"certificate-serif-{hashlib.sha1(key).hexdigest()[:12]}.otf"


def build(source, index, target):
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = TTFont(str(source), fontNumber=index)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=_charset())
    subsetter.subset(font)
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = FAMILY
        elif record.nameID == 6:
            record.string = FAMILY + "-Regular"
    partial = target.with_suffix(".partial")
    font.save(str(partial))
    partial.replace(target)


def certificate_font():
    """The path of the cut-down face (built on first use), or None when Noto Serif CJK SC is not installed."""
    found = source_font()
    if found is None:
        return None
    target = _target(*found)
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one process builds; the others wait and reuse it
        if not target.exists():
            build(*found, target)
    return target
