"""18.2 Bulk issue and re-issue: started by the lead, shared by several task workers, nothing done twice."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from certificates.bulk import claim_items, process_batch, report, start_bulk_run
from certificates.models import BulkItem, BulkRun, Certificate, CertificateEvent
from certificates.services import check_requirements, issue_manually
from courses.models import CourseCompletion
from lms.services import create_staff

ROOT = Path(__file__).resolve().parents[2]


def _eligible(world, *users):
    for user in users:
        for course in (world.win, world.hall):
            CourseCompletion.objects.get_or_create(user=user, course=course)


def _people(world, n, prefix="b"):
    return [create_staff(username=f"{prefix}{i}", employee_no=f"{prefix.upper()}{i:04d}", name=f"批量{i}",
                         region=world.cast.trainee.profile.region, status="probation") for i in range(n)]


def test_a_bulk_issue_lists_the_people_in_the_leads_scope_without_a_certificate(world):
    _eligible(world, world.cast.trainee, world.cast.other_trainee)
    run = start_bulk_run(program=world.program, kind=BulkRun.Kind.ISSUE, by=world.cast.lead)
    holders = set(run.items.values_list("holder_id", flat=True))
    assert world.cast.trainee.pk in holders
    assert world.cast.other_trainee.pk not in holders  # another region: not the lead's to issue
    assert world.cast.lead.pk not in holders
    assert run.total == len(holders)


def test_only_a_training_lead_starts_a_run_and_a_reissue_needs_a_reason(world):
    with pytest.raises(PermissionDenied):
        start_bulk_run(program=world.program, kind=BulkRun.Kind.ISSUE, by=world.cast.mentor)
    with pytest.raises(ValidationError):
        start_bulk_run(program=world.program, kind=BulkRun.Kind.REISSUE, by=world.cast.lead, reason=" ")
    assert not BulkRun.objects.exists()


def test_claims_never_overlap(world):
    people = _people(world, 7)
    _eligible(world, *people)
    run = start_bulk_run(program=world.program, kind=BulkRun.Kind.ISSUE, by=world.cast.lead)
    first = claim_items(run, worker="a", limit=5)
    second = claim_items(run, worker="b", limit=50)
    third = claim_items(run, worker="c", limit=50)
    assert len(first) == 5 and third == []
    assert not {i.pk for i in first} & {i.pk for i in second}
    assert len(first) + len(second) == run.total >= len(people)


def test_the_lead_starts_a_run_from_the_page_and_watches_its_progress(client, world,
                                                                     django_capture_on_commit_callbacks):
    people = _people(world, 4)
    _eligible(world, world.cast.trainee, *people[:3])
    client.force_login(world.cast.lead)
    assert client.get("/certificates/bulk/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/certificates/bulk/", {"program": world.program.pk, "kind": "issue"})
    run = BulkRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/certificates/bulk/{run.pk}/"
    progress = client.get(f"/certificates/bulk/{run.pk}/?format=json").json()
    assert progress["status"] == "done" and progress["done"] == progress["total"] == run.total
    assert progress["issued"] == 4 and progress["errors"] == 0
    html = client.get(f"/certificates/bulk/{run.pk}/").content.decode()
    assert f"{run.total}" in html and "已完成" in html
    certificates = Certificate.objects.filter(program=world.program)
    assert certificates.count() == 4 and all(c.pdf for c in certificates)
    rendered = CertificateEvent.objects.filter(certificate__in=certificates, action="rendered").count()
    assert rendered == 4
    client.force_login(world.cast.other_lead)
    assert client.get(f"/certificates/bulk/{run.pk}/").status_code == 404


def test_a_bulk_reissue_supersedes_each_valid_certificate_once(client, certified,
                                                              django_capture_on_commit_callbacks):
    old = certified.certificate
    with django_capture_on_commit_callbacks(execute=True):
        run = start_bulk_run(program=certified.program, kind=BulkRun.Kind.REISSUE, by=certified.cast.lead,
                             reason="标准修订")
    old.refresh_from_db()
    item = run.items.get()
    assert (item.state, old.status) == (BulkItem.State.ISSUED, Certificate.Status.SUPERSEDED)
    assert old.superseded_by == item.certificate and item.certificate.pdf
    assert report(run)["issued_twice"] == report(run)["rendered_twice"] == 0


@pytest.mark.django_db(transaction=True)
def test_two_real_worker_processes_share_a_bulk_issue_with_none_done_twice(world, tmp_path):
    """Two `manage.py db_worker` processes on the same database: the items are split between them, every
    certificate is issued and rendered exactly once."""
    people = _people(world, 16)
    _eligible(world, *people)
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{database['NAME']}"
    else:
        url = (f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:{database['PORT']}/"
               f"{database['NAME']}")
    tasks = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with override_settings(TASKS=tasks, CERTIFICATES_BULK_BATCH=2):
        run = start_bulk_run(program=world.program, kind=BulkRun.Kind.ISSUE, by=world.cast.lead)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.test", "DATABASE_URL": url,
           "LMS_TASKS_BACKEND": "database", "CERTIFICATES_BULK_BATCH": "2"}
    env["PYTHONPATH"] = str(ROOT)
    workers = [
        subprocess.Popen([sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--interval",
                          "0.2"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
        for _ in range(2)
    ]
    outputs = [w.communicate(timeout=300)[0] for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    out = subprocess.run([sys.executable, "manage.py", "certificates_bulk", "status", str(run.pk), "--json"],
                         cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout
    result = json.loads(out)
    assert result["status"] == "done" and result["done"] == result["total"] and result["issued"] == 16, result
    assert result["rendered"] == 16 and result["rendered_twice"] == 0 and result["issued_twice"] == 0
    assert len(result["workers"]) == 2 and all(n > 0 for n in result["workers"].values()), result["workers"]
    assert Certificate.objects.filter(program=world.program).count() == 16
    rendered = CertificateEvent.objects.filter(action="rendered", certificate__program=world.program)
    assert rendered.count() == 16




def test_the_command_starts_and_reports_a_run(world, capsys, django_capture_on_commit_callbacks):
    _eligible(world, world.cast.trainee)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("certificates_bulk", "start", "--program", world.program.code, "--by", world.cast.lead.username,
                     "--json")
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["kind"] == "issue" and result["total"] >= 1
    call_command("certificates_bulk", "status", str(result["run"]), "--json")
    assert json.loads(capsys.readouterr().out)["issued"] == 1


def test_a_holder_who_left_the_leads_scope_is_an_error_of_that_item_only(certified):
    mentor_certificate = issue_manually(holder=certified.cast.mentor, program=certified.program,
                                        by=certified.cast.lead, reason="特批", override=True)
    run = start_bulk_run(program=certified.program, kind=BulkRun.Kind.REISSUE, by=certified.cast.lead,
                         reason="标准修订")
    profile = certified.cast.trainee.profile
    profile.region = certified.cast.other_trainee.profile.region  # moved to another region meanwhile
    profile.save()
    process_batch(run.pk)
    items = {i.holder_id: i for i in run.items.all()}
    assert items[certified.cast.trainee.pk].state == BulkItem.State.FAILED
    assert items[certified.cast.trainee.pk].error == "无权为此人员操作。"
    assert items[certified.cast.mentor.pk].state == BulkItem.State.ISSUED
    mentor_certificate.refresh_from_db()
    assert mentor_certificate.status == Certificate.Status.SUPERSEDED
    run.refresh_from_db()
    assert run.status == BulkRun.Status.DONE and run.progress()["errors"] == 1


def test_a_bulk_issue_lists_only_the_eligible_and_takes_the_same_queries_for_few_people_or_many(world):
    """The eligible are found by the requirements' set face, the batch checked and labelled together: starting
    a run and working off a batch cost the same queries for 2 people or 12 (rendering apart)."""
    from django.test.utils import CaptureQueriesContext

    from progress.models import Progress

    def issue_to(people, prefix):
        _eligible(world, *people)
        not_yet = _people(world, 1, prefix=f"{prefix}n")  # meets nothing: not listed
        with CaptureQueriesContext(connection) as start:
            run = start_bulk_run(program=world.program, kind=BulkRun.Kind.ISSUE, by=world.cast.lead, render=False,
                                 people=[p.pk for p in people + not_yet])
        assert set(run.items.values_list("holder_id", flat=True)) == {p.pk for p in people}
        with CaptureQueriesContext(connection) as batch:
            process_batch(run.pk, worker="w")
        assert run.items.filter(state=BulkItem.State.ISSUED).count() == len(people)
        certificate = Certificate.objects.get(holder=people[0], program=world.program)
        # Labelled as one person's check labels them (what the certificate prints).
        one_by_one = check_requirements(people[0], world.program)
        assert [r["label"] for r in certificate.requirements_met] == [str(r.label) for r in one_by_one]
        assert len(one_by_one) == 2
        # Inserted together, the certificates still reach the progress rows.
        assert Progress.objects.filter(program=world.program, user__in=people, certified=True).count() == len(people)
        return len(start.captured_queries), len(batch.captured_queries)

    issue_to(_people(world, 1, "w"), "w")  # fills the caches every request shares (the region tree)
    assert issue_to(_people(world, 2, "f"), "f") == issue_to(_people(world, 12, "m"), "m")


def test_someone_no_longer_eligible_when_their_batch_comes_is_skipped(world):
    people = _people(world, 2)
    _eligible(world, *people)
    run = start_bulk_run(program=world.program, kind=BulkRun.Kind.ISSUE, by=world.cast.lead, render=False,
                         people=[p.pk for p in people])
    CourseCompletion.objects.filter(user=people[1], course=world.hall).delete()
    process_batch(run.pk)
    states = dict(run.items.values_list("holder_id", "state"))
    assert states == {people[0].pk: BulkItem.State.ISSUED, people[1].pk: BulkItem.State.SKIPPED}
    assert not Certificate.objects.filter(holder=people[1]).exists()
