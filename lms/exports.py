"""Tables as .xlsx and .csv downloads with Chinese headers.

A table is a list of column headers and an iterable of rows; every export in
the product goes through ``table_response`` so they all behave alike (UTF-8
with BOM for Excel on Windows, a safe file name, formulas neutralised).
"""

import csv
import io

from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _, pgettext

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@")


def _safe(value):
    """Keep spreadsheet programs from running a cell as a formula (CSV injection)."""
    if isinstance(value, Promise):  # a lazily translated label
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return "" if value is None else value


def table_response(headers, rows, *, filename, fmt):
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([_safe(v) for v in row])
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=filename[:31])
        sheet.append([_safe(h) for h in headers])
        for row in rows:
            sheet.append([_safe(v) for v in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def roster_table(profiles, columns=()):
    """Headers and rows of the people list as shown on the screen (``columns``: see lms.people)."""
    headers = [_("Employee number"), pgettext("person", "Name"), _("Region"), _("Post"), _("Status"), _("Hire date"),
               *(c.header for c in columns)]
    rows = (
        [
            p.employee_no,
            p.name,
            p.region.name if p.region else "",
            p.post.name if p.post else "",
            p.get_status_display(),
            p.hire_date.isoformat() if p.hire_date else "",
            *(getattr(p, c.key) or "" for c in columns),
        ]
        for p in profiles
    )
    return headers, rows
