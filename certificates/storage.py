"""The private file storage: files on disk with no URL at all (only access-checked views serve them)."""

from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """Like ``FileSystemStorage`` but outside MEDIA_ROOT and without URLs: ``url()`` refuses, so no template or
    code path can hand out a public link to a certificate PDF or a cohort zip by mistake."""

    def url(self, name):
        raise NotImplementedError("Private files have no URL; serve them through a view that checks access.")
