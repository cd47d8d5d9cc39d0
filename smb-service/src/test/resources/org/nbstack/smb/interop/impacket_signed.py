# impacket logs on with NTLMv2 to a server that requires signing, so it signs every request; puts and gets a file.
# Usage: impacket_signed.py HOST PORT USER PASSWORD LOCALDIR DIALECT(2.1|3.0)
import hashlib
import sys

from impacket.smb3structs import SMB2_DIALECT_21, SMB2_DIALECT_30
from impacket.smbconnection import SMBConnection

host, port, user, password, local, dialect = sys.argv[1:7]
conn = SMBConnection(host, host, sess_port=int(port), preferredDialect={"2.1": SMB2_DIALECT_21, "3.0": SMB2_DIALECT_30}[dialect])
conn.login(user, password)
print("DIALECT 0x%04x" % conn.getDialect())
print("SIGNING", conn.getSMBServer()._Session["SigningActivated"])
with open(local + "/up.bin", "rb") as f:
    conn.putFile("share", "up.bin", f.read)
data = bytearray()
conn.getFile("share", "up.bin", data.extend)
print("GET", hashlib.sha256(data).hexdigest())
conn.logoff()
print("DONE")
