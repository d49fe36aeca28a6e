#!/usr/bin/env python3
"""The server under attack, for `make bench`: statuses, time and peak memory.

Usage: attack_bench.py <path to the trove binary>

Each scenario gets a fresh server (its own temp data dir, one Owner) so that
its memory high-water mark (VmHWM, from /proc) is its own:

1. 100 wrong passwords for one account, sent at once on 100 connections.
   Every attempt is counted before its password is checked, and at most one
   Argon2 check per core runs at a time (~19 MiB each).
2. 8 uploads at once of a 16000x8000 PNG (128 megapixels in ~120 KB): over
   the 50-megapixel budget, so each is stored with its dimensions and no
   thumbnail, without being decoded.
3. 8 uploads at once of a 7000x7000 PNG (49 megapixels, inside the budget),
   greyscale (49 MB decoded) and RGBA (196 MB decoded): each is decoded for
   its thumbnail, one per core and all within one 200 MiB memory budget.

Baseline: the same attacks before the fixes of issue 10 (from the issue):
60 parallel guesses gave 46 checked passwords and a 994 MB peak; 3 parallel
12000x12000 uploads took 4.5 s each and a 1.4 GB peak.
"""
import collections
import http.client
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import zlib

EMAIL = "owner@bench.example"
PASSWORD = "bench-password-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status_kb(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise SystemExit(f"no {field} for pid {pid}")


class Server:
    def __init__(self, binary: str):
        self.dir = tempfile.TemporaryDirectory(prefix="trove-attack-")
        env = dict(os.environ, TROVE_DATA_DIR=self.dir.name, RUST_LOG="warn")
        # A binary built without cargo-leptos needs these to start.
        env.setdefault("LEPTOS_OUTPUT_NAME", "trove")
        env.setdefault("LEPTOS_SITE_ROOT", self.dir.name)
        subprocess.run(
            [binary, "user", "add", "--email", EMAIL, "--space", "Bench", "--role", "owner"],
            input=PASSWORD.encode(), env=env, check=True, stdout=subprocess.DEVNULL,
        )
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env["TROVE_ADDR"] = f"127.0.0.1:{self.port}"
        self.log = open(os.path.join(self.dir.name, "server.log"), "w")
        self.proc = subprocess.Popen([binary, "serve"], env=env, stdout=self.log, stderr=self.log)
        for _ in range(200):
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.05)
        else:
            raise SystemExit("the server did not start")

    def request(self, method, path, body=None, headers=None, timeout=300, source="127.0.0.1"):
        conn = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=timeout, source_address=(source, 0)
        )
        headers = dict(headers or {})
        if method != "GET":
            headers["Origin"] = self.base
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        cookie = response.getheader("Set-Cookie")
        conn.close()
        return response.status, data, cookie

    def sign_in(self, password: str, source="127.0.0.1", email=EMAIL):
        body = urllib.parse.urlencode({"email": email, "password": password})
        return self.request(
            "POST", "/api/sign_in", body=body, source=source,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

    def memory_mb(self):
        return status_kb(self.proc.pid, "VmRSS") / 1024, status_kb(self.proc.pid, "VmHWM") / 1024

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self.log.close()
        self.dir.cleanup()


def at_once(n: int, work):
    """Runs work(i) on n threads released together; returns the results."""
    results = [None] * n
    gate = threading.Barrier(n)

    def run(i):
        gate.wait()
        results[i] = work(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def sign_in_spread(binary: str):
    """100 guesses for 100 accounts from 100 addresses: no throttle applies,
    so every password is checked: the password gate alone bounds memory."""
    server = Server(binary)
    try:
        rss_before, _ = server.memory_mb()
        started = time.monotonic()
        statuses = at_once(
            100,
            lambda i: server.sign_in(
                f"guess {i}", source=f"127.0.{1 + i // 200}.{2 + i % 200}", email=f"user{i}@bench.example"
            )[0],
        )
        took = time.monotonic() - started
        _, peak = server.memory_mb()
        counts = collections.Counter(statuses)
        print(
            "100 parallel wrong passwords for 100 accounts from 100 addresses (all checked): "
            + ", ".join(f"{n} x {s}" for s, n in sorted(counts.items()))
            + f" in {took * 1000:.0f} ms; server memory {rss_before:.0f} MB before, peak {peak:.0f} MB"
        )
    finally:
        server.stop()


def png(width: int, height: int, rgba: bool = False) -> bytes:
    """An 8-bit greyscale (or RGBA) PNG, compressed row by row (never whole
    in memory)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    deflate = zlib.compressobj(9)
    pixel = bytes([90, 10, 10, 255]) if rgba else bytes([90])
    row = b"\x00" + pixel * width
    idat = b"".join(deflate.compress(row) for _ in range(height)) + deflate.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 6 if rgba else 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def multipart(name: str, data: bytes):
    boundary = "trove-attack-boundary"
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
        "Content-Type: image/png\r\n\r\n"
    ).encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def sign_in_flood(binary: str):
    server = Server(binary)
    try:
        rss_before, _ = server.memory_mb()
        started = time.monotonic()
        statuses = at_once(100, lambda i: server.sign_in(f"wrong guess {i}")[0])
        took = time.monotonic() - started
        _, peak = server.memory_mb()
        counts = collections.Counter(statuses)
        right = server.sign_in(PASSWORD)[0]
        # Loopback answers from any 127.x address: the owner elsewhere.
        elsewhere = server.sign_in(PASSWORD, source="127.0.0.2")[0]
        print(
            f"100 parallel wrong passwords for one account: "
            + ", ".join(f"{n} x {s}" for s, n in sorted(counts.items()))
            + f" in {took * 1000:.0f} ms; server memory {rss_before:.0f} MB before, peak {peak:.0f} MB;"
            f" then the right password: {right} from the guessing address, {elsewhere} from another"
        )
    finally:
        server.stop()


def png_uploads(binary: str, width: int, height: int, rgba: bool = False):
    picture = png(width, height, rgba)
    kind = "RGBA" if rgba else "grey"
    body, content_type = multipart(f"poster-{width}x{height}.png", picture)
    server = Server(binary)
    try:
        _, _, cookie = server.sign_in(PASSWORD)
        cookie = cookie.split(";")[0]
        rss_before, _ = server.memory_mb()

        def upload(_):
            t0 = time.monotonic()
            status, data, _ = server.request(
                "POST", "/api/upload?space=bench", body=body,
                headers={"Cookie": cookie, "Content-Type": content_type},
            )
            return status, data, time.monotonic() - t0

        started = time.monotonic()
        results = at_once(8, upload)
        took = time.monotonic() - started
        _, peak = server.memory_mb()
        statuses = collections.Counter(r[0] for r in results)
        thumbs = sum(b'"has_thumbnail":true' in r[1] for r in results)
        slowest = max(r[2] for r in results)
        print(
            f"8 parallel uploads of a {width}x{height} {kind} PNG ({len(picture) / 1024:.0f} KB, "
            f"{width * height / 1e6:.0f} MP): "
            + ", ".join(f"{n} x {s}" for s, n in sorted(statuses.items()))
            + f", {thumbs} with a thumbnail, all done in {took:.2f} s (slowest {slowest:.2f} s);"
            f" server memory {rss_before:.0f} MB before, peak {peak:.0f} MB"
        )
    finally:
        server.stop()


def main() -> None:
    binary = sys.argv[1]
    print(f"== attacks (scripts/attack_bench.py), {os.cpu_count()} cores")
    sign_in_flood(binary)
    sign_in_spread(binary)
    png_uploads(binary, 16000, 8000)
    png_uploads(binary, 7000, 7000)
    png_uploads(binary, 7000, 7000, rgba=True)


if __name__ == "__main__":
    main()
