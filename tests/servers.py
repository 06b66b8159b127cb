"""Real servers on loopback for the tests that need them: gunicorn, Redis, an S3 endpoint, OpenLDAP.

Each is a context manager that picks a free port at run time, starts the server from the packages the Makefile
installs (Debian's redis-server and slapd, PyPI's gunicorn and moto), waits until it answers and stops it on exit.
A missing binary fails the test with the command that installs it: these tests never skip.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require(binary, package):
    path = shutil.which(binary) or next((p for p in (f"/usr/sbin/{binary}", f"/usr/bin/{binary}") if
                                         os.path.exists(p)), None)
    if path is None:
        pytest.fail(f"{binary} is not installed: run `make system-deps` as root (Debian package {package}).",
                    pytrace=False)
    return path


def wait_for_port(port, process=None, timeout=30, what="server"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode} before it listened on {port}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on port {port} within {timeout} s")


def wait_for_http(url, process=None, timeout=60, what="server"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode} before answering {url}")
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except urllib.error.HTTPError:
            return  # it answered
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not answer {url} within {timeout} s")


def stop(process, timeout=15):
    """TERM to the server's process group (gunicorn's master and its workers), then KILL if it lingers.

    Signals go to the group only while its leader (our child, not yet reaped) is alive, so the group id is
    certainly still ours and never a reused one.
    """
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        kill(process)


def kill(process):
    """SIGKILL to the whole server at once, as a crashed machine would stop (no graceful shutdown)."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)


@contextlib.contextmanager
def running(args, *, port=None, url=None, env=None, cwd=ROOT, log=None, what=None, timeout=60):
    """Start ``args``, wait for its port (or URL) and stop it (TERM, then KILL) on exit."""
    what = what or Path(args[0]).name
    out = open(log, "ab") if log else subprocess.DEVNULL
    process = subprocess.Popen(args, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT if log else out,
                               start_new_session=True)
    try:
        if url:
            wait_for_http(url, process, timeout, what)
        elif port:
            wait_for_port(port, process, timeout, what)
        yield process
    finally:
        stop(process)
        if log:
            out.close()


@contextlib.contextmanager
def redis_server(workdir):
    """A throw-away Redis (no persistence) on a free loopback port; yields its URL."""
    binary = require("redis-server", "redis-server")
    port = free_port()
    args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", str(workdir), "--daemonize", "no", "--protected-mode", "yes"]
    with running(args, port=port, what="redis-server", log=Path(workdir) / f"redis-{port}.log") as process:
        process.url = f"redis://127.0.0.1:{port}/0"
        process.port = port
        yield process


def database_url_of(connection):
    """The DATABASE_URL of the database a test runs on (so servers it starts read and write the same data)."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def site_env(database_url, var_dir, **extra):
    """Environment of the production settings for a site served on loopback by the tests (plain HTTP)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO_", "REDIS_", "LMS_", "AWS_", "LDAP_", "CERTIFICATES_"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "tests.site_settings",
        "DJANGO_SECRET_KEY": "served-by-tests-" + "x" * 40,
        "DATABASE_URL": database_url,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "WAGTAILADMIN_BASE_URL": "http://127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SESSION_COOKIE_SECURE": "false",
        "DJANGO_CSRF_COOKIE_SECURE": "false",
        "LMS_VAR_DIR": str(var_dir),
        "LMS_TASKS_BACKEND": "immediate",
        "PYTHONUNBUFFERED": "1",
    })
    # Production signs every certificate PDF with the organisation's key (certificates.signing): a pair of the site's.
    key, cert = Path(var_dir) / "signing" / "key.pem", Path(var_dir) / "signing" / "cert.pem"
    if not (key.exists() and cert.exists()):
        from certificates.signing import create_self_signed

        create_self_signed(key, cert, common_name="测试站点证书签名")
    env.update({"CERTIFICATES_SIGNING_KEY": str(key), "CERTIFICATES_SIGNING_CERT": str(cert)})
    env.update({k: str(v) for k, v in extra.items()})
    return env


@contextlib.contextmanager
def gunicorn(env, *, workers=4, worker_class="sync", threads=1, log=None, port=None):
    """The site under gunicorn (``lms.wsgi``) on a free loopback port; yields the process with ``.base``."""
    port = port or free_port()
    args = [sys.executable, "-m", "gunicorn", "lms.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
            "--worker-class", worker_class, "--threads", str(threads), "--timeout", "60", "--graceful-timeout", "5",
            "--log-level", "warning", "--access-logfile", "-",
            "--access-logformat", '%(h)s "%(r)s" %(s)s %(M)sms id=%({x-request-id}i)s']
    base = f"http://127.0.0.1:{port}"
    with running(args, url=base + "/accounts/login/", env=env, log=log, what="gunicorn") as process:
        process.base = base
        process.port = port
        yield process


@contextlib.contextmanager
def s3_server(workdir, bucket="lms-files"):
    """An S3-compatible endpoint (moto's server mode, from PyPI) with one empty bucket; yields it with ``.env``
    (the AWS_* variables the settings read) and ``.client`` (boto3, to look at the bucket from outside)."""
    import boto3
    from botocore.config import Config

    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    args = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    with running(args, url=endpoint + "/moto-api/", log=Path(workdir) / f"s3-{port}.log", what="moto_server") as p:
        p.env = {"AWS_STORAGE_BUCKET_NAME": bucket, "AWS_S3_ENDPOINT_URL": endpoint, "AWS_S3_REGION_NAME": "us-east-1",
                 "AWS_ACCESS_KEY_ID": "lms-test", "AWS_SECRET_ACCESS_KEY": "lms-test-secret"}
        p.client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="lms-test",
                                aws_secret_access_key="lms-test-secret",
                                config=Config(s3={"addressing_style": "path"}))
        p.client.create_bucket(Bucket=bucket)
        p.endpoint, p.bucket = endpoint, bucket
        yield p


SLAPD_CONF = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
pidfile {dir}/slapd.pid
argsfile {dir}/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
maxsize 16777216
suffix "{suffix}"
rootdn "{root_dn}"
rootpw {root_password}
directory {dir}/data
"""


@contextlib.contextmanager
def slapd_server(workdir, suffix="dc=lms,dc=test"):
    """OpenLDAP (Debian's slapd, unconfigured) with a throw-away configuration and database in ``workdir``.

    Yields it with ``.uri``, ``.suffix``, ``.root_dn``/``.root_password`` and ``.add_person(uid, password, **attrs)``
    (an inetOrgPerson under ou=people).
    """
    import ldap
    import ldap.modlist

    binary = require("slapd", "slapd")
    workdir = Path(workdir)
    (workdir / "data").mkdir(parents=True, exist_ok=True)
    root_dn, root_password = f"cn=admin,{suffix}", "directory-admin-secret"
    conf = workdir / "slapd.conf"
    conf.write_text(SLAPD_CONF.format(dir=workdir, suffix=suffix, root_dn=root_dn, root_password=root_password))
    port = free_port()
    uri = f"ldap://127.0.0.1:{port}"
    with running([binary, "-f", str(conf), "-h", uri + "/", "-d", "0"], port=port, what="slapd",
                 log=workdir / "slapd.log") as process:
        admin = ldap.initialize(uri)
        admin.simple_bind_s(root_dn, root_password)
        top = suffix.split(",")[0].split("=")[1]
        admin.add_s(suffix, ldap.modlist.addModlist({"objectClass": [b"dcObject", b"organization"],
                                                     "dc": [top.encode()], "o": [b"LMS test directory"]}))
        admin.add_s(f"ou=people,{suffix}", ldap.modlist.addModlist({"objectClass": [b"organizationalUnit"],
                                                                   "ou": [b"people"]}))

        def add_person(uid, password, **attrs):
            entry = {"objectClass": [b"inetOrgPerson"], "uid": [uid.encode()], "userPassword": [password.encode()],
                     "cn": [attrs.pop("cn", uid).encode()], "sn": [attrs.pop("sn", uid).encode()]}
            entry.update({k: [v.encode()] for k, v in attrs.items()})
            admin.add_s(f"uid={uid},ou=people,{suffix}", ldap.modlist.addModlist(entry))

        process.uri, process.suffix, process.port = uri, suffix, port
        process.root_dn, process.root_password = root_dn, root_password
        process.add_person = add_person
        try:
            yield process
        finally:
            admin.unbind_s()


NGINX_CONF = """\
user root;
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 2048; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    upstream lms {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 10m;
        location / {{
            proxy_pass http://lms;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Request-ID $request_id;
            proxy_read_timeout 120s;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


@contextlib.contextmanager
def nginx(workdir, upstreams):
    """Debian's nginx as a round-robin balancer over ``upstreams`` (ports on loopback); yields it with ``.base``.

    A server that refuses or drops a connection is out of rotation for 2 s (``max_fails=1 fail_timeout=2s``);
    nginx retries only idempotent requests on the next server, as in production.
    """
    binary = require("nginx", "nginx")
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;" for p in upstreams)
    conf = workdir / "nginx.conf"
    conf.write_text(NGINX_CONF.format(dir=workdir, port=port, servers=servers))
    with running([binary, "-c", str(conf), "-p", str(workdir)], port=port, what="nginx",
                 log=workdir / "nginx.out") as process:
        process.base, process.port = f"http://127.0.0.1:{port}", port
        yield process
