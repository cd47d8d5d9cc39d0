# A plain Linux-kernel TCP peer for the engine's interop tests, run inside the test's network
# namespace (ip netns exec NS python3 kernel_peer.py ...). It prints one JSON object per line:
# {"event": "ready"} once listening or connected, and {"event": "done", ...} with its results.
#
#   kernel_peer.py listen ADDR PORT ACTION [N]        accept one connection, then ACTION
#   kernel_peer.py connect ADDR PORT BIND_PORT ACTION [N]   (BIND_PORT 0: ephemeral)
#   kernel_peer.py reconnect ADDR PORT BIND_PORT      two connections in a row from one source port
#
# ACTIONS: echo (until EOF), sink N (read and check N pattern bytes, then EOF), source N (send N
# pattern bytes, shut down, read to EOF), closefirst (send a line, close at once), waitclose (read
# to EOF, then close), bothclose (send a line, shut down, read to EOF, close), rr N (N 64-byte
# request/response round trips, latencies in microseconds).
#
# The pattern: stream byte i is BLOCK[i % P], BLOCK the first P bytes of SHA-256(seed || k) for
# k = 0, 1, ... (big-endian 8-byte k); P is prime, so a segment placed at any wrong offset short of
# a multiple of P is caught. The Java side builds the same block (InteropPattern).
import hashlib, json, socket, struct, sys, time

P = 1_000_003
SEED = b"nbstack-interop"
CHUNK = 256 * 1024


def block():
    out = bytearray()
    k = 0
    while len(out) < P:
        out += hashlib.sha256(SEED + struct.pack(">Q", k)).digest()
        k += 1
    b = bytes(out[:P])
    return b + b


TCP_CLOSE = 7  # linux/tcp_states.h


def wait_state(s, state, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0] == state:
            return
        time.sleep(0.0002)


def say(**kv):
    print(json.dumps(kv), flush=True)


def sink(s, n):
    doubled = block()
    buf = bytearray(CHUNK)
    mv = memoryview(buf)
    got, ok, first_bad = 0, True, -1
    start = time.monotonic()
    while True:
        r = s.recv_into(mv)
        if r == 0:
            break
        if ok:
            o = got % P
            if mv[:r].tobytes() != doubled[o:o + r]:
                ok = False
                for i in range(r):
                    if buf[i] != doubled[o + i]:
                        first_bad = got + i
                        break
        got += r
    return dict(received=got, ok=ok and got == n, first_bad=first_bad, seconds=time.monotonic() - start)


def source(s, n):
    doubled = memoryview(block())
    sent = 0
    start = time.monotonic()
    while sent < n:
        o = sent % P
        k = min(CHUNK, n - sent)
        s.sendall(doubled[o:o + k])
        sent += k
    s.shutdown(socket.SHUT_WR)
    rest = read_to_eof(s)
    return dict(sent=sent, seconds=time.monotonic() - start, received=rest)


def read_to_eof(s):
    n = 0
    while True:
        d = s.recv(65536)
        if not d:
            return n
        n += len(d)


def echo(s):
    n = 0
    while True:
        d = s.recv(65536)
        if not d:
            break
        s.sendall(d)
        n += len(d)
    return dict(received=n)


def rr(s, n):
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    msg = b"r" * 64
    lat = []
    for _ in range(n):
        t = time.perf_counter_ns()
        s.sendall(msg)
        got = 0
        while got < 64:
            d = s.recv(64 - got)
            if not d:
                raise SystemExit("peer closed during request/response")
            got += len(d)
        lat.append((time.perf_counter_ns() - t) / 1000.0)
    s.shutdown(socket.SHUT_WR)
    read_to_eof(s)
    return dict(latencies_us=lat)


def act(s, action, n):
    if action == "echo":
        r = echo(s)
    elif action == "sink":
        r = sink(s, n)
    elif action == "source":
        r = source(s, n)
    elif action == "closefirst":
        s.sendall(b"kernel closes first\n")
        r = dict()
    elif action == "waitclose":
        r = dict(received=read_to_eof(s))
    elif action == "bothclose":
        s.sendall(b"both close\n")
        s.shutdown(socket.SHUT_WR)
        r = dict(received=read_to_eof(s))
    elif action == "rr":
        r = rr(s, n)
    else:
        raise SystemExit("unknown action " + action)
    s.close()
    return r


def main(argv):
    mode, addr, port = argv[1], argv[2], int(argv[3])
    if mode == "listen":
        action, n = argv[4], int(argv[5]) if len(argv) > 5 else 0
        ls = socket.socket()
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind((addr, port))
        ls.listen(8)
        say(event="ready")
        s, peer = ls.accept()
        ls.close()
        say(event="done", **act(s, action, n))
    elif mode == "connect":
        bind_port, action = int(argv[4]), argv[5]
        n = int(argv[6]) if len(argv) > 6 else 0
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if bind_port:
            s.bind(("0.0.0.0", bind_port))
        start = time.monotonic()
        s.connect((addr, port))
        say(event="ready", connect_ms=(time.monotonic() - start) * 1000, local_port=s.getsockname()[1])
        say(event="done", **act(s, action, n))
    elif mode == "reconnect":
        bind_port = int(argv[4])
        times = []
        for i in range(2):
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("0.0.0.0", bind_port))
            start = time.monotonic()
            s.connect((addr, port))
            times.append((time.monotonic() - start) * 1000)
            read_to_eof(s)  # the engine server sends a line and closes first
            # Close only once our FIN is acknowledged (LAST_ACK -> CLOSE), or the next connect() finds
            # the old 4-tuple still in use on this side.
            s.shutdown(socket.SHUT_WR)
            wait_state(s, TCP_CLOSE, 2.0)
            s.close()
        say(event="done", connect_ms=times)
    else:
        raise SystemExit("unknown mode " + mode)


if __name__ == "__main__":
    main(sys.argv)
