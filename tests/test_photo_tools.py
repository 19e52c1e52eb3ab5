import io

from conftest import PRODUCT, jpeg_bytes, minimal_tree
from PIL import ExifTags, Image

from chophien import photo_tools
from chophien.cli import main as cli_main

PATH = "content/products/htx-che-na-hang/che-shan-tuyet.md"


def test_check_reports_small_photo_and_missing_alt(tree, capsys):
    text = PRODUCT.replace("    alt: Búp chè Shan tuyết\n", "")
    content = tree(
        minimal_tree(
            **{
                "products/htx-che-na-hang/che-shan-tuyet.md": text,
                "products/htx-che-na-hang/che.jpg": jpeg_bytes(320, 240),
            }
        )
    )
    assert cli_main(["images", "--check", str(content)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"{PATH}:7:5: cảnh báo: images[1]: “che.jpg”: thiếu mô tả ảnh (alt) cho người không xem được ảnh. "
        "Ví dụ: alt: Búp chè Shan tuyết phủ lông tơ trắng",
        f"{PATH}:7:5: cảnh báo: images[1]: “che.jpg”: ảnh quá nhỏ (320 điểm ảnh chiều ngang, cần ít nhất 480); "
        "hãy gửi ảnh gốc từ điện thoại.",
        "2 vấn đề về ảnh (đã kiểm tra 1 ảnh)",
    ]


def test_check_reports_heavy_file(tree, capsys, monkeypatch):
    monkeypatch.setattr(photo_tools, "CHECK_MAX_BYTES", 1000)
    content = tree(minimal_tree())
    assert cli_main(["images", str(content), "--lang", "en"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(
        f"{PATH}:7:5: warning: images[1]: “che.jpg”: file too heavy for the repository (0,0 MB"
    )
    assert out[-1] == "1 photo problem in 1 photos checked"


def test_clean_photos_pass(tree, capsys):
    content = tree(minimal_tree())
    assert cli_main(["images", "--check", str(content)]) == 0
    assert capsys.readouterr().out.splitlines() == ["0 vấn đề về ảnh (đã kiểm tra 1 ảnh)"]


def _big_rotated_with_gps() -> bytes:
    image = Image.new("RGB", (3000, 2000), (120, 160, 90))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] = "N"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95, exif=exif.tobytes())
    return buffer.getvalue()


def test_fix_shrinks_in_place_upright_and_without_metadata(tree, capsys):
    content = tree(minimal_tree(**{"products/htx-che-na-hang/che.jpg": _big_rotated_with_gps()}))
    photo = content / "products/htx-che-na-hang/che.jpg"
    assert cli_main(["images", "--fix", str(content)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Đã thu nhỏ products/htx-che-na-hang/che.jpg: 2000×3000, ")
    assert " → 1365×2048, " in out[0]
    with Image.open(photo) as fixed:
        assert fixed.size == (1365, 2048)
        assert not fixed.getexif()
    assert cli_main(["images", "--fix", str(content)]) == 0  # a second run changes nothing
    assert not capsys.readouterr().out.startswith("Đã thu nhỏ")


def test_needs_shrinking():
    assert photo_tools.needs_shrinking(4000, 3000, 100)
    assert photo_tools.needs_shrinking(1000, 800, 9 * 1024 * 1024)
    assert not photo_tools.needs_shrinking(2048, 1536, 500_000)
