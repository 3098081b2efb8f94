#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""uapi.py SOCKET [REPLIES]: a raw client of the cross-platform UAPI.

Sends stdin unchanged to the unix socket SOCKET, then prints what comes back
until REPLIES answers (default 1), each ending in "errno=N" and a blank line,
have arrived or the daemon hangs up. Exits 0 when they all arrived, 2 when the
socket closed first, 3 on a 5 s timeout (what arrived is printed either way).
"""
import re
import socket
import sys

END = re.compile(rb"(?:^|\n)errno=-?[0-9]+\n\n")


def main():
    path = sys.argv[1]
    want = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    request = sys.stdin.buffer.read()
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(5)
    sock.connect(path)
    status = 0
    try:
        sock.sendall(request)
    except OSError:
        pass  # a daemon may answer and hang up before reading everything
    got = b""
    try:
        while len(END.findall(got)) < want:
            chunk = sock.recv(65536)
            if not chunk:
                status = 2
                break
            got += chunk
    except socket.timeout:
        status = 3
    except OSError:
        status = 2
    sock.close()
    sys.stdout.buffer.write(got)
    return status


if __name__ == "__main__":
    sys.exit(main())
