# impacket's SMBConnection (a client nobody in this project wrote) against the file service: run by ImpacketSmbTest
# with the server's NetBIOS name, host, port, share and a local directory; prints one line per step for the test.
# The share holds down.bin and gone.txt before the run; the test checks the share's directory afterwards.
import hashlib
import os
import sys

from impacket.smbconnection import SMBConnection, SessionError

called, host, port, share, local = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]

# On port 139 impacket calls the given NetBIOS name in its SESSION REQUEST (called *SMBSERVER it would first ask
# for the name over UDP 137 and wait for that query to time out).
conn = SMBConnection(called, host, sess_port=port, timeout=30)
conn.login('', '')  # anonymous (null session)
print('DIALECT 0x%04x' % conn.getDialect())

conn.createDirectory(share, 'made')
conn.createDirectory(share, 'made\\empty')
conn.deleteDirectory(share, 'made\\empty')
print('MKDIR made')

with open(os.path.join(local, 'up.bin'), 'rb') as f:
    conn.putFile(share, 'made\\up.bin', f.read)
print('PUT made\\up.bin')

for entry in conn.listPath(share, 'made\\*'):
    print('LIST made %s %d %s' % (entry.get_longname(), entry.get_filesize(), 'dir' if entry.is_directory() else 'file'))
for entry in conn.listPath(share, '*'):
    print('LIST root %s %d %s' % (entry.get_longname(), entry.get_filesize(), 'dir' if entry.is_directory() else 'file'))

digest = hashlib.sha256()
conn.getFile(share, 'down.bin', digest.update)
print('GET down.bin %s' % digest.hexdigest())

conn.deleteFile(share, 'gone.txt')
print('DEL gone.txt')
try:
    conn.getFile(share, 'gone.txt', lambda data: None)
    print('STILL THERE gone.txt')
except SessionError as e:
    print('AFTER DEL %s' % e.getErrorString()[0])

conn.rename(share, 'made\\up.bin', 'made\\renamed.bin')
print('RENAME made\\renamed.bin')
conn.logoff()
print('DONE')
