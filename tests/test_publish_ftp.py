"""FTP(S) publishing with lftp, against a real FTP server (pyftpdlib) on this machine."""

import datetime as dt
import ipaddress
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from chophien.publish import PublishError
from chophien.publish_ftp import FtpTarget, current_of, publish, rollback, switch_file

pytestmark = pytest.mark.skipif(
    shutil.which("lftp") is None and not os.environ.get("CI"),
    reason="lftp is not installed (`.ci/run` installs it; on CI a missing lftp fails)",
)
PASSWORD = "mật-khẩu-thử"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def self_signed(folder):
    """A certificate for 127.0.0.1 that lftp is told to trust (ssl:ca-file)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    pem = folder / "server.pem"
    pem.write_bytes(
        cert.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    ca = folder / "ca.pem"
    ca.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return pem, ca


@pytest.fixture(params=["ftps", "ftp"])
def server(request, tmp_path):
    """(target, lftp settings, the server's folder): TLS required on both channels for ftps."""
    root = tmp_path / "public_html"
    root.mkdir()
    port = free_port()
    command = [sys.executable, str(Path(__file__).with_name("ftpserver.py")), str(root), str(port), "chophien", PASSWORD]
    tls = request.param == "ftps"
    settings = []
    if tls:
        pem, ca = self_signed(tmp_path)
        command.append(str(pem))
        settings = [f"set ssl:ca-file {ca}"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout.readline().strip() == "ready"
    yield FtpTarget("127.0.0.1", port, "chophien", "/", tls=tls), settings, root
    process.terminate()
    process.wait(timeout=10)


def site(tmp_path, name, text):
    out = tmp_path / name
    (out / "san-pham").mkdir(parents=True)
    (out / "index.html").write_text(text)
    (out / "san-pham/index.html").write_text("same in every release")
    (out / ".htaccess").write_text("# the site's own headers and caching\n")
    return str(out)


def test_target_parsing():
    target = FtpTarget.parse("ftp://hoa%40htx@ftp.example.vn:2121/public_html/")
    assert target == FtpTarget("ftp.example.vn", 2121, "hoa@htx", "/public_html", True)
    with pytest.raises(PublishError, match="PUBLISH_FTP_PASSWORD"):
        FtpTarget.parse("ftp://hoa:secret@ftp.example.vn/")
    with pytest.raises(PublishError):
        FtpTarget.parse("sftp://hoa@ftp.example.vn/")


def test_switch_file_names_the_release_and_reads_back():
    text = switch_file("20261127-101500-ab12cd3")
    assert "RewriteRule ^(.*)$ releases/20261127-101500-ab12cd3/$1 [L]" in text
    assert "RewriteCond %{REQUEST_URI} !^/releases/" in text
    assert current_of(text) == "20261127-101500-ab12cd3"
    with pytest.raises(PublishError):
        switch_file("../../etc")


def test_publish_uploads_switches_keeps_n_and_rolls_back(tmp_path, server):
    target, settings, root = server
    first = site(tmp_path, "one", "<h1>một</h1>")
    log = publish(first, target, "20261127-100000-aaaa", PASSWORD, keep=2, extra_settings=settings)
    assert log[-1] == ".htaccess → releases/20261127-100000-aaaa"
    assert current_of((root / ".htaccess").read_text()) == "20261127-100000-aaaa"
    release = root / "releases/20261127-100000-aaaa"
    assert (release / "index.html").read_text() == "<h1>một</h1>"
    assert (release / ".htaccess").read_text().startswith("# the site's own")  # hidden files go too

    publish(site(tmp_path, "two", "<h1>hai</h1>"), target, "20261128-100000-bbbb", PASSWORD, 2, extra_settings=settings)
    publish(site(tmp_path, "three", "<h1>ba</h1>"), target, "20261129-100000-cccc", PASSWORD, 2, extra_settings=settings)
    assert sorted(p.name for p in (root / "releases").iterdir()) == ["20261128-100000-bbbb", "20261129-100000-cccc"]
    assert not list(root.glob(".htaccess-*"))  # the staged rule was renamed, not left behind

    assert rollback(target, PASSWORD, settings) == "20261128-100000-bbbb"
    assert current_of((root / ".htaccess").read_text()) == "20261128-100000-bbbb"
    with pytest.raises(PublishError, match="đã có"):
        publish(first, target, "20261128-100000-bbbb", PASSWORD, extra_settings=settings)


def test_a_wrong_password_fails_without_showing_it(tmp_path, server):
    target, settings, root = server
    with pytest.raises(PublishError) as error:
        publish(site(tmp_path, "one", "x"), target, "20261127-100000-aaaa", "sai-mật-khẩu", extra_settings=settings)
    assert "sai-mật-khẩu" not in str(error.value)
    assert not (root / ".htaccess").exists() and not list(root.rglob("index.html"))


def test_visitors_never_see_a_missing_or_half_site(tmp_path, server):
    """While a release is uploaded and switched, resolve requests the way the rule sends them."""
    target, settings, root = server
    texts = {"20261127-100000-aaaa": "<h1>một</h1>" * 50, "20261128-100000-bbbb": "<h1>hai</h1>" * 50}
    names = list(texts)
    publish(site(tmp_path, "one", texts[names[0]]), target, names[0], PASSWORD, extra_settings=settings)
    seen, failures, stop = set(), [], threading.Event()

    def visitor():
        while not stop.is_set():
            release = current_of((root / ".htaccess").read_text())
            try:
                page = (root / "releases" / release / "index.html").read_text()
            except OSError as error:
                failures.append(repr(error))
                continue
            if page != texts.get(release):
                failures.append(f"{release}: {page[:40]!r}")
            seen.add(release)

    thread = threading.Thread(target=visitor)
    thread.start()
    try:
        publish(site(tmp_path, "two", texts[names[1]]), target, names[1], PASSWORD, extra_settings=settings)
        time.sleep(0.05)
    finally:
        stop.set()
        thread.join()
    assert failures == []
    assert seen == set(names)


def test_a_missing_lftp_is_a_message_not_a_traceback(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no programs at all
    target = FtpTarget("127.0.0.1", 21, "chophien", "/")
    with pytest.raises(PublishError, match="chưa cài lftp .*apt-get install lftp"):
        publish(site(tmp_path, "one", "x"), target, "20261127-100000-aaaa", PASSWORD)
