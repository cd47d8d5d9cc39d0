# Captures TCP segments of a Linux loopback connection with an AF_PACKET socket. Run as root in a
# private network namespace:  unshare -n sh -c 'ip link set lo up && python3 linux_loopback_capture.py'
# Loopback offloads the TCP checksum (CHECKSUM_PARTIAL): the field holds only the pseudo-header sum,
# except for RSTs, which the kernel checksums in full (ip_send_unicast_reply).
import socket, struct, threading, time, sys

def csum(data):
    if len(data) % 2: data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data)//2), data))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return s

def check(pkt):
    ihl = (pkt[0] & 15) * 4
    tot = struct.unpack('!H', pkt[2:4])[0]
    ipok = csum(pkt[:ihl]) == 0xffff
    tcp = pkt[ihl:tot]
    pseudo = pkt[12:20] + struct.pack('!BBH', 0, 6, len(tcp))
    tcpok = csum(pseudo + tcp) == 0xffff
    return ipok, tcpok

ETH_P_ALL = 3
cap = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
cap.bind(('lo', 0))
cap.settimeout(0.5)
frames = []
def sniff():
    end = time.time() + 3
    while time.time() < end:
        try:
            f, addr = cap.recvfrom(70000)
        except socket.timeout:
            continue
        if addr[2] == socket.PACKET_OUTGOING:   # lo shows each packet twice
            continue
        if len(f) > 14 and f[12:14] == b'\x08\x00' and f[14+9] == 6:
            frames.append(f[14:])
t = threading.Thread(target=sniff); t.start()
time.sleep(0.2)
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(('127.0.0.1', 40139)); srv.listen(1)
cli = socket.socket(); cli.bind(('127.0.0.1', 51000)); cli.connect(('127.0.0.1', 40139))
conn, _ = srv.accept()
cli.sendall(b'nbstack loopback capture: hello, Linux!\n')
conn.recv(100)
conn.sendall(b'ok\n'); cli.recv(10)
cli.close(); conn.close(); srv.close()
r = socket.socket(); r.bind(('127.0.0.1', 51001))
try: r.connect(('127.0.0.1', 40140))
except ConnectionRefusedError: pass
r.close()
t.join()
for f in frames:
    ipok, tcpok = check(f)
    ihl = (f[0] & 15)*4
    flags = f[ihl+13]
    print('ipok=%s tcpok=%s flags=%02x len=%d' % (ipok, tcpok, flags, len(f)))
    print(f.hex())
