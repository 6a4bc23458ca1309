//! The checkout form as the consumer filled it: each line's quantity, each seller's delivery
//! and payment, the contact and the address — read from a posted form, or filled from what the
//! node remembered of the last checkout. Its contact and address are checked by the protocol's
//! own rules, each refusal named on the field the consumer typed it in.

use std::collections::BTreeMap;

use smartket_protocol::AuthorKey;
use smartket_protocol::messages::{Address, Contact};

use crate::settings::CheckoutContact;
use crate::ui::i18n::Tr;

/// Refused fields of the basket's form: the field's name → its message (field names carry a
/// line index or a seller's key, so they are built, not static).
pub(super) type FieldErrors = BTreeMap<String, String>;

/// The country of every address typed at checkout: the markets are Swiss for now.
const COUNTRY: &str = "CH";

/// What the checkout form holds.
#[derive(Debug, Clone, Default)]
pub(super) struct Draft {
    /// Posted quantities by line index.
    pub(super) quantities: BTreeMap<usize, String>,
    /// Posted delivery values by seller.
    pub(super) delivery: BTreeMap<AuthorKey, String>,
    /// Posted payment values by seller.
    pub(super) payment: BTreeMap<AuthorKey, String>,
    pub(super) name: String,
    pub(super) phone: String,
    pub(super) email: String,
    pub(super) street: String,
    pub(super) postcode: String,
    pub(super) city: String,
    pub(super) notes: String,
    /// Whether to remember the contact and address for the next checkout.
    pub(super) remember: bool,
    /// Whether the consumer has seen the prices that changed.
    pub(super) accept_changes: bool,
}

impl Draft {
    /// A fresh form, filled with what the last checkout left.
    pub(super) fn remembered(saved: &CheckoutContact) -> Draft {
        let mut draft = Draft {
            remember: true,
            ..Draft::default()
        };
        if let Some(c) = &saved.contact {
            draft.name.clone_from(&c.name);
            draft.phone = c.phone.clone().unwrap_or_default();
            draft.email = c.email.clone().unwrap_or_default();
        }
        if let Some(a) = &saved.address {
            draft.street = a.lines.join(", ");
            draft.postcode.clone_from(&a.postcode);
            draft.city.clone_from(&a.city);
            draft.notes = a.notes.clone().unwrap_or_default();
        }
        draft
    }

    /// The form as posted.
    pub(super) fn posted(form: &BTreeMap<String, String>) -> Draft {
        let text = |name: &str| {
            form.get(name)
                .map(|v| v.trim().to_owned())
                .unwrap_or_default()
        };
        let by_seller = |prefix: &str| {
            form.iter()
                .filter_map(|(k, v)| {
                    let seller = k.strip_prefix(prefix)?.parse::<AuthorKey>().ok()?;
                    Some((seller, v.clone()))
                })
                .collect()
        };
        Draft {
            quantities: form
                .iter()
                .filter_map(|(k, v)| {
                    let line = k.strip_prefix("qty-")?.parse().ok()?;
                    Some((line, v.trim().to_owned()))
                })
                .collect(),
            delivery: by_seller("delivery-"),
            payment: by_seller("pay-"),
            name: text("name"),
            phone: text("phone"),
            email: text("email"),
            street: text("street"),
            postcode: text("postcode").to_uppercase(),
            city: text("city"),
            notes: text("notes"),
            remember: form.contains_key("remember"),
            accept_changes: form.contains_key("accept_changes"),
        }
    }

    /// The quantities posted, or the message of each that is not a whole number up to `max`.
    pub(super) fn quantities(&self, tr: Tr, max: u32) -> Result<Vec<(usize, u32)>, FieldErrors> {
        let mut wanted = Vec::new();
        let mut errors = FieldErrors::new();
        for (line, text) in &self.quantities {
            match text.parse::<u32>() {
                Ok(q) if q <= max => wanted.push((*line, q)),
                _ => {
                    errors.insert(format!("qty-{line}"), tr.t("basket-error-quantity"));
                }
            }
        }
        if errors.is_empty() {
            Ok(wanted)
        } else {
            Err(errors)
        }
    }

    /// The contact as typed, checked as the protocol checks an order's.
    pub(super) fn contact(&self, tr: Tr) -> Result<Contact, FieldErrors> {
        let given = |t: &str| (!t.is_empty()).then(|| t.to_owned());
        let contact = Contact {
            name: self.name.clone(),
            phone: given(&self.phone),
            email: given(&self.email),
        };
        match contact.validate("contact") {
            Ok(()) => Ok(contact),
            Err(e) => {
                let (field, id) = match e.field.as_str() {
                    "contact.name" => ("name", "checkout-error-name"),
                    "contact.email" => ("email", "checkout-error-email"),
                    "contact.phone" => ("phone", "checkout-error-phone"),
                    _ => ("phone", "checkout-error-reach"),
                };
                Err(FieldErrors::from([(field.to_owned(), tr.t(id))]))
            }
        }
    }

    /// The address as typed, checked as the protocol checks an order's; none when no field of
    /// it was filled.
    pub(super) fn address(&self, tr: Tr) -> Result<Option<Address>, FieldErrors> {
        if [&self.street, &self.postcode, &self.city, &self.notes]
            .iter()
            .all(|t| t.is_empty())
        {
            return Ok(None);
        }
        let address = Address {
            lines: vec![self.street.clone()],
            postcode: self.postcode.clone(),
            city: self.city.clone(),
            country: COUNTRY.to_owned(),
            notes: (!self.notes.is_empty()).then(|| self.notes.clone()),
        };
        match address.validate("address") {
            Ok(()) => Ok(Some(address)),
            Err(e) => {
                let (field, id) = match e.field.as_str() {
                    "address.postcode" => ("postcode", "checkout-error-postcode"),
                    "address.city" => ("city", "checkout-error-city"),
                    "address.notes" => ("notes", "checkout-error-notes"),
                    _ => ("street", "checkout-error-street"),
                };
                Err(FieldErrors::from([(field.to_owned(), tr.t(id))]))
            }
        }
    }

    /// What to remember for the next checkout: the contact and address, or nothing when the
    /// consumer asked not to.
    pub(super) fn to_remember(
        &self,
        contact: &Contact,
        address: Option<&Address>,
    ) -> CheckoutContact {
        if !self.remember {
            return CheckoutContact::default();
        }
        CheckoutContact {
            contact: Some(contact.clone()),
            address: address.cloned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posted(pairs: &[(&str, &str)]) -> Draft {
        Draft::posted(
            &pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn each_refused_part_of_the_contact_is_named_on_its_own_field() {
        let tr = Tr::new("fr");
        let field = |d: Draft| d.contact(tr).unwrap_err().into_keys().next().unwrap();
        assert_eq!(field(posted(&[("email", "a@b.ch")])), "name");
        assert_eq!(
            field(posted(&[("name", "Léa")])),
            "phone",
            "phone or e-mail"
        );
        assert_eq!(
            field(posted(&[("name", "Léa"), ("phone", "call me")])),
            "phone"
        );
        assert_eq!(field(posted(&[("name", "Léa"), ("email", "lea")])), "email");
        let address = |d: Draft| d.address(tr).unwrap_err().into_keys().next().unwrap();
        assert_eq!(
            address(posted(&[
                ("street", "Rue de Carouge 18"),
                ("city", "Genève")
            ])),
            "postcode"
        );
        assert_eq!(
            address(posted(&[("postcode", "1205"), ("city", "Genève")])),
            "street"
        );
        assert_eq!(posted(&[]).address(tr).unwrap(), None);
    }

    #[test]
    fn a_quantity_that_is_not_a_whole_number_is_refused_on_its_line() {
        let tr = Tr::new("fr");
        let draft = posted(&[("qty-0", "3"), ("qty-1", "deux"), ("qty-2", "0")]);
        let errors = draft.quantities(tr, 99).unwrap_err();
        assert_eq!(errors.keys().collect::<Vec<_>>(), ["qty-1"]);
        let draft = posted(&[("qty-0", " 3 "), ("qty-2", "0")]);
        assert_eq!(draft.quantities(tr, 99).unwrap(), [(0, 3), (2, 0)]);
    }
}
