# Captures TCP segments the Linux kernel sends out of a TUN device. A TUN device opened without
# TUNSETOFFLOAD has no checksum offload, so the kernel computes full IP and TCP checksums in software.
# Produces the vectors in LinuxCaptureTest. Run as root in a private network namespace:
#     unshare -n python3 linux_tun_capture.py
# The script plays the peer 10.9.0.2:139 for a plain socket connecting from 10.9.0.1:52000; it computes
# checksums only for the packets it writes itself, never for the captured ones, which it checks with
# the independent one's-complement sum in csum().
import os, socket, struct, fcntl, subprocess, threading, time, select

def csum(data):
    if len(data) % 2: data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data)//2), data))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return s

def check(pkt):
    ihl = (pkt[0] & 15) * 4
    tot = struct.unpack('!H', pkt[2:4])[0]
    tcp = pkt[ihl:tot]
    pseudo = pkt[12:20] + struct.pack('!BBH', 0, 6, len(tcp))
    return csum(pkt[:ihl]) == 0xffff, csum(pseudo + tcp) == 0xffff

TUNSETIFF, IFF_TUN, IFF_NO_PI = 0x400454ca, 0x0001, 0x1000
fd = os.open('/dev/net/tun', os.O_RDWR)
fcntl.ioctl(fd, TUNSETIFF, struct.pack('16sH', b'tun0', IFF_TUN | IFF_NO_PI))
subprocess.check_call(['ip', 'addr', 'add', '10.9.0.1/24', 'dev', 'tun0'])
subprocess.check_call(['ip', 'link', 'set', 'tun0', 'up'])
subprocess.check_call(['ip', 'link', 'set', 'lo', 'up'])

LOCAL, PEER = socket.inet_aton('10.9.0.1'), socket.inet_aton('10.9.0.2')

def read_tcp(timeout=2.0):
    end = time.time() + timeout
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if not r: continue
        p = os.read(fd, 70000)
        if p[0] >> 4 == 4 and p[9] == 6:
            return p
    raise SystemExit('no packet')

def send_tcp(sport, dport, seq, ack, flags, win, opts, data=b''):
    doff = (20 + len(opts)) // 4
    tcp = struct.pack('!HHIIBBHHH', sport, dport, seq, ack, doff << 4, flags, win, 0, 0) + opts + data
    pseudo = PEER + LOCAL + struct.pack('!BBH', 0, 6, len(tcp))
    c = 0xffff - csum(pseudo + tcp)
    tcp = tcp[:16] + struct.pack('!H', c) + tcp[18:]
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0, PEER, LOCAL)
    ip = ip[:10] + struct.pack('!H', 0xffff - csum(ip)) + ip[12:]
    os.write(fd, ip + tcp)

out = []
cli = socket.socket(); cli.settimeout(5)
cli.bind(('10.9.0.1', 52000))
th = threading.Thread(target=lambda: cli.connect(('10.9.0.2', 139))); th.start()
syn = read_tcp(); out.append(('SYN', syn))
cseq = struct.unpack('!I', syn[24:28])[0]
tsval = struct.unpack("!I", syn[48:52])[0]
ISN = 0x9d2c0001
opts = bytes.fromhex('020405b4') + b'\x04\x02' + b'\x08\x0a' + struct.pack('!II', 1000, tsval) + b'\x01' + b'\x03\x03\x07'
send_tcp(139, 52000, ISN, cseq + 1, 0x12, 65535, opts)
ack = read_tcp(); out.append(('ACK', ack))
th.join()
cli.send(b'nbstack tun capture: hello from Linux\n')
data = read_tcp(); out.append(('DATA', data))
# Out-of-order data from the peer: the kernel answers with a duplicate ACK carrying a SACK block.
ts = b'\x01\x01\x08\x0a' + struct.pack('!II', 1001, struct.unpack('!I', data[20+24:20+28])[0])
send_tcp(139, 52000, ISN + 1 + 100, cseq + 1 + 38, 0x18, 512, ts, b'x' * 50)
sack = read_tcp(); out.append(('SACK', sack))
for name, p in out:
    print(name, 'ipok=%s tcpok=%s' % check(p), len(p))
    print(p.hex())
