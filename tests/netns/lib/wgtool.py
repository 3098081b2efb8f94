#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Packet tools for the data-plane namespace tests (tests/netns/*.sh).

Every subcommand is bounded in packets and time, speaks only to the
addresses it is given, and prints one result line (JSON or a number).

  garbage HOST PORT PUBKEY          malformed datagrams of every kind; counts per expected counter
  cookie-flood HOST PORT PUBKEY N   get a cookie, then N initiations with a valid MAC1 and MAC2
  sniff IF PORT TYPES COUNT SECS OUT  incoming IPv4 UDP payloads to PORT of message TYPES
                                    (e.g. 1,4; keepalives left out), hex lines to OUT
  replay HOST PORT FILE             sends the payloads of FILE (from sniff) once each; prints
                                    {"sent": n, "replies": datagrams back within 1 s}
  send HOST PORT N [SIZE [INTERVAL]] N datagrams numbered 0..N-1, INTERVAL seconds apart
  sink ADDR PORT N SECS             counts datagrams until N arrived or SECS passed; prints seqs
  tcp-sink ADDR PORT SECS           one TCP connection's bytes: prints "<bytes> <sha256>"
  tcp-send HOST PORT FILE SECS      sends FILE over TCP
"""
import ctypes
import ctypes.util
import hashlib
import json
import os
import random
import select
import signal
import socket
import struct
import sys
import time

LABEL_MAC1 = b"mac1----"
LABEL_COOKIE = b"cookie--"
INIT_LEN, RESP_LEN, COOKIE_LEN, DATA_MIN = 148, 92, 64, 32


def b64key(s):
    import base64
    k = base64.b64decode(s)
    assert len(k) == 32
    return k


def blake_hash(*parts):
    h = hashlib.blake2s()
    for p in parts:
        h.update(p)
    return h.digest()


def mac(key, data):
    return hashlib.blake2s(data, digest_size=16, key=key).digest()


def with_mac1(msg, pub):
    """msg with a valid MAC1 for responder pub and a zero MAC2."""
    n = len(msg)
    body = msg[: n - 32]
    return body + mac(blake_hash(LABEL_MAC1, pub), body) + bytes(16)


def udp_socket(host):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", 0))
    return s


def drain(s, secs):
    """Datagrams that came back to s within secs."""
    got = []
    end = time.monotonic() + secs
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return got
        r, _, _ = select.select([s], [], [], left)
        if r:
            got.append(s.recv(70000))


def cmd_garbage(host, port, pub_b64):
    pub = b64key(pub_b64)
    port = int(port)
    rnd = random.Random(1)
    s = udp_socket(host)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
    sent = {"rx_garbage": 0, "rx_bad_mac": 0, "rx_unknown_index": 0, "rx_handshake_rejected": 0}

    def out(kind, data):
        s.sendto(data, (host, port))
        sent[kind] += 1
        time.sleep(0.001)  # stay well inside the receiver's socket buffer

    # Random bytes; byte 1 non-zero so no random datagram looks like a header.
    for _ in range(50):
        d = bytearray(rnd.randbytes(rnd.randrange(1, 400)))
        if len(d) > 1:
            d[1] = d[1] or 1
        out("rx_garbage", bytes(d))
    # Empty and shorter than any header.
    for n in (0, 1, 2, 3):
        out("rx_garbage", bytes([4] * n))
    # Every type at wrong lengths, unknown types, non-zero reserved bytes.
    for t, good in ((1, INIT_LEN), (2, RESP_LEN), (3, COOKIE_LEN)):
        for n in (4, good - 1, good + 1, good + 16, 1500):
            out("rx_garbage", bytes([t, 0, 0, 0]) + rnd.randbytes(n - 4))
    for n in (4, 16, 31):  # data shorter than header + tag
        out("rx_garbage", bytes([4, 0, 0, 0]) + rnd.randbytes(n - 4))
    for t in (0, 5, 255):
        out("rx_garbage", bytes([t, 0, 0, 0]) + rnd.randbytes(60))
    for res in ((1, 0, 0), (0, 0, 1), (0, 1, 0)):
        out("rx_garbage", bytes([1, *res]) + rnd.randbytes(INIT_LEN - 4))
        out("rx_garbage", bytes([4, *res]) + rnd.randbytes(60))
    # Right lengths, wrong MAC1.
    for _ in range(5):
        out("rx_bad_mac", bytes([1, 0, 0, 0]) + rnd.randbytes(INIT_LEN - 4))
        out("rx_bad_mac", bytes([2, 0, 0, 0]) + rnd.randbytes(RESP_LEN - 4))
    # Right lengths, indices nobody handed out (index 0 is never used).
    for n in (32, 33, 100, 1500):
        out("rx_unknown_index", bytes([4, 0, 0, 0]) + bytes(4) + rnd.randbytes(n - 8))
    out("rx_unknown_index", bytes([3, 0, 0, 0]) + bytes(4) + rnd.randbytes(COOKIE_LEN - 8))
    # A response with a valid MAC1 for an index we never sent.
    out("rx_unknown_index", with_mac1(bytes([2, 0, 0, 0]) + rnd.randbytes(4) + bytes(4) +
                                      rnd.randbytes(RESP_LEN - 12), pub))
    # An initiation with a valid MAC1 and junk inside: Noise rejects it.
    for _ in range(3):
        out("rx_handshake_rejected", with_mac1(bytes([1, 0, 0, 0]) + rnd.randbytes(INIT_LEN - 4), pub))
    # Oversized: 65000 bytes (fits the largest UDP payload), and for an IPv6
    # underlay the largest payload there is (65527), longer than any IPv4 one.
    out("rx_unknown_index", bytes([4, 0, 0, 0]) + bytes(4) + rnd.randbytes(65000 - 8))
    out("rx_garbage", bytes([1, 0, 0, 0]) + rnd.randbytes(65000 - 4))
    if s.family == socket.AF_INET6:
        out("rx_garbage", bytes([4, 0, 0, 0]) + bytes(4) + rnd.randbytes(65527 - 8))
    replies = drain(s, 1.0)
    sent["replies"] = len(replies)
    print(json.dumps(sent))


def sodium():
    lib = ctypes.CDLL(ctypes.util.find_library("sodium") or "libsodium.so.23")
    if lib.sodium_init() < 0:
        sys.exit("sodium_init failed")
    return lib


def xaead_decrypt(lib, key, nonce, ct, ad):
    out = ctypes.create_string_buffer(len(ct) - 16)
    outlen = ctypes.c_ulonglong()
    if lib.crypto_aead_xchacha20poly1305_ietf_decrypt(
            out, ctypes.byref(outlen), None, ct, ctypes.c_ulonglong(len(ct)), ad,
            ctypes.c_ulonglong(len(ad)), nonce, key):
        return None
    return out.raw[: outlen.value]


def cmd_cookie_flood(host, port, pub_b64, n):
    """One initiation with a valid MAC1 must bring one 64-byte cookie reply; then
    n initiations carrying MAC2 from that cookie reach the per-source rate limiter."""
    pub, port, n = b64key(pub_b64), int(port), int(n)
    lib = sodium()
    s = udp_socket(host)
    sender = os.urandom(4)
    first = with_mac1(bytes([1, 0, 0, 0]) + sender + os.urandom(INIT_LEN - 8), pub)
    s.sendto(first, (host, port))
    replies = drain(s, 1.0)
    res = {"cookie_replies": len(replies), "reply_lens": [len(r) for r in replies]}
    cookie = None
    if len(replies) == 1 and len(replies[0]) == COOKIE_LEN and replies[0][:4] == b"\x03\0\0\0":
        r = replies[0]
        res["receiver_matches"] = r[4:8] == sender
        cookie = xaead_decrypt(lib, blake_hash(LABEL_COOKIE, pub), r[8:32], r[32:64],
                               first[116:132])
    res["cookie_ok"] = cookie is not None and len(cookie) == 16
    later = 0
    if cookie is not None:
        for _ in range(n):
            m = with_mac1(bytes([1, 0, 0, 0]) + os.urandom(INIT_LEN - 4), pub)
            m = m[:132] + mac(cookie, m[:132])
            s.sendto(m, (host, port))
        later = len(drain(s, 1.0))
    res["later_replies"] = later
    print(json.dumps(res))


def cmd_sniff(ifname, port, types, count, secs, out):
    """Incoming IPv4 UDP datagrams to port carrying WireGuard messages of types.
    A UDP GSO burst shows here as one unsegmented packet: sniff paced traffic."""
    port, count, secs = int(port), int(count), float(secs)
    types = [int(t) for t in types.split(",")]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
    s.bind((ifname, 0))
    got = []
    end = time.monotonic() + secs
    # Stopped early (SIGTERM), it still writes what it has.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        sniff_loop(s, port, types, count, end, got)
    finally:
        with open(out, "w") as f:
            for p in got:
                f.write(p.hex() + "\n")
        print(len(got), flush=True)


def sniff_loop(s, port, types, count, end, got):
    print("ready", flush=True)
    while len(got) < count:
        left = end - time.monotonic()
        if left <= 0:
            break
        r, _, _ = select.select([s], [], [], left)
        if not r:
            continue
        frame, addr = s.recvfrom(70000)
        if addr[2] == socket.PACKET_OUTGOING:
            continue
        ip = frame[14:]
        if len(ip) < 28 or ip[0] >> 4 != 4 or ip[9] != 17:
            continue
        if struct.unpack("!H", ip[6:8])[0] & 0x3fff:  # fragments: not ours
            continue
        ihl = (ip[0] & 15) * 4
        dport = struct.unpack("!H", ip[ihl + 2: ihl + 4])[0]
        ulen = struct.unpack("!H", ip[ihl + 4: ihl + 6])[0]
        payload = ip[ihl + 8: ihl + ulen]
        if dport != port or len(payload) < 4 or payload[1:4] != b"\0\0\0":
            continue
        if payload[0] in types and not (payload[0] == 4 and len(payload) == DATA_MIN):
            got.append(payload)


def cmd_replay(host, port, path):
    s = udp_socket(host)
    n = 0
    with open(path) as f:
        for line in f:
            if line.strip():
                s.sendto(bytes.fromhex(line.strip()), (host, int(port)))
                n += 1
    print(json.dumps({"sent": n, "replies": len(drain(s, 1.0))}))


def cmd_send(host, port, n, size=32, interval=0):
    s = udp_socket(host)
    start = time.monotonic()
    for i in range(int(n)):
        if float(interval):
            time.sleep(max(0.0, start + i * float(interval) - time.monotonic()))
        s.sendto(struct.pack("!I", i) + bytes(int(size) - 4), (host, int(port)))
    print(n)


def cmd_sink(addr, port, n, secs):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)  # SO_RCVBUFFORCE: bursts of staged packets
    s.bind((addr, int(port)))
    print("ready", flush=True)
    seqs = []
    end = time.monotonic() + float(secs)
    while len(seqs) < int(n):
        left = end - time.monotonic()
        if left <= 0:
            break
        r, _, _ = select.select([s], [], [], left)
        if r:
            d = s.recv(70000)
            seqs.append(struct.unpack("!I", d[:4])[0] if len(d) >= 4 else -1)
    print(json.dumps(seqs), flush=True)


def cmd_tcp_sink(addr, port, secs):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    ls = socket.socket(fam, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, int(port)))
    ls.listen(1)
    print("ready", flush=True)
    ls.settimeout(float(secs))
    c, _ = ls.accept()
    c.settimeout(float(secs))
    h, total = hashlib.sha256(), 0
    while True:
        d = c.recv(1 << 20)
        if not d:
            break
        h.update(d)
        total += len(d)
    print(total, h.hexdigest(), flush=True)


def cmd_tcp_send(host, port, path, secs):
    s = socket.create_connection((host, int(port)), timeout=float(secs))
    s.settimeout(float(secs))
    with open(path, "rb") as f:
        while True:
            d = f.read(1 << 20)
            if not d:
                break
            s.sendall(d)
    s.shutdown(socket.SHUT_WR)
    s.recv(1)  # the peer closes once it has everything
    s.close()


CMDS = {
    "garbage": cmd_garbage,
    "cookie-flood": cmd_cookie_flood,
    "sniff": cmd_sniff,
    "replay": cmd_replay,
    "send": cmd_send,
    "sink": cmd_sink,
    "tcp-sink": cmd_tcp_sink,
    "tcp-send": cmd_tcp_send,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in CMDS:
        sys.exit(__doc__)
    CMDS[sys.argv[1]](*sys.argv[2:])
