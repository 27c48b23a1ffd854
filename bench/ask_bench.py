"""Benchmark: /ask latency at 1 and 8 clients, and accuracy against a plain LangChain RAG.

Run: ``.venv/bin/python bench/ask_bench.py [--qa ../shared/eval/dev.jsonl]``. Prints figures;
asserts nothing. The baseline is RecursiveCharacterTextSplitter + Chroma + the same embedder,
its top chunk cut to 700 characters as the answer, scored by the same rules.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import uvicorn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.app import create_app  # noqa: E402
from api.container import build_container  # noqa: E402
from api.evaluation import judge  # noqa: E402
from domain.settings import Settings  # noqa: E402
from domain.text import nfc  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def serve(container) -> tuple[uvicorn.Server, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(container.settings, container),
            host="127.0.0.1",
            port=port,
            log_level="warning",
        )
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def run_clients(
    url: str, questions: list[str], clients: int
) -> tuple[list[float], list[dict], float]:
    def one(question: str) -> tuple[float, dict]:
        with httpx.Client(timeout=60) as client:
            start = time.perf_counter()
            body = client.post(f"{url}/ask", json={"question": question}).json()
            return time.perf_counter() - start, body

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(one, questions))
    wall = time.perf_counter() - start
    return [r[0] for r in results], [r[1] for r in results], wall


def raw_embedding_times(container, questions: list[str]) -> list[float]:
    """The embedder alone on each whole question (no cache): what one dense query costs."""
    model = container.embeddings.embedder
    model.embed_query("khởi động")  # load the model outside the timing
    times = []
    for question in questions:
        start = time.perf_counter()
        model.embed_query(question)
        times.append(time.perf_counter() - start)
    return times


def score(items: list[dict], answers: list[dict]) -> tuple[float, float, float]:
    ans, unans, ev = [], [], []
    for item, answer in zip(items, answers, strict=True):
        ok, hit = judge(item, answer)
        if item["answerable"]:
            ans.append(ok)
            ev.append(hit)
        else:
            unans.append(ok)
    pct = lambda xs: 100 * sum(xs) / len(xs) if xs else 0.0  # noqa: E731
    return pct(ans), pct(unans), pct(ev)


def baseline_answers(container, items: list[dict]) -> list[dict]:
    """Plain LangChain RAG over the same corpus and embedder."""
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=100)
    texts = []
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        texts.extend(splitter.split_text(nfc(path.read_text("utf-8"))))
    store = Chroma(
        "baseline",
        embedding_function=container.embeddings,
        persist_directory=tempfile.mkdtemp(prefix="baseline-"),
        collection_metadata={"hnsw:space": "cosine"},
    )
    store.add_texts(texts)
    answers = []
    for item in items:
        top = store.similarity_search(item["question"], k=1)[0].page_content
        answers.append(
            {"answer": top[:700], "found": True, "sources": [{"text": top}], "tasks": []}
        )
    return answers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--qa", type=Path, default=ROOT.parent / "shared/eval/dev.jsonl")
    args = parser.parse_args()
    items = [json.loads(line) for line in args.qa.read_text("utf-8").splitlines() if line]
    questions = [item["question"] for item in items]
    container = build_container(Settings(data_dir=Path(tempfile.mkdtemp(prefix="ask-bench-"))))
    container.ingestor.ingest_paths([ROOT / "corpus"])
    embed = raw_embedding_times(container, questions)
    server, url = serve(container)
    run_clients(url, questions[:5], 1)  # warm-up
    lat1, answers, _ = run_clients(url, questions, 1)
    lat8, _, wall8 = run_clients(url, questions * 2, 8)
    server.should_exit = True
    ours = score(items, answers)
    base = score(items, baseline_answers(container, items))
    print(
        f"questions: {len(items)}  (1 client: {len(questions)} requests; "
        f"8 clients: {2 * len(questions)} requests)"
    )
    print(
        f"/ask latency, 1 client : p50 {percentile(lat1, 0.5):6.0f} ms   "
        f"p95 {percentile(lat1, 0.95):6.0f} ms"
    )
    print(
        f"/ask latency, 8 clients: p50 {percentile(lat8, 0.5):6.0f} ms   "
        f"p95 {percentile(lat8, 0.95):6.0f} ms   "
        f"(throughput {len(lat8) / wall8:.1f} req/s)"
    )
    p50_embed = percentile(embed, 0.5)
    print(
        f"raw query embedding (the model alone, same run): p50 {p50_embed:6.0f} ms   "
        f"p95 {percentile(embed, 0.95):6.0f} ms"
    )
    print(f"/ask p50 / query-embedding p50: {percentile(lat1, 0.5) / p50_embed:.1f}x")
    print(f"{'':28}{'planbot':>10}{'LangChain baseline':>20}")
    for label, a, b in zip(
        ("answerable correct %", "unanswerable refused %", "evidence hit %"),
        ours,
        base,
        strict=True,
    ):
        print(f"{label:28}{a:10.1f}{b:20.1f}")
    print(f"accuracy gain: {ours[0] - base[0]:+.1f} points")


if __name__ == "__main__":
    main()
