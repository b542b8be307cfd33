#!/usr/bin/env python3
"""Shows that `wpadiag analyze` takes time linear in the number of handshake
attempts: generates radiotap pcaps with 10,000 stations and N attempts for
three values of N (100,000 the largest), times the analysis of each, and
prints the cost per attempt and the least-squares slope.

    python3 bench/scaling.py [--wpadiag PATH] [--outdir DIR] [--attempts 25000,50000,100000]

Structure only (MICs are random, no passphrase is given): this measures the
ingest, the per-link split and the replay, not key derivation. Attempts
rotate through a complete handshake, M1/M2 repeated then a deauthentication,
and a lost M4; every 1000th attempt the AP sends a broadcast deauth, which
belongs to every link of that AP. Standard library only; deterministic.
"""
import argparse
import os
import random
import resource
import struct
import subprocess
import time

BSSIDS = [bytes([2, 0, 0, 0, 1, i]) for i in range(4)]
SSID = b"wpadiag-scale"
RSN_IE = bytes.fromhex("30140100000fac040100000fac040100000fac020000")
RADIOTAP = struct.pack("<BBHI", 0, 0, 8, 0)  # no fields
RNG = random.Random(7)


def sta_addr(i):
    return bytes([2, 0, 0, 1, (i >> 8) & 0xFF, i & 0xFF])


def hdr(fc, a1, a2, a3, seq):
    return struct.pack("<HH", fc, 0x013A) + a1 + a2 + a3 + struct.pack("<H", (seq & 0xFFF) << 4)


def eapol_key(info, replay, nonce, key_data=b""):
    body = struct.pack(">BHHQ", 2, info, 16, replay) + nonce + bytes(16 + 8 + 8)
    body += RNG.randbytes(16) + struct.pack(">H", len(key_data)) + key_data
    return struct.pack(">BBH", 2, 3, len(body)) + body


def data_eapol(to_ap, sta, bssid, seq, eapol):
    fc = 0x0188 if to_ap else 0x0288  # QoS data, To DS / From DS
    a1, a2, a3 = (bssid, sta, bssid) if to_ap else (sta, bssid, bssid)
    return hdr(fc, a1, a2, a3, seq) + struct.pack("<H", 7) + b"\xaa\xaa\x03\x00\x00\x00\x88\x8e" + eapol


def mgmt(subtype, a1, a2, a3, seq, body):
    return hdr(subtype << 4, a1, a2, a3, seq) + body


def ack(ra):
    return struct.pack("<HH", 0x00D4, 0) + ra


def generate(path, stations, attempts, seed=7):
    rng = random.Random(seed)
    RNG.seed(seed)
    frames = 0
    t = 1_700_000_000.0
    with open(path, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 127))

        def emit(frame):
            nonlocal frames, t
            t += 0.0002
            pkt = RADIOTAP + frame
            sec = int(t)
            out.write(struct.pack("<IIII", sec, int((t - sec) * 1e6), len(pkt), len(pkt)) + pkt)
            frames += 1

        replay = {}
        for n in range(attempts):
            sta = sta_addr(rng.randrange(stations))
            bssid = BSSIDS[n % len(BSSIDS)]
            if n % 50 == 0:
                body = struct.pack("<QHH", n, 100, 0x0411) + b"\x00" + bytes([len(SSID)]) + SSID + RSN_IE
                emit(mgmt(8, b"\xff" * 6, bssid, bssid, n, body))
            if n % 1000 == 999:
                emit(mgmt(12, b"\xff" * 6, bssid, bssid, n, struct.pack("<H", 3)))
            emit(mgmt(11, bssid, sta, bssid, n, struct.pack("<HHH", 0, 1, 0)))
            emit(ack(sta))
            emit(mgmt(11, sta, bssid, bssid, n, struct.pack("<HHH", 0, 2, 0)))
            emit(ack(bssid))
            body = struct.pack("<HH", 0x0411, 10) + b"\x00" + bytes([len(SSID)]) + SSID + RSN_IE
            emit(mgmt(0, bssid, sta, bssid, n, body))
            emit(mgmt(1, sta, bssid, bssid, n, struct.pack("<HHH", 0x0411, 0, 0xC001)))
            key = (bssid, sta)
            rc = replay.get(key, 0)
            anonce, snonce = RNG.randbytes(32), RNG.randbytes(32)
            kind = n % 3
            tries = 4 if kind == 1 else 1
            for _ in range(tries):
                rc += 1
                emit(data_eapol(False, sta, bssid, n, eapol_key(0x008A, rc, anonce)))
                emit(ack(bssid))
                emit(data_eapol(True, sta, bssid, n, eapol_key(0x010A, rc, snonce, RSN_IE)))
                emit(ack(sta))
            if kind == 1:
                emit(mgmt(12, sta, bssid, bssid, n, struct.pack("<H", 15)))
            else:
                for _ in range(2 if kind == 2 else 1):
                    rc += 1
                    emit(data_eapol(False, sta, bssid, n, eapol_key(0x13CA, rc, anonce, RNG.randbytes(56))))
                    emit(ack(bssid))
                if kind == 0:
                    emit(data_eapol(True, sta, bssid, n, eapol_key(0x030A, rc, bytes(32))))
                    emit(ack(sta))
            replay[key] = rc
    return frames


def run(wpadiag, path, fmt):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([wpadiag, "analyze", "--format", fmt, path],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1):
        raise SystemExit(f"wpadiag failed on {path}: exit {done.returncode}")
    return wall, cpu, after.ru_maxrss


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wpadiag", default=os.environ.get("WPADIAG", "target/release/wpadiag"))
    parser.add_argument("--outdir", default="/tmp/wpadiag-scaling")
    parser.add_argument("--stations", type=int, default=10_000)
    parser.add_argument("--attempts", default="25000,50000,100000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--format", default="json", choices=["json", "text"],
                        help="report format: json builds the whole document in memory")
    args = parser.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    points = []
    print("| attempts | frames | MB | best cpu s | best wall s | cpu us/attempt |")
    print("|---|---|---|---|---|---|")
    for attempts in [int(a) for a in args.attempts.split(",")]:
        path = os.path.join(args.outdir, f"scale-{args.stations}-{attempts}.pcap")
        if os.path.exists(path):
            frames = None
        else:
            frames = generate(path, args.stations, attempts)
        runs = [run(args.wpadiag, path, args.format) for _ in range(args.runs)]
        wall = min(r[0] for r in runs)
        cpu = min(r[1] for r in runs)
        points.append((attempts, cpu))
        size = os.path.getsize(path) / 1e6
        shown = frames if frames is not None else "(existing file)"
        print(f"| {attempts} | {shown} | {size:.0f} | {cpu:.3f} | {wall:.3f} | {cpu / attempts * 1e6:.1f} |")
    n = len(points)
    mx = sum(p[0] for p in points) / n
    my = sum(p[1] for p in points) / n
    slope = sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)
    intercept = my - slope * mx
    print(f"\nleast-squares: cpu s = {intercept:.3f} + {slope * 1e6:.2f} us x attempts")
    first, last = points[0], points[-1]
    growth = (last[1] / first[1]) / (last[0] / first[0])
    print(f"cost per attempt, largest vs smallest: {growth:.2f} (1.00 = linear, 2 or more = quadratic)")


if __name__ == "__main__":
    main()
