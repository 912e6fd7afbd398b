"""Worker processes for the port scan: each scans its own shard of hosts and sends progress and results
back on a pipe, so a scan can use every CPU the process may run on.

Workers are forked, so they inherit the caller's connector (and the scope it enforces) as it is: every
connect still goes through that seam, in the worker. That is only sound for a connector that keeps no
state the caller reads back afterwards (a counting test connector would count in the worker and the
caller would see nothing), so a connector opts in with a true `forkable` attribute; with any other one
the scan stays in-process. So does an automatic choice in a process already running other threads (a
fork copies their locks in whatever state they are in).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

from .limits import Limits

Progress = Callable[[int, int, str], None]
Result = TypeVar("Result")


def worker_count(limits: Limits, hosts: int, connector: object) -> int:
    """How many worker processes to use for `hosts` hosts (1: scan in-process). `limits.workers` 0 picks
    one per CPU this process may run on, unless other threads run here; a number set explicitly is the
    caller saying forking is safe in its process."""
    if hosts < 2 or not getattr(connector, "forkable", False) or multiprocessing.current_process().daemon:
        return 1  # (multiprocessing forbids a daemonic process, a Pool's worker say, to start processes)
    if limits.workers > 0:
        return min(limits.workers, hosts)
    if threading.active_count() > 1:
        return 1
    return max(1, min(len(os.sched_getaffinity(0)), hosts))


def shard(items: Sequence[str], count: int) -> list[list[str]]:
    """`items` dealt round-robin into `count` non-empty lists (one host always lands in one shard, so its
    per-host caps hold)."""
    return [list(items[i::count]) for i in range(count) if items[i::count]]


def run_shards(shards: Sequence[Sequence[str]], work: Callable[[Sequence[str], Progress], Result],
               on_progress: Progress | None, sizes: Sequence[int]) -> list[Result]:
    """`work(shard, report)` in one forked process per shard; their results in shard order. Progress
    reports are summed across workers before reaching `on_progress`, counting `sizes[i]` to do for a
    worker that has not reported yet. A worker that fails makes this raise (the others are stopped)."""
    context = multiprocessing.get_context("fork")
    readers: dict[Connection, int] = {}
    processes: list[Any] = []
    results: dict[int, Result] = {}
    progress = {index: (0, size) for index, size in enumerate(sizes)}  # (done, total) by worker
    try:
        for index, hosts in enumerate(shards):
            reader, writer = context.Pipe(duplex=False)
            process = context.Process(target=_worker, args=(work, hosts, writer), daemon=True,
                                      name=f"vigie-portscan-{index}")
            process.start()
            writer.close()  # the parent keeps only the reading end: EOF once the worker is gone
            readers[reader] = index
            processes.append(process)
        while readers:
            for ready in wait(list(readers)):
                reader = next(r for r in readers if r is ready)
                index = readers[reader]
                try:
                    message = reader.recv()
                except EOFError:
                    del readers[reader]
                    reader.close()
                    if index not in results:
                        processes[index].join(5)  # its pipe closed: it has exited or is about to
                        raise RuntimeError(f"port-scan worker {index} exited without a result "
                                           f"(exit code {processes[index].exitcode})") from None
                    continue
                kind = message[0]
                if kind == "progress":
                    progress[index] = (message[1], message[2])
                    if on_progress is not None:
                        on_progress(sum(d for d, _ in progress.values()), sum(t for _, t in progress.values()), "ports")
                elif kind == "done":
                    results[index] = message[1]
                else:
                    raise RuntimeError(f"port-scan worker {index} failed: {message[1]}")
    finally:
        for reader in readers:
            reader.close()
        for process in processes:
            if process.is_alive():
                process.terminate()
            process.join()
    return [results[i] for i in range(len(shards))]


def _worker(work: Callable[[Sequence[str], Progress], Any], hosts: Sequence[str], writer: Connection) -> None:
    try:
        result = work(hosts, lambda done, total, stage: writer.send(("progress", done, total)))
        writer.send(("done", result))
    except BaseException as exc:  # reported to the parent, which raises
        writer.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        writer.close()
