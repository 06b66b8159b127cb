# Two commands do all set-up on a fresh Debian/Ubuntu machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

# Debian packages WeasyPrint and Chinese PDFs need (Hanazono: the fallback for names beyond Noto CJK, CJK
# Extensions B–F), poppler-utils (pdftotext/pdftoppm: the tests read and rasterise certificates), gettext to
# compile translations; the headers python-ldap builds against (directory login); the servers the deployment
# tests start on loopback: Redis, nginx, OpenLDAP (slapd is installed unconfigured: each test starts its own).
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fonts-hanazono poppler-utils \
	gettext libldap2-dev libsasl2-dev redis-server nginx slapd ldap-utils

.PHONY: run test system-deps install install-dev messages migrate demo check-deploy clean help e2e browser-deps bench cluster

help:
	@echo "make run   - install, migrate, load the standards and demo accounts, serve on http://$(HOST):$(PORT)"
	@echo "make test  - install and run the whole test suite"

system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing system packages:$$missing"; \
	    echo "slapd slapd/no_configuration boolean true" | debconf-set-selections; \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	  else \
	    echo "Missing system packages:$$missing"; \
	    echo "Run as root:  sudo apt-get update && sudo apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

install: system-deps $(VENV)/.runtime
install-dev: system-deps $(VENV)/.dev

messages:
	@mkdir -p var/static
	$(MANAGE) compilemessages --ignore=.venv -v0

migrate: install messages
	$(MANAGE) migrate --noinput -v0

# A self-signed key for signing certificate PDFs (var/signing/), the standards library (courses, lessons,
# quizzes), the certification programs it defines, then demo people.
demo: migrate
	$(MANAGE) certificates_signing_key
	$(MANAGE) certificates_font
	$(MANAGE) load_standards
	$(MANAGE) load_programs
	$(MANAGE) load_demo

run: demo
	$(MANAGE) collectstatic --noinput -v0
	@echo ""
	@echo "Serving on http://$(HOST):$(PORT)/  (all demo accounts use the password demo1234)"
	$(MANAGE) runserver $(HOST):$(PORT)

test: install-dev messages
	@mkdir -p var/static
	DJANGO_SETTINGS_MODULE=lms.settings.test $(BIN)/pytest $(PYTEST_ARGS)

# Browser journeys (tests/e2e) with Debian's chromium; screenshots of failed journeys in test-results/.
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium; \
	  else \
	    echo "Missing chromium. Run as root:  sudo apt-get update && sudo apt-get install -y chromium"; exit 1; \
	  fi; \
	fi

e2e: install-dev messages browser-deps
	@mkdir -p var/static test-results
	DJANGO_SETTINGS_MODULE=lms.settings.test $(BIN)/pytest -m e2e -p no:randomly tests/e2e $(PYTEST_ARGS)

# The deployment on loopback (tests/cluster): PostgreSQL, Redis, an S3 endpoint, two gunicorn app servers behind
# nginx, two task workers; publishing, certificates, the verify limit, a quiz spike with a server killed, health.
cluster: install-dev messages
	@mkdir -p var/static
	DJANGO_SETTINGS_MODULE=lms.settings.test $(BIN)/pytest -m cluster -p no:randomly tests/cluster $(PYTEST_ARGS)

# Benchmark against the framework's floor on PostgreSQL (bench/README.md); BENCH_SCALE=0.01 for a quick run.
bench: install-dev messages
	$(BIN)/python -m bench

check-deploy: install
	$(MANAGE) certificates_signing_key --key var/check-signing/key.pem --cert var/check-signing/cert.pem >/dev/null
	CERTIFICATES_SIGNING_KEY=$${CERTIFICATES_SIGNING_KEY:-var/check-signing/key.pem} \
	CERTIFICATES_SIGNING_CERT=$${CERTIFICATES_SIGNING_CERT:-var/check-signing/cert.pem} \
	DJANGO_SETTINGS_MODULE=lms.settings.production \
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-check-deploy-$$(head -c 48 /dev/urandom | base64 | tr -d '/+=')} \
	DJANGO_ALLOWED_HOSTS=$${DJANGO_ALLOWED_HOSTS:-lms.example.internal} \
	WAGTAILADMIN_BASE_URL=$${WAGTAILADMIN_BASE_URL:-https://lms.example.internal} \
	DATABASE_URL=$${DATABASE_URL:-sqlite:///var/check.sqlite3} \
	$(MANAGE) check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var/static var/test-media
