"""A real LDAP server for the tests: ldaptor serving an LDIF tree in memory.

Run as ``python ldap_server.py TREE.ldif KEY.pem CERT.pem``: it listens on
two free ports of 127.0.0.1, plain LDAP and LDAP over TLS with that key and
certificate, prints both ports on its first line, and serves until its
standard input closes (the test session ended or died) or it is killed.
Binds check ``userPassword`` (plain or ``{SSHA}``); anonymous binds may
search, as many directories allow.
"""

import sys
import threading
from io import BytesIO

from ldaptor.inmemory import fromLDIFFile
from ldaptor.interfaces import IConnectedLDAPEntry
from ldaptor.protocols.ldap.ldapserver import LDAPServer
from twisted.internet import reactor, ssl
from twisted.internet.protocol import ServerFactory
from twisted.python.components import registerAdapter


class TreeFactory(ServerFactory):
    """Hands every connection the same in-memory tree."""

    protocol = LDAPServer

    def __init__(self, root) -> None:
        self.root = root

    def buildProtocol(self, addr):
        server = self.protocol()
        server.debug = False
        server.factory = self
        return server


registerAdapter(lambda factory: factory.root, TreeFactory, IConnectedLDAPEntry)


def serve(root, key: str, cert: str) -> None:
    factory = TreeFactory(root)
    plain = reactor.listenTCP(0, factory, interface="127.0.0.1")
    context = ssl.DefaultOpenSSLContextFactory(key, cert)
    secure = reactor.listenSSL(0, factory, context, interface="127.0.0.1")
    print(plain.getHost().port, secure.getHost().port, flush=True)


def stop_when_stdin_closes() -> None:
    sys.stdin.read()
    reactor.callFromThread(reactor.stop)


def main(path: str, key: str, cert: str) -> None:
    with open(path, "rb") as handle:
        loading = fromLDIFFile(BytesIO(handle.read()))
    loading.addCallback(serve, key, cert)
    loading.addErrback(lambda failure: (failure.printTraceback(), reactor.stop()))
    threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
    reactor.run()


if __name__ == "__main__":
    main(*sys.argv[1:4])
