"""The person's printable record (16.7): page 1 carries the record, not just the header with the rest pushed on."""

import io

from pypdf import PdfReader

from courses.models import CourseAssignment
from tests.courses.conftest import make_course


def test_page_one_of_the_record_starts_the_first_section(client, cast):
    # Enough courses that the courses section does not fit under the header on page 1.
    titles = []
    for n in range(22):
        course = make_course(code=f"C{n:02d}", lessons=1)
        CourseAssignment.objects.create(course=course, user=cast.trainee)
        titles.append(course.title)
    client.force_login(cast.lead)
    response = client.get(f"/people/{cast.trainee.profile.pk}/record.pdf")
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]
    assert len(pages) >= 2
    assert "李明轩" in pages[0]
    first = pages[0].replace(" ", "")
    assert any(title.replace(" ", "") in first for title in titles), pages[0]
