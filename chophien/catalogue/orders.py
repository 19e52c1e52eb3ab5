"""Order links (plain links a buyer taps) and the prefilled order message.

Formats follow ../shared/reference/order_channels.md. Zalo and Messenger cannot prefill
text, so the page shows the same message for the buyer to paste.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from chophien.catalogue.model import Contact, Product
from chophien.core.text import format_phone

# gettext_noop, as chophien.site.i18n.N_ (`make messages` extracts N_ calls; this layer cannot import
# the site's): the button labels are Vietnamese here and translated where they are shown (product.html;
# order_list.html names them by channel). The order message itself stays Vietnamese in every edition.
N_ = str


@dataclass(frozen=True)
class OrderLink:
    channel: str  # zalo | call | sms | messenger | email | marketplace
    label: str  # button text
    href: str
    detail: str = ""  # e.g. the phone number as displayed
    prefilled: bool = False  # whether the link carries the order message


def order_message(product: Product) -> str:
    """`Chào HTX …, tôi muốn đặt: [Mã SP: …] <tên> – <đơn vị>. Số lượng: … Giao đến: …`"""
    item = f"[Mã SP: {product.code}] {product.name}"
    if product.unit:
        item += f" – {product.unit}"
    return f"Chào {product.cooperative.short_name}, tôi muốn đặt: {item}. Số lượng: … Giao đến: …"


def order_subject(product: Product) -> str:
    return f"Đặt hàng [Mã SP: {product.code}] {product.name}"


def contact_links(contact: Contact, message: str = "", subject: str = "", ref: str = "") -> list[OrderLink]:
    """The direct channels of *contact*, most used first; SMS and email carry *message* when given.

    Without a message (a cooperative's channels for the order list, /don-hang/), SMS and email are
    bare `sms:`/`mailto:` addresses the list's script completes with its own message.
    """
    links: list[OrderLink] = []
    if contact.zalo:
        links.append(OrderLink("zalo", N_("Nhắn Zalo"), contact.zalo_url, format_phone(contact.zalo)))
    if contact.phone:
        links.append(OrderLink("call", N_("Gọi điện"), f"tel:{contact.phone}", format_phone(contact.phone)))
        body = f"?body={quote(message, safe='')}" if message else ""
        links.append(
            OrderLink(
                "sms",
                N_("Nhắn SMS"),
                f"sms:{contact.phone}{body}",
                format_phone(contact.phone),
                bool(message),
            )
        )
    if contact.messenger:
        suffix = f"?ref={quote(ref)}" if ref else ""
        links.append(
            OrderLink(
                "messenger", N_("Nhắn Messenger"), f"{contact.messenger_url}{suffix}", contact.messenger
            )
        )
    if contact.email:
        query = f"?subject={quote(subject, safe='')}&body={quote(message, safe='')}" if message else ""
        links.append(
            OrderLink(
                "email", N_("Gửi email"), f"mailto:{contact.email}{query}", contact.email, bool(message)
            )
        )
    return links


def order_links(product: Product) -> list[OrderLink]:
    """Every way to order *product*, most used channel first."""
    links = contact_links(product.contact, order_message(product), order_subject(product), product.code)
    for listing in product.marketplaces:
        links.append(OrderLink("marketplace", f"Mua trên {listing.label}", listing.url, listing.label))
    return links


def needs_copied_message(links: list[OrderLink]) -> bool:
    """True when some channel cannot carry the message, so the page must show it."""
    return any(link.channel in ("zalo", "messenger") for link in links)
