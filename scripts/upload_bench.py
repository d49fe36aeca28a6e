#!/usr/bin/env python3
"""Upload throughput and the server's peak memory, for `make bench`.

Usage: upload_bench.py <base url> <session cookie> <space> <server pid> <scratch dir>

Sends a 5 MB file, one 50 MB file and then 200 small files (20 KB each) through
POST /api/upload on one keep-alive connection, each as the browser sends it
(the file as the body, its name in the query, one file per request), and
prints MB/s and files/s; the 50 MB file once more as multipart/form-data
(what HTML forms and most API clients send). Next to it:
the raw baseline of copying the same 50 MB on the same disk. Memory: the
server's resident set before, and its high-water mark (VmHWM) after; with
streaming uploads the peak must not grow with the file size.
"""
import http.client
import os
import shutil
import sys
import time
import urllib.parse


def status_kb(pid: str, field: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise SystemExit(f"no {field} for pid {pid}")


def multipart(name: str, data: bytes, boundary: str) -> bytes:
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode()


def main() -> None:
    base, cookie, space, pid, scratch = sys.argv[1:6]
    url = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
    boundary = "trove-bench-boundary"
    headers = {
        "Cookie": cookie,
        "Origin": base,
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    }

    def upload(name: str, data: bytes, as_multipart: bool = False) -> None:
        if as_multipart:
            body, sent = multipart(name, data, boundary), headers
            target = f"/api/upload?space={space}"
        else:
            body = data
            sent = {**headers, "Content-Type": "application/octet-stream"}
            target = f"/api/upload?space={space}&name={urllib.parse.quote(name)}"
        conn.request("POST", target, body=body, headers=sent)
        response = conn.getresponse()
        answer = response.read()
        if response.status != 201:
            raise SystemExit(f"upload of {name} failed: {response.status} {answer[:200]!r}")

    rss_before = status_kb(pid, "VmRSS")
    # A 5 MB upload first: if memory grew with the file, the 50 MB one
    # would raise the peak ten times as much.
    upload("warm-up-5mb.bin", os.urandom(5 * 1024 * 1024))
    peak_small = status_kb(pid, "VmHWM")
    big = os.urandom(50 * 1024 * 1024)
    started = time.perf_counter()
    upload("big.bin", big)
    big_s = time.perf_counter() - started
    print(f"one 50 MB file: {big_s * 1000:.0f} ms = {50 / big_s:.0f} MB/s")

    source = os.path.join(scratch, "raw-source.bin")
    with open(source, "wb") as f:
        f.write(big)
    started = time.perf_counter()
    shutil.copyfile(source, os.path.join(scratch, "raw-copy.bin"))
    with open(os.path.join(scratch, "raw-copy.bin"), "rb+") as f:
        os.fsync(f.fileno())
    raw_s = time.perf_counter() - started
    print(f"raw baseline, copy + fsync of the same 50 MB on this disk: {raw_s * 1000:.0f} ms = {50 / raw_s:.0f} MB/s"
          f" (upload / raw: {big_s / raw_s:.2f}x)")

    # The first big upload also pays for the server's heap growing; four
    # more show the steady state (their median, against the same raw copy).
    again = []
    for i in range(4):
        started = time.perf_counter()
        upload(f"big-{i}.bin", big)
        again.append(time.perf_counter() - started)
    again.sort()
    warm_s = (again[1] + again[2]) / 2
    print(f"50 MB again, median of 4: {warm_s * 1000:.0f} ms = {50 / warm_s:.0f} MB/s"
          f" (upload / raw: {warm_s / raw_s:.2f}x)")
    started = time.perf_counter()
    upload("big-multipart.bin", big, as_multipart=True)
    form_s = time.perf_counter() - started
    print(f"50 MB as multipart/form-data: {form_s * 1000:.0f} ms = {50 / form_s:.0f} MB/s"
          f" (upload / raw: {form_s / raw_s:.2f}x)")

    small = [os.urandom(20 * 1024) for _ in range(200)]
    started = time.perf_counter()
    for i, data in enumerate(small):
        upload(f"small-{i:03}.bin", data)
    small_s = time.perf_counter() - started
    print(f"200 files of 20 KB: {small_s * 1000:.0f} ms = {200 / small_s:.0f} files/s"
          f" ({small_s * 1000 / 200:.1f} ms each)")

    peak = status_kb(pid, "VmHWM")
    print(f"server memory: {rss_before / 1024:.0f} MB resident before; peak after a 5 MB upload"
          f" {peak_small / 1024:.0f} MB, after 50 MB and 200 small ones {peak / 1024:.0f} MB")


if __name__ == "__main__":
    main()
