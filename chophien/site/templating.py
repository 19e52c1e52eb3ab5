"""Jinja filters and globals for the theme (formatting in Vietnamese conventions)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from jinja2 import pass_context
from jinja2.ext import InternationalizationExtension
from markupsafe import Markup

from chophien.catalogue.model import KINDS, STATUSES, Image
from chophien.core.settings import Settings
from chophien.core.text import format_date, format_money, format_phone, group_thousands
from chophien.photos.model import Derivative, ProcessedImage
from chophien.site import i18n, urls
from chophien.site.enumerator import enumerator_data
from chophien.site.order_list import cooperative_data
from chophien.site.page import EVERY_PAGE_SCRIPTS, OFFLINE_SCRIPTS
from chophien.site.postprocess import CSP_META, csp_meta

MONTHS = {m: f"tháng {m}" for m in range(1, 13)}


def money(amount: int | None) -> str:
    return "Liên hệ" if amount is None else format_money(amount)


def date_vi(day: dt.date | None) -> str:
    return format_date(day) if day else ""


def months_vi(months) -> str:
    """(9, 10, 11, 12) → 'tháng 9–12'; (1, 5, 6) → 'tháng 1, 5, 6'."""
    return i18n.months_text(months, before="tháng ")


def kind_label(slug: str) -> str:
    return KINDS[slug][0]


def status_label(slug: str) -> str:
    return STATUSES[slug][0]


def number(value: int) -> str:
    return group_thousands(value)


FILTERS = {
    "money": money,
    "phone": format_phone,
    "date_vi": date_vi,
    "date": date_vi,
    "months_vi": months_vi,
    "months": months_vi,
    "kind_label": kind_label,
    "status_label": status_label,
    "number": number,
    **i18n.text_filters(i18n.VI),
}

# The same filters on English pages: English numbers and dates (prices stay in đồng), English labels.
ENGLISH_FILTERS = {
    "money": i18n.money_en,
    "date_vi": i18n.date_en,
    "date": i18n.date_en,
    "months_vi": i18n.months_en,
    "months": i18n.months_en,
    "kind_label": lambda slug: KINDS[slug][1],
    "status_label": lambda slug: STATUSES[slug][1],
    "number": i18n.number_en,
    **i18n.text_filters(i18n.EN),
}


def asset(relative: str) -> str:
    """URL path of a theme file; the Pelican adapter replaces this with fingerprinted names."""
    return urls.theme_file(relative)


@pass_context
def edition_links(ctx) -> dict[str, str]:
    """This page's address in each edition that has it (i18n.edition_links)."""
    return i18n.edition_links(ctx)


@dataclass(frozen=True)
class LanguageSwitch:
    lang: str  # the other edition's language
    name: str  # in that language: "English", "Tiếng Việt"
    address: str  # the same page in that edition, or its home page


@pass_context
def language_switch(ctx) -> LanguageSwitch:
    """The language switch of this page."""
    lang = ctx.get("LANG") or i18n.VI
    other = i18n.EN if lang == i18n.VI else i18n.VI
    return LanguageSwitch(other, i18n.LANGUAGE_NAMES[other], i18n.switch_target(ctx, lang))


# `urls`: every address of the site (urls.py); templates never spell a path.
GLOBALS: dict = {
    "asset": asset,
    "CSP": CSP_META,
    "MEDIA_URL": "",
    "urls": urls,
    "enumerator_data": enumerator_data,
    "EVERY_PAGE_SCRIPTS": EVERY_PAGE_SCRIPTS,
    "PREVIEW": None,  # CHOPHIEN_PREVIEW: a pull request's number (preview_globals)
    "NATIONAL": False,  # a national build (site/national.py): the Pelican adapter sets it
    "LANG": i18n.VI,  # the page's edition (site/i18n.py); English pages are rendered by english_env()
    "LANGUAGE_NAMES": i18n.LANGUAGE_NAMES,
    "edition_links": edition_links,
    "language_switch": language_switch,
    "OG_LOCALE": i18n.OG_LOCALE[i18n.VI],
}


def install_gettext(env, lang: str = i18n.VI) -> None:
    """`_`, `gettext`, `ngettext` (Jinja's i18n extension, newstyle) of *lang*: Vietnamese is the
    source language and translates nothing."""
    # Through the extension bound to *env*: `env.install_gettext_translations` is the method of the
    # extension of the environment it was first created on, and an overlay (english_env) copies that
    # attribute, so calling it on the overlay would install the English catalogue on the Vietnamese
    # environment's globals.
    extension = next(e for e in env.extensions.values() if isinstance(e, InternationalizationExtension))
    extension._install(i18n.translations(lang), newstyle=True)  # noqa: SLF001 - Jinja's installer


def english_env(env):
    """The environment English pages are rendered with: the same loader and extensions, its own
    globals and filters and its own template cache (a template's globals are bound when it is
    compiled). `install(…, lang="en")` then gives it English urls, gettext and formats."""
    english = env.overlay(cache_size=400)
    english.globals = dict(env.globals)
    english.filters = dict(env.filters)
    return english


def install_language(env, lang: str) -> None:
    """What differs between the editions: filters, `LANG`, `urls`, the message catalogue."""
    env.filters.update(FILTERS)
    if lang == i18n.EN:
        env.filters.update(ENGLISH_FILTERS)
        env.globals.update(urls=i18n.EnglishUrls(urls))
    env.globals.update(LANG=lang, OG_LOCALE=i18n.OG_LOCALE[lang])
    install_gettext(env, lang)


def media_globals(media_url: str) -> dict:
    """CHOPHIEN_MEDIA_URL for the templates: its address (the service worker, the order list) and the
    pages' policy with its origin (postprocess.csp_meta)."""
    return {"MEDIA_URL": media_url, "CSP": csp_meta(media_url)}


DEFAULT_SIZES = "(min-width: 48em) 30rem, 100vw"
# The sample site's SITE_TAGLINE (pelicanconf.py), marked for the catalogue: templates show
# `_(SITE_TAGLINE)`, so a site keeping this tagline has it in English too (another one stays as written).
SITE_TAGLINE = i18n.N_("Đặc sản từ các hợp tác xã vùng dân tộc thiểu số và miền núi")
# The box shown instead of a missing photo; templates pass it translated (_macros.html picture).
NO_PHOTO = i18n.N_("Chưa có ảnh")


def _srcset(siteurl: str, variants, media_url: str = "") -> str:
    return ", ".join(f"{urls.media_address(d.name, siteurl, media_url)} {d.width}w" for d in variants)


def picture_markup(
    info: ProcessedImage | None,
    alt: str,
    siteurl: str,
    sizes: str,
    eager: bool,
    css_class: str,
    media_url: str = "",
    nophoto: str = NO_PHOTO,
    alt_lang: str = "",
) -> Markup:
    """`<picture>` with AVIF and WebP sources at every width and the one JPEG as `<img src>`
    (explicit size, lazy unless eager). Browsers without WebP get that JPEG (docs/photos.md);
    photo addresses from urls.media_address (CHOPHIEN_MEDIA_URL when set). Without a photo, a
    box saying *nophoto* (in the page's language); *alt_lang* marks an alt text in another
    language than the page's (`lang="vi"` on English pages: the alt texts are Vietnamese)."""
    if info is None or not info.derivatives:
        return Markup('<span class="{} nophoto" role="img" aria-label="{}">{}</span>').format(
            css_class, nophoto, nophoto
        )
    main = info.fallback(480)
    loading = ' fetchpriority="high" decoding="async"' if eager else ' loading="lazy" decoding="async"'
    jpegs = info.variants("jpg")
    # One JPEG (today's pipeline): no srcset on the <img>, a single candidate would add nothing.
    jpg_srcset = (
        Markup(' srcset="{}" sizes="{}"').format(_srcset(siteurl, jpegs, media_url), sizes)
        if len(jpegs) > 1
        else ""
    )
    return Markup(
        '<picture><source type="image/avif" srcset="{avif}" sizes="{sizes}">'
        '<source type="image/webp" srcset="{webp}" sizes="{sizes}">'
        '<img class="{cls}" src="{src}"{jpg} width="{w}" height="{h}" alt="{alt}" '
        'style="background:{colour}"{lang}{loading}></picture>'
    ).format(
        avif=_srcset(siteurl, info.variants("avif"), media_url),
        webp=_srcset(siteurl, info.variants("webp"), media_url),
        jpg=jpg_srcset,
        sizes=sizes,
        cls=css_class,
        src=urls.media_address(main.name, siteurl, media_url),
        w=main.width,
        h=main.height,
        alt=alt,
        colour=info.colour,
        lang=Markup(' lang="{}"').format(alt_lang) if alt_lang and alt else "",
        loading=Markup(loading),
    )


def remote_picture_markup(photo, sizes: str, eager: bool, css_class: str) -> Markup:
    """A member site's photo on the national site (site/national.py): its own absolute addresses,
    one per format, already checked to be on an origin federation.yaml names."""
    sources = Markup("").join(
        Markup('<source type="image/{}" srcset="{}" sizes="{}">').format(kind, url, sizes)
        for kind, url in (("avif", photo.avif), ("webp", photo.webp))
        if url
    )
    loading = ' fetchpriority="high" decoding="async"' if eager else ' loading="lazy" decoding="async"'
    return Markup(
        '<picture>{sources}<img class="{cls}" src="{src}" width="{w}" height="{h}" alt="{alt}"{loading}></picture>'
    ).format(
        sources=sources,
        cls=css_class,
        src=photo.jpg,
        w=photo.width,
        h=photo.height,
        alt=photo.alt,
        loading=Markup(loading),
    )


def install(
    env,
    images: dict[str, ProcessedImage],
    settings: Settings,
    media_bytes: Callable[[Derivative], int] | None = None,
    lang: str = i18n.VI,
) -> None:
    """Add the catalogue-specific globals to a Jinja environment (of the *lang* edition).

    *media_bytes* gives a processed photo's size in bytes (the image cache's files), for the
    order data's download estimate (order_list.py); without it sizes are 0.

    `picture` and `card` are memoised: a product's card appears on a dozen listing pages and
    its photos' markup never changes within a build, so each is rendered once.
    """
    pictures: dict = {}
    cards: dict = {}
    modules: dict = {}

    def photo(image: Image | None) -> ProcessedImage | None:
        return images.get(image.source) if image else None

    def picture(
        image: Image | None,
        siteurl: str = "",
        sizes: str = DEFAULT_SIZES,
        eager: bool = False,
        css_class: str = "",
        nophoto: str = NO_PHOTO,
    ) -> Markup:
        key = (image, siteurl, sizes, eager, css_class, nophoto)
        if key not in pictures and getattr(image, "remote", False):
            pictures[key] = remote_picture_markup(image, sizes, eager, css_class)
        if key not in pictures:
            pictures[key] = picture_markup(
                photo(image),
                image.alt if image else "",
                siteurl,
                sizes,
                eager,
                css_class,
                settings.media_url,
                nophoto,
                "" if lang == i18n.VI else i18n.VI,
            )
        return pictures[key]

    def card(product, siteurl: str = "") -> Markup:
        key = (product.key, siteurl)
        if key not in cards:
            if siteurl not in modules:
                modules[siteurl] = env.get_template("_macros.html").make_module({"SITEURL": siteurl})
            cards[key] = Markup(modules[siteurl].product_card(product))
        return cards[key]

    def order_data(coop, products) -> dict:
        return cooperative_data(
            coop, products, photo, media_bytes or (lambda _derivative: 0), settings.media_url
        )

    install_language(env, lang)
    env.globals.update(photo=photo, picture_html=picture, card=card, order_data=order_data)
    # Macros are imported without context (Jinja then compiles _macros.html once, not once per
    # page); they read SITEURL from here. Links are SITEURL-based: RELATIVE_URLS is not used.
    env.globals["SITEURL"] = settings.siteurl
    env.globals.update(media_globals(settings.media_url))
    env.globals.update(preview_globals(settings.preview))


def preview_globals(preview: int | None) -> dict:
    """CHOPHIEN_PREVIEW for the templates: the pull request's number (base.html's banner) and, in a
    preview, the page scripts without the service worker's registration (docs/publishing.md)."""
    if preview is None:
        return {"PREVIEW": None, "EVERY_PAGE_SCRIPTS": EVERY_PAGE_SCRIPTS}
    scripts = tuple(script for script in EVERY_PAGE_SCRIPTS if script not in OFFLINE_SCRIPTS)
    return {"PREVIEW": preview, "EVERY_PAGE_SCRIPTS": scripts}
