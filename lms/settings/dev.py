"""Local development: debug on, mail to the console, everything on loopback."""

from .base import *  # noqa: F401,F403
from .env import envlist

DEBUG = True
ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
INTERNAL_IPS = ["127.0.0.1"]
