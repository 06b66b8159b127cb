"""Screens of the 传帮带 module, one module per rule group (see mentorship.services). Thin: scope through
mentorship.access, rules in the models and services."""
