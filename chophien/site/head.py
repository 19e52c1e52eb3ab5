"""Each page's head: canonical address, sharing preview (Open Graph, Twitter card) and JSON-LD, from its context.

`PageHeads` belongs to one build (its public address, name, tagline, photos and day). The adapter
puts its `page_head` into the context every page is rendered with — the catalogue's pages and
Pelican's own content pages alike — so two builds in one process never share one: there is no
module-level state here. The JSON-LD and preview values themselves come from seo.py (pure
functions of the domain); this module only reads the template context and picks among them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from jinja2 import pass_context
from markupsafe import Markup

from chophien.photos.model import ProcessedImage
from chophien.site import i18n, seo, urls
from chophien.site.i18n import N_
from chophien.site.urls import absolute

NOT_INDEXED_FILES = (urls.not_found(), i18n.english_path(urls.not_found()))
HOME = N_("Trang chủ")
NEW_PRODUCTS = N_("sản phẩm mới")


@dataclass(frozen=True)
class Head:
    canonical: str
    title: str
    description: str
    og_type: str
    image: seo.ShareImage | None
    price: int | None
    noindex: bool
    feed: tuple[str, str] | None  # (title, absolute URL)
    json_ld: Markup
    lang: str = i18n.VI
    # The page in each edition (hreflang, absolute URL), itself included; x-default is the first.
    alternates: tuple[tuple[str, str], ...] = ()

    @property
    def og_locale(self) -> str:
        return i18n.OG_LOCALE[self.lang]

    @property
    def og_locale_alternates(self) -> list[str]:
        return [i18n.OG_LOCALE[lang] for lang, _url in self.alternates if lang != self.lang]


@dataclass
class Preview:
    """What a kind of page (product, cooperative, any other) puts in its head besides the trail."""

    description: str
    og_type: str = "website"
    image: seo.ShareImage | None = None
    price: int | None = None
    feed: tuple[str, str] | None = None
    items: list[dict] = field(default_factory=list)  # JSON-LD


class PageHeads:
    """`page_head()` of one build: the head of the page the template context describes."""

    def __init__(
        self,
        base: str,
        sitename: str,
        tagline: str,
        images: dict[str, ProcessedImage],
        today: dt.date,
        media_url: str = "",
        tagline_en: str = "",
        preview: bool = False,
    ):
        self.base = base
        self.preview_build = preview  # CHOPHIEN_PREVIEW: every page noindex
        self.media_url = media_url  # CHOPHIEN_MEDIA_URL: where the previews' photos are
        self.sitename = sitename
        self.taglines = {i18n.VI: tagline, i18n.EN: tagline_en or tagline}
        self.images = images
        self.today = today

    @pass_context
    def page_head(self, ctx) -> Head:
        """The template global: `{% set head = page_head() %}`."""
        return self.of(ctx)

    def of(self, ctx) -> Head:
        output_file = ctx.get("output_file") or ""
        url = urls.page_url_of(output_file)
        lang = ctx.get("LANG") or i18n.VI
        editions = i18n.edition_links(ctx)
        page = ctx.get("page")  # a content/pages page, rendered by Pelican (or in English by the catalogue)
        title = ctx.get("title") or (getattr(page, "title", "") if page else "") or self.sitename
        noindex = (
            self.preview_build
            or bool(ctx.get("noindex"))
            or output_file in NOT_INDEXED_FILES
            or ctx.get("problems") is not None
        )
        preview = self.preview(ctx, editions.get(i18n.VI, url), page, lang)
        trail = ctx.get("breadcrumbs")
        if not noindex and trail is not None:
            preview.items.append(self.breadcrumbs(url, trail, ctx.get("heading") or title, lang))
        alternates = tuple((code, absolute(self.base, address)) for code, address in editions.items())
        return Head(
            canonical=absolute(self.base, url),
            title=title,
            description=preview.description,
            og_type=preview.og_type,
            image=preview.image,
            price=preview.price,
            noindex=noindex,
            feed=preview.feed,
            json_ld=seo.json_ld(preview.items) if preview.items else Markup(""),
            lang=lang,
            alternates=alternates if len(alternates) > 1 and not noindex else (),
        )

    def preview(self, ctx, url: str, page, lang: str = i18n.VI) -> Preview:
        """*url*: the page's Vietnamese address (its own on Vietnamese pages)."""
        product, coop = ctx.get("product"), ctx.get("coop")
        if product is not None and url == urls.product(product):
            return self.product(product, lang)
        if coop is not None and url == urls.cooperative(coop):
            return self.cooperative(coop, ctx.get("products") or [], lang)
        return self.other(ctx, url, page, lang)

    def product(self, product, lang: str = i18n.VI) -> Preview:
        return Preview(
            description=seo.product_description(product, lang),
            og_type="product",
            image=seo.share_image(
                product.images[0] if product.images else None, self.images, self.base, self.media_url
            ),
            price=product.price,
            items=[seo.product_data(product, self.base, self.images, self.today, self.media_url, lang)],
        )

    def cooperative(self, coop, products, lang: str = i18n.VI) -> Preview:
        new = i18n.translations(lang).gettext(NEW_PRODUCTS)
        return Preview(
            description=seo.cooperative_description(coop, len(products), lang),
            image=seo.share_image(
                seo.cooperative_image(coop, products), self.images, self.base, self.media_url
            ),
            feed=(f"{coop.name} – {new}", absolute(self.base, urls.cooperative_feed(coop))),
            items=[seo.organization(coop, self.base, self.images, self.media_url, lang)],
        )

    def other(self, ctx, url: str, page, lang: str = i18n.VI) -> Preview:
        """Listings, directories, the home page and content pages."""
        tagline = self.taglines[lang]
        preview = Preview(description=tagline)
        shown = ctx.get("featured") or ctx.get("products") or []
        first = next((p for p in shown if p.images), None)
        if first is not None:
            preview.image = seo.share_image(first.images[0], self.images, self.base, self.media_url)
        if page is not None and getattr(page, "summary", ""):
            from chophien.formats.markup import summary

            preview.description = seo.clip(summary(f"<p>{page.summary}</p>")) or tagline
        elif ctx.get("intro"):
            preview.description = seo.clip(ctx.get("intro"))
        if url in (urls.home(), urls.products()):
            new = i18n.translations(lang).gettext(NEW_PRODUCTS)
            preview.feed = (f"{self.sitename} – {new}", absolute(self.base, urls.site_feed()))
        if url == urls.home():
            preview.items.append(seo.website(self.base, self.sitename, lang))
        return preview

    def breadcrumbs(self, url: str, trail, heading: str, lang: str = i18n.VI) -> dict:
        """The trail's labels (marked with N_ where they are made) and addresses in the page's language."""
        gettext = i18n.translations(lang).gettext
        home = (gettext(HOME), i18n.twin(urls.home(), lang))
        if url == home[1]:
            return seo.breadcrumb_list(self.base, [], home)
        local = [(gettext(label), i18n.twin(address, lang) or address) for label, address in trail]
        return seo.breadcrumb_list(self.base, local, (heading, url))
