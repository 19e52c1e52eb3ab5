"""The `chophien` command: validate content; new / import / export / docs for volunteers."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from chophien.catalogue.stale import stale_translations
from chophien.core import cache_version
from chophien.core.problems import log_line, render_github, render_human, render_json, render_markdown
from chophien.core.settings import Settings, SettingsError, today_is
from chophien.site.build import prepare


def _default_content() -> str:
    return "content"


def cmd_validate(args) -> int:
    content = Path(args.content_dir)
    settings = Settings.from_environ()
    cache = args.cache_dir or settings.cache_folder(content.resolve())
    cache_version.set_ignore(args.ignore_cache or settings.ignore_cache)
    today = settings.current_date()  # CHOPHIEN_TODAY, as the build reads it
    with today_is(today):
        prepared = prepare(content, cache, today, with_images=not args.no_images)
    problems = prepared.problems
    catalogue = prepared.catalogue
    sources = [c.source for c in catalogue.cooperatives.values()] + [p.source for p in catalogue.products]
    # Warnings only: git dates (catalogue/stale.py), each file's blame kept in the cache folder.
    problems.extend(stale_translations(content, sources, cache))
    if args.format == "json":
        print(render_json(problems))
    else:
        if args.format == "github" or (args.format == "auto" and os.environ.get("GITHUB_ACTIONS") == "true"):
            annotations = render_github(problems, args.lang)
            if annotations:
                print(annotations)
        print(render_human(problems, args.lang, prepared.files_checked))
    if args.summary:
        with open(args.summary, "a", encoding="utf-8") as summary_file:
            summary_file.write(render_markdown(problems, args.lang, prepared.files_checked) + "\n")
    return 1 if problems.errors else 0


def cmd_fmt(args) -> int:
    from chophien.catalogue.canonical import fmt

    vi = args.lang == "vi"
    result = fmt(Path(args.content_dir), check_only=args.check)
    for path, count in result.changed:
        if args.check:
            print(
                f"cần sửa {count} giá trị: {path.as_posix()}"
                if vi
                else f"{count} value(s) to rewrite: {path.as_posix()}"
            )
        else:
            print(
                f"đã sửa {count} giá trị: {path.as_posix()}"
                if vi
                else f"rewrote {count} value(s): {path.as_posix()}"
            )
    for path, message_vi, message_en in result.refused:
        print(f"bỏ qua {path.as_posix()}: {message_vi if vi else message_en}", file=sys.stderr)
    values = sum(count for _, count in result.changed)
    files = len(result.changed)
    if vi:
        verb = "cần ghi lại" if args.check else "đã ghi lại"
        print(
            f"{verb} {values} giá trị trong {files} tệp về dạng chuẩn; bỏ qua {len(result.refused)} tệp có lỗi"
        )
    else:
        verb = "to rewrite" if args.check else "rewrote"
        print(
            f"{verb}: {values} value(s) in {files} file(s); {len(result.refused)} file(s) with errors left alone"
        )
    return 1 if result.refused or (args.check and result.changed) else 0


def cmd_cache_version(args) -> int:
    """Print the one cache version (CI puts it into its cache key: docs/architecture.md)."""
    print(cache_version.cache_version())
    return 0


def cmd_new(args) -> int:
    from chophien.volunteer.scaffold import ScaffoldError, new_cooperative, new_product

    content = Path(args.content_dir)
    ask = input if sys.stdin.isatty() and not args.no_input else None
    try:
        if args.kind == "cooperative":
            given = {("name",): args.name, ("kind",): args.coop_kind, ("province",): args.province}
            given[("contact", "phone")] = args.phone
            path = new_cooperative(content, given, ask, args.slug)
        else:
            if not args.cooperative:
                raise ScaffoldError(
                    "cần tên tệp hợp tác xã: chophien new product <hop-tac-xa>",
                    "the cooperative is needed: chophien new product <cooperative>",
                )
            given = {("name",): args.name, ("category",): args.category, ("price",): args.price}
            given[("unit",)] = args.unit
            path = new_product(content, args.cooperative, given, ask, args.slug, tuple(args.image or ()))
    except ScaffoldError as error:
        print(log_line(f"lỗi: {error.vi}" if args.lang == "vi" else f"error: {error.en}"), file=sys.stderr)
        return 1
    print(
        log_line(
            f"Đã tạo {path.as_posix()}: mở tệp, bỏ dấu # ở các trường muốn điền, rồi chạy chophien validate"
            if args.lang == "vi"
            else f"Created {path.as_posix()}: open it, remove the # of the fields to fill in, then run chophien validate"
        )
    )
    return 0


def cmd_import(args) -> int:
    from chophien.volunteer.spreadsheet.importer import import_spreadsheet

    result = import_spreadsheet(Path(args.file), Path(args.content_dir), args.skip_invalid, not args.dry_run)
    for problem in result.problems.sorted():
        print(problem.render(args.lang))
    vi = args.lang == "vi"
    for change in result.changes if result.written or not result.problems.errors else ():
        verb = ("tạo" if change.created else "cập nhật") if vi else ("create" if change.created else "update")
        if not result.written:
            verb = ("sẽ " if vi else "would ") + verb
        print(log_line(f"{verb}: {change.path.as_posix()}"))
    if result.problems.errors and not result.written:
        print(
            f"{len(result.problems.errors)} lỗi; chưa ghi tệp nào. Sửa bảng tính rồi chạy lại "
            "(hoặc dùng --skip-invalid để ghi các dòng đúng)"
            if vi
            else f"{len(result.problems.errors)} errors; nothing written. Fix the spreadsheet and run again "
            "(or use --skip-invalid to write the valid rows)"
        )
        return 1
    if result.invalid_rows:
        print(
            log_line(
                ("Bỏ qua các dòng lỗi: " if vi else "Skipped invalid rows: ") + ", ".join(result.invalid_rows)
            )
        )
    created = sum(c.created for c in result.changes)
    updated = len(result.changes) - created
    done = "đã ghi" if result.written else "chưa ghi (--dry-run)"
    print(
        f"{created} tệp mới, {updated} tệp cập nhật, {result.unchanged} dòng không đổi; {done}"
        if vi
        else f"{created} new, {updated} updated, {result.unchanged} unchanged; "
        + ("written" if result.written else "not written (--dry-run)")
    )
    return 1 if result.invalid_rows else 0


def cmd_export(args) -> int:
    from chophien.volunteer.spreadsheet.export import export_spreadsheet
    from chophien.volunteer.spreadsheet.layout import COOPERATIVES, PRODUCTS

    kind = COOPERATIVES if args.sheet == "hop-tac-xa" else PRODUCTS
    result = export_spreadsheet(Path(args.content_dir), Path(args.file), args.template, kind)
    for problem in result.problems.sorted():
        print(problem.render(args.lang))
    if not result.written:
        print("Chưa ghi tệp nào." if args.lang == "vi" else "Nothing written.")
        return 1
    count = result.count
    print(
        log_line(
            f"Đã ghi {args.file} ({count} dòng)" if args.lang == "vi" else f"Wrote {args.file} ({count} rows)"
        )
    )
    return 0


def cmd_docs(args) -> int:
    from chophien.volunteer.guide import sync_guides

    drifted = sync_guides(Path(args.root), check=args.check)
    for path in drifted:
        if args.check:
            print(log_line(f"{path}: phần sinh từ schema đã cũ; chạy `chophien docs` để cập nhật"))
        else:
            print(log_line(f"đã cập nhật {path}"))
    return 1 if args.check and drifted else 0


def cmd_images(args) -> int:
    from chophien.catalogue.loader import load_catalogue
    from chophien.volunteer.photo_tools import check_photos, fix_photos

    content = Path(args.content_dir)
    catalogue, problems, _files = load_catalogue(content)
    if args.lfs_needed:  # CI: `git lfs pull --include` these, and no other photo (docs/scale.md §3)
        from chophien.photos.cache import ImageCache

        settings = Settings.from_environ()
        cache = ImageCache(Path(settings.cache_folder(content.resolve())) / "images")
        jobs = [(content / image.source, image.source) for image in catalogue.referenced_images()]
        for path in dict.fromkeys(cache.lfs_needed(jobs)):
            print(path.as_posix())
        return 0
    if problems.errors:
        print(render_human(problems, args.lang))
        return 1
    if args.fix:
        for shrunk in fix_photos(catalogue, content, problems):
            print(log_line(("Đã thu nhỏ " if args.lang == "vi" else "Shrunk ") + shrunk.render(content)))
    seen = check_photos(catalogue, content, problems)
    for problem in problems.sorted():
        print(problem.render(args.lang))
    if args.lang == "en":
        print(f"{len(problems)} photo problem{'s' if len(problems) != 1 else ''} in {seen} photos checked")
    else:
        print(f"{len(problems)} vấn đề về ảnh (đã kiểm tra {seen} ảnh)")
    return 1 if problems else 0


def cmd_assessment_add(args) -> int:
    from chophien.volunteer.assessment_add import add

    outcome = add(Path(args.survey), args.inputs, replace=args.replace, lang=args.lang)
    for problem in outcome.problems.sorted():
        print(problem.render(args.lang))
    for line in outcome.lines:
        print(log_line(line))
    return outcome.code


def cmd_report(args) -> int:
    """The maintenance report (docs/maintenance.md): exit 1 only with --fail-on and a finding that urgent."""
    from chophien.core.files import write_atomic
    from chophien.maintenance.findings import SEVERITIES, scan
    from chophien.maintenance.report import build, render_json, render_markdown, worst

    content = Path(args.content_dir)
    settings = Settings.from_environ()
    today = settings.current_date()  # CHOPHIEN_TODAY, as validate and the build read it
    agent = ""
    if args.check_links:  # maintenance/links.py: the polite checker, which names the site it checks for
        from chophien.maintenance.links import default_user_agent

        agent = default_user_agent(settings)
    cache = settings.cache_folder(content.resolve())
    from chophien.maintenance.links import NoNetwork

    try:
        result = scan(
            content, today, cache, args.stale_months, args.check_links, agent, _link_progress(args.lang)
        )
    except NoNetwork as offline:  # says nothing about the links: no report, so no issue is changed
        print(
            log_line(
                f"lỗi: không có mạng: không liên kết nào trong {offline.checked} liên kết mở được và "
                f"không tra được {offline.probe_host}; chưa kiểm tra được liên kết, chạy lại khi có mạng"
                if args.lang == "vi"
                else f"error: no network: none of {offline.checked} link(s) answered and "
                f"{offline.probe_host} does not resolve; links not checked, run again with a network"
            ),
            file=sys.stderr,
        )
        return 2
    report = build(result, today, args.lang, content.as_posix())
    text = render_json(report) if args.format == "json" else render_markdown(report)
    if args.output:
        write_atomic(args.output, text.encode("utf-8"))
        total = report["summary"]["total"]
        print(
            log_line(
                f"Đã ghi {args.output} ({total} việc)"
                if args.lang == "vi"
                else f"Wrote {args.output} ({total} findings)"
            )
        )
    else:
        print(text, end="")
    most = worst(report)
    return 1 if args.fail_on and most and SEVERITIES.index(most) <= SEVERITIES.index(args.fail_on) else 0


def _link_progress(lang: str):
    """A line on stderr every 50 links checked and at the end: a weekly run can take an hour."""

    def progress(done: int, total: int, _result) -> None:
        if done % 50 == 0 or done == total:
            said = f"đã kiểm tra {done}/{total} liên kết" if lang == "vi" else f"{done}/{total} links checked"
            print(said, file=sys.stderr, flush=True)

    return progress


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            f"cần một số tháng lớn hơn 0 (a whole number of months above 0): {text!r}"
        )
    return value


def _add_report_command(sub) -> None:
    report = sub.add_parser(
        "report",
        help="báo cáo bảo trì: OCOP hết hạn, giá cũ, ảnh, liên hệ, bản dịch, liên kết; theo hợp tác xã"
        " (maintenance report, grouped by cooperative, most urgent first)",
    )
    report.add_argument(
        "content_dir", nargs="?", default=_default_content(), help="thư mục nội dung (default: content)"
    )
    report.add_argument("--lang", choices=("vi", "en"), default=Settings.from_environ().lang)
    report.add_argument("--format", choices=("markdown", "json"), default="markdown")
    report.add_argument(
        "--output", metavar="FILE", help="ghi vào FILE thay vì in ra (write FILE, atomically)"
    )
    report.add_argument(
        "--check-links",
        action="store_true",
        help="kiểm tra liên kết tới sàn và trang web (cần mạng; kết quả nhớ 7 ngày trong .cache/links.json)",
    )
    report.add_argument(
        "--stale-months",
        type=_positive,
        default=12,
        metavar="N",
        help="giá hoặc tệp sản phẩm không đổi quá N tháng thì báo (default: 12)",
    )
    report.add_argument(
        "--fail-on",
        choices=("high", "medium", "low"),
        help="thoát 1 nếu có việc ở mức này hoặc gấp hơn (exit 1 on a finding this urgent or more)",
    )
    report.set_defaults(func=cmd_report)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chophien",
        description="Chợ phiên: kiểm tra nội dung và xây dựng trang (content tools).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    validate = sub.add_parser(
        "validate",
        help="kiểm tra mọi tệp nội dung, báo mọi lỗi (check every content file, report every problem)",
    )
    validate.add_argument(
        "content_dir", nargs="?", default=_default_content(), help="thư mục nội dung (default: content)"
    )
    validate.add_argument("--lang", choices=("vi", "en"), default=Settings.from_environ().lang)
    validate.add_argument("--format", choices=("auto", "human", "github", "json"), default="auto")
    validate.add_argument(
        "--cache-dir", default=None, help="photo cache folder (default: .cache beside content)"
    )
    validate.add_argument("--no-images", action="store_true", help="skip decoding photos (faster)")
    validate.add_argument(
        "--ignore-cache",
        action="store_true",
        help="không đọc bộ nhớ đệm, kiểm tra lại tất cả (read no cache; also CHOPHIEN_IGNORE_CACHE=1)",
    )
    validate.add_argument(
        "--summary", metavar="FILE", help="thêm bảng Markdown các lỗi vào FILE (e.g. $GITHUB_STEP_SUMMARY)"
    )
    validate.set_defaults(func=cmd_validate)
    fmt = sub.add_parser(
        "fmt",
        help="ghi lại các giá trị mà trình đọc YAML khác (CMS, GitHub) hiểu sai về dạng chuẩn, giữ nguyên chú thích"
        " (rewrite values other YAML parsers misread into their canonical form)",
    )
    fmt.add_argument(
        "content_dir", nargs="?", default=_default_content(), help="thư mục nội dung (default: content)"
    )
    fmt.add_argument("--check", action="store_true", help="không ghi; thoát 1 nếu còn giá trị cần sửa")
    fmt.add_argument("--lang", choices=("vi", "en"), default=Settings.from_environ().lang)
    fmt.set_defaults(func=cmd_fmt)
    _add_volunteer_commands(sub)
    images = sub.add_parser(
        "images",
        help="kiểm tra ảnh gốc: quá nhỏ, quá nặng, thiếu mô tả; --fix thu nhỏ ảnh quá lớn (check original photos)",
    )
    images.add_argument(
        "content_dir", nargs="?", default=_default_content(), help="thư mục nội dung (default: content)"
    )
    images.add_argument("--check", action="store_true", help="chỉ kiểm tra (mặc định) / only check (default)")
    images.add_argument(
        "--fix",
        action="store_true",
        help="thu nhỏ ảnh quá lớn tại chỗ (2048 px, chất lượng 85, bỏ siêu dữ liệu)",
    )
    images.add_argument(
        "--lfs-needed",
        action="store_true",
        help="in các ảnh là con trỏ Git LFS chưa có trong bộ nhớ đệm, mỗi dòng một tệp: chỉ cần "
        "`git lfs pull` các ảnh đó (list Git LFS pointers whose derivatives are not cached)",
    )
    images.add_argument("--lang", choices=("vi", "en"), default=Settings.from_environ().lang)
    images.set_defaults(func=cmd_images)
    _add_report_command(sub)
    version = sub.add_parser(
        "cache-version",
        help="in phiên bản bộ nhớ đệm: mã, thư viện, Python (print the cache version, for CI's cache key)",
    )
    version.set_defaults(func=cmd_cache_version)
    return parser


def _add_volunteer_commands(sub) -> None:
    """`new`, `import`, `export`, `docs`: the volunteers' path (issue 4)."""
    lang = {"choices": ("vi", "en"), "default": Settings.from_environ().lang}
    new = sub.add_parser(
        "new",
        help="tạo tệp hợp tác xã / sản phẩm mới từ mẫu có chú thích (new file from a commented template)",
    )
    new.add_argument("kind", choices=("cooperative", "product"), help="cooperative | product")
    new.add_argument("cooperative", nargs="?", help="hợp tác xã của sản phẩm (tên tệp hoặc tên)")
    new.add_argument("--content", dest="content_dir", default=_default_content())
    new.add_argument("--name", help="tên / name")
    new.add_argument("--kind", dest="coop_kind", help="loại hình (hop-tac-xa, to-hop-tac, …)")
    new.add_argument("--province", help="tỉnh / province")
    new.add_argument("--phone", help="số điện thoại / phone")
    new.add_argument("--category", help="danh mục / category")
    new.add_argument("--price", help="giá / price (450.000 hoặc lien-he)")
    new.add_argument("--unit", help="đơn vị bán / unit (hộp 200 g)")
    new.add_argument("--image", action="append", help="ảnh (lặp lại được); được chép vào thư mục sản phẩm")
    new.add_argument("--slug", help="tên tệp, nếu không muốn tự đặt theo tên / file name")
    new.add_argument("--no-input", action="store_true", help="không hỏi; thiếu thông tin thì báo lỗi")
    new.add_argument("--lang", **lang)
    new.set_defaults(func=cmd_new)
    imp = sub.add_parser(
        "import",
        help="tạo/cập nhật tệp từ bảng tính .xlsx hoặc .csv (create or update files from a spreadsheet)",
    )
    imp.add_argument("file", help="FILE.xlsx | FILE.csv")
    imp.add_argument("--content", dest="content_dir", default=_default_content())
    imp.add_argument("--skip-invalid", action="store_true", help="ghi các dòng đúng, liệt kê các dòng lỗi")
    imp.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi / check only")
    imp.add_argument("--lang", **lang)
    imp.set_defaults(func=cmd_import)
    exp = sub.add_parser(
        "export", help="ghi danh mục ra bảng tính cùng mẫu (write the catalogue as a spreadsheet)"
    )
    exp.add_argument("file", help="FILE.xlsx (cả hai trang tính) | FILE.csv (một loại, xem --sheet)")
    exp.add_argument("--content", dest="content_dir", default=_default_content())
    exp.add_argument("--sheet", choices=("san-pham", "hop-tac-xa"), default="san-pham", help="cho .csv")
    exp.add_argument("--template", action="store_true", help="chỉ dòng tiêu đề: bảng tính mẫu để điền")
    exp.add_argument("--lang", **lang)
    exp.set_defaults(func=cmd_export)
    docs = sub.add_parser(
        "docs", help="sinh phần tra cứu trường trong hướng dẫn từ schema (--check: báo khi lệch)"
    )
    docs.add_argument("--root", default=".", help="thư mục gốc của kho (default: .)")
    docs.add_argument("--check", action="store_true", help="không ghi; thoát 1 nếu hướng dẫn đã cũ")
    docs.set_defaults(func=cmd_docs)
    assessment = sub.add_parser("assessment", help="phiếu đánh giá chuyển đổi số (assessment responses)")
    assessment_sub = assessment.add_subparsers(dest="assessment_command", required=True)
    add = assessment_sub.add_parser(
        "add",
        help="thêm phiếu (tệp CSV/JSON tải từ chế độ khảo sát, hoặc mã phiếu) vào responses.csv của một khảo sát"
        " (merge responses into a survey); thoát 0 đã thêm/không có gì mới, 1 bị từ chối, 2 sai cách gọi",
    )
    add.add_argument("inputs", nargs="*", metavar="FILE.csv|FILE.json|CODE", help="tệp hoặc mã phiếu")
    add.add_argument(
        "--survey", required=True, help="thư mục khảo sát, ví dụ content/assessments/khao-sat-mau-2026"
    )
    add.add_argument(
        "--replace",
        action="store_true",
        help="phiếu mới thay phiếu cũ của cùng đơn vị (replace a conflicting response)",
    )
    add.add_argument("--lang", **lang)
    add.set_defaults(func=cmd_assessment_add)


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)  # the parser's defaults read CHOPHIEN_LANG
    except SettingsError as error:
        print(log_line(str(error)), file=sys.stderr)
        return 2
    try:
        return args.func(args)
    except SettingsError as error:  # a bad CHOPHIEN_* value in the environment
        print(log_line(str(error)), file=sys.stderr)
        return 2
    except OSError as error:  # a path given on the command line that cannot be read or written
        where = f"“{error.filename}”: " if error.filename else ""
        reason = error.strerror or type(error).__name__
        vi = getattr(args, "lang", "vi") != "en"
        print(
            log_line(f"lỗi: {where}không đọc hoặc ghi được ({reason})" if vi else f"error: {where}{reason}"),
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        print(
            "Đã dừng (Ctrl-C)." if getattr(args, "lang", "vi") != "en" else "Stopped (Ctrl-C).",
            file=sys.stderr,
        )
        return 130


def entry() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry()
