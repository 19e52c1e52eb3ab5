import io

from conftest import PRODUCT, jpeg_bytes, minimal_tree
from PIL import ExifTags, Image

from chophien.cli import main as cli_main
from chophien.volunteer import photo_tools

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
    assert photo_tools.needs_shrinking(600, 1801, 500_000)  # longer than 3:1: cropped as pages show it
    assert not photo_tools.needs_shrinking(600, 1800, 500_000)


EPS = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 64 64\nshowpage\n%%EOF\n"
NOT_A_PHOTO = (
    "không phải ảnh JPEG, PNG, WebP, AVIF hay HEIC (đây là {}); hãy lưu lại ảnh dạng JPEG rồi đặt đúng tên đó. "
    "Ví dụ: che-shan-tuyet.jpg"
)


def _png(size, mode="L") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, "PNG")
    return buffer.getvalue()


def _hostile_tree(tree):
    """One product referencing an EPS, a text file, an empty file, a PNG named .jpg, a bomb and a truncated JPEG."""
    photos = {
        "eps.jpg": EPS,
        "text.jpg": b"hello\n",
        "empty.jpg": b"",
        "png.jpg": _png((600, 400)),
        "bomb.png": _png((20000, 20000), "1"),  # 400 MP: Pillow refuses it from the header
        "cut.jpg": jpeg_bytes(3000, 2000)[:4000],
        "tall.png": _png((1080, 18500)),
    }
    entries = "".join(f"  - file: {name}\n    alt: Ảnh\n" for name in photos)
    text = PRODUCT.replace("  - file: che.jpg\n    alt: Búp chè Shan tuyết\n", entries)
    files = {"products/htx-che-na-hang/che-shan-tuyet.md": text, "products/htx-che-na-hang/che.jpg": None}
    files.update({f"products/htx-che-na-hang/{name}": data for name, data in photos.items()})
    return tree(minimal_tree(**files)), photos


def test_check_reports_photos_that_are_not_photos_and_cropped_shapes(tree, capsys):
    content, _photos = _hostile_tree(tree)
    assert cli_main(["images", "--check", str(content)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"{PATH}:7:5: lỗi: images[1]: “eps.jpg”: " + NOT_A_PHOTO.format("tệp PostScript/EPS"),
        f"{PATH}:9:5: lỗi: images[2]: “text.jpg”: " + NOT_A_PHOTO.format("tệp văn bản"),
        f"{PATH}:11:5: lỗi: images[3]: “empty.jpg”: " + NOT_A_PHOTO.format("tệp rỗng (0 byte)"),
        f"{PATH}:13:5: lỗi: images[4]: “png.jpg”: đuôi tên tệp “.jpg” không khớp nội dung (đây là ảnh PNG); "
        "hãy đổi tên tệp thành “png.png” và sửa tên ở đây. Ví dụ: png.png",
        f"{PATH}:15:5: lỗi: images[5]: “bomb.png”: ảnh quá lớn (nghi là “bom giải nén”), không thể mở an toàn.",
        f"{PATH}:19:5: cảnh báo: images[7]: “tall.png”: ảnh quá dài hoặc quá rộng (1080×18500); trên trang chỉ "
        "hiện phần trên, 1080×3240 (tối đa 3 lần cạnh ngắn); hãy tự cắt ảnh, hoặc chạy `chophien images --fix` "
        "để cắt như trên trang.",
        "6 vấn đề về ảnh (đã kiểm tra 7 ảnh)",
    ]


def test_fix_never_opens_or_rewrites_what_is_not_a_photo(tree, capsys):
    content, photos = _hostile_tree(tree)
    folder = content / "products/htx-che-na-hang"
    assert cli_main(["images", "--fix", str(content)]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    out = captured.out.splitlines()
    assert out[0].startswith("Đã thu nhỏ products/htx-che-na-hang/tall.png: 1080×18500, ")
    assert " → 683×2048, " in out[0]  # the part pages show (1080×3240), scaled to 2048 px
    problems = [line for line in out if ": lỗi: " in line]
    assert [line.split(": lỗi: ")[1].split(":")[0] for line in problems] == [
        "images[1]", "images[2]", "images[3]", "images[4]", "images[5]", "images[6]",
    ]  # fmt: skip
    assert problems[5].startswith(f"{PATH}:17:5: lỗi: images[6]: “cut.jpg”: ảnh bị hỏng hoặc không đầy đủ (")
    assert len(out) == 1 + 6 + 1  # shrunk, six problems, the count (the long photo is now cropped)
    for name, data in photos.items():
        if name != "tall.png":
            assert (folder / name).read_bytes() == data, name


def test_fix_keeps_avif_as_avif(tree, capsys):
    buffer = io.BytesIO()
    Image.new("RGB", (3000, 2000), (90, 90, 200)).save(buffer, "AVIF", quality=60)
    text = PRODUCT.replace("file: che.jpg", "file: che.avif")
    content = tree(
        minimal_tree(
            **{
                "products/htx-che-na-hang/che-shan-tuyet.md": text,
                "products/htx-che-na-hang/che.jpg": None,
                "products/htx-che-na-hang/che.avif": buffer.getvalue(),
            }
        )
    )
    assert cli_main(["images", "--fix", str(content)]) == 0
    with Image.open(content / "products/htx-che-na-hang/che.avif") as fixed:
        assert fixed.format == "AVIF" and fixed.size == (2048, 1365)


def test_fix_reports_a_photo_it_cannot_write(tree, capsys, monkeypatch):
    content = tree(minimal_tree(**{"products/htx-che-na-hang/che.jpg": _big_rotated_with_gps()}))

    def disk_full(path, data, mode=None):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(photo_tools, "write_atomic", disk_full)
    assert cli_main(["images", "--fix", str(content)]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        f"{PATH}:7:5: lỗi: images[1]: “che.jpg”: không đọc hoặc ghi được ảnh (No space left on device)."
    )
