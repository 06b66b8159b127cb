from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


# Almost every page reads the signed-in person's profile, region (with the regions above it, for assignments and
# scopes) and post: load them with the user, in the one query every authenticated request makes anyway.
USER_JOINS = ("profile__post", "profile__region__parent__parent__parent")


class UsernameOrEmployeeNumberBackend(ModelBackend):
    """Log in with either the username or the employee number (工号)."""

    def get_user(self, user_id):
        try:
            user = get_user_model()._default_manager.select_related(*USER_JOINS).get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        User = get_user_model()
        login = username.strip()
        user = (
            User.objects.filter(username=login).first()
            or User.objects.filter(profile__employee_no=login).first()
        )
        if user is None:
            # Spend the same time as a real check so timing does not reveal accounts.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
