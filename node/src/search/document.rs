//! Turning records into index documents. A listing's document carries what its filters and
//! facets need from other records — the seller's profile (name, roles, payment means,
//! location) and the labels attested about it — so a search never joins at query time except
//! for couriers' zones (see [`super::query`]).

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use smartket_protocol::kinds::{
    DeliveryOffer, Fulfilment, GeoPoint, Listing, MultiText, PaymentMeans, Profile, Role, Unit,
};
use smartket_protocol::market::{Category, Market};
use smartket_protocol::{AuthorKey, Record};
use tantivy::TantivyDocument;
use tantivy::schema::Facet;

use super::geo;
use super::schema::{
    FLAG_CIRCLE, FLAG_COURIER, FLAG_IN_STOCK, FLAG_PICKUP, FLAG_SERVICE, Fields, KIND_DELIVERY,
    KIND_LISTING, KIND_PROFILE,
};

/// What a hit shows, stored with the document so a page of results needs no database read.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Card {
    /// Listing slot key.
    pub(crate) key: String,
    pub(crate) titles: MultiText,
    pub(crate) category: String,
    pub(crate) amount: u64,
    pub(crate) currency: String,
    pub(crate) unit: Option<Unit>,
    pub(crate) in_stock: bool,
    pub(crate) seller: String,
    pub(crate) seller_names: MultiText,
    /// `(issuer hex, label)`.
    pub(crate) attested: Vec<(String, String)>,
    /// A delivery offer's circular zones: centre and radius in metres.
    pub(crate) circles: Vec<(GeoPoint, u32)>,
}

/// The per-market facts documents are built with: category names and currencies.
#[derive(Debug, Clone)]
pub(crate) struct MarketInfo {
    /// Display names of every category path (`food.dairy` → Produits laitiers / Dairy).
    names: HashMap<String, MultiText>,
    /// Currency code → (digits, parity numerator, parity denominator, local).
    currencies: HashMap<String, (u8, u64, u64, bool)>,
    base_digits: u8,
}

impl MarketInfo {
    pub(crate) fn new(market: &Market) -> MarketInfo {
        fn walk(prefix: &str, cats: &[Category], out: &mut HashMap<String, MultiText>) {
            for cat in cats {
                let path = if prefix.is_empty() {
                    cat.code.clone()
                } else {
                    format!("{prefix}.{}", cat.code)
                };
                out.insert(path.clone(), cat.name.clone());
                walk(&path, &cat.children, out);
            }
        }
        let mut names = HashMap::new();
        walk("", &market.categories, &mut names);
        let currencies: HashMap<_, _> = market
            .currencies
            .iter()
            .map(|c| {
                let v = (c.digits, c.parity.num, c.parity.den, c.local);
                (c.code.clone(), v)
            })
            .collect();
        let base_digits = currencies
            .get(&market.base_currency)
            .map_or(2, |(digits, ..)| *digits);
        MarketInfo {
            names,
            currencies,
            base_digits,
        }
    }

    /// `amount` minor units of `currency` in minor units of the base currency (rounded down);
    /// unknown currencies are taken at par.
    pub(crate) fn to_base(&self, amount: u64, currency: &str) -> u64 {
        let Some(&(digits, num, den, _)) = self.currencies.get(currency) else {
            return amount;
        };
        let scale = |d: u8| 10u128.pow(u32::from(d));
        let value = u128::from(amount) * u128::from(num) * scale(self.base_digits)
            / (u128::from(den.max(1)) * scale(digits));
        u64::try_from(value).unwrap_or(u64::MAX)
    }

    fn is_local(&self, currency: &str) -> bool {
        self.currencies.get(currency).is_some_and(|c| c.3)
    }
}

/// The name a role has in queries and facets.
pub(crate) fn role_name(role: Role) -> &'static str {
    match role {
        Role::Producer => "producer",
        Role::Shop => "shop",
        Role::ServiceProvider => "service_provider",
        Role::Platform => "platform",
        Role::Courier => "courier",
        Role::Certifier => "certifier",
        Role::Consumer => "consumer",
        Role::Cooperative => "cooperative",
    }
}

/// The payment tokens a seller's means give a listing (see `Filters::payment`).
fn payment_tokens(listing: &Listing, profile: Option<&Profile>, info: &MarketInfo) -> Vec<String> {
    let mut out = BTreeSet::new();
    if info.is_local(&listing.price.currency) {
        out.insert(format!("local:{}", listing.price.currency));
    }
    for means in profile.map(|p| p.payment.as_slice()).unwrap_or_default() {
        let token = match means {
            PaymentMeans::CashOnPickup => "cash_on_pickup".to_owned(),
            PaymentMeans::CashOnDelivery => "cash_on_delivery".to_owned(),
            PaymentMeans::CardOnPickup => "card_on_pickup".to_owned(),
            PaymentMeans::CardOnDelivery => "card_on_delivery".to_owned(),
            PaymentMeans::BankTransfer { .. } => "bank_transfer".to_owned(),
            // A listing may refuse the local currency the seller otherwise takes.
            PaymentMeans::LocalCurrency { currency, .. } if listing.local_share_pct != Some(0) => {
                format!("local:{currency}")
            }
            PaymentMeans::LocalCurrency { .. } | PaymentMeans::Unknown => continue,
            PaymentMeans::Other { .. } => "other".to_owned(),
        };
        out.insert(token);
    }
    out.into_iter().collect()
}

fn in_stock(listing: &Listing) -> bool {
    if listing.variants.is_empty() {
        listing.stock != Some(0)
    } else {
        listing.variants.iter().any(|v| v.stock != Some(0))
    }
}

/// Adds each language's text to the French, English or other-language field.
fn add_text(
    doc: &mut TantivyDocument,
    text: &MultiText,
    fr: tantivy::schema::Field,
    en: tantivy::schema::Field,
    other: tantivy::schema::Field,
) {
    for (lang, value) in text {
        let field = match lang.as_str() {
            "fr" => fr,
            "en" => en,
            _ => other,
        };
        doc.add_text(field, value);
    }
}

fn common(doc: &mut TantivyDocument, f: &Fields, record: &Record, kind: &str) {
    doc.add_text(f.id, record.id.to_hex());
    doc.add_text(f.kind, kind);
    doc.add_text(f.market, &record.payload.market);
    doc.add_text(f.author, record.author().to_hex());
}

/// What a listing's document is built from besides the listing.
pub(crate) struct ListingContext<'a> {
    pub(crate) info: &'a MarketInfo,
    pub(crate) seller: AuthorKey,
    pub(crate) profile: Option<&'a Profile>,
    pub(crate) attested: &'a BTreeSet<(AuthorKey, String)>,
}

/// A listing's document.
pub(crate) fn listing_doc(
    f: &Fields,
    record: &Record,
    listing: &Listing,
    cx: &ListingContext<'_>,
) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    common(&mut doc, f, record, KIND_LISTING);
    let seller = cx.seller.to_hex();
    doc.add_text(f.seller, &seller);
    add_text(
        &mut doc,
        &listing.title,
        f.title_fr,
        f.title_en,
        f.title_other,
    );
    add_text(
        &mut doc,
        &listing.description,
        f.text_fr,
        f.text_en,
        f.text_other,
    );
    if let Some(origin) = &listing.origin {
        doc.add_text(f.text_other, &origin.text);
    }
    let segments: Vec<&str> = listing.category.split('.').collect();
    for depth in 1..=segments.len() {
        if let Some(names) = cx.info.names.get(&segments[..depth].join(".")) {
            add_text(&mut doc, names, f.text_fr, f.text_en, f.text_other);
        }
    }
    doc.add_facet(f.category, Facet::from_path(segments.iter().copied()));
    doc.add_u64(
        f.price,
        cx.info
            .to_base(listing.price.amount, &listing.price.currency),
    );
    doc.add_u64(f.created, record.payload.created);
    let stocked = in_stock(listing);
    let mut flags = Vec::new();
    if stocked {
        flags.push(FLAG_IN_STOCK);
    }
    if listing.service.is_some() {
        flags.push(FLAG_SERVICE);
    }
    for option in &listing.fulfilment {
        match option {
            Fulfilment::Pickup { .. } => flags.push(FLAG_PICKUP),
            Fulfilment::Courier => flags.push(FLAG_COURIER),
            Fulfilment::OwnDelivery { postcodes, .. } => {
                for postcode in postcodes {
                    doc.add_text(f.postcode, postcode);
                }
            }
        }
    }
    flags.sort_unstable();
    flags.dedup();
    for flag in flags {
        doc.add_text(f.flags, flag);
    }
    for token in payment_tokens(listing, cx.profile, cx.info) {
        doc.add_text(f.payment, token);
    }
    let mut seller_names = MultiText::new();
    if let Some(profile) = cx.profile {
        for role in &profile.roles {
            doc.add_text(f.role, role_name(*role));
        }
        for name in profile.name.values() {
            doc.add_text(f.seller_name, name);
        }
        if let Some(point) = profile.point {
            doc.add_u64(f.point, geo::pack(point));
        }
        seller_names = profile.name.clone();
    }
    let attested: Vec<(String, String)> = cx
        .attested
        .iter()
        .map(|(issuer, label)| (issuer.to_hex(), label.clone()))
        .collect();
    for (issuer, label) in &attested {
        doc.add_text(f.attested, format!("{issuer}:{label}"));
    }
    let card = Card {
        key: record.payload.key.clone(),
        titles: listing.title.clone(),
        category: listing.category.clone(),
        amount: listing.price.amount,
        currency: listing.price.currency.clone(),
        unit: Some(listing.price.unit),
        in_stock: stocked,
        seller,
        seller_names,
        attested,
        circles: Vec::new(),
    };
    add_card(&mut doc, f, &card);
    doc
}

/// A seller's profile document: found by name, and the source of its listings' seller facts.
pub(crate) fn profile_doc(f: &Fields, record: &Record, profile: &Profile) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    common(&mut doc, f, record, KIND_PROFILE);
    doc.add_text(f.seller, record.author().to_hex());
    for role in &profile.roles {
        doc.add_text(f.role, role_name(*role));
    }
    for name in profile.name.values() {
        doc.add_text(f.seller_name, name);
    }
    add_text(
        &mut doc,
        &profile.description,
        f.text_fr,
        f.text_en,
        f.text_other,
    );
    if let Some(point) = profile.point {
        doc.add_u64(f.point, geo::pack(point));
    }
    let card = Card {
        seller: record.author().to_hex(),
        seller_names: profile.name.clone(),
        ..Card::default()
    };
    add_card(&mut doc, f, &card);
    doc
}

/// A courier's delivery offer document: its postcodes as terms, its circles in the card.
pub(crate) fn delivery_doc(f: &Fields, record: &Record, offer: &DeliveryOffer) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    common(&mut doc, f, record, KIND_DELIVERY);
    let mut postcodes = BTreeSet::new();
    let mut circles = Vec::new();
    for zone in &offer.zones {
        postcodes.extend(zone.postcodes.iter());
        if let (Some(center), Some(radius)) = (zone.center, zone.radius_m) {
            circles.push((center, radius));
        }
    }
    for postcode in postcodes {
        doc.add_text(f.postcode, postcode);
    }
    if !circles.is_empty() {
        doc.add_text(f.flags, FLAG_CIRCLE);
    }
    let card = Card {
        seller: record.author().to_hex(),
        circles,
        ..Card::default()
    };
    add_card(&mut doc, f, &card);
    doc
}

fn add_card(doc: &mut TantivyDocument, f: &Fields, card: &Card) {
    // Serialising plain owned data to a Vec cannot fail; an empty card would only lose the
    // display, never the match.
    let bytes = serde_json::to_vec(card).unwrap_or_default();
    doc.add_bytes(f.card, &bytes);
}
