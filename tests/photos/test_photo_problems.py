"""chophien.photos.model: a photo's problem is reported on the front-matter line that names it (through the build)."""

from __future__ import annotations

import io

import pytest
from conftest import PRODUCT, jpeg_bytes, minimal_tree
from photo_samples import PATH, bomb_png, check_tree, png_bytes, truncated_jpeg
from PIL import Image

from chophien.site.build import prepare


@pytest.mark.parametrize(
    "data, message",
    [
        (bomb_png(), "ảnh quá lớn (8000×7000 điểm ảnh, tối đa 48 triệu điểm ảnh)"),
        (
            b"not an image",
            "không phải ảnh JPEG, PNG, WebP, AVIF hay HEIC (đây là tệp văn bản); "
            "hãy lưu lại ảnh dạng JPEG rồi đặt đúng tên đó. Ví dụ: che-shan-tuyet.jpg",
        ),
    ],
)
def test_bad_image_is_reported_at_its_reference(tree, data, message):
    lines = check_tree(tree, minimal_tree(**{"products/htx-che-na-hang/che.jpg": data}))
    assert lines == [
        f"{PATH}:7:5: lỗi: images[1]: “che.jpg”: {message}" + ("" if "Ví dụ" in message else ".")
    ]


def test_symlinked_photo_is_refused(tree, tmp_path):
    outside = tmp_path / "outside.jpg"
    outside.write_bytes(jpeg_bytes())
    content = tree(minimal_tree(**{"products/htx-che-na-hang/che.jpg": None}))
    (content / "products/htx-che-na-hang/che.jpg").symlink_to(outside)
    prepared = prepare(content, content.parent / ".cache")
    assert [p.render() for p in prepared.problems.sorted()] == [
        f"{PATH}:7:5: lỗi: images[1]: “che.jpg” là liên kết tượng trưng (symlink); hãy đặt tệp ảnh thật.",
        "content/products/htx-che-na-hang/che.jpg: lỗi: là liên kết tượng trưng (symlink); trong content/ chỉ dùng "
        "tệp và thư mục thật (liên kết có thể trỏ ra ngoài content/): hãy đặt tệp thật vào đây.",
    ]


def test_cmyk_16bit_truncated_bomb_and_empty_photos_are_problems_at_their_reference(tree):
    cmyk = io.BytesIO()
    Image.new("CMYK", (640, 480), (0, 255, 255, 0)).save(cmyk, "JPEG")
    wide = Image.new("I;16", (640, 480))
    wide.putdata([40000] * (640 * 480))
    photos = {"cmyk.jpg": cmyk.getvalue(), "xam16.png": png_bytes(wide), "cut.jpg": truncated_jpeg(),
              "bom.png": bomb_png(), "rong.jpg": b""}  # fmt: skip
    entries = "".join(f"  - file: {name}\n    alt: Ảnh\n" for name in photos)
    text = PRODUCT.replace("  - file: che.jpg\n    alt: Búp chè Shan tuyết\n", entries)
    files = {f"products/htx-che-na-hang/{name}": data for name, data in photos.items()}
    lines = check_tree(
        tree,
        minimal_tree(
            **{"products/htx-che-na-hang/che-shan-tuyet.md": text, "products/htx-che-na-hang/che.jpg": None},
            **files,
        ),
    )
    assert [line.split(": lỗi: ")[1][:40] for line in lines] == [
        "images[3]: “cut.jpg”: ảnh bị hỏng hoặc k",
        "images[4]: “bom.png”: ảnh quá lớn (8000×",
        "images[5]: “rong.jpg”: không phải ảnh JP",
    ]
