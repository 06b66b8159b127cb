#!/usr/bin/env bash
# Refresh the Chinese catalogs: one for the core (locale/) and one per domain app
# (<app>/locale/), so each app owns its strings and branches do not collide.
# Then fill the new msgstr entries and run `make messages` to compile.
set -euo pipefail
cd "$(dirname "$0")/.."
ADMIN="$PWD/.venv/bin/django-admin"
APPS="courses mentorship certificates progress cockpit wrongbook"
ignores=(--ignore=.venv --ignore=var --ignore=tests --ignore=bench --ignore=node_modules)
for app in $APPS; do ignores+=(--ignore="$app" --ignore="templates/$app"); done
"$ADMIN" makemessages -l zh_Hans --no-location "${ignores[@]}"
msgattrib --no-obsolete -o locale/zh_Hans/LC_MESSAGES/django.po locale/zh_Hans/LC_MESSAGES/django.po
for app in $APPS; do
  # An app's strings live in the app and in templates/<app>/; makemessages follows the symlink.
  mkdir -p "$app/locale"
  ln -sfn ../templates/"$app" "$app/_templates_link"
  (cd "$app" && "$ADMIN" makemessages -l zh_Hans --no-location --symlinks --ignore=.venv)
  rm -f "$app/_templates_link"
  po="$app/locale/zh_Hans/LC_MESSAGES/django.po"
  [ -f "$po" ] && msgattrib --no-obsolete -o "$po" "$po"
done
echo "Catalogs refreshed; translate the empty msgstr entries, then: make messages"
