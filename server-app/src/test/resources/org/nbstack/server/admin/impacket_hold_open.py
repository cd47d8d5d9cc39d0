# impacket's SMBConnection holding a file open (and one byte range locked) while SmbSessionsViewTest reads the admin
# view: run with host, port (not 139: direct TCP framing, as on 445), share and file name. It prints one line per
# step and waits for a line on stdin before each next step, so the test sees each state.
import sys

from impacket.smb3structs import FILE_READ_DATA, FILE_SHARE_READ, SMB2_LOCK, SMB2Lock, SMB2_LOCK_ELEMENT, SMB2_LOCKFLAG_EXCLUSIVE_LOCK, \
    SMB2_LOCKFLAG_FAIL_IMMEDIATELY
from impacket.nt_errors import STATUS_SUCCESS
from impacket.smbconnection import SMBConnection

host, port, share, name = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]


def step(line):
    print(line, flush=True)
    sys.stdin.readline()


conn = SMBConnection(host, host, sess_port=port, timeout=30)
conn.login('guest', '')
tree = conn.connectTree(share)
fid = conn.openFile(tree, name, desiredAccess=FILE_READ_DATA, shareMode=FILE_SHARE_READ)  # the share is read-only

# SMBConnection has no LOCK of its own in impacket's SMB2 path, so one LOCK request is sent through its SMB3 object.
smb = conn.getSMBServer()
element = SMB2_LOCK_ELEMENT()
element['Offset'] = 0
element['Length'] = 10
element['Flags'] = SMB2_LOCKFLAG_EXCLUSIVE_LOCK | SMB2_LOCKFLAG_FAIL_IMMEDIATELY
lock = SMB2Lock()
lock['LockCount'] = 1
lock['FileID'] = fid
lock['Locks'] = element.getData()
packet = smb.SMB_PACKET()
packet['Command'] = SMB2_LOCK
packet['TreeID'] = tree
packet['Data'] = lock
answer = smb.recvSMB(smb.sendSMB(packet))
print('LOCK %s' % ('ok' if answer.isValidAnswer(STATUS_SUCCESS) else 'failed'), flush=True)

step('OPEN')
conn.closeFile(tree, fid)
step('CLOSED')
conn.logoff()
step('LOGGED OFF')
conn.close()
print('DONE', flush=True)
