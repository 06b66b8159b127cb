"""Invitations (the training lead's list of people without a password, one or many invited at once) and the new
hire's set-password page. The rules live in ``lms.onboarding``; these views show them and pass choices on."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from .access import get_in_scope_or_404, role_required
from .models import StaffProfile
from .onboarding import directory_login, invitable_people, invitation_tokens, lead_scope, send_invitations
from .roles import Role

PAGE_SIZE = 50


def _invite(request, profiles):
    try:
        sent = send_invitations(by=request.user, profiles=profiles, base_url=request.build_absolute_uri("/"))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return False
    except OSError:  # the mail server cannot be reached: nothing was recorded
        messages.error(request, _("The e-mail could not be sent: the mail server did not answer. Try again later."))
        return False
    messages.success(request, ngettext("Invitation sent to %(count)d person.", "Invitations sent to %(count)d people.",
                                       len(sent)) % {"count": len(sent)})
    return True


@role_required(Role.TRAINING_LEAD)
def invitations(request):
    """GET: the people of the lead's regions who have no password yet; POST: invite the ticked ones."""
    people = invitable_people(request.user)
    if request.method == "POST":
        ids = request.POST.getlist("people")
        if not all(i.isascii() and i.isdigit() and len(i) < 19 for i in ids):
            raise Http404
        chosen = list(people.filter(pk__in=ids))
        if len(chosen) != len(set(ids)):
            raise Http404  # someone outside the lead's regions, or who has set a password meanwhile
        if _invite(request, chosen):
            return redirect("invitations")
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "lms/invitations.html", {"page": page, "directory": directory_login()})


@role_required(Role.TRAINING_LEAD)
@require_POST
def invite_person(request, pk):
    """Invite one person (from their person page)."""
    profile = get_in_scope_or_404(StaffProfile.objects.filter(lead_scope(request.user)).select_related("user"), pk=pk)
    _invite(request, [profile])
    return redirect("person", pk=profile.pk)


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """The new hire's page behind the invitation link: choose a password, then log in with it."""

    token_generator = invitation_tokens
    template_name = "registration/invitation_accept.html"
    title = gettext_lazy("Set your password")
    success_url = reverse_lazy("login")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is set. Log in with your username %(username)s and the new "
                                         "password.") % {"username": form.user.get_username()})
        return response
