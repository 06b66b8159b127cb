"""Demo data of the courses app, called by `manage.py load_demo` (idempotent)."""


def load(stdout=None):
    """Nothing yet: this app adds its demo data with its own issue."""
