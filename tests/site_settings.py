"""The production settings as the tests serve them on loopback (tests.servers.site_env sets the environment).

Only what a test server cannot have differs: static files are not collected (no manifest), so they are named
plainly. Cache, storage, tasks, throttles and logins are production's, driven by the same environment variables.
"""

from lms.settings.production import *  # noqa: F401,F403
from lms.settings.production import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
