#!/usr/bin/env python3
"""Draw placeholder photos for the sample content: one JPEG/PNG per file name the content refers to.

The sample cooperatives and products in content/ refer to photos by file name (`images`,
`photos`, `logo`). Real photos will come from the cooperatives; until then this script draws a
soft, category-coloured placeholder for every referenced file that does not exist yet, labelled
"Ảnh mẫu" (sample photo) in a corner.

    .venv/bin/python scripts/make_sample_photos.py            # create missing files
    .venv/bin/python scripts/make_sample_photos.py --force    # redraw every sample file

Output is deterministic: every random choice is seeded from the file's path, and neither JPEG
nor PNG output carries a timestamp. The label needs a font with Vietnamese glyphs; Pillow's
built-in font (Aileron) has none, so a system DejaVu/Noto/Liberation font is used when present,
else the built-in font draws an unaccented label. Only front matter is read here; validation
is `chophien validate`.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import random
import sys
from pathlib import Path

import yaml
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
LABEL = "Ảnh mẫu"
LOGO_LABEL = "Logo mẫu"
SIZES = ((1200, 900), (1000, 1000), (900, 1200))
JPEG_QUALITY = 70
LOGO_SIZE = 400

# (top colour, bottom colour, accent colours) per leaf category slug.
THEMES = {
    "che": ((196, 222, 170), (62, 112, 58), [(120, 170, 90), (226, 236, 200)]),
    "che-thuc-vat-khac": ((214, 226, 176), (92, 120, 64), [(150, 168, 90), (240, 232, 200)]),
    "rau-cu-qua-hat-tuoi": ((236, 240, 190), (96, 150, 70), [(230, 170, 60), (170, 60, 90)]),
    "thit-thuy-san-trung-sua-tuoi": ((248, 236, 214), (196, 150, 104), [(236, 210, 170), (180, 110, 70)]),
    "gao-ngu-coc": ((250, 240, 206), (206, 170, 92), [(255, 250, 236), (190, 150, 70)]),
    "mat-ong-nong-san-khac": ((255, 222, 140), (190, 110, 20), [(250, 190, 60), (140, 80, 20)]),
    "do-an-nhanh": ((250, 226, 190), (200, 120, 70), [(240, 190, 120), (160, 90, 60)]),
    "che-bien-tu-gao-ngu-coc": ((244, 232, 204), (170, 140, 96), [(226, 210, 170), (120, 150, 90)]),
    "che-bien-tu-rau-cu-qua-hat": ((236, 224, 196), (140, 120, 80), [(200, 176, 130), (110, 90, 60)]),
    "che-bien-tu-thit-thuy-san": ((222, 170, 140), (110, 46, 34), [(160, 70, 50), (240, 200, 170)]),
    "tuong-nuoc-mam": ((214, 196, 170), (96, 78, 60), [(150, 120, 90), (230, 220, 200)]),
    "gia-vi-khac": ((246, 200, 150), (150, 50, 30), [(200, 80, 40), (90, 50, 30)]),
    "ca-phe-ca-cao": ((214, 180, 150), (70, 42, 26), [(120, 70, 40), (230, 210, 190)]),
    "ruou-trang": ((226, 236, 240), (120, 140, 150), [(250, 250, 246), (190, 170, 110)]),
    "do-uong-co-con-khac": ((240, 216, 170), (130, 70, 40), [(200, 130, 60), (110, 80, 50)]),
    "nuoc-khoang-nuoc-dong-chai": ((220, 240, 250), (110, 170, 200), [(250, 252, 255), (150, 200, 220)]),
    "do-uong-khong-con-khac": ((240, 240, 220), (150, 180, 150), [(250, 248, 236), (200, 200, 160)]),
    "tpcn-thuoc-duoc-lieu": ((226, 216, 184), (120, 96, 60), [(200, 170, 110), (90, 110, 70)]),
    "my-pham-duoc-lieu": ((236, 230, 240), (150, 140, 110), [(220, 190, 90), (130, 160, 110)]),
    "tinh-dau-duoc-lieu-khac": ((214, 232, 210), (66, 100, 80), [(170, 120, 60), (230, 240, 220)]),
    "tcmn-gia-dung-trang-tri": ((226, 214, 196), (110, 86, 62), [(150, 150, 156), (180, 140, 90)]),
    "vai-may-mac": ((120, 130, 190), (30, 34, 84), [(190, 40, 50), (240, 200, 80)]),
    "hoa": ((250, 226, 236), (170, 90, 140), [(240, 170, 200), (250, 240, 140)]),
    "cay-canh": ((252, 230, 236), (110, 140, 90), [(236, 120, 150), (90, 70, 50)]),
    "dong-vat-canh": ((220, 240, 240), (80, 140, 150), [(240, 160, 60), (250, 250, 250)]),
    "du-lich-cong-dong": ((196, 222, 246), (70, 120, 90), [(250, 250, 250), (120, 90, 60)]),
}
DEFAULT_THEME = ((226, 230, 220), (110, 120, 100), [(200, 200, 190), (150, 130, 100)])

# Cooperative photos have no category: guess one from words in the file name.
KEYWORDS = (
    ("che", "che"), ("ca-phe", "ca-phe-ca-cao"), ("cacao", "ca-phe-ca-cao"),
    ("mat-ong", "mat-ong-nong-san-khac"), ("ong", "mat-ong-nong-san-khac"),
    ("lua", "gao-ngu-coc"), ("gao", "gao-ngu-coc"), ("ruong", "gao-ngu-coc"),
    ("tho-cam", "vai-may-mac"), ("det", "vai-may-mac"), ("ren", "tcmn-gia-dung-trang-tri"),
    ("nha", "du-lich-cong-dong"), ("ban", "du-lich-cong-dong"), ("ho", "du-lich-cong-dong"),
)  # fmt: skip


def front_matter(path: Path) -> dict:
    """The YAML between the first two `---` lines (empty if there is none or it is broken)."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    if not lines or lines[0].strip() != "---":
        return {}
    for end in range(1, len(lines)):
        if lines[end].strip() == "---":
            try:
                data = yaml.safe_load("\n".join(lines[1:end]))
            except yaml.YAMLError:
                return {}
            return data if isinstance(data, dict) else {}
    return {}


def image_names(entries) -> list[str]:
    """File names from an `images`/`photos` value: a list of names or {file, alt} mappings."""
    if not isinstance(entries, list):
        return []  # `images: none`
    names = []
    for entry in entries:
        name = entry.get("file") if isinstance(entry, dict) else entry
        if isinstance(name, str) and name.strip():
            names.append(name.strip())
    return names


def wanted_files(content: Path) -> list[tuple[Path, str, str]]:
    """(target path, kind, theme key) for every picture the sample content refers to."""
    wanted: list[tuple[Path, str, str]] = []
    for md in sorted((content / "cooperatives").glob("*.md")):
        data = front_matter(md)
        folder = md.with_suffix("")
        if isinstance(data.get("logo"), str):
            wanted.append((folder / data["logo"].strip(), "logo", md.stem))
        for name in image_names(data.get("photos")):
            wanted.append((folder / name, "photo", guess_theme(name)))
    for md in sorted((content / "products").glob("*/*.md")):
        data = front_matter(md)
        category = data.get("category") if isinstance(data.get("category"), str) else ""
        for name in image_names(data.get("images")):
            wanted.append((md.parent / name, "photo", category))
    return wanted


def guess_theme(file_name: str) -> str:
    stem = f"-{Path(file_name).stem}-"
    for word, theme in KEYWORDS:
        if f"-{word}-" in stem:
            return theme
    return ""


def seed_for(path: Path, content: Path) -> int:
    relative = path.relative_to(content).as_posix()
    return int.from_bytes(hashlib.sha256(relative.encode("utf-8")).digest()[:8], "big")


def label_font(size: int, text: str) -> tuple[ImageFont.ImageFont, str]:
    """A font that can draw *text*; Pillow's own font lacks Vietnamese letters (see docstring)."""
    builtin = ImageFont.load_default(size=size)
    if _has_glyphs(builtin, text):
        return builtin, text
    for candidate in (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
        "/usr/share/fonts/opentype/noto/NotoSans-Bold.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
        "/Library/Fonts/Arial Unicode.ttf",
        "C:/Windows/Fonts/arialbd.ttf",
    ):
        if Path(candidate).is_file():
            font = ImageFont.truetype(candidate, size)
            if _has_glyphs(font, text):
                return font, text
    return builtin, "Anh mau" if text == LABEL else "Logo mau"


def _has_glyphs(font, text: str) -> bool:
    missing = bytes(font.getmask("\U000f0000"))  # private-use: always the "missing glyph" box
    return all(bytes(font.getmask(ch)) != missing for ch in text if not ch.isspace())


def mix(a, b, t: float):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def gradient(size: tuple[int, int], top, bottom, rng: random.Random) -> Image.Image:
    """A soft diagonal gradient: drawn small, then resized smoothly."""
    small = Image.new("RGB", (8, 8))
    tilt = rng.uniform(-0.35, 0.35)
    for y in range(8):
        for x in range(8):
            t = min(1.0, max(0.0, y / 7 + tilt * (x / 7 - 0.5)))
            small.putpixel((x, y), mix(top, bottom, t))
    return small.resize(size, Image.Resampling.BICUBIC)


def draw_photo(theme_key: str, seed: int) -> Image.Image:
    rng = random.Random(seed)
    top, bottom, accents = THEMES.get(theme_key, DEFAULT_THEME)
    width, height = SIZES[seed % len(SIZES)]
    image = gradient((width, height), top, bottom, rng).convert("RGBA")

    def shape(paint) -> None:  # composite one translucent shape (no dark fringes when blurred)
        layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
        paint(ImageDraw.Draw(layer))
        image.alpha_composite(layer)

    # Rolling hills along the bottom, lighter in the distance.
    for band in range(3):
        colour = mix(bottom, top, 0.15 + 0.25 * band)
        y0 = height * (0.55 + 0.13 * band)
        points = [(0, height)]
        phase = rng.uniform(0, 6.28)
        for i in range(13):
            x = width * i / 12
            wave = rng.uniform(-0.05, 0.05) + 0.04 * (((i + phase) % 4) - 2) / 2
            points.append((x, y0 + height * wave))
        points.append((width, height))
        shape(lambda d, p=points, c=colour, a=150 - 30 * band: d.polygon(p, fill=(*c, a)))
    if theme_key == "vai-may-mac":
        # Woven bands of diamonds, as on a brocade.
        for row in range(2):
            y = height * (0.25 + 0.3 * row)
            step = width / 14
            colour = accents[row % len(accents)]
            for i in range(15):
                x = i * step
                diamond = [(x, y - step / 3), (x + step / 3, y), (x, y + step / 3), (x - step / 3, y)]
                shape(lambda d, p=diamond, c=colour: d.polygon(p, fill=(*c, 200)))
    # A few soft round shapes: the "product" in the foreground.
    for _ in range(rng.randint(3, 6)):
        radius = rng.uniform(0.06, 0.16) * min(width, height)
        cx, cy = rng.uniform(0.15, 0.85) * width, rng.uniform(0.35, 0.8) * height
        box = (cx - radius, cy - radius * 0.8, cx + radius, cy + radius * 0.8)
        colour = rng.choice(accents)
        shape(lambda d, b=box, c=colour: d.ellipse(b, fill=(*c, 190)))
    # A pale sun or lamp.
    r = 0.07 * min(width, height)
    sx, sy = rng.uniform(0.65, 0.9) * width, rng.uniform(0.1, 0.25) * height
    shape(lambda d: d.ellipse((sx - r, sy - r, sx + r, sy + r), fill=(255, 250, 230, 140)))
    image = image.filter(ImageFilter.GaussianBlur(radius=max(width, height) / 200))
    stamp_label(image, LABEL, max(22, width // 34))
    return image.convert("RGB")


def draw_logo(slug: str, seed: int) -> Image.Image:
    """A round emblem in the cooperative's colours (a placeholder, not a real logo)."""
    rng = random.Random(seed)
    theme = "ca-phe-ca-cao" if "ca-phe" in slug else "che" if "che" in slug else ""
    top, bottom, accents = THEMES.get(theme, DEFAULT_THEME)
    size = LOGO_SIZE
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, size - 8, size - 8), fill=(*bottom, 255))
    draw.ellipse((34, 34, size - 34, size - 34), fill=(*top, 255))
    # A leaf (or bean) in the middle, tilted a little.
    leaf = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    ImageDraw.Draw(leaf).ellipse((size * 0.32, size * 0.2, size * 0.68, size * 0.72), fill=(*bottom, 255))
    ImageDraw.Draw(leaf).line(
        (size * 0.5, size * 0.22, size * 0.5, size * 0.7), fill=(*accents[1], 255), width=8
    )
    image.alpha_composite(leaf.rotate(rng.uniform(-30, 30), resample=Image.Resampling.BICUBIC))
    font, text = label_font(34, LOGO_LABEL)
    box = draw.textbbox((0, 0), text, font=font)
    x = (size - (box[2] - box[0])) / 2 - box[0]
    draw.text((x, size * 0.76), text, font=font, fill=(*bottom, 255))
    return image


def stamp_label(image: Image.Image, text: str, size: int) -> None:
    """Draw *text* on a translucent rounded box in the bottom-right corner."""
    font, text = label_font(size, text)
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    pad = size // 2
    x1 = image.width - pad - (right - left) - 2 * pad
    y1 = image.height - pad - (bottom - top) - 2 * pad
    draw.rounded_rectangle((x1, y1, image.width - pad, image.height - pad), radius=pad, fill=(0, 0, 0, 120))
    draw.text((x1 + pad - left, y1 + pad - top), text, font=font, fill=(255, 255, 255, 235))
    image.alpha_composite(overlay)


def save(image: Image.Image, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    suffix = target.suffix.lower()
    if suffix == ".png":
        image.save(target, format="PNG", optimize=True)
    elif suffix in (".jpg", ".jpeg"):
        image.convert("RGB").save(target, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    elif suffix == ".webp":
        image.convert("RGB").save(target, format="WEBP", quality=JPEG_QUALITY, method=6)
    else:
        raise ValueError(f"cannot write sample {target.name}: use .jpg, .png or .webp")


# --- photos that exercise the pipeline's hard cases (issue "Photos") --------------------------
#
# Each is drawn like the others, then stored the awkward way real phones and scanners do.


def _exif_rotated_with_gps(image: Image.Image) -> bytes:
    """A landscape-stored JPEG with Orientation=6 (shown portrait) and a GPS position, as phones write."""
    from PIL import ExifTags

    stored = image.convert("RGB").transpose(Image.Transpose.ROTATE_90)  # what the sensor wrote
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "SampleCam"
    exif[ExifTags.Base.Model] = "Ảnh mẫu 1"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (12.0, 2.0, 30.0)  # Lạc Dương, Lâm Đồng (sample)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (108.0, 26.0, 15.0)
    buffer = io.BytesIO()
    stored.save(buffer, "JPEG", quality=JPEG_QUALITY, exif=exif.tobytes(), comment=b"sample comment")
    return buffer.getvalue()


def _transparent_png(image: Image.Image) -> bytes:
    """A product cut out on a transparent background (as from a background-removal app)."""
    rgba = image.convert("RGBA")
    mask = Image.new("L", rgba.size, 0)
    ImageDraw.Draw(mask).ellipse(
        (rgba.width // 8, rgba.height // 8, rgba.width * 7 // 8, rgba.height * 7 // 8), fill=255
    )
    rgba.putalpha(mask)
    buffer = io.BytesIO()
    rgba.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _heic(image: Image.Image) -> bytes:
    """An iPhone-style HEIC."""
    import pillow_heif

    heif = pillow_heif.from_pillow(image.convert("RGB"))
    buffer = io.BytesIO()
    heif.save(buffer, quality=60)
    return buffer.getvalue()


def _cmyk_jpeg(image: Image.Image) -> bytes:
    """A CMYK JPEG, as print shops deliver brochure photos (no embedded profile)."""
    buffer = io.BytesIO()
    image.convert("RGB").convert("CMYK").save(buffer, "JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


def _grey_16bit_png(image: Image.Image) -> bytes:
    """A 16-bit greyscale PNG, as from a flatbed scanner."""
    grey = image.convert("L")
    wide = Image.new("I;16", grey.size)
    wide.putdata([value * 257 for value in grey.tobytes()])
    buffer = io.BytesIO()
    wide.save(buffer, "PNG")
    return buffer.getvalue()


SPECIAL = {
    "products/htx-ca-phe-lang-biang/lan-rung-nuoi-cay-mo-3.jpg": (
        (1200, 1600),
        "hoa",
        _exif_rotated_with_gps,
    ),
    "products/htx-det-tho-cam-mai-chau/tui-tho-cam-3.png": ((1000, 1000), "vai-may-mac", _transparent_png),
    "products/to-hop-tac-ong-mat-dong-van/mat-ong-bac-ha-3.heic": (
        (1512, 2016),
        "mat-ong-nong-san-khac",
        _heic,
    ),
    "products/htx-ca-phe-lang-biang/ca-phe-arabica-cau-dat-3.jpg": ((1200, 900), "ca-phe-ca-cao", _cmyk_jpeg),
    "products/htx-det-tho-cam-mai-chau/khan-tho-cam-thai-2.png": ((900, 600), "vai-may-mac", _grey_16bit_png),
    "products/htx-det-tho-cam-mai-chau/homestay-ban-lac-3.jpg": ((2400, 800), "du-lich-cong-dong", None),
}


def draw_special(rel: str, content: Path) -> bytes:
    (width, height), theme, store = SPECIAL[rel]
    image = draw_photo(theme, seed_for(content / rel, content)).resize(
        (width, height), Image.Resampling.LANCZOS
    )
    if store is None:
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
        return buffer.getvalue()
    return store(image)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content", nargs="?", default=str(ROOT / "content"), help="content folder")
    parser.add_argument("--force", action="store_true", help="redraw files that already exist")
    args = parser.parse_args(argv)
    content = Path(args.content).resolve()
    written = skipped = 0
    for rel in SPECIAL:
        target = content / rel
        if target.exists() and not args.force:
            skipped += 1
            continue
        target.write_bytes(draw_special(rel, content))
        written += 1
    for target, kind, theme in wanted_files(content):
        if target.relative_to(content).as_posix() in SPECIAL:
            continue
        if target.exists() and not args.force:
            skipped += 1
            continue
        seed = seed_for(target, content)
        image = draw_logo(theme, seed) if kind == "logo" else draw_photo(theme, seed)
        if kind == "logo" and target.suffix.lower() != ".png":
            image = image.convert("RGB")
        save(image, target)
        written += 1
    print(f"{written} sample pictures written, {skipped} already there", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
