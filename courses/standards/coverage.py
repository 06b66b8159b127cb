"""Which questions test which clause (规范条款), read from the live pages and the bank.

Clauses are the clause blocks of the live lessons of each course; a question tests a
clause when the clause id is in its ``clause_ids``. Editors' additions count too.
"""

from courses.models import CoursePage, LessonPage, Question


def coverage_report():
    """``{"courses": [{"title", "clauses", "questions"}], "clauses": [{"id", "course", "title", "questions"}]}``."""
    tested_by = {}
    for pk, clause_ids in Question.objects.exclude(clause_ids="").order_by("pk").values_list("pk", "clause_ids"):
        for cid in (c.strip() for c in clause_ids.replace("，", ",").split(",")):
            if cid:
                tested_by.setdefault(cid, []).append(pk)

    lessons_by_course = {}
    for lesson in LessonPage.objects.live().order_by("path"):
        lessons_by_course.setdefault(lesson.path[: -LessonPage.steplen], []).append(lesson)

    courses, clauses = [], []
    for course in CoursePage.objects.live().order_by("path"):
        seen, question_ids = set(), set()
        for lesson in lessons_by_course.get(course.path, []):
            for block in lesson.body:
                if block.block_type != "clause" or block.value["clause_id"] in seen:
                    continue
                cid = block.value["clause_id"]
                seen.add(cid)
                questions = tested_by.get(cid, [])
                question_ids.update(questions)
                clauses.append({"id": cid, "course": course.title, "title": block.value["title"],
                                "questions": questions})
        courses.append({"title": course.title, "clauses": len(seen), "questions": len(question_ids)})
    return {"courses": courses, "clauses": clauses}
