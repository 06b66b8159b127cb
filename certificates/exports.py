"""The certified-staff table (``manage.py export_certified``), through lms.exports like every export."""

from lms.exports import table_response

COLUMNS = ["employee_no", "name", "program", "issued_on", "expires_on", "status", "code", "verify_url"]


def certified_table(certificates):
    rows = (
        [
            c.employee_no,
            c.holder_name,
            c.program_name,
            c.issued_on.isoformat(),
            c.expires_on.isoformat() if c.expires_on else "",
            c.effective_status,
            c.code,
            c.get_verify_url(),
        ]
        for c in certificates
    )
    return COLUMNS, rows


def certified_file(certificates, fmt):
    headers, rows = certified_table(certificates)
    return table_response(headers, rows, filename="certified", fmt=fmt).content
