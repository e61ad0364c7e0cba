"""Worker processes: how the modules are shared out, what each worker receives, and how the
course-wide jobs reuse what the module jobs hand over instead of rendering it again."""

from __future__ import annotations

import pytest

import builders.qbank.moodle_xml as moodle_questions
import builders.scorm.content as scorm_content
from builders.formats import get_builder
from builders.load import load_course
from builders.workers import pack_outline, pack_owned, share_modules, unpack_share
from conftest import COURSES, PROJECT


@pytest.fixture(scope="module")
def shipped():
    course, _ = load_course(PROJECT)
    return course


@pytest.fixture(scope="module")
def full():
    course, _ = load_course(COURSES / "full")
    return course


def test_modules_are_shared_out_by_lessons_each_once(shipped):
    shares = share_modules(shipped, 2)
    assert set().union(*shares) == {m.id for m in shipped.modules}
    assert not shares[0] & shares[1]
    lessons = [sum(len(shipped.module(i).lessons) for i in share) for share in shares]
    biggest = max(len(m.lessons) for m in shipped.modules)
    assert abs(lessons[0] - lessons[1]) <= biggest
    assert share_modules(shipped, 2) == shares


def test_a_worker_gets_its_modules_whole_and_outlines_of_the_others(shipped):
    owned = share_modules(shipped, 2)[0]
    share = unpack_share(pack_outline(shipped), *pack_owned(shipped, owned), owned)
    assert [m.id for m in share.modules] == [m.id for m in shipped.modules]
    assert share.editions() == shipped.editions()
    for mine, theirs in zip(share.modules, shipped.modules, strict=True):
        assert [les.title for les in mine.lessons] == [les.title for les in theirs.lessons]
        if mine.id in owned:
            assert [len(les.tokens) for les in mine.lessons] == [
                len(les.tokens) for les in theirs.lessons
            ]
            assert [les.source for les in mine.lessons] == [les.source for les in theirs.lessons]
            assert mine.assets == theirs.assets
        else:
            assert all(les.tokens == () and les.source == "" for les in mine.lessons)
            assert all(asset.data == b"" for asset in mine.assets)


def test_lessons_that_came_pickled_are_handed_out_in_those_bytes(course_copy, tmp_path):
    """Lessons read on a worker or from the disk cache reach the rendering workers in the bytes
    they came in, not pickled again; any other lesson is pickled for them."""
    from test_source_cache import _on_a_worker, _tokens

    import builders.load.source_cache as source_cache

    root = course_copy("full")
    source_cache._memory.clear()
    course, _ = load_course(root, cache=tmp_path / "cache", submit=_on_a_worker,
                            keep_pickled=True)
    lessons = course.module("demo").lessons
    came = [source_cache.pickled_entry(lesson) for lesson in lessons]
    assert all(came)
    _, parts = pack_owned(course, {"demo"})
    assert all(part is data for part, data in zip(parts, came, strict=True))
    share = unpack_share(pack_outline(course), *pack_owned(course, {"demo"}), {"demo"})
    assert _tokens(share) == _tokens(course)
    source_cache.forget_pickled()
    _, parts = pack_owned(course, {"demo"})
    assert all(part is not data for part, data in zip(parts, came, strict=True))
    share = unpack_share(pack_outline(course), *pack_owned(course, {"demo"}), {"demo"})
    assert _tokens(share) == _tokens(course)
    for cache in (tmp_path / "cache", tmp_path / "new"):  # from the disk; read here and stored
        source_cache._memory.clear()
        course, _ = load_course(root, cache=cache, keep_pickled=True)
        assert all(source_cache.pickled_entry(lesson) for lesson in course.module("demo").lessons)
    source_cache._memory.clear()
    course, _ = load_course(root, cache=tmp_path / "cache")  # --jobs 1: no worker to take them
    assert not any(source_cache.pickled_entry(lesson) for lesson in course.module("demo").lessons)


def _course_job_after_handoff(course, name, monkeypatch, module, function):
    """Render a format's first course-wide job twice: alone, then in a parent that received
    what a worker's module jobs of the same edition handed over, with `function` disabled."""
    worker, parent = get_builder(name), get_builder(name)
    jobs = worker.plan(course)
    course_job = next(j for j in jobs if j.module is None)
    expected = get_builder(name).render(course, course_job)
    for job in jobs:
        if job.module and (job.lang, job.audience) == (course_job.lang, course_job.audience):
            worker.render(course, job)
            parent.receive(worker.handoff())
    assert worker.handoff() == {}  # handed over once, then forgotten by the worker

    def not_again(*args, **kwargs):
        raise AssertionError(f"{function} ran again for a course-wide job")

    monkeypatch.setattr(module, function, not_again)
    return parent.render(course, course_job), expected


@pytest.mark.parametrize("name", ["scorm12", "scorm2004"])
def test_course_package_takes_the_pages_workers_handed_over(full, name, monkeypatch):
    got, expected = _course_job_after_handoff(full, name, monkeypatch, scorm_content,
                                              "lesson_page")
    assert got == expected


def test_course_bank_takes_the_questions_workers_handed_over(full, monkeypatch):
    got, expected = _course_job_after_handoff(full, "moodle_xml", monkeypatch,
                                              moodle_questions, "question_element")
    assert got == expected


def test_the_course_bank_lets_go_of_the_questions_it_was_the_last_to_use(shipped):
    """The questions' XML handed over for the course-wide banks stayed in the parent until the
    build ended: at 1,000 modules, every language's questions at once (the English and French
    ones, some 190 MB, while the multilingual bank was written)."""
    builder, expected = get_builder("moodle_xml"), get_builder("moodle_xml")
    for job in builder.plan(shipped):
        files = builder.render(shipped, job)
        assert files == expected.render(shipped, job)  # the same bytes as a builder on its own
        if job.module is None:  # the course bank of this audience and language
            langs = (job.lang,) if job.lang else tuple(shipped.languages)
            # a question's key: quiz file, its digest, question id, interface language, langs
            assert not [key for key in builder.handed
                        if key[0].endswith(f"/{job.audience}.yaml") and key[4:] == langs]
    assert builder.handed == {}


def test_jobs_1_renders_in_one_process_and_jobs_0_is_refused(
    course_copy, run_cli, monkeypatch, pool_starts
):
    import builders.workers as workers

    monkeypatch.setattr(workers, "POOL_MIN_JOBS", 1)
    root = course_copy("full")
    result = run_cli("--root", root, "-q", "build", "--format", "html", "--jobs", "1")
    assert result.code == 0, result.err
    assert (root / "exports/html/index.html").is_file()
    assert pool_starts == []
    refused = run_cli("--root", root, "build", "--jobs", "0")
    assert refused.code == 2
    assert "--jobs" in refused.err and "at least 1" in refused.err


class _RecordingPool:
    """Stands in for a worker process: records what is sent and answers at once."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def submit(self, function, name, job):
        from concurrent.futures import Future

        self.sent.append(f"{name}:{job.key}")
        future: Future = Future()
        future.set_result(({f"{name}:{job.key}": b""}, {}))
        return future


class _HeldPool:
    """Stands in for a worker process whose jobs finish when the test says so."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.futures: list = []

    def submit(self, function, name, job):
        from concurrent.futures import Future

        self.sent.append(job.key)
        future: Future = Future()
        self.futures.append((future, ({job.key: b""}, {})))
        return future

    def finish(self, index: int) -> None:
        future, result = self.futures[index]
        future.set_result(result)


def test_a_whole_course_job_goes_to_the_first_worker_with_room(full, monkeypatch):
    """A worker busy with a long job is not handed the jobs queued behind it: they go to the
    worker that finished, and the files still come out in the order of the jobs."""
    import builders.workers as workers

    monkeypatch.setattr(workers, "POOL_MIN_JOBS", 1)
    monkeypatch.setattr(workers, "JOBS_PER_WORKER", 1)
    renderer = workers.Renderer({}, workers=2)
    renderer.course, renderer.handed_out, renderer.whole = full, True, True
    slow, quick = _HeldPool(), _HeldPool()
    renderer.processes = [slow, quick]  # type: ignore[list-item]
    from builders.formats.base import Job

    jobs = [Job(f"demo/part-{n}", (), module="demo") for n in range(4)]  # held, never rendered
    files = renderer.render(get_builder("gift"), jobs)
    assert (slow.sent, quick.sent) == ([jobs[0].key], [jobs[1].key])  # one each, no more
    quick.finish(0)
    quick.finish(1)
    assert quick.sent == [job.key for job in jobs[1:]]  # the long job holds nothing back
    quick.finish(2)
    slow.finish(0)
    assert [name for artifact in files for name in artifact] == [job.key for job in jobs]
    assert renderer.sent == 0 and renderer.unfinished == [0, 0] and not renderer.backlog


def test_jobs_go_to_the_workers_a_window_at_a_time_across_formats(full, monkeypatch):
    """Every format's jobs are queued before the first files are taken; the workers get the next
    format's jobs while this process still takes (and renders the course-wide jobs of) the one
    before, and never more at once than the window."""
    import builders.workers as workers

    monkeypatch.setattr(workers, "POOL_MIN_JOBS", 1)
    monkeypatch.setattr(workers, "JOBS_AHEAD", 1)  # one job per worker
    renderer = workers.Renderer({}, workers=2)
    renderer.course, renderer.handed_out, renderer.whole = full, True, True
    pools = [_RecordingPool(), _RecordingPool()]
    renderer.processes = pools  # type: ignore[assignment]

    def sent() -> list[str]:
        return sorted(item for pool in pools for item in pool.sent)

    bank, gift = get_builder("moodle_xml"), get_builder("gift")
    bank_jobs, gift_jobs = bank.plan(full), gift.plan(full)
    banks = renderer.render(bank, bank_jobs)
    gifts = renderer.render(gift, gift_jobs)
    assert len(sent()) == 2
    on_workers = [f"moodle_xml:{j.key}" for j in bank_jobs if j.module is not None]
    bank_files = []
    for artifact in banks:
        assert renderer.sent <= 2
        bank_files += list(artifact)
    assert [f for f in bank_files if f.startswith("moodle_xml:")] == on_workers
    assert any(f.endswith(".xml") for f in bank_files)  # course banks rendered here
    assert len(sent()) == len(on_workers) + 2  # the GIFT jobs went out before any was taken
    gift_files = [name for artifact in gifts for name in artifact]
    assert gift_files == [f"gift:{j.key}" for j in gift_jobs]
    assert sent() == sorted(on_workers + gift_files)
    assert renderer.sent == 0 and not renderer.backlog


def test_the_threads_that_feed_the_workers_get_the_interpreter_soon_and_only_meanwhile():
    import sys

    import builders.workers as workers

    before = sys.getswitchinterval()
    with workers.Renderer({}, workers=1):
        assert sys.getswitchinterval() == min(before, workers.HANDOFF_SECONDS)
    assert sys.getswitchinterval() == before


def _lesson_pages(course):
    """How the formats render a lesson's learner page, teacher page and SCORM page."""
    from builders.render.pages import Runtime, lesson_page

    module = course.module("demo")
    lesson = module.lesson("secondary", "en")
    return [
        lambda: lesson_page(course, module, lesson, teacher=False, root="../../",
                            media="../../media"),
        lambda: lesson_page(course, module, lesson, teacher=True, root="../../../",
                            media="../../../media"),
        lambda: lesson_page(course, module, lesson, teacher=False, root="../", media="../media",
                            runtime=Runtime("1.2", 70)),
    ]


@pytest.mark.parametrize("with_image", [True, False])
def test_the_pages_of_a_lesson_share_its_quiz(course_copy, monkeypatch, with_image):
    """The learner, teacher and package pages of a lesson show the same questions: made once,
    unless a question shows an image, whose path depends on where the page is. Shared or not,
    each page is the one made alone."""
    import builders.render.quiz_view as quiz_view

    root = course_copy("full")
    glossary = root / "modules/glossary.yaml"
    glossary.write_text(glossary.read_text() + (
        "  - id: recruitment-fee\n"
        "    term: {en: recruitment fee, fr: frais de recrutement}\n"
        "    definition: {en: What a worker is charged to get a job., fr: Ce qu'on fait payer.}\n"
    ))
    quiz = root / "quizzes/demo/secondary.yaml"
    text = quiz.read_text().replace(  # cited and named by the quiz alone, not by the lesson
        "Which factor is **global**?", "Which factor is **global** [§16], [[recruitment-fee]]?")
    if not with_image:
        text = text.replace(" ![The four levels of risk](images/levels.png)", "")
    quiz.write_text(text)
    course, _ = load_course(root)
    made = []
    question_views = quiz_view.question_views
    monkeypatch.setattr(quiz_view, "question_views",
                        lambda *args: made.append(1) or question_views(*args))
    monkeypatch.setattr(quiz_view, "_SHARED", {})
    pages = [render() for render in _lesson_pages(course)]
    assert len(made) == (3 if with_image else 1)
    alone = []
    for render in _lesson_pages(course):
        monkeypatch.setattr(quiz_view, "_SHARED", {})
        alone.append(render())
    assert pages == alone
    assert all(b'id="para-16"' in page and b'id="term-recruitment-fee"' in page for page in pages)


@pytest.mark.parametrize(("files", "own", "cores"), [
    ({"cpu.max": "max 100000"}, "/", None),
    ({"cpu.max": "150000 100000"}, "/", 1.5),  # docker run --cpus 1.5
    ({"ci/job/cpu.max": "50000 100000", "ci/cpu.max": "200000 100000"}, "/ci/job", 0.5),
    ({"ci/job/cpu.max": "max 100000", "ci/cpu.max": "100000 100000"}, "/ci/job", 1.0),
    ({"cpu/cpu.cfs_quota_us": "200000", "cpu/cpu.cfs_period_us": "100000"}, "/", 2.0),  # v1
    ({"cpu/cpu.cfs_quota_us": "-1", "cpu/cpu.cfs_period_us": "100000"}, "/", None),
    ({"cpu.max": "garbage"}, "/", None),
    ({}, "/", None),
])
def test_a_control_groups_cpu_quota_limits_the_cores_used(tmp_path, monkeypatch, files, own,
                                                           cores):
    """A container or CI runner granted 2 cores of a 64-core host: os.cpu_count() says 64, and
    a build started 64 worker processes and 64 Typst threads each, for 2 cores' worth of time."""
    import builders.cores as cores_module

    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text + "\n")
    (tmp_path / "self").write_text(f"12:memory:/x\n0::{own}\n")
    monkeypatch.setattr(cores_module, "CGROUPS", tmp_path)
    monkeypatch.setattr(cores_module, "OWN_GROUPS", tmp_path / "self")
    assert cores_module._quota() == cores


def test_more_jobs_than_cores_renders_on_as_many_processes_as_cores(course_copy, run_cli,
                                                                    monkeypatch):
    """`--jobs 100000` started a process for each job a format had: the build never ended."""
    import builders.pipeline as pipeline
    from builders.cores import usable_cores

    most = max(2, usable_cores())
    real_build = pipeline.build

    def build(*args, workers=None, **options):
        assert workers is not None and workers <= most
        return real_build(*args, workers=workers, **options)

    monkeypatch.setattr(pipeline, "build", build)
    root = course_copy("full")
    result = run_cli("--root", root, "build", "--jobs", "100000", "--format", "gift")
    assert result.code == 0, result.err
    assert f"--jobs 100000: e4j may use {usable_cores()} core(s) here" in result.err
    assert run_cli("--root", root, "build", "--jobs", "1", "--format", "gift").err == ""
