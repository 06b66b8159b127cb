"""The kept count of the cohort's weak clauses (``ClauseTally``): how many trainees of each region have each clause
in their 错题本.

Each book entry carries its learner's place in a cohort (their region, whether they are a trainee); the tally is
the number of entries in the book per (region, clause) among trainees. Both move in the writer's transaction:

- when an entry is written (``services.refresh_entries``), from its old place and standing to its new ones;
- when a person's profile or roles change (``receivers``), their entries move to their new place (``replace``);
- when a person is deleted, their entries leave the tally before they go (``forget``).

Bulk writes that skip all of these (``bulk_create`` of entries, ``QuerySet.update`` of profiles) are followed by
``rebuild()`` (``manage.py rebuild_wrongbook_tally``).
"""

from collections import Counter, defaultdict

from django.db import transaction
from django.db.models import BooleanField, Count, ExpressionWrapper

from lms.cohort import trainee_q
from lms.models import StaffProfile
from lms.tallies import move_tally

from .models import BookEntry, ClauseTally

BATCH = 500  # people per round of queries


def places(user_ids, *, lock=False):
    """``{user id: (region id, is a trainee)}`` of these people, in one query; (None, False) without a profile.

    ``lock``: their profiles stay locked to the end of the transaction, so two writers of one person's entries
    (two answers handed in at once) move the tally one after the other, each from what the other left."""
    profiles = StaffProfile.objects.filter(user_id__in=user_ids)
    if lock:
        profiles = profiles.select_for_update(of=("self",))
    rows = (profiles.order_by("user_id")
            .annotate(is_trainee=ExpressionWrapper(trainee_q(), output_field=BooleanField()))
            .values_list("user_id", "region_id", "is_trainee"))
    found = {user_id: (region_id, bool(trainee)) for user_id, region_id, trainee in rows}
    return {user_id: found.get(user_id, (None, False)) for user_id in user_ids}


def tally_key(region_id, trainee, clause_id, in_book):
    """An entry's place in the tally, or None when it is not counted (out of the book, or not a trainee's)."""
    return (region_id, clause_id) if in_book and trainee else None


def move(before=(), after=()):
    """Move the tally from the entries' keys ``before`` to ``after`` (``tally_key``s), in the caller's transaction."""
    move_tally(ClauseTally, ("region_id", "clause_id"), before=before, after=after)


@transaction.atomic
def replace(user_ids, *, count=True):
    """Bring these people's entries to their current place (region, trainee) and the tally with them."""
    user_ids = sorted({uid for uid in user_ids if uid is not None})
    for start in range(0, len(user_ids), BATCH):
        batch = user_ids[start:start + BATCH]
        now = places(batch, lock=True)
        before, after, moved = [], [], defaultdict(list)
        for pk, user_id, clause_id, in_book, region_id, trainee in (
            BookEntry.objects.filter(user_id__in=batch).order_by()
            .values_list("pk", "user_id", "clause_id", "in_book", "region_id", "trainee")
        ):
            place = now[user_id]
            if (region_id, trainee) == place:
                continue
            moved[place].append(pk)
            before.append(tally_key(region_id, trainee, clause_id, in_book))
            after.append(tally_key(*place, clause_id, in_book))
        for (region_id, trainee), pks in moved.items():
            BookEntry.objects.filter(pk__in=pks).update(region_id=region_id, trainee=trainee)
        if count:
            move(before, after)


@transaction.atomic
def forget(user_id):
    """A person about to be deleted: their entries go now, and leave the tally with them."""
    entries = list(BookEntry.objects.filter(user_id=user_id).values_list("region_id", "trainee", "clause_id",
                                                                         "in_book"))
    BookEntry.objects.filter(user_id=user_id).delete()
    move(before=[tally_key(*entry) for entry in entries])


@transaction.atomic
def rebuild():
    """Every entry's place worked out again from the profiles, and the tally counted again from the entries."""
    replace(BookEntry.objects.order_by().values_list("user_id", flat=True).distinct(), count=False)
    ClauseTally.objects.all().delete()
    counted = (BookEntry.objects.filter(in_book=True, trainee=True).order_by().values("region_id", "clause_id")
               .annotate(people=Count("pk")))
    ClauseTally.objects.bulk_create((ClauseTally(region_id=row["region_id"], clause_id=row["clause_id"],
                                                 n=row["people"]) for row in counted.iterator()), batch_size=BATCH)


def counted():
    """``{(region id, clause id): n}`` of the kept tally (rows of the same key added up)."""
    totals = Counter()
    for region_id, clause_id, n in ClauseTally.objects.values_list("region_id", "clause_id", "n"):
        totals[(region_id, clause_id)] += n
    return {key: n for key, n in totals.items() if n}


def recounted():
    """``{(region id, clause id): n}`` counted from the entries and the people's current places (what ``counted``
    must always equal)."""
    entries = list(BookEntry.objects.filter(in_book=True).values_list("user_id", "clause_id"))
    now = places({user_id for user_id, _clause in entries})
    totals = Counter((now[user_id][0], clause_id) for user_id, clause_id in entries if now[user_id][1])
    return dict(totals)
