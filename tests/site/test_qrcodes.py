"""qrcodes.py: QR codes decode to their address and are cached."""

from __future__ import annotations

from qrdecode import decode, rasterise

from chophien.site.qrcodes import QrCache, qr_svg


def test_qr_codes_decode_to_the_url_and_are_cached(tmp_path):
    url = "https://o.github.io/cho/san-pham/htx-che-na-hang/che-shan-tuyet/"
    assert decode(rasterise(qr_svg(url))) == [url]
    cache = QrCache(tmp_path)
    cache.ensure([url])
    assert cache.read(url) == qr_svg(url)
    assert len(list((tmp_path / "qr").iterdir())) == 1
