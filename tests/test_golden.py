"""Golden files: the HTML edition of tests/courses/full, compared file by file.

After a reviewed change, regenerate with `make golden` and review the diff like code.
"""

from __future__ import annotations

import io
import os
import shutil
import zipfile

import pypdf
import pytest
from lxml import etree

from builders.formats import REGISTRY, get_builder
from builders.load import load_course
from conftest import COURSES, TESTS

GOLDEN = TESTS / "golden"
UPDATE = os.environ.get("E4J_UPDATE_GOLDEN") == "1"


def unpacked(artifact: dict[str, bytes]) -> dict[str, bytes]:
    """Zips become folders of their entries (XML canonicalised) so diffs stay readable."""
    files: dict[str, bytes] = {}
    for rel, data in artifact.items():
        if rel.endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for name in archive.namelist():
                    content = archive.read(name)
                    if name.endswith(".xml"):
                        content = etree.tostring(etree.fromstring(content), method="c14n2")
                    files[f"{rel}/{name}"] = content
        elif rel.endswith(".pdf"):  # text, so diffs are readable and Typst updates do not churn
            reader = pypdf.PdfReader(io.BytesIO(data))
            text = "\n".join(page.extract_text() for page in reader.pages)
            files[f"{rel}.txt"] = text.encode("utf-8")
        else:
            files[rel] = data
    return files


@pytest.mark.parametrize("fmt", sorted(REGISTRY))
def test_golden(fmt):
    course, _ = load_course(COURSES / "full")
    artifact = unpacked(get_builder(fmt).build(course))
    folder = GOLDEN / fmt
    if UPDATE:
        shutil.rmtree(folder, ignore_errors=True)
        for rel, data in artifact.items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_bytes(data)
    expected = {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }
    assert sorted(artifact) == sorted(expected), "files differ; run `make golden` if intended"
    for rel in sorted(artifact):
        if rel.endswith((".html", ".css", ".js", ".xml", ".txt", ".json")):
            assert artifact[rel].decode() == expected[rel].decode(), rel
        else:
            assert artifact[rel] == expected[rel], rel
