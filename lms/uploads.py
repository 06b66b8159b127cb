"""Upload → preview → confirm, written once (the roster import, the question-bank import).

A file is checked and shown before anything is saved; the confirmation then applies exactly the file that
was previewed, checked again (the organisation may have changed meanwhile). Between the two requests the
file waits in the default storage under an unguessable token that only the uploader's session names, so:

- a confirmation without the matching token (another session, a second tab's older preview, a forged POST)
  finds nothing and is told the preview expired;
- a confirmation that fails its second check keeps the file: the view shows the preview again with the
  errors, and the person can fix the cause or choose what to skip without uploading again;
- a confirmation that succeeds discards the file and the session entry, so it cannot be applied twice.

Usage in a view::

    FLOW = StagedUpload(session_key="roster_import", folder="roster-imports")

    # upload: after the file checked out
    token = FLOW.keep(request, upload.name, data, category="…")
    # confirm:
    staged = FLOW.pending(request)
    if staged is None:
        return FLOW.expired(request, "roster_import")
    … check staged.data again; on errors render the preview with staged.token …
    FLOW.discard(request, staged)
"""

import secrets
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.shortcuts import redirect
from django.utils.translation import gettext as _


@dataclass
class Staged:
    """A previewed file waiting for its confirmation."""

    token: str
    filename: str
    data: bytes
    extra: dict = field(default_factory=dict)  # what the upload form chose besides the file (e.g. a category)


class StagedUpload:
    """One upload → preview → confirm flow: where its files wait and which session entry names them."""

    def __init__(self, *, session_key, folder):
        self.session_key = session_key
        self.folder = folder

    def _path(self, token, filename):
        # Only the extension of the uploaded name is kept (the importers choose the parser by it); the rest of the
        # name is the person's and never reaches the storage.
        suffix = PurePosixPath(filename).suffix.lower()
        suffix = suffix if suffix.isascii() and suffix[1:].isalnum() and len(suffix) <= 8 else ""
        return f"{self.folder}/{token}{suffix}"

    def keep(self, request, filename, data, **extra):
        """Store a checked file for its confirmation; returns the token the confirm form posts back.

        A previous preview of this flow in the same session is discarded: only the latest can be confirmed.
        """
        previous = request.session.get(self.session_key)
        if previous:
            default_storage.delete(self._path(previous["token"], previous["filename"]))
        token = secrets.token_urlsafe(16)
        default_storage.save(self._path(token, filename), ContentFile(data))
        request.session[self.session_key] = {"token": token, "filename": filename, "extra": extra}
        return token

    def token(self, request):
        """The token of the preview waiting in this session, or ``None``."""
        pending = request.session.get(self.session_key)
        return pending["token"] if pending else None

    def pending(self, request):
        """The file previewed in this session whose token the request posted, or ``None`` (expired, forged, done)."""
        pending = request.session.get(self.session_key)
        posted = request.POST.get("token")
        if not pending or not posted or not secrets.compare_digest(pending["token"], posted):
            return None
        path = self._path(pending["token"], pending["filename"])
        if not default_storage.exists(path):
            return None
        with default_storage.open(path, "rb") as stored:
            data = stored.read()
        return Staged(pending["token"], pending["filename"], data, pending.get("extra", {}))

    def discard(self, request, staged):
        """The file was applied: remove it and the session entry, so it cannot be applied twice."""
        default_storage.delete(self._path(staged.token, staged.filename))
        request.session.pop(self.session_key, None)

    def expired(self, request, to):
        """The answer to a confirmation without a waiting file: say so, back to the upload page ``to``."""
        messages.error(request, _("This preview has expired. Please upload the file again."))
        return redirect(to)
