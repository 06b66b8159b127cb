"""Benchmark run: synthetic organisation on PostgreSQL, key pages against the floor, quiz spike, certificates.

Environment:
  BENCH_SCALE          fraction of the full size (1 = 10,000 trainees); 0.01 for a quick run
  BENCH_DATABASE_URL   PostgreSQL to use (its database is emptied); default: scripts/pg.sh on BENCH_PG_PORT
  BENCH_PG_PORT        port of the throw-away server (default 54340)
  BENCH_REPEAT         requests per page measurement (default 30)
  BENCH_WORKERS        gunicorn workers for the spike (default 4)
  BENCH_WORKER_CLASS   their class (default gthread)
  BENCH_THREADS        threads per gthread worker (default 4)
  BENCH_PARTS          what to run, comma-separated: pages, spike, certificates (default: all three)
"""

import datetime
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
META = ROOT / "bench" / "results.meta.json"
SCALE = float(os.environ.get("BENCH_SCALE", "1"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
# gthread, 4 threads per worker: measured against sync workers and 2 × 8 threads on the 200-learner spike, it
# served 1.65× the quiz requests per second of 4 sync workers (threads overlap the waits on PostgreSQL); the
# production README runs the app servers the same way.
WORKER_CLASS = os.environ.get("BENCH_WORKER_CLASS", "gthread")
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
SPIKE_SERVER = ["--workers", str(WORKERS), "--worker-class", WORKER_CLASS, "--threads", str(THREADS)]
FULL = {"trainees": 10_000, "mentors": 500, "attempts": 100_000, "ride_alongs": 20_000, "certificates": 5_000,
        "spike_users": 500, "issue_people": 10_000}
SMALL_TRAINEES = 100
# The cohort pages aggregate the whole cohort; their target is 5× the floor, the others' 3×.
COHORT_PAGES = {"lead_cohort_dashboard": 5, "progress_matrix": 5, "wrongbook_heat_map": 5}
PARTS = set(os.environ.get("BENCH_PARTS", "pages,spike,certificates").replace(" ", "").split(","))
# The two floors every page is compared with: a bare login-required Django view rendering base.html with one
# query, and a bare Wagtail page (bench.models.BarePage) at a lesson's depth in the training tree.
FLOORS = ["floor", "bare_page"]
LEARNER_PAGES = ["course_page", "lesson", "trainee_home"]
PAGES = ["trainee_home", "course_page", "lesson", "quiz_question", "answer_submit", "mentor_home", "lead_cohort_dashboard",
         "progress_matrix", "verify", "certificate_download", "trainee_wrongbook", "wrongbook_heat_map"]


def scaled(name, minimum):
    return max(minimum, int(FULL[name] * SCALE))


def log(*args):
    print(*args, file=sys.stderr, flush=True)


# --- database -----------------------------------------------------------------------------------


def database_url():
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"], None
    env = {**os.environ, "PG_PORT": os.environ.get("BENCH_PG_PORT", "54340"),
           "PG_DIR": str(ROOT / "var" / "bench-pg")}
    url = subprocess.run(["scripts/pg.sh", "start"], cwd=ROOT, env=env, check=True, capture_output=True,
                         text=True).stdout.strip().splitlines()[-1]
    return url, env


def setup_django(url):
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    _empty_database()
    call_command("migrate", "--noinput", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_standards", verbosity=0, stdout=quiet)
    from certificates.services import ensure_programs_from_data

    ensure_programs_from_data()


def _empty_database():
    """Start from nothing (a flush would also remove the rows Wagtail's migrations create)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")


# --- the synthetic organisation -------------------------------------------------------------------


class Org:
    """Grows in place: ``grow(n)`` adds trainees (with mentors, attempts, ride-alongs, certificates) up to n."""

    def __init__(self):
        from django.contrib.auth import get_user_model

        from certificates.models import Program
        from courses.models import LessonPage, QuizPage
        from lms.models import Post, Region
        from lms.roles import Role
        from lms.services import assign_role, create_staff

        self.User = get_user_model()
        self.east = Region.objects.create(code="b-east", name="基准大区")
        self.regions = [Region.objects.create(code=f"b-r{i}", name=f"基准区域{i}", parent=self.east) for i in range(10)]
        self.post = Post.objects.create(code="b-post", name="基准岗位")
        self.lead = create_staff(username="b-lead", employee_no="B-LEAD", name="基准负责人", region=self.east,
                                 status="regular", password="bench")
        assign_role(user=self.lead, role=Role.TRAINING_LEAD, region=self.east)
        self.quizzes = [q for q in QuizPage.objects.live().specific() if q.draw_questions(rng=random.Random(1))]
        self.quiz = self.quizzes[0]
        self.lesson = LessonPage.objects.live().first()
        self.course = self.lesson.get_parent().specific
        self.bare_page = self._bare_page(self.course)
        self.program = Program.objects.filter(active=True).first() or Program.objects.create(
            code="bench-program", name="基准上岗认证", validity_months=24)
        self.trainees, self.mentors = [], []
        self.mentor_assignments = []

    @staticmethod
    def _bare_page(course):
        """The second floor: a plain Wagtail page with a one-line template, a sibling of the lessons."""
        from bench.models import BarePage

        page = BarePage(title="基准空白页", slug="bench-bare-page")
        course.add_child(instance=page)
        page.save_revision().publish()
        return page

    def grow(self, trainees):
        from certificates.models import Certificate
        from courses.models import Attempt
        from lms.models import RoleAssignment, StaffProfile
        from mentorship.models import MentorAssignment, RideAlong

        want_mentors = max(2, trainees * FULL["mentors"] // FULL["trainees"])
        start = datetime.date(2026, 9, 1)
        new_mentors = self._people("m", len(self.mentors), want_mentors, "mentor", "regular")
        self.mentors += new_mentors
        new_trainees = self._people("t", len(self.trainees), trainees, "trainee", "probation")
        self.trainees += new_trainees
        MentorAssignment.objects.bulk_create(
            MentorAssignment(trainee=t, mentor=self.mentors[i % len(self.mentors)], start_date=start)
            for i, t in enumerate(new_trainees)
        )
        per = FULL["attempts"] // FULL["trainees"]
        now = datetime.datetime(2026, 10, 1, tzinfo=datetime.timezone.utc)
        Attempt.objects.bulk_create(
            (Attempt(quiz=self.quizzes[(i + k) % len(self.quizzes)], user=t, number=k + 1, state="finished",
                     started_at=now, finished_at=now, score=60 + (i + k) % 40, passed=(i + k) % 3 != 0, pass_mark=80)
             for i, t in enumerate(new_trainees) for k in range(per)),
            batch_size=5000,
        )
        per_ride = FULL["ride_alongs"] // FULL["trainees"]
        RideAlong.objects.bulk_create(
            (RideAlong(trainee=t, mentor=self.mentors[i % len(self.mentors)], destination_region=self.regions[0],
                       cities=["杭州"], start_date=start, end_date=start + datetime.timedelta(days=3),
                       state=RideAlong.State.SIGNED_OFF)
             for i, t in enumerate(new_trainees) for _ in range(per_ride)),
            batch_size=5000,
        )
        every = FULL["trainees"] // FULL["certificates"]
        if self.program:
            Certificate.objects.bulk_create(
                (Certificate(program=self.program, holder=t, holder_name=t.username, employee_no=t.username,
                             program_name=self.program.name, issued_on=start)
                 for i, t in enumerate(new_trainees) if i % every == 0),
                batch_size=5000,
            )
        file_wrong_answers(new_trainees, now)
        # Bulk inserts skip the records' signals: rebuild the kept progress rows, as after any bulk load.
        from progress.services import rebuild

        rebuild()
        del RoleAssignment, StaffProfile

    def _people(self, prefix, have, want, role, status):
        from lms.models import RoleAssignment, StaffProfile

        if want <= have:
            return []
        users = self.User.objects.bulk_create(
            self.User(username=f"b-{prefix}{n}", password="md5$x$0") for n in range(have, want)
        )
        users = list(self.User.objects.filter(username__in=[u.username for u in users]).order_by("id"))
        StaffProfile.objects.bulk_create(
            StaffProfile(user=u, employee_no=u.username, name=f"员工{u.pk}", region=self.regions[i % 10],
                         post=self.post, status=status, hire_date=datetime.date(2026, 9, 1))
            for i, u in enumerate(users)
        )
        RoleAssignment.objects.bulk_create(RoleAssignment(user=u, role=role) for u in users)
        return users


WRONG_CLAUSES = 5  # clauses each trainee answered wrong (错题本, issue 19): 50,000 book entries at full size


def file_wrong_answers(trainees, when):
    """Wrong answers on ``WRONG_CLAUSES`` clauses of the standards library per trainee, filed as quizzes file them
    (one ``ClauseAnswer`` each) and their book entries worked out by the book's rule (``wrongbook.models.replay``);
    the clauses rotate over the library, so the heat map has the cohort × clauses behind it."""
    from courses.models import Question
    from wrongbook import tally
    from wrongbook.models import BookEntry, ClauseAnswer, replay

    clause_ids = sorted({c for q in Question.objects.filter(active=True).only("clause_ids") for c in q.clause_id_list()})
    answers, entries = [], []
    for i, trainee in enumerate(trainees):
        for k in range(min(WRONG_CLAUSES, len(clause_ids))):
            clause_id = clause_ids[(3 * i + k) % len(clause_ids)]
            answered_at = when + datetime.timedelta(days=k)
            answers.append(ClauseAnswer(user=trainee, clause_id=clause_id, correct=False, answered_at=answered_at,
                                        source=ClauseAnswer.Source.QUIZ))
            entries.append(BookEntry(user=trainee, clause_id=clause_id, **replay([(answered_at, False, False)])))
    ClauseAnswer.objects.bulk_create(answers, batch_size=5000)
    BookEntry.objects.bulk_create(entries, batch_size=5000)
    tally.rebuild()  # written in bulk: the cohort's weak-clause tally is counted again, as after an import


# --- page measurements ----------------------------------------------------------------------------


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


class Pages:
    def __init__(self, org):
        from certificates.models import Certificate
        from certificates.tasks import render_certificate_pdf
        from courses.services import start_attempt

        self.org = org
        self.trainee = org.trainees[0]
        self.mentor = org.mentors[0]
        self.trainee_client = _client(self.trainee)
        self.mentor_client = _client(self.mentor)
        self.lead_client = _client(org.lead)
        self.attempt = start_attempt(self.trainee, org.quizzes[-1])
        self.certificate = Certificate.objects.filter(holder=self.trainee).first()
        if self.certificate and not self.certificate.pdf:
            render_certificate_pdf.call(self.certificate.pk)
            self.certificate.refresh_from_db()

    def request(self, name):
        """(client, method, url, data) for one request of page ``name``; None when it cannot be measured."""
        t, a = self.trainee_client, self.attempt
        if name == "floor":
            return t, "get", "/__bench__/floor/", None
        if name == "bare_page":
            return t, "get", self.org.bare_page.url, None
        if name == "course_page":
            return t, "get", self.org.course.url, None
        if name == "trainee_home":
            return t, "get", "/", None
        if name == "lesson":
            return t, "get", self.org.lesson.url, None
        if name == "quiz_question":
            return t, "get", f"/courses/attempts/{a.pk}/q/1/", None
        if name == "answer_submit":
            a.refresh_from_db()
            answer = a.questions.order_by("order").first()
            return t, "post", f"/courses/attempts/{a.pk}/q/1/", {
                "action": "save", "seq": a.seq, "option": [0] if answer.options else [], "text": "基准回答"}
        if name == "mentor_home":
            return self.mentor_client, "get", "/", None
        if name == "lead_cohort_dashboard":
            return self.lead_client, "get", "/cockpit/", None
        if name == "progress_matrix":
            return self.lead_client, "get", "/cockpit/matrix/", None
        if name == "trainee_wrongbook":
            return t, "get", "/wrongbook/", None
        if name == "wrongbook_heat_map":
            return self.lead_client, "get", "/wrongbook/cohort/", None
        if name in ("verify", "certificate_download"):
            if self.certificate is None:
                return None
            suffix = "pdf/" if name == "certificate_download" else ""
            return t, "get", f"/certificates/verify/{self.certificate.code}/{suffix}", None
        raise KeyError(name)

    def once(self, name, prepared=None):
        client, method, url, data = prepared or self.request(name)
        started = time.perf_counter()
        response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code >= 400:
            raise RuntimeError(f"{name}: {url} answered {response.status_code}")
        return elapsed

    def timings(self, name):
        self.once(name)  # warm-up
        return [self.once(name) for _ in range(REPEAT)]

    def timings_side_by_side(self, names):
        """``{name: [ms, …]}``: every page once per round, ``REPEAT`` rounds, so a busy spell of the machine
        slows all of them alike and their ratios hold."""
        for name in names:
            self.once(name)  # warm-up
        times = {name: [] for name in names}
        for _ in range(REPEAT):
            for name in names:
                times[name].append(self.once(name))
        return times

    def queries(self, name):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.once(name)
        prepared = self.request(name)  # the benchmark's own queries (e.g. reading the attempt's seq) are not counted
        with CaptureQueriesContext(connection) as ctx:
            self.once(name, prepared)
        return len(ctx.captured_queries)


def p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


# --- quiz spike against gunicorn --------------------------------------------------------------------


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def quiz_spike(org, users):
    from courses.models import Attempt
    from django.conf import settings

    quiz = org.quizzes[0]
    learners = org.trainees[:users]
    Attempt.objects.filter(quiz=quiz, user__in=learners).delete()
    cookies = [_client(u).cookies[settings.SESSION_COOKIE_NAME].value for u in learners]
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "bench.wsgi", *SPIKE_SERVER, "--bind", f"127.0.0.1:{port}",
         "--backlog", "2048", "--timeout", "120", "--log-level", "error"],
        cwd=ROOT, env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base + "/accounts/login/")
        floor = _hammer(base, cookies, lambda s: [("GET", "/__bench__/floor/")] * 3)
        quiz_run = _hammer(base, cookies, lambda s: [("POST", f"/courses/quiz/{quiz.pk}/start/"), ("FOLLOW", None),
                                                     ("FINISH", None)])
    finally:
        server.terminate()
        server.wait(30)
    lost = duplicated = 0
    for user in learners:
        finished = Attempt.objects.filter(quiz=quiz, user=user).count()
        lost += finished == 0
        duplicated += finished > 1
    return {
        "users": users,
        "errors": quiz_run["errors"],
        "lost_attempts": lost + duplicated,
        "p95_ms": round(p95(quiz_run["latencies"]), 1) if quiz_run["latencies"] else None,
        "throughput_rps": round(quiz_run["requests"] / quiz_run["wall"], 1),
        "floor_throughput_rps": round(floor["requests"] / floor["wall"], 1),
    }, {"duplicated_attempts": duplicated, "lost_attempts": lost, "error_samples": quiz_run["samples"][:5],
        "floor_errors": floor["errors"]}


def _wait(url):
    # Generous: gunicorn's workers import Django and Wagtail first, which takes far longer on a busy machine.
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except Exception:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not start")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _hammer(base, cookies, plan):
    opener = urllib.request.build_opener(_NoRedirect)
    barrier = threading.Barrier(len(cookies))
    lock = threading.Lock()
    out = {"latencies": [], "errors": 0, "requests": 0, "samples": []}

    def call(method, url, headers, data=None):
        request = urllib.request.Request(base + url, method=method, headers=headers, data=data)
        started = time.perf_counter()
        try:
            response = opener.open(request, timeout=120)
            status, location = response.status, response.headers.get("Location")
            response.read()
        except urllib.error.HTTPError as exc:
            status, location = exc.code, exc.headers.get("Location")
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            out["requests"] += 1
            out["latencies"].append(elapsed)
            if status >= 400:
                out["errors"] += 1
                out["samples"].append(f"{method} {url} → {status}")
        return status, location

    def learner(session):
        token = secrets.token_hex(16)
        headers = {"Cookie": f"sessionid={session}; csrftoken={token}", "X-CSRFToken": token}
        barrier.wait()
        location = None
        for method, url in plan(session):
            try:
                if method == "FOLLOW":
                    if location:
                        call("GET", location, headers)
                elif method == "FINISH":
                    if location and "/attempts/" in location:
                        attempt = location.split("/attempts/")[1].split("/")[0]
                        call("POST", f"/courses/attempts/{attempt}/finish/", headers, data=b"")
                else:
                    status, location = call(method, url, headers, data=b"" if method == "POST" else None)
            except Exception as exc:  # connection refused, reset, timeout
                with lock:
                    out["errors"] += 1
                    out["samples"].append(f"{method} {url}: {exc}")

    threads = [threading.Thread(target=learner, args=(c,)) for c in cookies]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out["wall"] = time.perf_counter() - started
    return out


# --- certificates -------------------------------------------------------------------------------------


def certificates(org, pages, people):
    from certificates.pdf import render_certificate
    from django.core.files.storage import default_storage

    result = {"first_render_ms": None, "download_ratio_to_static": None, "issue_10k_db_s": None,
              "issue_10k_render_s": None}
    notes = {}
    cert = pages.certificate
    if cert is None:
        notes["certificates"] = "no certification program loaded; certificate figures not measured"
        return result, notes
    started = time.perf_counter()
    render_certificate(cert)
    result["first_render_ms"] = round((time.perf_counter() - started) * 1000, 1)
    # Download vs the same bytes served as a plain static file.
    static_name = "bench-static.pdf"
    default_storage.delete(static_name)
    with cert.pdf.open("rb") as f:
        default_storage.save(static_name, f)
    client = pages.trainee_client
    download = statistics.median(pages.timings("certificate_download"))
    static = []
    for _ in range(REPEAT + 1):
        t0 = time.perf_counter()
        response = client.get(f"/__bench__/static/{static_name}")
        b"".join(response.streaming_content)
        static.append((time.perf_counter() - t0) * 1000)
    result["download_ratio_to_static"] = round(download / statistics.median(static[1:]), 2)
    issue, issue_note = bulk_issue_db(org, people)
    result.update(issue)
    notes["certificates"] = issue_note
    render, render_note = render_throughput(org, cert)
    result.update(render)
    notes["certificates_render"] = render_note
    return result, notes


def _eligible_program(code, holders):
    """A program of one course that ``holders`` have completed (inserted directly)."""
    from certificates.models import Program
    from courses.models import CourseCompletion, CoursePage

    course = CoursePage.objects.live().first()
    program = Program.objects.create(code=code, name=f"基准认证 {code}", validity_months=24)
    program.required_courses.set([course])
    CourseCompletion.objects.bulk_create([CourseCompletion(user=u, course=course) for u in holders],
                                         ignore_conflicts=True)
    return program


def bulk_issue_db(org, people):
    """``issue_10k_db_s``: the database work of a bulk issue (certificates.bulk) for ``people`` eligible
    trainees among everyone in the lead's scope, rendering off; scaled to 10,000 only when BENCH_SCALE < 1."""
    from certificates.bulk import process_batch, start_bulk_run
    from certificates.models import BulkRun, Certificate

    program = _eligible_program("bench-issue", org.trainees[:people])
    started = time.perf_counter()
    run = start_bulk_run(program=program, kind=BulkRun.Kind.ISSUE, by=org.lead, render=False)
    while process_batch(run.pk, worker="bench"):
        pass
    seconds = time.perf_counter() - started
    run.refresh_from_db()
    issued = Certificate.objects.filter(program=program).count()
    factor = FULL["issue_people"] / people
    note = (f"bulk issue: {run.total} people listed (the eligible in the lead's scope, found by the requirements' "
            f"set face), {issued} issued "
            f"({people} eligible) in {seconds:.2f}s of database work, rendering off"
            + (f"; scaled ×{factor:g} to 10,000" if factor != 1 else "; measured at 10,000, not scaled"))
    return {"issue_10k_db_s": round(seconds * factor, 1), "issue_bulk_status": run.status}, note


LEGACY_TEMPLATE = ROOT / "bench" / "legacy_certificate_pdf.html"


def legacy_render_ms(certificate, repeat=10):
    """The certificate as rendered before issue 18.3 (three font faces, SVG QR code, fontconfig set up per
    render, no signature): the same run's baseline for the per-certificate rate."""
    import segno
    from django.conf import settings
    from django.template import Context, Template
    from weasyprint import HTML

    from certificates.pdf import organisation_logo

    template = Template(LEGACY_TEMPLATE.read_text())
    url = certificate.get_verify_url()

    def render():
        html = template.render(Context({
            "certificate": certificate, "verify_url": url, "logo": organisation_logo(),
            "qr": segno.make(url, error="m").svg_data_uri(scale=4, border=1),
            "organisation": settings.LMS_ORGANISATION_NAME, "organisation_en": settings.LMS_ORGANISATION_NAME_EN}))
        return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()

    render()
    started = time.perf_counter()
    for _ in range(repeat):
        render()
    return (time.perf_counter() - started) / repeat * 1000


def render_throughput(org, certificate):
    """Certificates issued, rendered, signed and stored per second by 1 and by 2 real ``db_worker`` processes
    working off a bulk issue (measured: wall time from the run's start until its last item is done, after a
    warm-up run so each worker has loaded its fonts); and the legacy renderer's rate in the same run."""
    from django.test.utils import override_settings

    from certificates.bulk import report, start_bulk_run
    from certificates.models import BulkRun

    per_run = max(8, int(RENDER_FULL * SCALE))
    warm = 4
    pool = iter(org.trainees[::-1])  # each run has a program of its own: nobody holds its certificate yet
    out, samples = {}, {}
    legacy = legacy_render_ms(certificate)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "BENCH_TASKS": "database",
           "CERTIFICATES_BULK_BATCH": "2"}
    tasks = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    for workers in (1, 2):
        procs = [subprocess.Popen([sys.executable, "manage.py", "db_worker", "--interval", "0.05",
                                   "--no-startup-delay"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL) for _ in range(workers)]
        try:
            timings = {}
            for label, count in (("warm", warm * workers), ("run", per_run)):
                people = [next(pool) for _ in range(count)]
                program = _eligible_program(f"bench-render-{workers}-{label}", people)
                with override_settings(TASKS=tasks, CERTIFICATES_BULK_BATCH=2):
                    started = time.perf_counter()
                    run = start_bulk_run(program=program, kind=BulkRun.Kind.ISSUE, by=org.lead,
                                         people=[u.pk for u in people])
                    run = _wait_done(run, timeout=600)
                    timings[label] = time.perf_counter() - started
                samples[f"{workers}_{label}"] = report(run)
            out[workers] = per_run / timings["run"]
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                proc.wait(30)
    one, two = out[1], out[2]
    result = {
        "render_1_worker_per_s": round(one, 2), "render_2_workers_per_s": round(two, 2),
        "render_2_vs_1": round(two / one, 2), "render_ms_per_certificate_1_worker": round(1000 / one, 1),
        "legacy_render_ms": round(legacy, 1), "render_speedup_1_worker_vs_legacy": round(legacy / (1000 / one), 2),
        "issue_10k_render_s": round(FULL["issue_people"] / two, 1),
    }
    errors = {k: (v["errors"], v["rendered_twice"], v["issued_twice"], v["workers"]) for k, v in samples.items()}
    note = (f"{per_run} certificates per measured run (after a warm-up run), batches of 2; each issued, rendered, "
            f"signed and stored by the workers; issue_10k_render_s = 10,000 / the 2-worker rate (the rate is "
            f"measured, the 10,000 total is not). Per run (errors, rendered twice, issued twice, items per worker): "
            f"{errors}")
    return result, note


RENDER_FULL = 120


def _wait_done(run, timeout):
    from certificates.models import BulkRun

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = BulkRun.objects.get(pk=run.pk)
        if run.status == BulkRun.Status.DONE:
            return run
        time.sleep(0.05)
    raise RuntimeError(f"bulk run {run.pk} not done after {timeout}s")


# --- main ---------------------------------------------------------------------------------------------------


def main():
    url, pg_env = database_url()
    try:
        return _run(url)
    finally:
        if pg_env is not None:
            subprocess.run(["scripts/pg.sh", "stop"], cwd=ROOT, env=pg_env, check=False, capture_output=True)


def _run(url):
    setup_django(url)
    from django.conf import settings

    settings.MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
    large = scaled("trainees", 2 * SMALL_TRAINEES)
    log(f"Building the organisation: {SMALL_TRAINEES} trainees, then {large} (BENCH_SCALE={SCALE})")
    org = Org()
    org.grow(SMALL_TRAINEES)
    pages = Pages(org)
    small_queries = {}
    notes = {}
    measured = [name for name in FLOORS + PAGES if "pages" in PARTS or name in FLOORS]
    for name in measured:
        if pages.request(name) is None:
            continue
        try:
            small_queries[name] = pages.queries(name)
        except Exception as exc:
            notes[name] = str(exc)
    t0 = time.perf_counter()
    org.grow(large)
    log(f"Grew to {large} trainees in {time.perf_counter() - t0:.1f}s; measuring pages")
    results = {"pages": {}, "quiz_spike": None, "certificates": None}
    timed = [name for name in measured if name not in notes and pages.request(name) is not None]
    times = pages.timings_side_by_side(timed)
    floor_median = statistics.median(times["floor"])
    bare_median = statistics.median(times["bare_page"])
    for name in measured:
        if name not in times:
            results["pages"][name] = {"median_ms": None, "p95_ms": None, "floor_ratio": None, "bare_ratio": None,
                                      "queries_small": small_queries.get(name), "queries_large": None}
            notes.setdefault(name, "not measurable in this build")
            continue
        median = statistics.median(times[name])
        results["pages"][name] = {
            "median_ms": round(median, 1),
            "p95_ms": round(p95(times[name]), 1),
            "floor_ratio": round(median / floor_median, 2),
            "bare_ratio": round(median / bare_median, 2),
            "queries_small": small_queries[name],
            "queries_large": pages.queries(name),
        }
    if "spike" in PARTS:
        users = scaled("spike_users", 20)
        log(f"Quiz spike: {users} concurrent learners against gunicorn ({WORKERS} workers)")
        results["quiz_spike"], notes["quiz_spike"] = quiz_spike(org, users)
    if "certificates" in PARTS:
        log("Certificates")
        results["certificates"], cert_notes = certificates(org, pages, scaled("issue_people", 20))
        notes.update(cert_notes)
    meta = {
        "scale": SCALE, "trainees_small": SMALL_TRAINEES, "trainees_large": large, "mentors": len(org.mentors),
        "repeat": REPEAT, "gunicorn_workers": WORKERS, "gunicorn_worker_class": WORKER_CLASS,
        "gunicorn_threads": THREADS, "floor_median_ms": round(floor_median, 2),
        "floor_p95_ms": round(p95(times["floor"]), 2), "bare_page_median_ms": round(bare_median, 2),
        "bare_page_p95_ms": round(p95(times["bare_page"]), 2), "parts": sorted(PARTS), "notes": notes,
        "database": "PostgreSQL " + _pg_version(),
    }
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    META.write_text(json.dumps(meta, indent=2, ensure_ascii=False))
    print_table(results, meta)
    return 0


def _pg_version():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


def print_table(results, meta):
    print(f"\nScale {meta['scale']}: {meta['trainees_small']} → {meta['trainees_large']} trainees; "
          f"floor median {meta['floor_median_ms']} ms (p95 {meta['floor_p95_ms']} ms); "
          f"bare Wagtail page median {meta['bare_page_median_ms']} ms (p95 {meta['bare_page_p95_ms']} ms)")
    print(f"{'page':24} {'median ms':>10} {'p95 ms':>8} {'× floor':>8} {'× bare':>8} {'q small':>8} {'q large':>8}"
          f"  target")
    for name, row in results["pages"].items():
        flat = row["queries_small"] == row["queries_large"]
        ok = row["floor_ratio"] is not None and row["floor_ratio"] <= COHORT_PAGES.get(name, 3) and flat
        if name in LEARNER_PAGES:
            ok = ok and row["bare_ratio"] <= 1.3
        target = "floor" if name in FLOORS else "ok" if ok else "MISSED"
        print(f"{name:24} {_f(row['median_ms']):>10} {_f(row['p95_ms']):>8} {_f(row['floor_ratio']):>8} "
              f"{_f(row['bare_ratio']):>8} {_f(row['queries_small']):>8} {_f(row['queries_large']):>8}  {target}")
    print("quiz spike:", json.dumps(results["quiz_spike"], ensure_ascii=False))
    print("certificates:", json.dumps(results["certificates"], ensure_ascii=False))
    for key, note in meta["notes"].items():
        print(f"  note {key}: {note}")
    print(f"\nWrote {RESULTS.relative_to(ROOT)} and {META.relative_to(ROOT)}")


def _f(value):
    return "—" if value is None else value
