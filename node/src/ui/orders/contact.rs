//! People and places on an order's pages: a contact with its phone as a `tel:` link and its
//! e-mail as a `mailto:` link (a courier at a door calls with one tap), and a postal address
//! as the lines a person reads.

use maud::{Markup, html};
use smartket_protocol::messages::{Address, Contact};

/// A phone number as a `tel:` URI: `+` and digits only, as dialers want them.
pub(in crate::ui) fn tel_uri(phone: &str) -> String {
    let digits: String = phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    format!("tel:{digits}")
}

/// A phone and an e-mail, each a link, either absent.
pub(in crate::ui) fn reach(phone: Option<&str>, email: Option<&str>) -> Markup {
    html! {
        @if let Some(phone) = phone {
            " " a.tel href=(tel_uri(phone)) { (phone) }
        }
        @if let Some(email) = email {
            " " a href=(format!("mailto:{email}")) { (email) }
        }
    }
}

/// A contact: the name, then how to reach them.
pub(in crate::ui) fn contact(c: &Contact) -> Markup {
    html! {
        span.contact { strong { (c.name) } (reach(c.phone.as_deref(), c.email.as_deref())) }
    }
}

/// The address on one line: `Rue de Carouge 18, 1205 Genève`.
pub(in crate::ui) fn address_line(a: &Address) -> String {
    let mut parts = a.lines.clone();
    parts.push(format!("{} {}", a.postcode, a.city));
    parts.join(", ")
}

/// The address as an `address` element, with the notes (door code, floor) below it.
pub(in crate::ui) fn address(a: &Address) -> Markup {
    html! {
        address {
            @for line in &a.lines { (line) br; }
            (a.postcode) " " (a.city)
            @if let Some(notes) = &a.notes { br; span.muted { (notes) } }
        }
    }
}
