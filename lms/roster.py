"""Roster import from the HR spreadsheet (.xlsx or .csv).

Parsing and validation are separate from applying, so the same checked rows
drive the preview (what will be created, what will change, field by field),
the command line's ``--dry-run`` and the final, atomic write. A file with any
bad row changes nothing; every bad row is reported with its row number.

Accounts are never changed silently: new staff get a login named after their
employee number with no usable password (they set one through an invitation or
an activation code, ``lms.activation``), and for existing staff only the
profile fields below, the e-mail address and the roles change, each change
listed in the preview and recorded on the ``RosterImport``.

Roles come from the 角色 column (several separated by 、): a new person without
one who is on probation becomes a 新员工. For an existing person a filled cell
is their roles as HR knows them: roles it no longer lists are taken away (only
those the importer's scope covers), a region-scoped role (培训主管…) covers the
person's region. Roles with powers beyond a region (拟任岗位负责人, 内容编辑) are
given by an administrator, not by a file.

After applying, ``lms.signals.staff_imported`` tells the domain apps whom the
import created or changed (e.g. courses applies its assignment rules).
"""

import calendar
import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from . import batching
from .models import Post, Region, RoleAssignment, RosterImport, StaffProfile
from .roles import REGION_SCOPED_ROLES, Role
from .signals import staff_imported

# Column headers as HR writes them, mapped to our field names.
COLUMNS = {
    "工号": "employee_no",
    "姓名": "name",
    "区域": "region",
    "上级区域": "parent_region",
    "岗位": "post",
    "入职日期": "hire_date",
    "状态": "status",
    "电话": "phone",
    "邮箱": "email",
    "角色": "roles",
}
REQUIRED = ("employee_no", "name", "region")
STATUS_WORDS = {
    "试用": StaffProfile.Status.PROBATION,
    "试用期": StaffProfile.Status.PROBATION,
    "转正": StaffProfile.Status.REGULAR,
    "正式": StaffProfile.Status.REGULAR,
    "probation": StaffProfile.Status.PROBATION,
    "regular": StaffProfile.Status.REGULAR,
}
MAX_ROWS = 20000
# The words HR writes in the 角色 column (and our own labels and codes).
ROLE_WORDS = {
    "新员工": Role.TRAINEE, "学员": Role.TRAINEE, "试用期员工": Role.TRAINEE,
    "导师": Role.MENTOR, "带教老师": Role.MENTOR,
    "培训负责人": Role.TRAINING_LEAD,
    "培训主管": Role.TRAINING_SUPERVISOR,
    "区域主管经理": Role.REGIONAL_MANAGER, "区域经理": Role.REGIONAL_MANAGER,
    "大区负责人": Role.REGIONAL_HEAD,
    "拟任岗位负责人": Role.POST_HEAD, "岗位负责人": Role.POST_HEAD,
    "内容编辑": Role.CONTENT_EDITOR,
    **{role.value: role for role in Role},
}
# Roles a roster gives and takes away; the others reach beyond a region and are given by an administrator.
ROSTER_ROLES = frozenset({Role.TRAINEE, Role.MENTOR} | REGION_SCOPED_ROLES)
ROLE_SEPARATORS = re.compile(r"[、,，;；/\s]+")
MAX_COLUMNS = 64  # columns read from each row of a workbook; the roster has far fewer
MAX_LENGTH = {"employee_no": 32, "name": 64, "region": 100, "parent_region": 100, "post": 100, "phone": 32,
              "email": 254, "roles": 200}
PROFILE_FIELDS = ("name", "region", "post", "hire_date", "status", "phone")


class RosterFileError(Exception):
    """The file as a whole cannot be read (wrong format, no header, too large)."""


@dataclass
class RowError:
    row: int
    message: str


@dataclass
class PlannedRow:
    row: int
    employee_no: str
    name: str
    action: str  # "create" | "update" | "unchanged"
    changes: list = field(default_factory=list)  # [(field label, old, new)]
    values: dict = field(default_factory=dict)


@dataclass
class RosterPlan:
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    new_regions: list = field(default_factory=list)
    region_parents: dict = field(default_factory=dict)  # new region name → parent name
    new_posts: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors

    def count(self, action):
        return sum(1 for r in self.rows if r.action == action)

    def summary(self):
        return {
            "create": self.count("create"),
            "update": self.count("update"),
            "unchanged": self.count("unchanged"),
            "errors": len(self.errors),
            "new_regions": list(self.new_regions),
            "new_posts": list(self.new_posts),
        }


# --- reading -----------------------------------------------------------------


def read_rows(data: bytes, filename: str):
    """Yield ``(row_number, {field: text})`` from an .xlsx or .csv file's bytes.

    Rows are streamed: a file with more than ``MAX_ROWS`` rows is refused as soon as that row is reached
    (``lms.spreadsheets`` also refuses a workbook that would unpack to more than it can hold).
    """
    name = filename.lower()
    if name.endswith(".xlsx"):
        table = _read_xlsx(data)
    elif name.endswith(".csv"):
        table = _read_csv(data)
    else:
        raise RosterFileError(_("Unsupported file type: upload an .xlsx or .csv file."))
    header = next(table, None)
    if header is None:
        raise RosterFileError(_("The file is empty."))
    header = [str(h or "").strip() for h in header]
    fields = [COLUMNS.get(h) for h in header]
    missing = [h for h, f in COLUMNS.items() if f in REQUIRED and f not in fields]
    if missing:
        raise RosterFileError(_("Missing column(s): %(columns)s") % {"columns": "、".join(missing)})
    for number, cells in enumerate(table, start=2):
        if number - 1 > MAX_ROWS:
            raise RosterFileError(_too_many_rows())
        values = {}
        for f, cell in zip(fields, cells):
            if f:
                values[f] = cell
        if all(v in (None, "") for v in values.values()):
            continue  # blank line
        yield number, values


def _too_many_rows():
    return _("The file has more than %(max)d rows.") % {"max": MAX_ROWS}


def _read_xlsx(data):
    from .spreadsheets import SpreadsheetRefused, read_sheet

    try:
        _title, rows = read_sheet(data, max_rows=MAX_ROWS, max_cols=MAX_COLUMNS, too_many=_too_many_rows())
        yield from rows
    except SpreadsheetRefused as exc:
        raise RosterFileError(str(exc)) from exc


def _read_csv(data):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterFileError(_("The CSV file is not in UTF-8 or GB18030 encoding."))
    try:
        yield from csv.reader(io.StringIO(text))
    except csv.Error as exc:
        raise RosterFileError(_("The CSV file cannot be read.")) from exc


# --- checking ----------------------------------------------------------------


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # NUL characters are spreadsheet debris, and PostgreSQL refuses them in text (a server error).
    return str(value).replace("\x00", "").strip()


DATE_TEXT = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")


def _date(value):
    """A hire date from a cell: a real Excel date, or text such as 2026-09-01, 2026/9/1, 2026.9.1, 2026年9月1日.

    The error says what is wrong: text that is not a date at all, or a date that does not exist (2026-02-30).
    """
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    written = _text(value)
    text = written.replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-").replace("日", "")
    match = DATE_TEXT.match(text.strip())
    if not match:
        raise ValueError(_("Hire date “%(value)s” is not a date: write it as YYYY-MM-DD, e.g. 2026-09-01.")
                         % {"value": written})
    year, month, day = (int(part) for part in match.groups())
    if not 1900 <= year <= 2100:
        raise ValueError(_("Hire date “%(value)s”: the year %(year)d cannot be right.")
                         % {"value": written, "year": year})
    if not 1 <= month <= 12:
        raise ValueError(_("Hire date “%(value)s” does not exist: there is no month %(month)d.")
                         % {"value": written, "month": month})
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise ValueError(_("Hire date “%(value)s” does not exist: month %(month)d of %(year)d has %(last)d days.")
                         % {"value": written, "year": year, "month": month, "last": last})
    return datetime.date(year, month, day)


def _roles(text):
    """``(roles, problems)`` from a 角色 cell: the set of roles, or ``None`` for an empty cell."""
    if not text:
        return None, []
    roles, problems = set(), []
    for word in (w for w in ROLE_SEPARATORS.split(text) if w):
        role = ROLE_WORDS.get(word.lower() if word.isascii() else word)
        if role is None:
            problems.append(_("Unknown role “%(value)s”: use 新员工, 导师, 培训负责人, 培训主管, 区域主管经理 or "
                              "大区负责人.") % {"value": word})
        elif role not in ROSTER_ROLES:
            problems.append(_("The role %(role)s is given by an administrator, not by the roster.")
                            % {"role": Role(role).label})
        else:
            roles.add(Role(role))
    return roles, problems


def _role_text(pairs):
    """「新员工、培训主管（上海区域）」 for a set of ``(role, region name or None)``."""
    order = list(Role)
    words = [f"{Role(role).label}（{region}）" if region else str(Role(role).label)
             for role, region in sorted(pairs, key=lambda pair: (order.index(pair[0]), pair[1] or ""))]
    return "、".join(words)


def _wanted_roles(roles, region_name):
    """The ``(role, region name or None)`` pairs a row asks for: region-scoped roles cover the row's region."""
    return {(role, region_name if role in REGION_SCOPED_ROLES else None) for role in roles}


def plan_import(data: bytes, filename: str, *, allowed_region_ids=None, importer=None):
    """Check every row and work out what applying the file would do. Writes nothing.

    ``allowed_region_ids``: when given (a training lead's scope), rows whose
    region is outside it are errors, and so are rows whose employee number
    belongs to someone currently outside it (a lead neither moves nor renames
    people they cannot see); roles held for regions outside it are left alone.
    ``importer``: the person importing, who cannot take their own training-lead role away.
    """
    plan = RosterPlan()
    regions = {r.name: r for r in Region.objects.all()}
    region_names = {r.pk: r.name for r in regions.values()}
    regions.update({r.code: r for r in regions.values()})
    posts = {p.name: p for p in Post.objects.all()}
    posts.update({p.code: p for p in posts.values()})
    new_region_parents = plan.region_parents
    seen = {}
    rows = list(read_rows(data, filename))
    existing = {
        p.employee_no: p
        for p in StaffProfile.objects.filter(employee_no__in=[_text(v.get("employee_no")) for _, v in rows])
        .select_related("region", "post", "user")
    }
    held = {}  # user id → [(assignment id, role, region id)] of the roles a roster manages
    for pk, user_id, role, region_id in RoleAssignment.objects.filter(
            user_id__in=[p.user_id for p in existing.values()], role__in=ROSTER_ROLES).values_list(
            "pk", "user_id", "role", "region_id"):
        held.setdefault(user_id, []).append((pk, role, region_id))
    for number, raw in rows:
        values = {k: _text(v) for k, v in raw.items() if k != "hire_date"}
        problems = []
        for f in REQUIRED:
            if not values.get(f):
                problems.append(_("%(column)s is empty") % {"column": _column_label(f)})
        for f, limit in MAX_LENGTH.items():
            if len(values.get(f, "")) > limit:
                problems.append(_("%(column)s is longer than %(max)d characters")
                                % {"column": _column_label(f), "max": limit})
        employee_no = values.get("employee_no", "")
        if employee_no:
            if employee_no in seen:
                problems.append(
                    _("Duplicate employee number %(no)s (also in row %(row)d)") % {"no": employee_no, "row": seen[employee_no]}
                )
            else:
                seen[employee_no] = number
        try:
            hire_date = _date(raw.get("hire_date"))
        except ValueError as exc:
            problems.append(str(exc))
            hire_date = None
        status_text = values.get("status", "")
        status = STATUS_WORDS.get(status_text.lower() if status_text.isascii() else status_text)
        if status_text and status is None:
            problems.append(_("Unknown status “%(value)s”: use 试用 or 转正.") % {"value": status_text})
        email = values.get("email", "")
        if email and len(email) <= MAX_LENGTH["email"]:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(_("E-mail address “%(value)s” is not valid.") % {"value": email})
        roles, role_problems = _roles(values.get("roles", ""))
        problems.extend(role_problems)
        region_name = values.get("region", "")
        region = regions.get(region_name)
        if region_name and region is None and region_name not in new_region_parents:
            parent_name = values.get("parent_region", "")
            parent = regions.get(parent_name)
            if parent is None and parent_name not in new_region_parents:
                problems.append(_("Unknown region “%(value)s”") % {"value": region_name})
            else:
                new_region_parents[region_name] = parent_name
                plan.new_regions.append(region_name)
        if allowed_region_ids is not None and region_name:
            scope_region = region or regions.get(new_region_parents.get(region_name, ""))
            if scope_region is None or scope_region.pk not in allowed_region_ids:
                problems.append(_("Region “%(value)s” is outside your scope") % {"value": region_name})
        post_name = values.get("post", "")
        if post_name and post_name not in posts and post_name not in plan.new_posts:
            plan.new_posts.append(post_name)
        current = existing.get(employee_no)
        if roles and Role.MENTOR in roles and (status or (current.status if current else None)) != \
                StaffProfile.Status.REGULAR:
            problems.append(_("A mentor must be a regular (转正) employee: write 转正 as the status, or leave out "
                              "导师."))
        if problems:
            plan.errors.extend(RowError(number, p) for p in problems)
            continue
        if region is not None:
            region_name = region.name  # a row may name a region by its code
        new = {
            "name": values["name"],
            "region": region_name,
            "post": post_name,
            "hire_date": hire_date,
            "status": status,
            "phone": values.get("phone", ""),
            "email": email,
            "roles_add": [],
            "roles_remove": [],
        }
        if current is not None and allowed_region_ids is not None and current.region_id not in allowed_region_ids:
            # The employee number belongs to someone the importer may not see: refuse the row
            # without saying who it is (their page is a 404 for this lead too).
            plan.errors.append(RowError(number, _(
                "Employee number %(no)s belongs to a person outside your regions; "
                "ask the training lead responsible for them."
            ) % {"no": employee_no}))
            continue
        if current is None:
            new["status"] = status or StaffProfile.Status.PROBATION
            if roles is None:  # a new hire on probation is a trainee unless the roster says otherwise
                roles = {Role.TRAINEE} if new["status"] == StaffProfile.Status.PROBATION else set()
            new["roles_add"] = sorted(_wanted_roles(roles, region_name), key=str)
            changes = [(_column_label("roles"), "", _role_text(new["roles_add"]))] if roles else []
            plan.rows.append(PlannedRow(number, employee_no, new["name"], "create", changes, values=new))
            continue
        old = {
            "name": current.name,
            "region": current.region.name if current.region else "",
            "post": current.post.name if current.post else "",
            "hire_date": current.hire_date,
            "status": current.status,
            "phone": current.phone,
        }
        changes = []
        for f in PROFILE_FIELDS:
            if f in ("hire_date", "status", "phone", "post") and not new[f]:
                new[f] = old[f]  # an empty optional cell keeps what we have
            if new[f] != old[f]:
                changes.append((_field_label(f), _display(f, old[f]), _display(f, new[f])))
        if email and email != current.user.email:
            changes.append((_column_label("email"), current.user.email, email))
        if roles is not None:
            # Only the roles this import may change: unscoped ones, and those of regions in the importer's scope.
            mine = [(pk, role, region_id) for pk, role, region_id in held.get(current.user_id, [])
                    if region_id is None or allowed_region_ids is None or region_id in allowed_region_ids]
            have = {(role, region_names.get(region_id)): pk for pk, role, region_id in mine}
            want = _wanted_roles(roles, region_name)
            new["roles_add"] = sorted(want - set(have), key=str)
            new["roles_remove"] = sorted(pk for pair, pk in have.items() if pair not in want)
            if importer is not None and current.user_id == importer.pk and any(
                    role == Role.TRAINING_LEAD and pk in new["roles_remove"] for pk, role, _r in mine):
                plan.errors.append(RowError(number, _("You cannot take your own training-lead role away through "
                                                      "the roster.")))
                continue
            if set(have) != want:
                changes.append((_column_label("roles"), _role_text(set(have)), _role_text(want)))
        plan.rows.append(
            PlannedRow(number, employee_no, new["name"], "update" if changes else "unchanged", changes, new)
        )
    return plan


def _column_label(name):
    return next(header for header, field_name in COLUMNS.items() if field_name == name)


def _field_label(name):
    return str(StaffProfile._meta.get_field(name).verbose_name)


def _display(name, value):
    if name == "status" and value:
        return str(StaffProfile.Status(value).label)
    return value if value not in (None, "") else ""


# --- applying ----------------------------------------------------------------


@transaction.atomic
def apply_plan(plan, *, user=None, filename=""):
    """Write a checked plan in one transaction; refuses a plan with errors.

    Sends ``staff_imported`` (in the transaction) with the people created or changed.
    """
    if not plan.ok:
        raise ValueError("A roster with errors cannot be applied.")
    regions = {r.name: r for r in Region.objects.all()}
    regions.update({r.code: r for r in Region.objects.all()})
    posts = {p.name: p for p in Post.objects.all()}
    posts.update({p.code: p for p in Post.objects.all()})
    for name in plan.new_posts:
        posts[name] = Post.objects.create(name=name, code=_free_code(Post, "post"))
    # New regions hang under a known region or under another new one of this file.
    pending = list(plan.new_regions)
    while pending:
        ready = [name for name in pending if plan.region_parents[name] in regions]
        if not ready:
            raise ValueError("Region parents form a cycle.")
        for name in ready:
            regions[name] = Region.objects.create(
                name=name, code=_free_code(Region, "region"), parent=regions[plan.region_parents[name]]
            )
            pending.remove(name)

    # What other apps derive per person (progress rows) is refreshed once, for everyone, at the end of the block.
    with batching.collecting():
        touched = _write_rows(plan, regions, posts)
        record = RosterImport.objects.create(
            imported_by=user,
            filename=filename[:200],
            created=plan.count("create"),
            updated=plan.count("update"),
            unchanged=plan.count("unchanged"),
            changes=[
                {"row": r.row, "employee_no": r.employee_no, "action": r.action,
                 "changes": [[f, str(old), str(new)] for f, old, new in r.changes]}
                for r in plan.rows if r.action != "unchanged"
            ],
        )
        staff_imported.send(sender=RosterImport, users=touched, by=user, record=record)
    return record


def _write_rows(plan, regions, posts):
    """Create or update the accounts, profiles and roles of ``plan``'s rows; the accounts touched."""
    from .services import assign_role

    User = get_user_model()
    profiles = {
        p.employee_no: p
        for p in StaffProfile.objects.filter(employee_no__in=[r.employee_no for r in plan.rows]).select_related("user")
    }
    touched = []
    for row in plan.rows:
        v = row.values
        fields = {
            "name": v["name"],
            "region": regions[v["region"]],
            "post": posts.get(v["post"]) if v["post"] else None,
            "hire_date": v["hire_date"],
            "status": v["status"],
            "phone": v["phone"] or "",
        }
        if row.action == "create":
            username = row.employee_no
            if User.objects.filter(username=username).exists():
                username = f"{row.employee_no}-{row.row}"
            account = User(username=username, email=v["email"])
            account.set_unusable_password()
            account.save()
            StaffProfile.objects.create(user=account, employee_no=row.employee_no, **fields)
        elif row.action == "update":
            profile = profiles[row.employee_no]
            for key, value in fields.items():
                setattr(profile, key, value)
            profile.save()
            account = profile.user
            if v["email"] and v["email"] != account.email:
                account.email = v["email"]
                account.save(update_fields=["email"])
        else:
            continue
        RoleAssignment.objects.filter(user=account, pk__in=v["roles_remove"]).delete()
        for role, region_name in v["roles_add"]:
            assign_role(user=account, role=role, region=regions[region_name] if region_name else None)
        touched.append(account)
    return touched


def _free_code(model, prefix):
    number = model.objects.count() + 1
    while model.objects.filter(code=f"{prefix}-{number}").exists():
        number += 1
    return f"{prefix}-{number}"


def template_workbook():
    """An .xlsx template with the headers and one example row."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "花名册"
    sheet.append(list(COLUMNS))
    sheet.append(["T2026101", "示例姓名", "上海区域", "华东大区", "大堂经理", "2026-09-01", "试用", "13800000000",
                  "t2026101@example.cn", "新员工"])
    for column in "ABCDEFGHIJ":
        sheet.column_dimensions[column].width = 14
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
