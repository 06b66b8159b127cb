"""Hostile uploads (issue 17.7): time and peak memory to refuse them, next to an ordinary file of each kind.

    python -m bench.uploads

Each file goes through the same entry point as an upload (``lms.roster.plan_import`` for the roster,
``courses.importers.parse`` for a question bank), each in a fresh process so its peak RSS is its own.
The generators are used by the tests too (``tests/lms/test_roster_limits.py``, ``tests/courses/test_import_limits.py``).

Files:
- roster zip bomb: an .xlsx of 1,000,000 identical rows, a few MB packed;
- question-bank .xlsx of 100,000 rows (tens of KB packed);
- crafted text: a type marker ``[单选题]`` repeated to 5 MB;
- spread text: 1,000 markers (the most a bank may hold) with no question numbers, spread over 5 MB.
"""

import io
import multiprocessing
import os
import resource
import sys
import time
import zipfile

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)


def _row(values):
    cells = "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values)
    return f"<row>{cells}</row>"


def xlsx_with_rows(header, row, count):
    """An .xlsx whose first sheet is ``header`` then ``count`` copies of ``row``, written as a stream (the
    rows are identical, so the file packs to almost nothing: a zip bomb once ``count`` is large)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            sheet.write(_row(header).encode())
            chunk = _row(row).encode() * 1000
            for _ in range(count // 1000):
                sheet.write(chunk)
            sheet.write(_row(row).encode() * (count % 1000))
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


ROSTER_HEADER = ["工号", "姓名", "区域", "上级区域", "岗位", "入职日期", "状态", "电话"]
ROSTER_ROW = ["E0001", "张三", "杭州", "华东", "窗口柜员", "2026-09-01", "试用", "13800000000"]
BANK_HEADER = ["题型", "题干", "选项A", "选项B", "选项C", "正确答案", "答案解析"]
BANK_ROW = ["单选题", "窗口人员应提前多少分钟到岗？", "5分钟", "10分钟", "30分钟", "B", "按本单位规定。"]
FIVE_MB = 5 * 1024 * 1024


def roster_zip_bomb(rows=1_000_000):
    return xlsx_with_rows(ROSTER_HEADER, ROSTER_ROW, rows)


def question_bank_rows(rows=100_000):
    return xlsx_with_rows(BANK_HEADER, BANK_ROW, rows)


def repeated_marker_text(size=FIVE_MB - 1024):
    marker = "[单选题]".encode()
    return marker * (size // len(marker))


def spread_marker_text(markers=1000, size=FIVE_MB - 1024):
    """``markers`` type markers with no question numbers, evenly spread over ``size`` bytes of filler."""
    marker = "[单选题]".encode()
    gap = b"x" * ((size - markers * len(marker)) // markers)
    return (gap + marker) * markers


def ordinary_text(questions=20):
    return "".join(
        f"{n}.窗口人员应提前多少分钟到岗？ [单选题] *\nA.5分钟\nB.10分钟(正确答案)\nC.30分钟\n答案解析:按本单位规定。\n"
        for n in range(1, questions + 1)
    ).encode()


# ---------------------------------------------------------------- measuring


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")
    import django

    django.setup()


def _refusal(kind, data):
    """Run ``data`` through the upload entry point of ``kind``; the refusal message, or None when accepted."""
    _setup_django()
    if kind == "roster":
        from lms.roster import RosterFileError, read_rows

        try:
            for _row_ in read_rows(data, "roster.xlsx"):
                pass
        except RosterFileError as exc:
            return str(exc)
        return None
    from courses.importers import ImportError_, parse

    name = "bank.xlsx" if data[:2] == b"PK" else "bank.txt"
    try:
        bank = parse(data, name)
    except ImportError_ as exc:
        return str(exc)
    return None if not bank.errors else f"{len(bank.questions)} valid, {len(bank.errors)} errors"


def _measure(kind, data, queue):
    from django.utils import translation

    _setup_django()
    with translation.override("zh-hans"):
        start = time.perf_counter()
        outcome = _refusal(kind, data)
        seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((seconds, peak_kb, outcome))


def measure(kind, data):
    """``(seconds, peak RSS in MB, outcome)`` of one upload, in a fresh process."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_measure, args=(kind, data, queue))
    process.start()
    seconds, peak_kb, outcome = queue.get()
    process.join()
    return seconds, peak_kb / 1024, outcome


def main():
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    cases = [
        ("roster", "ordinary roster, 100 rows", xlsx_with_rows(ROSTER_HEADER, ROSTER_ROW, 100)),
        ("roster", "roster zip bomb, 1,000,000 rows", roster_zip_bomb()),
        ("bank", "ordinary question bank .xlsx, 20 rows", question_bank_rows(20)),
        ("bank", "question bank .xlsx, 100,000 rows", question_bank_rows()),
        ("bank", "ordinary question text, 20 questions", ordinary_text()),
        ("bank", "crafted text: [单选题] repeated to 5 MB", repeated_marker_text()),
        ("bank", "crafted text: 1,000 markers over 5 MB", spread_marker_text()),
    ]
    print(f"{'file':44} {'size':>10} {'seconds':>8} {'peak RSS':>9}  outcome")
    for kind, label, data in cases:
        seconds, peak_mb, outcome = measure(kind, data)
        size = f"{len(data) / 1024:,.0f} KB"
        print(f"{label:44} {size:>10} {seconds:8.2f} {peak_mb:7.0f} MB  {outcome or 'accepted'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
