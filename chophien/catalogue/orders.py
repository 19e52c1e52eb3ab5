"""Order links (plain links a buyer taps) and the prefilled order message.

Formats follow ../shared/reference/order_channels.md. Zalo and Messenger cannot prefill
text, so the page shows the same message for the buyer to paste.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from chophien.catalogue.model import Product
from chophien.core.text import format_phone


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


def order_links(product: Product) -> list[OrderLink]:
    """Every way to order *product*, most used channel first."""
    contact = product.contact
    message = order_message(product)
    links: list[OrderLink] = []
    if contact.zalo:
        links.append(OrderLink("zalo", "Nhắn Zalo", contact.zalo_url, format_phone(contact.zalo)))
    if contact.phone:
        links.append(OrderLink("call", "Gọi điện", f"tel:{contact.phone}", format_phone(contact.phone)))
        links.append(
            OrderLink(
                "sms",
                "Nhắn SMS",
                f"sms:{contact.phone}?body={quote(message, safe='')}",
                format_phone(contact.phone),
                prefilled=True,
            )
        )
    if contact.messenger:
        links.append(
            OrderLink(
                "messenger",
                "Nhắn Messenger",
                f"{contact.messenger_url}?ref={quote(product.code)}",
                contact.messenger,
            )
        )
    if contact.email:
        links.append(
            OrderLink(
                "email",
                "Gửi email",
                f"mailto:{contact.email}?subject={quote(order_subject(product), safe='')}"
                f"&body={quote(message, safe='')}",
                contact.email,
                prefilled=True,
            )
        )
    for listing in product.marketplaces:
        links.append(OrderLink("marketplace", f"Mua trên {listing.label}", listing.url, listing.label))
    return links


def needs_copied_message(links: list[OrderLink]) -> bool:
    """True when some channel cannot carry the message, so the page must show it."""
    return any(link.channel in ("zalo", "messenger") for link in links)
