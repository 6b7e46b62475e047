"""A real LDAP server (ldaptor, in a subprocess) holding a small tree, and a
runtime licensed for the directory plugin with domain a.test using it."""

import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from ipaddress import ip_address
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import plugins.directory
from core.db import session_scope
from core.runtime import build_runtime
from core.services.scope import find_domain
from plugins.directory import outages
from plugins.directory.credentials import set_bind_password
from tests.plugin_support import add_domain, issue_license, licensed_config, schema_for

SERVER = Path(__file__).with_name("ldap_server.py")
BASE_DN = "dc=example,dc=org"
READER_DN = f"cn=reader,ou=services,{BASE_DN}"
READER_PASSWORD = "reader-secret"
PEOPLE = {
    # uid: (cn, userPassword)
    "alice": ("Alice Liddell", "alice-secret"),
    "bob": ("Bob Builder", "bob-secret"),
    "carol": ("Carol Danvers", "carol-secret"),
    "dave": ("Dave Lister", "dave-secret"),
}


def person(uid: str, cn: str, password: str) -> str:
    return (
        f"dn: uid={uid},ou=people,{BASE_DN}\n"
        "objectClass: inetOrgPerson\n"
        f"uid: {uid}\ncn: {cn}\nsn: {cn.split()[-1]}\nuserPassword: {password}\n\n"
    )


def tree() -> str:
    """The directory: four people, two unusable entries, a service account."""
    entries = [
        f"dn: {BASE_DN}\nobjectClass: dcObject\nobjectClass: organization\n"
        "dc: example\no: Example\n\n",
        f"dn: ou=people,{BASE_DN}\nobjectClass: organizationalUnit\nou: people\n\n",
        f"dn: ou=services,{BASE_DN}\nobjectClass: organizationalUnit\nou: services\n\n",
        f"dn: {READER_DN}\nobjectClass: person\ncn: reader\nsn: reader\n"
        f"userPassword: {READER_PASSWORD}\n\n",
    ]
    entries += [person(uid, cn, pw) for uid, (cn, pw) in PEOPLE.items()]
    # A login that can't name a mailbox, and a person with no login at all.
    entries.append(person("bad/name", "Bad Name", "bad-secret"))
    entries.append(
        f"dn: cn=Nobody,ou=people,{BASE_DN}\nobjectClass: inetOrgPerson\n"
        "cn: Nobody\nsn: Nobody\n\n"
    )
    return "".join(entries)


@dataclass(frozen=True)
class LdapServer:
    url: str
    tls_url: str


@pytest.fixture(scope="session")
def ldap_server(tmp_path_factory) -> LdapServer:
    """A server that lives as long as the session: plain LDAP, and LDAP
    over TLS with a self-signed certificate no client trusts."""
    folder = tmp_path_factory.mktemp("ldap")
    (folder / "tree.ldif").write_text(tree())
    write_self_signed(folder / "key.pem", folder / "cert.pem")
    files = [str(folder / name) for name in ("tree.ldif", "key.pem", "cert.pem")]
    server = subprocess.Popen(
        [sys.executable, "-W", "ignore", str(SERVER), *files],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        text=True,
    )
    ports = server.stdout.readline().split()
    if len(ports) != 2:
        server.kill()
        pytest.fail(f"The test LDAP server did not start (exit {server.wait()}).")
    yield LdapServer(f"ldap://127.0.0.1:{ports[0]}", f"ldaps://127.0.0.1:{ports[1]}")
    server.stdin.close()
    try:
        server.wait(timeout=5)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def write_self_signed(key_path: Path, cert_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


@pytest.fixture(scope="session")
def ldap_url(ldap_server) -> str:
    return ldap_server.url


@pytest.fixture(scope="session")
def closed_url() -> str:
    """An ldap:// URL on which nothing listens: the directory is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"ldap://127.0.0.1:{port}"


def licensed_for(runtime, folder: Path, features=("directory_integration",)):
    text = issue_license(features=features)
    config = licensed_config(runtime.config, folder, text)
    return build_runtime(config, plugin_modules=[plugins.directory])


@pytest.fixture(autouse=True)
def forget_outages():
    """Outages are remembered per process; each test starts without any."""
    outages.forget_all()
    yield
    outages.forget_all()


@pytest.fixture
def directory_runtime(runtime, tmp_path):
    """The plugin loaded under a license granting directory integration."""
    licensed = licensed_for(runtime, tmp_path)
    yield licensed
    licensed.engine.dispose()


@pytest.fixture
def app(directory_runtime):
    from core.app import create_app

    return create_app(directory_runtime, schema=schema_for(directory_runtime))


def directory_settings(url: str, **changes) -> dict:
    """A domain settings patch: the feature on, the directory at ``url``."""
    section = {"url": url, "base_dn": BASE_DN, "bind_dn": READER_DN, **changes}
    return {"features": {"directory_integration": True}, "directory": section}


def make_domain(runtime, name: str, url: str | None, *, users=(), **changes) -> None:
    """A domain whose directory is at ``url`` (None: feature off, no directory),
    its service account's password stored."""
    settings = directory_settings(url, **changes) if url else None
    add_domain(runtime, name, settings=settings, users=tuple(users))
    if url:
        store_bind_password(runtime, name, READER_PASSWORD)


def store_bind_password(runtime, name: str, password: str | None) -> None:
    with session_scope(runtime.engine) as session:
        domain = find_domain(session, name)
        set_bind_password(session, runtime, domain, password)


def move_directory(runtime, name: str, changes: dict) -> None:
    """Change where the directory is, then store the service account's
    password again: it is bound to the url and bindDn it was set for."""
    change_settings(runtime, name, {"directory": changes})
    store_bind_password(runtime, name, READER_PASSWORD)


def change_settings(runtime, name: str, patch: dict) -> None:
    with session_scope(runtime.engine) as session:
        domain = find_domain(session, name)
        domain.settings = runtime.registry.apply_patch(
            "domain", domain.settings, patch, prefix="settings"
        )
        session.add(domain)
