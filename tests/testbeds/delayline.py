"""A slow link for the test bed: two TUN devices and a relay that holds every packet for a while.

    python -m tests.testbeds.delayline ROOT_IF NAMESPACE DELAY_MS      # as root, in the root namespace

Creates ROOT_IF (a TUN device) in the root namespace and `eth0` (another TUN device) inside NAMESPACE,
prints "ready", then copies every packet read from one device to the other DELAY_MS milliseconds later,
in both directions (so a round trip gains twice DELAY_MS). The caller gives both devices their addresses,
as it would for a veth pair. This stands in for `tc qdisc … netem delay`, which needs a kernel module
the test machines may not have. The devices disappear when the relay exits: when killed, or when its
standard input closes (the test process is gone).
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import select
import struct
import sys
import time
from collections import deque

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000  # raw IP packets, no 4-byte packet-information header
CLONE_NEWNET = 0x40000000


def open_tun(name: str) -> int:
    """A TUN device called `name` in the current network namespace, as a file descriptor."""
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH22x", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def enter_namespace(name: str) -> None:
    """Move this process into the network namespace `ip netns add` created as `name`."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(f"/run/netns/{name}", os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns into {name}")
    finally:
        os.close(fd)


def relay(a: int, b: int, delay: float, stop: int) -> None:
    """Copy packets a -> b and b -> a, each `delay` seconds after it was read, until `stop` is readable
    (end of file). The delay is the same for every packet, so each direction is a FIFO."""
    held: dict[int, deque[tuple[float, bytes]]] = {a: deque(), b: deque()}  # by the device to write to
    other = {a: b, b: a}
    while True:
        now = time.monotonic()
        for target, queue in held.items():
            while queue and queue[0][0] <= now:
                os.write(target, queue.popleft()[1])
        due = [queue[0][0] for queue in held.values() if queue]
        ready, _, _ = select.select([a, b, stop], [], [], max(0.0, min(due) - now) if due else None)
        arrived = time.monotonic()
        for fd in ready:
            if fd == stop:
                if not os.read(stop, 4096):
                    return
                continue
            held[other[fd]].append((arrived + delay, os.read(fd, 65536)))


def main() -> None:
    root_if, namespace, delay_ms = sys.argv[1], sys.argv[2], int(sys.argv[3])
    outside = open_tun(root_if)
    enter_namespace(namespace)
    inside = open_tun("eth0")
    print("ready", flush=True)
    relay(outside, inside, delay_ms / 1000, sys.stdin.fileno())


if __name__ == "__main__":
    main()
