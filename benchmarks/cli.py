"""Wall time of one-client commands on a 1-client and a 200-client database, side by side.

    python benchmarks/cli.py [--runs N] [--clients N] [--entries N]

A command about one client should cost the same whatever else is stored (issue 14: within
1.5x), and the command-line start itself stays small (target <= 0.3 s on one client). Both
databases (the same client-007, 500 entries each by default) are built once and cached in the
temp dir. Each command runs in a fresh interpreter, as an agent's softphone would start it;
the figure is the median wall time of `--runs` runs after one warm-up. The runs may write
bytecode (PYTHONDONTWRITEBYTECODE is dropped), as an installed kccdesk has it.

`--imports` adds where the start of `duty` goes: `python -X importtime` summed per package
(each module's own time, so a package's figure is what it costs whoever imports it).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import make_clients

CLIENT = "client-007"
COMMANDS = [
    ["duty", "--client", CLIENT],
    ["search", "--client", CLIENT, "jeroen", "brink"],
    ["note", "add", "--client", CLIENT, "--to", "p1", "--name", "Bench", "--phone",
     "0612345678", "--message", "terugbellen"],
    ["note", "list", "--client", CLIENT, "--limit", "5"],
    ["check-phone", "0612345678"],
]  # fmt: skip


def database(clients: int, entries: int) -> str:
    """A cached SQLite database holding `clients` synthetic clients (client-007 among them)."""
    from kccdesk.storage import open_store
    from kccdesk.storage.schema import head_revision

    path = Path(tempfile.gettempdir()) / f"kccdesk-cli-{clients}x{entries}-{head_revision()}.db"
    url = f"sqlite:///{path}"
    if not path.exists():
        everyone = make_clients(max(clients, 8), entries)
        chosen = [c for c in everyone if c.id == CLIENT] if clients == 1 else everyone[:clients]
        started = time.perf_counter()
        store = open_store(url)
        store.import_clients(chosen)
        store.close()
        print(f"  built {path.name} in {time.perf_counter() - started:.1f} s", flush=True)
    return url


def _env(url: str, src: str | None) -> dict[str, str]:
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        **({"PYTHONPATH": src} if src else {}),
        "KCCDESK_DATABASE_URL": url,
        "KCCDESK_NOW": "2026-03-04T10:00+01:00",
        "KCCDESK_DATA_DIR": tempfile.mkdtemp(prefix="kccdesk-bench-"),
    }
    return env


def wall(url: str, command: list[str], runs: int, src: str | None = None) -> float:
    env = _env(url, src)
    timings = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "kccdesk", *command], env=env, capture_output=True, check=False
        )
        timings.append(time.perf_counter() - started)
    return statistics.median(timings[1:])


def imports(url: str, command: list[str], top: int = 14) -> None:
    """Each package's own import time (ms) in one run of the command, largest first."""
    env = _env(url, None)
    subprocess.run([sys.executable, "-m", "kccdesk", *command], env=env, capture_output=True)
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "kccdesk", *command],
        env=env,
        capture_output=True,
        text=True,
    )
    per: dict[str, int] = {}
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, _cumulative, name = line.removeprefix("import time:").split("|")
        root = name.strip().split(".")[0]
        if root == "kccdesk":
            root = ".".join(name.strip().split(".")[:2])
        per[root] = per.get(root, 0) + int(own)
    total = sum(per.values())
    print(f"\n`{' '.join(command[:1])}` imports: {total / 1000:.0f} ms under -X importtime")
    for name, own in sorted(per.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {name:<28} {own / 1000:6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--entries", type=int, default=500)
    parser.add_argument(
        "--before", metavar="SRC", help="also time this source tree (e.g. of main) first"
    )
    parser.add_argument("--imports", action="store_true", help="import time of `duty`")
    args = parser.parse_args()
    one = database(1, args.entries)
    many = database(args.clients, args.entries)
    python = wall(one, ["--help"], args.runs)
    print(
        f"median wall time of `kccdesk ...` over {args.runs} runs (target: many ≤ 1.5 × one, "
        f"one ≤ 0.3 s); `--help` alone: {python * 1000:.0f} ms\n"
    )
    header = f"{'1 client':>10} {f'{args.clients} clients':>12} {'ratio':>7}"
    print(f"  {'command':<14} {'':<7}{header}")
    for command in COMMANDS:
        label = " ".join(command[:2] if command[0] == "note" else command[:1])
        for name, src in ([("before", args.before)] if args.before else []) + [("now", None)]:
            a, b = wall(one, command, args.runs, src), wall(many, command, args.runs, src)
            print(f"  {label:<14} {name:<7}{a * 1000:8.0f} ms {b * 1000:10.0f} ms {b / a:6.2f}x")
    if args.imports:
        imports(one, COMMANDS[0])


if __name__ == "__main__":
    main()
