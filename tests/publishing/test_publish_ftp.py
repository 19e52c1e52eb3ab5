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
from conftest import ROOT

from chophien.publishing.common import MANIFEST, TRASH, PublishError
from chophien.publishing.ftp import FtpTarget, current_of, publish, rollback, switch_file

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
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
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
    command = [
        sys.executable,
        str(Path(__file__).parents[1] / "ftpserver.py"),
        str(root),
        str(port),
        "chophien",
        PASSWORD,
    ]
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

    publish(
        site(tmp_path, "two", "<h1>hai</h1>"),
        target,
        "20261128-100000-bbbb",
        PASSWORD,
        2,
        extra_settings=settings,
    )
    publish(
        site(tmp_path, "three", "<h1>ba</h1>"),
        target,
        "20261129-100000-cccc",
        PASSWORD,
        2,
        extra_settings=settings,
    )
    assert sorted(p.name for p in (root / "releases").iterdir()) == [
        "20261128-100000-bbbb",
        "20261129-100000-cccc",
    ]
    assert not list(root.glob(".htaccess-*"))  # the staged rule was renamed, not left behind

    assert rollback(target, PASSWORD, settings) == "20261128-100000-bbbb"
    assert current_of((root / ".htaccess").read_text()) == "20261128-100000-bbbb"
    with pytest.raises(PublishError, match="đã có"):
        publish(first, target, "20261128-100000-bbbb", PASSWORD, extra_settings=settings)


def test_a_wrong_password_fails_without_showing_it(tmp_path, server):
    target, settings, root = server
    with pytest.raises(PublishError) as error:
        publish(
            site(tmp_path, "one", "x"),
            target,
            "20261127-100000-aaaa",
            "sai-mật-khẩu",
            extra_settings=settings,
        )
    assert "sai-mật-khẩu" not in str(error.value)
    assert not (root / ".htaccess").exists() and not list(root.rglob("index.html"))


def test_visitors_never_see_a_missing_or_half_site(tmp_path, server):
    """While a release is uploaded and switched, resolve requests the way the rule sends them."""
    target, settings, root = server
    texts = {"20261127-100000-aaaa": "<h1>một</h1>" * 50, "20261128-100000-bbbb": "<h1>hai</h1>" * 50}
    names = list(texts)
    publish(site(tmp_path, "one", texts[names[0]]), target, names[0], PASSWORD, extra_settings=settings)
    reads, failures, stop = [], [], threading.Event()

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
            reads.append(release)

    def wait_for_reads(count):
        deadline = time.monotonic() + 10
        while len(reads) < count and time.monotonic() < deadline:
            time.sleep(0.001)

    thread = threading.Thread(target=visitor)
    thread.start()
    try:
        wait_for_reads(1)  # the reader is running before the switch
        publish(site(tmp_path, "two", texts[names[1]]), target, names[1], PASSWORD, extra_settings=settings)
        wait_for_reads(len(reads) + 1)  # ... and reads again after it
    finally:
        stop.set()
        thread.join()
    assert failures == []
    # The old release, then the new one, never back: the reads with repeats collapsed.
    assert [name for i, name in enumerate(reads) if i == 0 or reads[i - 1] != name] == names


def test_a_missing_lftp_is_a_message_not_a_traceback(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no programs at all
    target = FtpTarget("127.0.0.1", 21, "chophien", "/")
    with pytest.raises(PublishError, match="chưa cài lftp .*apt-get install lftp"):
        publish(site(tmp_path, "one", "x"), target, "20261127-100000-aaaa", PASSWORD)


# --- interrupted uploads never go live ----------------------------------------------------------


def names(root):
    return sorted(p.name for p in (root / "releases").iterdir())


def complete(root):
    return sorted(p.parent.name for p in (root / "releases").glob(f"*/{MANIFEST}"))


@pytest.mark.parametrize("server", ["ftp"], indirect=True)  # the script has no setting for a private CA
def test_a_publish_killed_mid_upload_never_goes_live_and_rollback_skips_it(tmp_path, server):
    target, settings, root = server
    publish(
        site(tmp_path, "a", "release A"), target, "20261127-100000-aaaa", PASSWORD, extra_settings=settings
    )
    # An lftp whose mirror uploads part of the site, then the publisher dies (kill -9).
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "lftp").write_text(
        "#!/bin/sh\n"
        'script="$(cat)"\n'
        'case "$script" in *"mirror -R"*)\n'
        f'  printf "%s\\n" "$script" | sed "s|^mirror -R |mirror -R --exclude=san-pham/ |" | {shutil.which("lftp")} "$@"\n'
        "  kill -9 $PPID; sleep 5;;\n"
        "esac\n"
        f'printf "%s\\n" "$script" | exec {shutil.which("lftp")} "$@"\n'
    )
    (shim / "lftp").chmod(0o755)
    killed = subprocess.run(
        [sys.executable, str(ROOT / "scripts/publish.py"), "publish", site(tmp_path, "b", "release B")],
        env=dict(
            os.environ,
            PATH=f"{shim}:{os.environ['PATH']}",
            PUBLISH_TARGET=f"ftp://chophien@127.0.0.1:{target.port}/",
            PUBLISH_FTP_PASSWORD=PASSWORD,
            PUBLISH_FTP_TLS="off",
        ),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert killed.returncode == -9, killed.stderr
    partial = [name for name in names(root) if name != "20261127-100000-aaaa"]
    assert len(partial) == 1 and (root / "releases" / partial[0] / "index.html").read_text() == "release B"
    assert not (root / "releases" / partial[0] / "san-pham").exists()
    assert complete(root) == ["20261127-100000-aaaa"]
    assert current_of((root / ".htaccess").read_text()) == "20261127-100000-aaaa"

    log = publish(
        site(tmp_path, "c", "release C"), target, "20991231-000000-cccc", PASSWORD, extra_settings=settings
    )
    assert f"đã xoá bản tải dở releases/{partial[0]}" in log
    assert names(root) == complete(root) == ["20261127-100000-aaaa", "20991231-000000-cccc"]
    assert rollback(target, PASSWORD, settings) == "20261127-100000-aaaa"
    assert current_of((root / ".htaccess").read_text()) == "20261127-100000-aaaa"


def test_rollback_skips_partial_and_damaged_releases_or_refuses(tmp_path, server):
    target, settings, root = server
    for name, text in (("20261127-100000", "A"), ("20261127-110000", "B"), ("20261127-130000", "C")):
        publish(site(tmp_path, name, text), target, name, PASSWORD, extra_settings=settings)
    (root / "releases/20261127-120000").mkdir()  # an interrupted upload: no manifest
    (root / "releases/20261127-120000/index.html").write_text("half")
    (root / "releases/20261127-110000/index.html").write_text("B, cut short")  # damaged since
    log = []
    assert rollback(target, PASSWORD, settings, log=log) == "20261127-100000"
    assert log == [
        f"bỏ qua releases/20261127-120000: tải chưa xong (không có {MANIFEST})",
        "bỏ qua releases/20261127-110000: khác nội dung 1 tệp (vd. index.html)",
    ]
    assert current_of((root / ".htaccess").read_text()) == "20261127-100000"
    with pytest.raises(PublishError) as error:
        rollback(target, PASSWORD, settings)
    assert str(error.value) == (
        "không có bản phát hành hoàn chỉnh nào cũ hơn releases/20261127-100000 để quay lại; current giữ nguyên"
    )
    assert current_of((root / ".htaccess").read_text()) == "20261127-100000"


def test_partial_releases_do_not_count_toward_keep_and_are_cleaned(tmp_path, server):
    target, settings, root = server
    publish(site(tmp_path, "a", "A"), target, "20261127-100000", PASSWORD, keep=2, extra_settings=settings)
    for name in ("20261127-110000", "20261127-120000", f"{TRASH}20261127-090000"):
        (root / "releases" / name / "theme").mkdir(parents=True)
    log = publish(
        site(tmp_path, "b", "B"), target, "20261127-130000", PASSWORD, keep=2, extra_settings=settings
    )
    assert names(root) == complete(root) == ["20261127-100000", "20261127-130000"]
    assert log[:3] == [
        "đã xoá bản tải dở releases/20261127-090000",
        "đã xoá bản tải dở releases/20261127-110000",
        "đã xoá bản tải dở releases/20261127-120000",
    ]
    publish(site(tmp_path, "c", "C"), target, "20261127-140000", PASSWORD, keep=2, extra_settings=settings)
    assert names(root) == ["20261127-130000", "20261127-140000"]
    with pytest.raises(PublishError, match="PUBLISH_KEEP phải là một số nguyên từ 1 trở lên"):
        publish(
            site(tmp_path, "d", "D"), target, "20261127-150000", PASSWORD, keep=0, extra_settings=settings
        )
