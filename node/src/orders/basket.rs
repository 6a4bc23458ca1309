//! The consumer's basket: lines from any number of sellers, each remembering the listing
//! revision and price it was added at, so checkout can say exactly what changed since.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use smartket_protocol::kinds::Listing;
use smartket_protocol::{AuthorKey, Body, Kind, Record, RecordId, Slot};

use crate::store::{Store, StoreError};

/// One line of the basket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BasketLine {
    /// Market of the listing.
    pub market: String,
    /// The listing's author (the seller, or the platform publishing for it).
    pub author: AuthorKey,
    /// The listing's slot key.
    pub key: String,
    /// The variant chosen, if the listing has variants.
    pub variant: Option<String>,
    /// How many.
    pub quantity: u32,
    /// The listing revision seen when the line was added.
    pub listing: RecordId,
    /// Its revision time.
    pub rev: u64,
    /// The unit price then, minor units.
    pub unit_price: u64,
    /// Its currency.
    pub currency: String,
    /// The title then (in the first language the listing has), for display.
    pub title: String,
}

/// The basket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Basket {
    /// Lines in the order they were added.
    pub lines: Vec<BasketLine>,
}

/// Why a line cannot be added.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BasketError {
    /// No current listing in that slot.
    #[error("no current listing {key:?} by {author}")]
    NoListing {
        /// The author.
        author: AuthorKey,
        /// The key.
        key: String,
    },
    /// The listing has no such variant.
    #[error("the listing has no variant {0:?}")]
    NoVariant(String),
    /// A quantity of zero or over the order limit.
    #[error("quantity must be 1 to {max}")]
    Quantity {
        /// The most per line.
        max: u32,
    },
    /// No line with that index.
    #[error("the basket has no line {0}")]
    NoLine(usize),
    /// The database.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The current listing in `author`'s slot `key`, if any.
pub fn current_listing(
    store: &Store,
    author: &AuthorKey,
    key: &str,
    now_ms: u64,
) -> Result<Option<(Record, Listing)>, StoreError> {
    let slot = Slot {
        author: *author,
        kind: Kind::Listing,
        key: key.to_owned(),
    };
    Ok(store
        .current(&slot)?
        .filter(|r| r.payload.expires > now_ms)
        .and_then(|r| match &r.payload.body {
            Body::Listing(l) => {
                let listing = l.clone();
                Some((r, listing))
            }
            _ => None,
        }))
}

/// The unit price and stock of `variant` (or of the listing itself).
pub fn price_and_stock(
    listing: &Listing,
    variant: Option<&str>,
) -> Result<(u64, Option<u32>), BasketError> {
    match variant {
        None => Ok((listing.price.amount, listing.stock)),
        Some(id) => listing
            .variants
            .iter()
            .find(|v| v.id == id)
            .map(|v| (v.amount, v.stock))
            .ok_or_else(|| BasketError::NoVariant(id.to_owned())),
    }
}

impl Basket {
    /// Adds `quantity` of a listing as it is now (merging with a line for the same listing
    /// and variant).
    pub fn add(
        &mut self,
        store: &Store,
        author: &AuthorKey,
        key: &str,
        variant: Option<String>,
        quantity: u32,
        now_ms: u64,
    ) -> Result<(), BasketError> {
        let max = smartket_protocol::messages::MAX_QUANTITY;
        if quantity == 0 || quantity > max {
            return Err(BasketError::Quantity { max });
        }
        let (record, listing) =
            current_listing(store, author, key, now_ms)?.ok_or_else(|| BasketError::NoListing {
                author: *author,
                key: key.to_owned(),
            })?;
        let (unit_price, _) = price_and_stock(&listing, variant.as_deref())?;
        let title = listing
            .title
            .values()
            .next()
            .cloned()
            .unwrap_or_else(|| key.to_owned());
        let line = BasketLine {
            market: record.payload.market.clone(),
            author: *author,
            key: key.to_owned(),
            variant,
            quantity,
            listing: record.id,
            rev: record.payload.rev,
            unit_price,
            currency: listing.price.currency.clone(),
            title,
        };
        match self
            .lines
            .iter_mut()
            .find(|l| l.author == line.author && l.key == line.key && l.variant == line.variant)
        {
            Some(existing) => {
                existing.quantity = existing.quantity.saturating_add(quantity).min(max);
            }
            None => self.lines.push(line),
        }
        Ok(())
    }

    /// Sets the quantity of each `(line, quantity)`; a quantity of zero takes the line off.
    /// Nothing changes unless every line exists and every quantity is allowed.
    pub fn set_quantities(&mut self, wanted: &[(usize, u32)]) -> Result<(), BasketError> {
        let max = smartket_protocol::messages::MAX_QUANTITY;
        for &(line, quantity) in wanted {
            if line >= self.lines.len() {
                return Err(BasketError::NoLine(line));
            }
            if quantity > max {
                return Err(BasketError::Quantity { max });
            }
        }
        for &(line, quantity) in wanted {
            if let Some(l) = self.lines.get_mut(line) {
                l.quantity = quantity;
            }
        }
        self.lines.retain(|l| l.quantity > 0);
        Ok(())
    }

    /// Totals per listing author (seller) and currency.
    pub fn subtotals(&self) -> BTreeMap<AuthorKey, BTreeMap<String, u64>> {
        let mut out: BTreeMap<AuthorKey, BTreeMap<String, u64>> = BTreeMap::new();
        for line in &self.lines {
            let total = out
                .entry(line.author)
                .or_default()
                .entry(line.currency.clone())
                .or_default();
            *total = total.saturating_add(line.unit_price.saturating_mul(u64::from(line.quantity)));
        }
        out
    }
}
