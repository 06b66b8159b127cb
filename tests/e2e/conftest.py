"""Browser journeys: Debian's chromium driven by pytest-playwright against a live server with demo data.

- One server per viewport (phone, desktop): ``manage.py runserver`` (dev settings,
  so static files are served) on a fresh copy of a SQLite database prepared once
  per run with ``migrate``, ``load_standards`` (when the command exists) and
  ``load_demo``. Journeys of one viewport share that database; the other viewport
  starts again from the clean copy.
- Chinese: the product ignores Accept-Language; the browser is also set to zh-CN.
- E-mail the server sends is written to files under ``<var_dir>/mail``: ``site.mails()`` reads them back.
- ``step(page, "name")`` screenshots each step's end state under
  ``test-results/<test>/``; the folder is kept only when the test fails.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "test-results"
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
VIEWPORTS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
              "device_scale_factor": 2},
    "desktop": {"viewport": {"width": 1366, "height": 900}},
}
DEMO_PASSWORD = "demo1234"
# Five engineers share two cores: give pages more than the default five seconds.
expect.set_options(timeout=15_000)


def _manage(env, *args, check=True):
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if check and done.returncode:
        pytest.fail(f"manage.py {' '.join(args)} failed (exit {done.returncode}):\n{done.stderr[-3000:]}", pytrace=False)
    return done


def _server_env(var_dir):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    # E-mail goes to files under <var_dir>/mail (settings.EMAIL_FILE_PATH), where journeys read the links sent.
    env.update({"DJANGO_SETTINGS_MODULE": "lms.settings.dev", "LMS_VAR_DIR": str(var_dir),
                "PYTHONUNBUFFERED": "1", "LMS_TASKS_BACKEND": "immediate",
                "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend"})
    return env


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory):
    """A SQLite file with the standards library and the demo accounts, built once per run."""
    var_dir = tmp_path_factory.mktemp("e2e-template")
    env = _server_env(var_dir)
    _manage(env, "migrate", "--noinput", "-v0")
    if _manage(env, "help", "load_standards", check=False).returncode == 0:
        _manage(env, "load_standards")
    _manage(env, "load_demo")
    return var_dir


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session", params=list(VIEWPORTS))
def site(request, demo_database, tmp_path_factory):
    """A live server for one viewport, on its own copy of the demo database."""
    var_dir = tmp_path_factory.mktemp(f"e2e-{request.param}")
    shutil.copytree(demo_database, var_dir, dirs_exist_ok=True)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    # Certificates' QR codes carry absolute verify URLs: point them at this server.
    env = {**_server_env(var_dir), "WAGTAILADMIN_BASE_URL": url}
    log = open(var_dir / "server.log", "w")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/accounts/login/", timeout=2)
            break
        except Exception:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"The e2e server did not start; see {var_dir / 'server.log'}") from None
            time.sleep(0.3)
    def orm(code):
        """Run ``code`` with the Django ORM on this server's database; returns what it assigns to ``result``."""
        script = f"import json\nresult = None\n{code}\nprint('E2E-RESULT' + json.dumps(result, default=str))"
        out = _manage(env, "shell", "-c", script).stdout
        return json.loads(out.rsplit("E2E-RESULT", 1)[1])

    def mails():
        """Every e-mail the server has sent so far (``email.message.EmailMessage``), oldest first."""
        import email
        import email.policy

        found = []
        for path in sorted((var_dir / "mail").glob("*.log"), key=lambda p: p.stat().st_mtime):
            for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if raw.strip():
                    found.append(email.message_from_bytes(raw.lstrip(), policy=email.policy.default))
        return found

    yield type("Site", (), {"url": url, "viewport": request.param, "var_dir": var_dir, "orm": staticmethod(orm),
                            "mails": staticmethod(mails)})
    process.terminate()
    process.wait(10)
    log.close()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's chromium; a Playwright browser download does not work here. Root needs --no-sandbox.
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ["--no-sandbox"]}


@pytest.fixture
def browser_context_args(browser_context_args, site):
    return {**browser_context_args, **VIEWPORTS[site.viewport], "locale": "zh-CN", "base_url": site.url}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.e2e_failed = report.failed
    return report


@pytest.fixture
def step(request, page):
    """``step("name")`` after each step: a screenshot of its end state, kept when the test fails."""
    folder = RESULTS / request.node.nodeid.split("::")[-1].replace("/", "_").replace("[", "-").rstrip("]")
    shutil.rmtree(folder, ignore_errors=True)
    count = 0

    def take(name):
        nonlocal count
        count += 1
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{count:02d}-{name}.png"), full_page=True)

    yield take
    if getattr(request.node, "e2e_failed", True):
        try:
            take("at-failure")
        except Exception:
            pass
    else:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def login(page, step):
    """Log in through the form as a demo account; returns to the home page."""

    def do(username, password=DEMO_PASSWORD):
        page.goto("/accounts/login/")
        page.get_by_label("用户名或工号").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()
        step(f"logged-in-{username}")

    return do
