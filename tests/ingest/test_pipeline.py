from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import CORPUS
from tests.plans import write_docx


def _chunk_texts(services) -> list[str]:
    versions = services.stores.versions.active_versions()
    return [hit.text for hit in services.index.all_chunks(versions)]


def test_reingest_of_unchanged_files_embeds_nothing(services, tmp_path: Path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(CORPUS / "nang-cao-chi-so-dti-2023.txt", folder)
    write_docx(folder / "plan.docx")
    first = services.ingestor.ingest_paths([folder])
    assert {r.status for r in first} == {"added"}
    embedded = services.embedder.passages
    count = services.index.count()
    assert embedded > 0 and count > 0
    second = services.ingestor.ingest_paths([folder])
    assert {r.status for r in second} == {"unchanged"}
    assert services.embedder.passages == embedded
    assert services.index.count() == count


def test_changed_file_becomes_a_new_version_without_stale_chunks(services, tmp_path: Path):
    path = write_docx(tmp_path / "plan.docx", version=1)
    added = services.ingestor.ingest_file(path)
    assert (added.status, added.version, added.tasks) == ("added", 1, 3)
    write_docx(path, version=2)
    updated = services.ingestor.ingest_file(path)
    assert (updated.status, updated.version, updated.replaced_version) == ("updated", 2, 1)
    assert updated.document_id == added.document_id
    tasks = services.stores.records.tasks()
    assert [t.number for t in tasks] == ["1", "2"]
    assert {t.version for t in tasks} == {2}
    assert tasks[0].deadline.text == "6/2026"
    texts = _chunk_texts(services)
    assert not any("Đào tạo kỹ năng số cho cán bộ cấp xã" in t for t in texts)
    assert any("6/2026" in t for t in texts) and not any("3/2026" in t for t in texts)
    assert services.index.versions() == {f"{added.document_id}@2"}
    # unchanged passages of the new version reused cached vectors
    assert updated.embedded < updated.chunks


def test_same_official_number_is_a_new_version_not_a_copy(services, tmp_path: Path):
    first = services.ingestor.ingest_file(write_docx(tmp_path / "a.docx", number="999/KH-UBND"))
    second = services.ingestor.ingest_file(
        write_docx(tmp_path / "b.docx", version=2, number="999/KH-UBND")
    )
    assert second.document_id == first.document_id and second.version == 2
    assert len(services.stores.versions.active_documents()) == 1


def test_bad_file_is_reported_and_others_are_ingested(services, tmp_path: Path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "hong.pdf").write_bytes(b"%PDF-1.4 broken")
    write_docx(folder / "plan.docx")
    results = {r.source: r for r in services.ingestor.ingest_paths([folder])}
    assert results["hong.pdf"].status == "failed" and "PDF" in (results["hong.pdf"].error or "")
    assert results["plan.docx"].status == "added"
    assert [d.source for d in services.stores.versions.active_documents()] == ["plan.docx"]
    assert services.stores.versions.stale_versions() == []


def test_interrupted_ingest_is_cleaned_up(services, tmp_path: Path):
    from domain.records import Document

    path = write_docx(tmp_path / "plan.docx")
    services.ingestor.ingest_file(path)
    before = services.index.count()
    # what a crash between writing a pending version and activating it leaves behind
    doc = services.stores.versions.active_documents()[0]
    pending = Document(**{**doc.__dict__, "version": 2, "active": False})
    services.stores.versions.add_pending(pending, services.stores.records.tasks(), [])
    assert services.ingestor.cleanup() == 1
    assert services.stores.versions.stale_versions() == []
    assert services.index.count() == before
    assert {t.version for t in services.stores.records.tasks()} == {1}


def test_remove_document(services, tmp_path: Path):
    result = services.ingestor.ingest_file(write_docx(tmp_path / "plan.docx"))
    services.ingestor.remove(result.document_id)
    assert services.stores.versions.active_documents() == [] and services.index.count() == 0


def test_a_new_gazetteer_reads_unchanged_files_again(services, tmp_path: Path):
    import json

    from domain.agencies import Gazetteer
    from ingest.pipeline import Ingestor

    path = write_docx(tmp_path / "plan.docx")
    first = services.ingestor.ingest_file(path)
    assert services.stores.records.tasks()[0].lead_agencies == ("Sở Thông tin và Truyền thông",)
    # an admin records that the agency was merged: the same file is read again
    extra = tmp_path / "agencies.json"
    extra.write_text(
        json.dumps(
            {
                "agencies": [
                    {
                        "name": "Sở Thông tin và Truyền thông",
                        "merged_into": "Sở Khoa học và Công nghệ",
                    }
                ]
            }
        ),
        "utf-8",
    )
    ingestor = Ingestor(
        versions=services.stores.versions,
        records=services.stores.records,
        index=services.index,
        gazetteer=Gazetteer.load([extra]),
        embed_counter=lambda: services.embeddings.calls,
    )
    embedded = services.embedder.passages
    again = ingestor.ingest_file(path)
    assert (again.status, again.version, again.document_id) == ("updated", 2, first.document_id)
    assert services.stores.records.tasks()[0].lead_agencies == ("Sở Khoa học và Công nghệ",)
    assert services.index.versions() == {f"{first.document_id}@2"}
    assert services.embedder.passages - embedded < first.chunks
    # and with that gazetteer it is unchanged from then on
    assert ingestor.ingest_file(path).status == "unchanged"
