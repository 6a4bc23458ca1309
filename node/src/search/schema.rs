//! The index's fields. One schema holds four document kinds (listings, sellers' profiles,
//! couriers' delivery offers, and nothing else): searches always filter on `kind`, and the
//! other kinds are there so that sellers can be found by name and couriers' zones can be
//! resolved at query time without a second index.

use tantivy::schema::{
    FAST, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};

use super::analyzers::{ENGLISH, FOLDED, FRENCH};

/// Bumped whenever the schema or an analyzer changes: an index written by another version is
/// rebuilt from the store, since its terms would not match what queries now produce.
pub(crate) const SCHEMA_VERSION: &str = "smartket-search/1";

/// `kind` of a listing document.
pub(crate) const KIND_LISTING: &str = "listing";
/// `kind` of a seller's profile document.
pub(crate) const KIND_PROFILE: &str = "profile";
/// `kind` of a courier's delivery offer document.
pub(crate) const KIND_DELIVERY: &str = "delivery";

/// `flags` value: the listing (or one of its variants) is in stock or does not track stock.
pub(crate) const FLAG_IN_STOCK: &str = "in_stock";
/// `flags` value: the buyer may pick up.
pub(crate) const FLAG_PICKUP: &str = "pickup";
/// `flags` value: any courier of the market may deliver.
pub(crate) const FLAG_COURIER: &str = "courier";
/// `flags` value: the listing is a service.
pub(crate) const FLAG_SERVICE: &str = "service";
/// `flags` value of a delivery offer with at least one circular zone.
pub(crate) const FLAG_CIRCLE: &str = "circle";

/// Names of the fast fields read by collectors (which address fields by name).
pub(crate) const F_POINT: &str = "point";
pub(crate) const F_PRICE: &str = "price";
pub(crate) const F_CREATED: &str = "created";
pub(crate) const F_SELLER: &str = "seller";
pub(crate) const F_ROLE: &str = "role";
pub(crate) const F_PAYMENT: &str = "payment";
pub(crate) const F_ATTESTED: &str = "attested";
pub(crate) const F_CATEGORY: &str = "category";

/// Handles of every field.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    /// Record id, hex: deletes and replacements address documents by it.
    pub(crate) id: Field,
    /// [`KIND_LISTING`], [`KIND_PROFILE`] or [`KIND_DELIVERY`].
    pub(crate) kind: Field,
    /// Market id.
    pub(crate) market: Field,
    /// The record's author, hex.
    pub(crate) author: Field,
    /// The seller, hex: the author, or the member a platform publishes for.
    pub(crate) seller: Field,
    /// The seller's roles (`producer`, `shop`…), from its profile.
    pub(crate) role: Field,
    /// Payment means the seller accepts for this listing (`cash_on_pickup`, `local:LEM`…).
    pub(crate) payment: Field,
    /// `<issuer hex>:<label>` for each live attestation about the listing or its seller by
    /// someone other than the seller; trust is applied at query time.
    pub(crate) attested: Field,
    /// Category path as a facet, `/food/dairy/cheese`.
    pub(crate) category: Field,
    /// Postcodes the seller delivers to itself; for a delivery offer, the postcodes it serves.
    pub(crate) postcode: Field,
    /// Boolean properties, see the `FLAG_*` constants.
    pub(crate) flags: Field,
    /// Price in minor units of the market's base currency.
    pub(crate) price: Field,
    /// The seller's coarse location, packed by [`super::geo::pack`].
    pub(crate) point: Field,
    /// First publication of the listing (ms), for "newest first".
    pub(crate) created: Field,
    /// French title (French analyzer).
    pub(crate) title_fr: Field,
    /// French description, origin and category names.
    pub(crate) text_fr: Field,
    /// English title (English analyzer).
    pub(crate) title_en: Field,
    /// English description, origin and category names.
    pub(crate) text_en: Field,
    /// Titles in other languages (folded, not stemmed).
    pub(crate) title_other: Field,
    /// Descriptions in other languages.
    pub(crate) text_other: Field,
    /// The seller's names, every language (folded, not stemmed: names are not words).
    pub(crate) seller_name: Field,
    /// What a hit shows, as JSON ([`super::document::Card`]): read only for the page returned.
    pub(crate) card: Field,
}

/// The schema and its field handles.
pub(crate) fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqs),
        )
    };
    let keyword = STRING | FAST;
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        kind: b.add_text_field("kind", STRING),
        market: b.add_text_field("market", STRING),
        author: b.add_text_field("author", STRING | STORED),
        seller: b.add_text_field(F_SELLER, keyword.clone()),
        role: b.add_text_field(F_ROLE, keyword.clone()),
        payment: b.add_text_field(F_PAYMENT, keyword.clone()),
        attested: b.add_text_field(F_ATTESTED, keyword),
        category: b.add_facet_field(F_CATEGORY, FacetOptions::default()),
        postcode: b.add_text_field("postcode", STRING),
        flags: b.add_text_field("flags", STRING),
        price: b.add_u64_field(F_PRICE, INDEXED | FAST),
        point: b.add_u64_field(F_POINT, FAST),
        created: b.add_u64_field(F_CREATED, FAST),
        title_fr: b.add_text_field("title_fr", text(FRENCH)),
        text_fr: b.add_text_field("text_fr", text(FRENCH)),
        title_en: b.add_text_field("title_en", text(ENGLISH)),
        text_en: b.add_text_field("text_en", text(ENGLISH)),
        title_other: b.add_text_field("title_other", text(FOLDED)),
        text_other: b.add_text_field("text_other", text(FOLDED)),
        seller_name: b.add_text_field("seller_name", text(FOLDED)),
        card: b.add_bytes_field("card", STORED),
    };
    (b.build(), fields)
}
