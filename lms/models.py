"""People and organisation: regions, posts, staff profiles and their roles.

The Django ``User`` stays the login identity; everything an organisation knows
about a person (employee number, Chinese name, region, post, probation status)
lives on ``StaffProfile``. Roles are rows of ``RoleAssignment`` so one person
can hold several (a mentor who is also a post head) and each role carries its
scope (the region or post it covers).
"""

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from .roles import POST_SCOPED_ROLES, REGION_SCOPED_ROLES, Role


class Region(models.Model):
    """A region (区域) or a larger region (大区) that contains others.

    The hierarchy is shallow (大区 → 区域); ``with_descendants`` walks it so a
    lead or head of a 大区 covers every 区域 under it.
    """

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def clean(self):
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk:
                raise ValidationError({"parent": _("A region cannot be inside itself.")})
            ancestor = ancestor.parent

    TREE_CACHE_KEY = "lms:region-tree"

    @classmethod
    def tree(cls):
        """``{region id: parent id}`` for every region: one query, then kept in the cache until a region changes
        (a page asks for it from several places; an organisation has few regions and changes them rarely)."""
        tree = cache.get(cls.TREE_CACHE_KEY)
        if tree is None:
            tree = dict(cls.objects.values_list("pk", "parent_id"))
            cache.set(cls.TREE_CACHE_KEY, tree, 3600)
        return tree

    @classmethod
    def forget_tree(cls, **kwargs):
        """A region was saved or deleted: drop the cached tree now and again when the change is committed (a
        request reading the tree meanwhile must not keep the old one)."""
        cache.delete(cls.TREE_CACHE_KEY)
        transaction.on_commit(lambda: cache.delete(cls.TREE_CACHE_KEY))

    @staticmethod
    def below(tree, region_ids):
        """The given region ids plus every region under them, walking ``tree`` (from ``Region.tree()``)."""
        children = {}
        for pk, parent_id in tree.items():
            children.setdefault(parent_id, []).append(pk)
        found, frontier = set(region_ids), list(region_ids)
        while frontier:
            frontier = [child for r in frontier for child in children.get(r, ()) if child not in found]
            found.update(frontier)
        return found

    @staticmethod
    def above(tree, region_ids):
        """The given region ids plus every region above them, walking ``tree`` (from ``Region.tree()``)."""
        found = set(region_ids)
        for region_id in list(found):
            parent = tree.get(region_id)
            while parent is not None and parent not in found:
                found.add(parent)
                parent = tree.get(parent)
        return found

    @classmethod
    def ids_with_descendants(cls, region_ids):
        """The given region ids plus every region below them."""
        return cls.below(cls.tree(), region_ids)

    def ancestor_ids(self):
        ids = []
        node = self.parent
        while node is not None:
            ids.append(node.pk)
            node = node.parent
        return ids


class Post(models.Model):
    """A job post (岗位) such as 大堂经理 or 柜面服务."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["code"]

    def __str__(self):
        return self.name


class StaffProfile(models.Model):
    """What the organisation knows about one member of staff."""

    class Status(models.TextChoices):
        PROBATION = "probation", _("On probation")
        REGULAR = "regular", _("Regular")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="profile"
    )
    employee_no = models.CharField(_("employee number"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    post = models.ForeignKey(
        Post,
        verbose_name=_("post"),
        help_text=_("For a trainee, the post they are being trained for."),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PROBATION)
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        ordering = ["employee_no"]
        indexes = [models.Index(fields=["region", "post"])]

    def __str__(self):
        return f"{self.name}（{self.employee_no}）"

    @property
    def is_regular(self):
        return self.status == self.Status.REGULAR

    def role_set(self):
        """The roles this person holds, cached on the instance."""
        if not hasattr(self, "_role_set"):
            from .access import roles_of  # the same read as the role checks and the scope (one query for all)

            self._role_set = roles_of(self.user) if self.user.is_active else frozenset(
                self.user.role_assignments.values_list("role", flat=True))
        return self._role_set

    def has_role(self, role):
        return role in self.role_set()


class RoleAssignment(models.Model):
    """One role held by one user, with its scope where the role has one."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.CASCADE, related_name="role_assignments"
    )
    post = models.ForeignKey(
        Post, verbose_name=_("post"), null=True, blank=True, on_delete=models.CASCADE, related_name="role_assignments"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            # NULL scopes count as equal (a role without a region is held once).
            models.UniqueConstraint(
                F("user"),
                F("role"),
                Coalesce(F("region"), Value(0)),
                Coalesce(F("post"), Value(0)),
                name="unique_role_scope",
            ),
        ]
        indexes = [models.Index(fields=["role", "region"]), models.Index(fields=["role", "post"])]

    def __str__(self):
        scope = self.region or self.post
        label = self.get_role_display()
        return f"{self.user} · {label} · {scope}" if scope else f"{self.user} · {label}"

    def clean(self):
        errors = {}
        if self.role in REGION_SCOPED_ROLES and not self.region_id:
            errors["region"] = _("This role needs a region.")
        if self.role in POST_SCOPED_ROLES and not self.post_id:
            errors["post"] = _("This role needs a post.")
        if self.role == Role.MENTOR:
            profile = getattr(self.user, "profile", None)
            if profile is None or not profile.is_regular:
                errors["role"] = _("Only a regular (转正) employee can be a mentor.")
        if errors:
            raise ValidationError(errors)


def holders_of(role, *, region=None, post=None):
    """Users holding ``role``; with ``region``, those whose scope covers it (or an ancestor)."""
    from django.contrib.auth import get_user_model

    query = Q(role_assignments__role=role)
    if region is not None:
        query &= Q(role_assignments__region_id__in=[region.pk, *region.ancestor_ids()])
    if post is not None:
        query &= Q(role_assignments__post=post)
    return get_user_model().objects.filter(query, is_active=True).distinct()


class RosterImport(models.Model):
    """An applied roster import: who, when, which file, and every change it made.

    Kept so that changes to staff records from HR files are never silent.
    """

    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    changes = models.JSONField(_("changes"), default=list)

    class Meta:
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")
        ordering = ["-imported_at"]

    def __str__(self):
        return f"{self.filename} · {self.imported_at:%Y-%m-%d %H:%M}"


class Invitation(models.Model):
    """A set-password invitation e-mailed to someone who has no password yet (typically imported from the roster):
    to whom, at which address, sent by whom and when. The link itself is not stored: it is a one-time token of
    ``lms.onboarding.invitation_tokens`` that stops working once a password is set (and after a few days)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE,
                             related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sent by"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-sent_at"]

    def __str__(self):
        return f"{self.email} · {self.sent_at:%Y-%m-%d %H:%M}"
