"""Scale benchmark: planbot over PostgreSQL and a Chroma server at 1×, 10× and 100× the seed
corpus, with several API processes.

    .venv/bin/python bench/scale.py [--sizes 1,10,100] [--workers 1,2,4] [--clients 1,8,32]

For each size it writes fictional plans of other provinces (DOCX: prose sections and a task
table) until they hold that many times the seed corpus's chunks and tasks, ingests them
through the real pipeline (bounded parser, SQL, Chroma server) with the ``hash`` embedder —
a deterministic vector per text, so vector search still separates texts but no model runs —
and prints ingest throughput, then serves them with ``planbot serve`` and prints ``/ask``
p50/p95 (one client) and memory per worker. At the largest size it prints throughput at
each number of clients with each number of workers. Figures are printed, nothing asserted;
compare sizes and worker counts within one run (the machine is the same).

A throw-away PostgreSQL server is started from Debian's packages (as the tests do), and a
``chroma run`` server from the venv.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.container import build_container  # noqa: E402
from domain.settings import Settings  # noqa: E402

VENV_BIN = Path(sys.executable).parent
EMBEDDER = "hash:256"
PROVINCES = [
    "Hà Giang", "Cao Bằng", "Lạng Sơn", "Yên Bái", "Sơn La", "Hòa Bình", "Thái Bình",
    "Nam Định", "Ninh Bình", "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Trị", "Quảng Ngãi",
    "Bình Định", "Phú Yên", "Khánh Hòa", "Đắk Lắk", "Lâm Đồng", "Bình Thuận", "Tây Ninh",
    "Long An", "Tiền Giang", "Bến Tre", "Vĩnh Long", "Trà Vinh", "Sóc Trăng", "Cà Mau",
]  # fmt: skip
AGENCIES = [
    "Sở Y tế", "Sở Tài chính", "Sở Nội vụ", "Sở Xây dựng", "Sở Giáo dục và Đào tạo",
    "Sở Công Thương", "Sở Nông nghiệp và Môi trường", "Sở Khoa học và Công nghệ",
    "Sở Văn hóa, Thể thao và Du lịch", "Sở Tư pháp", "Công an tỉnh", "Văn phòng UBND tỉnh",
    "Bảo hiểm xã hội tỉnh", "Ban Quản lý các khu công nghiệp",
]  # fmt: skip
ACTIONS = [
    "Xây dựng", "Triển khai", "Hoàn thiện", "Nâng cấp", "Rà soát", "Tổ chức", "Đánh giá",
    "Số hóa", "Chuẩn hóa", "Kết nối", "Đào tạo", "Tuyên truyền về",
]  # fmt: skip
OBJECTS = [
    "cơ sở dữ liệu dân cư", "hệ thống thông tin giải quyết thủ tục hành chính",
    "nền tảng chia sẻ dữ liệu", "hồ sơ sức khỏe điện tử", "học bạ số",
    "bản đồ quy hoạch xây dựng", "cổng dịch vụ công", "kho dữ liệu nông nghiệp",
    "hệ thống giám sát môi trường", "thanh toán không dùng tiền mặt", "chữ ký số",
    "trung tâm điều hành thông minh", "kỹ năng số cho người dân", "hạ tầng mạng 5G",
    "dữ liệu đất đai", "hệ thống quản lý văn bản", "camera giám sát giao thông",
    "sàn thương mại điện tử nông sản", "thư viện số", "bảo tàng số",
]  # fmt: skip
PLACES = ["cấp tỉnh", "cấp xã", "các bệnh viện", "các trường học", "các khu công nghiệp"]
OUTPUTS = ["Kế hoạch", "Đề án", "Báo cáo", "Hệ thống", "Quyết định", "Chương trình"]
DEADLINES = [
    "Quý I/2026", "Quý II/2026", "Quý III/2026", "Quý IV/2026", "6/2026", "9/2026",
    "12/2026", "Năm 2027", "Hằng năm", "Thường xuyên", "Trước 30/6/2026", "2026-2027",
]  # fmt: skip
PROSE = [
    "Phát huy vai trò của dữ liệu số trong chỉ đạo, điều hành của chính quyền các cấp",
    "bảo đảm an toàn, an ninh mạng cho các hệ thống thông tin dùng chung",
    "nâng cao chất lượng phục vụ người dân và doanh nghiệp trên môi trường số",
    "huy động các nguồn lực xã hội cho phát triển hạ tầng và nhân lực số",
    "gắn trách nhiệm người đứng đầu với kết quả thực hiện từng nhiệm vụ",
    "lồng ghép các chỉ tiêu chuyển đổi số vào kế hoạch phát triển kinh tế - xã hội",
    "tăng cường kiểm tra, giám sát và định kỳ đánh giá kết quả thực hiện",
]


@dataclass
class Plan:
    number: str
    province: str
    tasks: list[tuple[str, str, str, str, str]] = field(default_factory=list)


def write_plan(path: Path, rng: random.Random, serial: int, tasks: int, paragraphs: int) -> Plan:
    """A fictional plan: national header, purposes, prose sections, a task table, signature."""
    import docx

    province = PROVINCES[serial % len(PROVINCES)]
    plan = Plan(number=f"{100 + serial}/KH-UBND", province=province)
    d = docx.Document()
    d.add_paragraph(f"ỦY BAN NHÂN DÂN TỈNH {province.upper()}")
    d.add_paragraph(f"Số: {plan.number}")
    d.add_paragraph(f"{province}, ngày {1 + serial % 28} tháng {1 + serial % 12} năm 2026")
    d.add_paragraph("KẾ HOẠCH")
    subject = rng.choice(OBJECTS)
    d.add_paragraph(f"Phát triển {subject} tỉnh {province} giai đoạn 2026 - 2030")
    for heading in ("I. MỤC ĐÍCH, YÊU CẦU", "II. MỤC TIÊU", "III. NHIỆM VỤ, GIẢI PHÁP"):
        d.add_paragraph(heading)
        for i in range(paragraphs):
            sentences = rng.sample(PROSE, 3)
            d.add_paragraph(
                f"{i + 1}. {sentences[0]}; {sentences[1]} đối với {rng.choice(OBJECTS)} "
                f"{rng.choice(PLACES)}; {sentences[2]}, phấn đấu đến năm 2030 đạt "
                f"{rng.randint(50, 100)}% {rng.choice(OBJECTS)} được số hóa."
            )
    d.add_paragraph("IV. TỔ CHỨC THỰC HIỆN")
    d.add_paragraph("Chi tiết các nhiệm vụ tại Phụ lục kèm theo Kế hoạch này.")
    table = d.add_table(rows=1, cols=6)
    header = ["Stt", "Tên nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Kết quả", "Thời gian"]
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for n in range(1, tasks + 1):
        lead, *partners = rng.sample(AGENCIES, 3)
        name = f"{rng.choice(ACTIONS)} {rng.choice(OBJECTS)} {rng.choice(PLACES)}"
        row = (name, lead, "; ".join(partners), rng.choice(OUTPUTS), rng.choice(DEADLINES))
        plan.tasks.append(row)
        for cell, text in zip(table.add_row().cells, (str(n), *row), strict=True):
            cell.text = text
    d.add_paragraph("TM. ỦY BAN NHÂN DÂN")
    d.add_paragraph("KT. CHỦ TỊCH")
    d.add_paragraph("PHÓ CHỦ TỊCH")
    d.add_paragraph(f"Nguyễn Văn {chr(65 + serial % 26)}")
    d.save(str(path))
    return plan


def questions(plans: list[Plan], rng: random.Random, count: int) -> list[str]:
    """Questions of the kinds users ask, about what the plans hold."""
    asked = []
    for _ in range(count):
        plan = rng.choice(plans)
        name, lead, _, _, _ = rng.choice(plan.tasks)
        asked.append(
            rng.choice(
                [
                    f"{lead} chủ trì những nhiệm vụ nào?",
                    f"Ai chủ trì nhiệm vụ {name.lower()}?",
                    f"han chot {name.lower()} la khi nao",
                    f"Cơ quan nào phối hợp {name.lower()}?",
                    f"Kế hoạch số {plan.number} do ai ký?",
                    f"Mục tiêu số hóa {rng.choice(OBJECTS)} đến năm 2030?",
                    f"nhiệm vụ nào phải xong trong quý {rng.choice(['I', 'II', 'III', 'IV'])}?",
                ]
            )
        )
    return asked


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"port {port} did not open")


def wait_healthy(url: str, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} did not become healthy")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker_pids(pid: int) -> list[int]:
    """The processes serving requests: uvicorn's spawned workers, or ``pid`` itself."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if parent == pid and b"spawn_main" in cmdline:
            found.append(int(entry.name))
    return found or [pid]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def load(url: str, asked: list[str], clients: int, seconds: float) -> tuple[int, int]:
    """``clients`` concurrent users asking for ``seconds``: (answered, failed). A new
    connection per question, so the kernel spreads them over the worker processes."""
    stop = time.monotonic() + seconds
    done = [0, 0]

    async def user(k: int) -> None:
        limits = httpx.Limits(max_keepalive_connections=0)
        async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
            i = k
            while time.monotonic() < stop:
                try:
                    response = await client.post("/ask", json={"question": asked[i % len(asked)]})
                    done[0 if response.status_code == 200 else 1] += 1
                except httpx.HTTPError:
                    done[1] += 1
                i += clients

    await asyncio.gather(*(user(k) for k in range(clients)))
    return done[0], done[1]


class Deployment:
    """A throw-away PostgreSQL server and a Chroma server for the whole run."""

    def __init__(self, folder: Path) -> None:
        from tests.postgres import postgres_server

        self.folder = folder
        self.postgres = postgres_server()
        self.chroma_port = free_port()
        self.chroma = subprocess.Popen(
            [str(VENV_BIN / "chroma"), "run", "--path", str(folder / "chroma"), "--host",
             "127.0.0.1", "--port", str(self.chroma_port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_port(self.chroma_port)

    def env(self, size: int, database_url: str) -> dict[str, str]:
        return {
            **os.environ,
            "PLANBOT_DATABASE_URL": database_url,
            "PLANBOT_CHROMA_HOST": "127.0.0.1",
            "PLANBOT_CHROMA_PORT": str(self.chroma_port),
            "PLANBOT_COLLECTION": f"scale_{size}",
            "PLANBOT_EMBEDDER": EMBEDDER,
            "PLANBOT_DATA_DIR": str(self.folder / f"data-{size}"),
            "PLANBOT_TODAY": "2026-03-01",
            "ANONYMIZED_TELEMETRY": "False",
        }

    def serve(self, env: dict[str, str], workers: int) -> tuple[subprocess.Popen[bytes], str]:
        port = free_port()
        log = (self.folder / f"serve-{port}.log").open("wb")
        process = subprocess.Popen(
            [str(VENV_BIN / "planbot"), "serve", "--port", str(port), "--workers", str(workers)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        start = time.perf_counter()
        wait_healthy(url)
        healthy = time.perf_counter() - start
        # every process reads the passages into its search before it takes a connection
        # (with one process, in the background): wait for all of them
        log_path = self.folder / f"serve-{port}.log"
        while log_path.read_text(errors="replace").count("Application startup complete") < workers:
            if process.poll() is not None:
                raise SystemExit(f"planbot serve stopped: see {log_path}")
            time.sleep(0.2)
        ready = time.perf_counter() - start
        # a question only the passages answer waits for the search (a task's question is
        # answered from the records): one process reads them in the background
        for _ in range(2 * workers):
            httpx.post(f"{url}/ask", json={"question": f"Mục tiêu {OBJECTS[0]}?"}, timeout=600)
        print(f"      ({workers} worker(s): healthy {healthy:.1f} s, all started {ready:.1f} s, "
              f"search answers {time.perf_counter() - start:.1f} s after start)", flush=True)  # fmt: skip
        return process, url

    def close(self) -> None:
        self.chroma.kill()


def seed_figures() -> tuple[int, int]:
    """Chunks and tasks of the seed corpus, ingested with the same embedder (SQLite)."""
    folder = Path(tempfile.mkdtemp(prefix="planbot-scale-seed-"))
    container = build_container(Settings(data_dir=folder, embedder=EMBEDDER))
    results = container.ingestor.ingest_paths([ROOT / "corpus"])
    container.close()
    return sum(r.chunks for r in results), sum(r.tasks for r in results)


def build_size(
    deployment: Deployment, size: int, seed: tuple[int, int], rng: random.Random
) -> tuple[dict[str, str], list[Plan], str]:
    """Write and ingest plans holding ``size`` × the seed's chunks and tasks."""
    folder = deployment.folder / f"plans-{size}"
    folder.mkdir()
    url = deployment.postgres.create_database()
    env = deployment.env(size, url)
    settings = Settings(
        data_dir=Path(env["PLANBOT_DATA_DIR"]),
        database_url=url,
        chroma_host="127.0.0.1",
        chroma_port=deployment.chroma_port,
        collection=env["PLANBOT_COLLECTION"],
        embedder=EMBEDDER,
    )
    container = build_container(settings)
    chunks_goal, tasks_goal = seed[0] * size, seed[1] * size
    plans: list[Plan] = []
    chunks = tasks = 0
    parsed_seconds = 0.0
    serial = 0
    while chunks < chunks_goal or tasks < tasks_goal:
        batch = []
        for _ in range(max(1, min(20, size))):
            serial += 1
            path = folder / f"ke-hoach-{serial:05d}.docx"
            per_plan = 18 if tasks < tasks_goal else 0
            plans.append(write_plan(path, rng, serial, max(per_plan, 3), paragraphs=26))
            batch.append(path)
        start = time.perf_counter()
        results = container.ingestor.ingest_paths(batch)
        parsed_seconds += time.perf_counter() - start
        bad = [r for r in results if r.status not in ("added", "updated")]
        if bad:
            raise SystemExit(f"ingest failed: {bad[0]}")
        chunks += sum(r.chunks for r in results)
        tasks += sum(r.tasks for r in results)
    container.close()
    print(
        f"{size:>4}×: {len(plans)} plans, {chunks} chunks, {tasks} tasks; ingest "
        f"{parsed_seconds:.1f} s = {len(plans) / parsed_seconds:.2f} plans/s, "
        f"{chunks / parsed_seconds:.0f} chunks/s",
        flush=True,
    )
    return env, plans, url


def latency(url: str, asked: list[str]) -> tuple[float, float]:
    times = []
    with httpx.Client(base_url=url, timeout=60) as client:
        for q in asked[:10]:  # warm each path once
            client.post("/ask", json={"question": q})
        for q in asked:
            start = time.perf_counter()
            response = client.post("/ask", json={"question": q})
            times.append(time.perf_counter() - start)
            if response.status_code != 200:
                raise SystemExit(f"/ask failed: {response.status_code} {response.text[:200]}")
    return percentile(times, 0.5), percentile(times, 0.95)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1,10,100")
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=15.0, help="per throughput cell")
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    worker_counts = [int(x) for x in args.workers.split(",")]
    client_counts = [int(x) for x in args.clients.split(",")]
    rng = random.Random(20261201)

    seed = seed_figures()
    print(f"seed corpus (1×): {seed[0]} chunks, {seed[1]} tasks; embedder {EMBEDDER}", flush=True)
    deployment = Deployment(Path(tempfile.mkdtemp(prefix="planbot-scale-")))
    rows = []
    try:
        served: dict[int, tuple[dict[str, str], list[Plan]]] = {}
        for size in sizes:
            env, plans, _ = build_size(deployment, size, seed, rng)
            served[size] = (env, plans)
            asked = questions(plans, rng, args.questions)
            process, url = deployment.serve(env, 1)
            p50, p95 = latency(url, asked)
            memory = [rss_mb(pid) for pid in worker_pids(process.pid)]
            process.terminate()
            process.wait(timeout=60)
            rows.append((size, p50, p95, memory[0]))
            print(f"{size:>4}×: /ask p50 {p50:.0f} ms, p95 {p95:.0f} ms; "
                  f"memory per worker {memory[0]:.0f} MB", flush=True)  # fmt: skip
        base = rows[0][1]
        print("\nsize   /ask p50   p95     ratio to 1×   MB/worker")
        for size, p50, p95, memory in rows:
            print(f"{size:>4}×  {p50:7.0f}  {p95:7.0f}   {p50 / base:8.2f}      {memory:6.0f}")

        largest = sizes[-1]
        env, plans = served[largest]
        asked = questions(plans, rng, args.questions)
        print(f"\nthroughput at {largest}× (answers/s; {args.seconds:.0f} s per cell)")
        print("workers " + "".join(f"{c:>9} cl" for c in client_counts) + "   MB/worker")
        table: dict[tuple[int, int], float] = {}
        for workers in worker_counts:
            process, url = deployment.serve(env, workers)
            asyncio.run(load(url, asked, workers * 4, 10.0))  # warm every worker
            cells = []
            for clients in client_counts:
                answered, failed = asyncio.run(load(url, asked, clients, args.seconds))
                table[workers, clients] = answered / args.seconds
                cells.append(f"{answered / args.seconds:9.1f}" + ("!" if failed else " ") + "  ")
            memory = [rss_mb(pid) for pid in worker_pids(process.pid)]
            process.terminate()
            process.wait(timeout=60)
            print(f"{workers:>7} " + "".join(cells) + f"  {sum(memory) / len(memory):6.0f}",
                  flush=True)  # fmt: skip
        if (1, 8) in table and (2, 8) in table:
            print(f"\n2 workers / 1 worker at 8 clients: {table[2, 8] / table[1, 8]:.2f}")
    finally:
        deployment.close()


if __name__ == "__main__":
    main()
