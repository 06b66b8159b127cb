"""Reading uploaded .xlsx files with bounded work: the roster and the question bank both come through here.

An .xlsx is a zip of XML. A small upload can unpack to gigabytes (a "zip bomb": a million identical rows
compress to a few megabytes), so:

- the sizes the zip declares for its parts are checked before anything is parsed (a part that is bigger
  than declared fails its CRC check while being read), and the rows of each sheet are counted by a byte scan
  that stops at the limit;
- rows are streamed (openpyxl read-only mode) and reading stops as soon as the row limit is passed;
- only the first ``max_cols`` columns of a row are read, whatever width the sheet claims.

Each refusal is a ``SpreadsheetRefused`` with a message for the person who uploaded the file.
"""

import io
import re
import zipfile

from django.utils.translation import gettext as _

MAX_UNPACKED_BYTES = 32 * 1024 * 1024  # every part of the workbook together, unpacked
MAX_SHARED_STRINGS_BYTES = 16 * 1024 * 1024  # read whole by openpyxl, so bounded on its own
ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
SCAN_CHUNK = 1024 * 1024
SCAN_OVERLAP = 64  # longer than any row tag, so a tag across two chunks is counted once


class SpreadsheetRefused(ValueError):
    """The file is not a readable workbook, or reading it would take unbounded work."""


def _unreadable():
    return SpreadsheetRefused(_("This is not a readable .xlsx file."))


def check_workbook(data, *, max_rows, too_many, max_bytes=MAX_UNPACKED_BYTES,
                   max_shared_strings=MAX_SHARED_STRINGS_BYTES):
    """Refuse a workbook before openpyxl reads it: parts that unpack to more than the limits, or a sheet with more
    than ``max_rows`` rows after its header. (openpyxl scans a whole sheet when it does not state its size, and
    reads the shared strings whole, so these are checked here, with a byte scan that stops at the limit.)"""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            total = sum(part.file_size for part in parts)
            shared = sum(part.file_size for part in parts if part.filename.lower().endswith("sharedstrings.xml"))
            if total > max_bytes or shared > max_shared_strings:
                raise SpreadsheetRefused(
                    _("The Excel file is too large once unpacked (over %(max)d MB): split it into smaller files.")
                    % {"max": max_bytes // (1024 * 1024)}
                )
            for part in parts:
                name = part.filename.lower()
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    if _count_rows(archive, part, stop_after=max_rows + 1) > max_rows + 1:
                        raise SpreadsheetRefused(too_many)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        if isinstance(exc, SpreadsheetRefused):
            raise
        raise _unreadable() from exc


def _count_rows(archive, part, *, stop_after):
    """Row elements in a sheet part, counted until there are more than ``stop_after``."""
    count, tail = 0, b""
    with archive.open(part) as stream:
        while True:
            chunk = stream.read(SCAN_CHUNK)
            buffer = tail + chunk
            if not chunk:
                return count + len(ROW_TAG.findall(buffer))
            cut = max(len(buffer) - SCAN_OVERLAP, 0)
            count += sum(1 for match in ROW_TAG.finditer(buffer) if match.start() < cut)
            tail = buffer[cut:]
            if count > stop_after:
                return count


def read_sheet(data, *, max_rows, max_cols, too_many):
    """``(title, rows)`` of the first sheet: ``rows`` yields tuples of cell values (at most ``max_cols`` each),
    header row included.

    ``rows`` raises ``SpreadsheetRefused(too_many)`` as soon as the sheet holds more than ``max_rows`` rows after
    the header, blank rows included; nothing after that row is read.
    """
    from openpyxl import load_workbook

    check_workbook(data, max_rows=max_rows, too_many=too_many)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise _unreadable() from exc
    return sheet.title, _rows(workbook, sheet, max_rows=max_rows, max_cols=max_cols, too_many=too_many)


def _rows(workbook, sheet, *, max_rows, max_cols, too_many):
    try:
        rows = sheet.iter_rows(max_col=max_cols, values_only=True)
        number = 0
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # a part that breaks while streaming (bad XML, CRC or size mismatch)
                raise _unreadable() from exc
            if number > max_rows:
                raise SpreadsheetRefused(too_many)
            number += 1
            yield row
    finally:
        workbook.close()
