#!/usr/bin/python3
"""Packet-level checks of a running `nbstack serve` whose engine listener is on a TUN device.

Runs inside the network namespace that holds the TUN device's kernel side. Crafted IPv4 packets (scapy) are
written onto the device through an AF_PACKET socket from a peer address the kernel does not own, so the kernel's
own TCP never answers for it; the engine's replies are read from the same socket. Each check prints
"PASS name" or "FAIL name: why"; the last line is "N passed, N failed".

usage: packet_suite.py DEVICE ENGINE_ADDRESS PORT MTU
PORT is the server's NetBIOS session service (RFC 1002) with its default names: a SESSION REQUEST for ECHO opens a
session that sends every SESSION MESSAGE back; one for a name the server does not hold gets a NEGATIVE SESSION
RESPONSE, after which the server closes the connection (its FIN first).
"""
import random
import socket
import sys
import time

from scapy.all import ICMP, IP, TCP, Raw, fragment  # noqa: E402

ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
PACKET_OUTGOING = 4

DEV, ENGINE, PORT, MTU = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
PEER = ENGINE.rsplit(".", 1)[0] + ".9"  # on the device's subnet, not an address of the kernel
SOCK = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
SOCK.bind((DEV, ETH_P_ALL))
results = []


def send(pkt):
    SOCK.sendto(bytes(pkt), (DEV, ETH_P_IP))


def drain():
    SOCK.setblocking(False)
    try:
        while True:
            SOCK.recv(70000)
    except BlockingIOError:
        pass
    finally:
        SOCK.setblocking(True)


def receive(match, timeout, to=PEER):
    """The first packet from the engine to `to` (None: anyone) for which match(pkt) holds, with its arrival time,
    or (None, t)."""
    end = time.monotonic() + timeout
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return None, time.monotonic()
        SOCK.settimeout(left)
        try:
            data, addr = SOCK.recvfrom(70000)
        except socket.timeout:
            return None, time.monotonic()
        if addr[2] == PACKET_OUTGOING or len(data) < 20 or data[0] >> 4 != 4:
            continue
        pkt = IP(data)
        if pkt.src == ENGINE and (to is None or pkt.dst == to) and match(pkt):
            return pkt, time.monotonic()


def tcp_from(sport, flags=None):
    def match(p):
        return TCP in p and p[TCP].dport == sport and (flags is None or p[TCP].flags == flags)
    return match


def silence(sport, timeout=0.4):
    """True when the engine sends nothing to PEER:sport within timeout."""
    return receive(tcp_from(sport), timeout)[0] is None


def options(pkt):
    return dict((k, v) for k, v in pkt[TCP].options)


def check(name, ok, why=""):
    results.append(ok)
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else ": " + why), flush=True)


def port():
    return random.randint(20000, 60000)


def syn(sport, seq, ts=None, src=PEER, dport=PORT, extra=None):
    opts = [("MSS", 1460), ("SAckOK", b""), ("WScale", 7)]
    if ts is not None:
        opts.append(("Timestamp", (ts, 0)))
    return IP(src=src, dst=ENGINE) / TCP(sport=sport, dport=dport, flags="S", seq=seq, window=64240,
                                         options=extra if extra is not None else opts)


def netbios_name(name, suffix=0x20):
    """RFC 1001 §14.1 first-level encoding, no scope: 34 octets."""
    raw = name.upper().ljust(15).encode("ascii")[:15] + bytes([suffix])
    return b"\x20" + bytes(b for c in raw for b in (0x41 + (c >> 4), 0x41 + (c & 0x0F))) + b"\x00"


def session_request(called):
    """SESSION REQUEST (RFC 1002 §4.3.2): 72 octets."""
    names = netbios_name(called) + netbios_name("PACKETSUITE", 0)
    return b"\x81\x00" + len(names).to_bytes(2, "big") + names


REQUEST_LEN = len(session_request("ECHO"))
POSITIVE = b"\x82\x00\x00\x00"
UNKNOWN_NAME = "NOSUCHNAME"  # the server answers NEGATIVE 0x82 (called name not present) and closes


def handshake(sport, seq=1000, ts=None, mss=1460):
    opts = [("MSS", mss), ("SAckOK", b""), ("WScale", 7)] + ([("Timestamp", (ts, 0))] if ts else [])
    send(IP(src=PEER, dst=ENGINE) / TCP(sport=sport, dport=PORT, flags="S", seq=seq, window=64240, options=opts))
    sa, _ = receive(tcp_from(sport, "SA"), 2)
    if sa is None:
        return None
    ack_opts = [("Timestamp", (ts + 1, options(sa)["Timestamp"][0]))] if ts else []
    send(IP(src=PEER, dst=ENGINE) / TCP(sport=sport, dport=PORT, flags="A", seq=seq + 1, ack=sa[TCP].seq + 1,
                                        window=64240, options=ack_opts))
    return sa


def reset(sport, seq):
    send(IP(src=PEER, dst=ENGINE) / TCP(sport=sport, dport=PORT, flags="R", seq=seq))


def check_handshake_options():
    sport = port()
    send(syn(sport, 1000, ts=4242))
    sa, _ = receive(tcp_from(sport, "SA"), 2)
    if sa is None:
        return check("handshake: SYN-ACK with MSS for the MTU", False, "no SYN-ACK")
    o = options(sa)
    check("handshake: SYN-ACK acknowledges the SYN", sa[TCP].ack == 1001, "ack %d" % sa[TCP].ack)
    check("handshake: MSS is the MTU less 40", o.get("MSS") == MTU - 40, "options %s" % o)
    check("handshake: window scale, SACK permitted, timestamps echoed",
          "WScale" in o and "SAckOK" in o and o.get("Timestamp", (0, 0))[1] == 4242, "options %s" % o)
    check("handshake: DF set, TTL 64", sa[IP].flags.DF and sa[IP].ttl == 64, "flags %s ttl %d" % (sa[IP].flags, sa[IP].ttl))
    reset(sport, 1001)


def check_land():
    send(IP(src=ENGINE, dst=ENGINE) / TCP(sport=PORT, dport=PORT, flags="S", seq=777,
                                          options=[("MSS", 1460), ("Timestamp", (1, 0))]))
    got, _ = receive(lambda p: True, 0.5, to=None)
    check("LAND: a SYN from the engine's own address and port gets nothing", got is None, "got %r" % got)
    sport = port()
    sa = handshake(sport)
    check("LAND: the engine still answers a new connection", sa is not None, "no SYN-ACK")
    if sa:
        reset(sport, 1001)


def check_invalid_sources():
    for src in ["0.0.0.0", "255.255.255.255", "224.0.0.5", "240.0.0.1"]:
        send(syn(port(), 1, src=src))
        got, _ = receive(lambda p: True, 0.3, to=None)
        check("invalid source %s: no answer" % src, got is None, "got %r" % got)
    sport = port()
    send(IP(src=PEER, dst=ENGINE) / TCP(sport=0, dport=PORT, flags="S", seq=1))
    check("source port 0: no answer", silence(0), "answered")
    send(IP(src=PEER, dst=ENGINE) / TCP(sport=sport, dport=0, flags="S", seq=1))
    check("destination port 0: no answer", silence(sport), "answered")


def check_malformed():
    cases = {
        "bad TCP checksum": lambda s: IP(src=PEER, dst=ENGINE) / TCP(sport=s, dport=PORT, flags="S", chksum=0x1234),
        "bad IP checksum": lambda s: IP(src=PEER, dst=ENGINE, chksum=0x1234) / TCP(sport=s, dport=PORT, flags="S"),
        "data offset below 5": lambda s: IP(src=PEER, dst=ENGINE) / TCP(sport=s, dport=PORT, flags="S", dataofs=4),
        "data offset past the segment": lambda s: IP(src=PEER, dst=ENGINE) / TCP(sport=s, dport=PORT, flags="S",
                                                                                   dataofs=15),
        # kind 99 with length 0: a reader that trusts it never advances
        "option length 0": lambda s: IP(src=PEER, dst=ENGINE) / TCP(sport=s, dport=PORT, flags="S", dataofs=6)
        / Raw(b"\x63\x00\x00\x00"),
        "MSS option of length 3": lambda s: IP(src=PEER, dst=ENGINE) / TCP(sport=s, dport=PORT, flags="S", dataofs=6)
        / Raw(b"\x02\x03\x05\x00"),
        "IP total length beyond the packet": lambda s: IP(src=PEER, dst=ENGINE, len=200) / TCP(sport=s, dport=PORT,
                                                                                                 flags="S"),
    }
    for name, make in cases.items():
        sport = port()
        send(make(sport))
        check("malformed (%s): no answer" % name, silence(sport), "answered")
    sport = port()
    sa = handshake(sport)
    check("malformed: the engine still answers a good SYN", sa is not None, "no SYN-ACK")
    if sa:
        reset(sport, 1001)


def check_echo():
    payload = b"nbstack-ping-0123456789"
    send(IP(src=PEER, dst=ENGINE) / ICMP(type=8, id=0x4242, seq=7) / Raw(payload))
    got, _ = receive(lambda p: ICMP in p and p[ICMP].type == 0, 1)
    check("ICMP echo request gets its reply", got is not None and got[ICMP].id == 0x4242 and got[ICMP].seq == 7
          and bytes(got[ICMP].payload) == payload, "got %r" % got)


def check_fragmented_syn():
    sport = port()
    frags = fragment(syn(sport, 5000, ts=99), fragsize=16)
    for f in reversed(frags):
        send(f)
    sa, _ = receive(tcp_from(sport, "SA"), 2)
    check("a SYN in %d fragments, sent last first, is reassembled and answered" % len(frags),
          sa is not None and sa[TCP].ack == 5001, "got %r" % sa)
    if sa:
        reset(sport, 5001)


def check_frag_needed():
    sport = port()
    sa = handshake(sport, mss=MTU - 40)
    if sa is None:
        return check("frag needed: handshake", False, "no SYN-ACK")
    isn = sa[TCP].seq
    send(IP(src=PEER, dst=ENGINE) / TCP(sport=sport, dport=PORT, flags="PA", seq=1001, ack=isn + 1, window=64240)
         / Raw(session_request("ECHO")))
    answer, _ = receive(lambda p: tcp_from(sport)(p) and bytes(p[TCP].payload) == POSITIVE, 2)
    if answer is None:
        return check("frag needed: a session with ECHO", False, "no POSITIVE SESSION RESPONSE")
    message = b"\x00\x00" + (4000).to_bytes(2, "big") + bytes(4000)  # a SESSION MESSAGE the server echoes
    seq, step = 1001 + REQUEST_LEN, MTU - 40
    for at in range(0, len(message), step):
        send(IP(src=PEER, dst=ENGINE) / TCP(sport=sport, dport=PORT, flags="PA", seq=seq + at, ack=isn + 1 + 4,
                                            window=64240) / Raw(message[at:at + step]))
    first, _ = receive(lambda p: tcp_from(sport)(p) and len(p[TCP].payload) > 100, 2)
    if first is None:
        return check("frag needed: echoed data", False, "no data")
    check("frag needed: full-sized segments before", first[IP].len == MTU, "length %d" % first[IP].len)
    smaller = MTU - 200
    quoted = bytes(first)[:28]
    send(IP(src="10.77.0.254" if ENGINE.startswith("10.77.") else PEER, dst=ENGINE)
         / ICMP(type=3, code=4, nexthopmtu=smaller) / Raw(quoted))
    again, _ = receive(lambda p: tcp_from(sport)(p) and p[TCP].seq == first[TCP].seq, 1)
    check("frag needed: the quoted segment is sent again at once at the smaller MTU",
          again is not None and again[IP].len == smaller, "got %r" % (again and again[IP].len))
    reset(sport, seq + len(message))


def close_by_server(sport, ts=None):
    """Connect and call a name the server does not hold, so it refuses and closes first; ACK its FIN and send ours:
    the engine ends in TIME_WAIT. Returns the engine's RCV.NXT there (our FIN's end), or None."""
    sa = handshake(sport, seq=1000, ts=ts)
    if sa is None:
        return None
    isn = sa[TCP].seq
    tsopt = lambda v: [("Timestamp", (v, 0))] if ts else []
    send(IP(src=PEER, dst=ENGINE) / TCP(sport=sport, dport=PORT, flags="PA", seq=1001, ack=isn + 1, window=64240,
                                        options=tsopt(ts + 2 if ts else 0)) / Raw(session_request(UNKNOWN_NAME)))
    fin, _ = receive(lambda p: tcp_from(sport)(p) and p[TCP].flags.F, 2)
    if fin is None:
        return None
    fin_end = fin[TCP].seq + len(fin[TCP].payload) + 1
    our_fin = 1001 + REQUEST_LEN
    send(IP(src=PEER, dst=ENGINE) / TCP(sport=sport, dport=PORT, flags="FA", seq=our_fin, ack=fin_end, window=64240,
                                        options=tsopt(ts + 3 if ts else 0)))
    receive(tcp_from(sport, "A"), 1)
    return our_fin + 1


def check_time_wait():
    sport = port()
    if close_by_server(sport, ts=1000) is None:
        return check("TIME_WAIT: server closes first", False, "no FIN")
    send(syn(sport, 500000, ts=5000))
    sa, _ = receive(tcp_from(sport, "SA"), 1)
    check("TIME_WAIT: a SYN with a newer timestamp reopens at once (RFC 6191)", sa is not None, "no SYN-ACK")
    if sa:
        reset(sport, 500001)
    sport = port()
    rcv_nxt = close_by_server(sport)
    if rcv_nxt is None:
        return check("TIME_WAIT: server closes first (no timestamps)", False, "no FIN")
    old_syn = IP(src=PEER, dst=ENGINE) / TCP(sport=sport, dport=PORT, flags="S", seq=10, window=64240,
                                             options=[("MSS", 1460)])
    reset(sport, rcv_nxt)  # unsolicited: RFC 1337, TIME_WAIT stays
    check("TIME_WAIT: an unsolicited RST gets nothing", silence(sport, 0.3), "answered")
    send(old_syn)
    got, _ = receive(tcp_from(sport), 1)
    check("TIME_WAIT: after an unsolicited RST, a SYN with an old ISN and no timestamps gets the old ACK, not a SYN-ACK",
          got is not None and got[TCP].flags == "A" and got[TCP].ack == rcv_nxt, "got %r" % got)
    reset(sport, rcv_nxt)  # the client's answer to that ACK (RFC 9293 3.10.7.3): releases TIME_WAIT
    send(old_syn)
    sa, _ = receive(tcp_from(sport), 1)
    check("TIME_WAIT: the client's RST to the old ACK releases it; its SYN again opens a connection",
          sa is not None and sa[TCP].flags == "SA" and sa[TCP].ack == 11, "got %r" % sa)
    if sa is not None:
        reset(sport, 11)
    sport = port()
    if close_by_server(sport) is None:
        return check("TIME_WAIT: server closes first (no timestamps, new ISN)", False, "no FIN")
    send(IP(src=PEER, dst=ENGINE) / TCP(sport=sport, dport=PORT, flags="S", seq=900000, window=64240,
                                        options=[("MSS", 1460)]))
    sa, _ = receive(tcp_from(sport, "SA"), 1)
    check("TIME_WAIT: a SYN with a higher ISN and no timestamps reopens (RFC 1122 4.2.2.13)", sa is not None,
          "no SYN-ACK")
    if sa:
        reset(sport, 900001)


def check_lost_fin_backoff():
    sport = port()
    sa = handshake(sport)
    if sa is None:
        return check("lost FIN: handshake", False, "no SYN-ACK")
    send(IP(src=PEER, dst=ENGINE) / TCP(sport=sport, dport=PORT, flags="PA", seq=1001, ack=sa[TCP].seq + 1,
                                        window=64240) / Raw(session_request(UNKNOWN_NAME)))
    times = []
    fin_seq = None
    while len(times) < 5:
        fin, t = receive(lambda p: tcp_from(sport)(p) and p[TCP].flags.F, 10)
        if fin is None:
            break
        fin_seq = fin[TCP].seq
        times.append(t)
    gaps = [b - a for a, b in zip(times, times[1:])]
    # a tail loss probe may come first (RFC 8985 §7: one PTO after the FIN, and the RTO restarts from it); from
    # then on each retransmission timeout doubles (RFC 6298 §5.5)
    ok = len(gaps) == 4 and all(1.5 <= b / a <= 2.6 for a, b in zip(gaps[1:], gaps[2:]))
    check("lost FIN: retransmitted with doubling intervals", ok, "gaps %s" % ["%.3f" % g for g in gaps])
    if fin_seq is not None:
        reset(sport, 1001 + REQUEST_LEN)


def main():
    random.seed(12)
    drain()
    for c in [check_handshake_options, check_land, check_invalid_sources, check_malformed, check_echo,
              check_fragmented_syn, check_frag_needed, check_time_wait, check_lost_fin_backoff]:
        try:
            c()
        except Exception as e:  # a broken check fails, the others still run
            check(c.__name__, False, "%s: %s" % (type(e).__name__, e))
    passed = sum(1 for r in results if r)
    print("%d passed, %d failed" % (passed, len(results) - passed), flush=True)


main()
