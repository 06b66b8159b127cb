"""Home-page panels of the certificates app (see lms.home)."""


def panels(request, profile):
    return []
