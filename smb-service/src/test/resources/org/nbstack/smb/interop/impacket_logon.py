# impacket's SMBConnection logging on with NTLMv2 as a user: run by SmbLogonInteropTest with host, port, user, password,
# the share the user may use, one the user may not, and a local directory; prints one line per step for the test.
import hashlib
import os
import sys

from impacket.smbconnection import SMBConnection, SessionError

host, port, user, password, share, forbidden, local = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6], sys.argv[7]

bad = SMBConnection(host, host, sess_port=port, timeout=30)
try:
    bad.login(user, password + 'x')
    print('WRONG PASSWORD ACCEPTED')
except SessionError as e:
    print('WRONG PASSWORD 0x%08x' % e.getErrorCode())

conn = SMBConnection(host, host, sess_port=port, timeout=30)
conn.login(user, password)  # NTLMv2: impacket's default with a password
print('LOGON guest=%s' % conn.isGuestSession())

with open(os.path.join(local, 'up.bin'), 'rb') as f:
    conn.putFile(share, 'up.bin', f.read)
digest = hashlib.sha256()
conn.getFile(share, 'up.bin', digest.update)
print('GET up.bin %s' % digest.hexdigest())

try:
    conn.connectTree(forbidden)
    print('FORBIDDEN TREE ACCEPTED')
except SessionError as e:
    print('FORBIDDEN TREE 0x%08x' % e.getErrorCode())
conn.logoff()
print('DONE')
