"""A real FTP(S) server for the publishing tests, in its own process: ftpserver.py ROOT PORT USER PASSWORD [CERT]."""

import sys

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler, TLS_FTPHandler
from pyftpdlib.servers import FTPServer

if __name__ == "__main__":
    root, port, user, password = sys.argv[1:5]
    authorizer = DummyAuthorizer()
    authorizer.add_user(user, password, root, perm="elradfmwMT")
    if len(sys.argv) > 5:  # FTPS: TLS required on the control and data connections
        handler = TLS_FTPHandler
        handler.certfile = sys.argv[5]
        handler.tls_control_required = handler.tls_data_required = True
    else:
        handler = FTPHandler
    handler.authorizer = authorizer
    handler.auth_failed_timeout = 0.1  # real servers wait seconds after a wrong password
    server = FTPServer(("127.0.0.1", int(port)), handler)
    print("ready", flush=True)
    server.serve_forever()
