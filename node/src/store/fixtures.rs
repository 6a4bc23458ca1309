//! Signed records for the store and ingest tests: fixed keys (`SecretKey::from_bytes(&[n; 32])`),
//! one builder per kind, and a fresh database in a temp dir. The only place tests build bodies,
//! so a change of a kind's shape is fixed here once.

use smartket_protocol::kinds::{Fulfilment, Listing, Membership, Price, Scope, Tombstone, Unit};
use smartket_protocol::record::MAX_LIFETIME_MS;
use smartket_protocol::{AuthorKey, Body, Kind, Payload, Record, SecretKey};
use tempfile::TempDir;

use super::Store;

/// The market every fixture record is in.
pub(crate) const MARKET: &str = "geneva";
/// A lifetime long enough for any test.
pub(crate) const DAY: u64 = 24 * 60 * 60 * 1000;

/// The clock the fixtures sign at: the real one (reads filter by the real clock), rounded to
/// the second so revisions built from it are easy to read in failures.
pub(crate) fn now() -> u64 {
    crate::clock::now_ms() / 1000 * 1000
}

/// The secret key of test actor `n`.
pub(crate) fn secret(n: u8) -> SecretKey {
    SecretKey::from_bytes(&[n; 32])
}

/// The public key of test actor `n`.
pub(crate) fn author(n: u8) -> AuthorKey {
    secret(n).public()
}

/// Signs `body` as actor `n` in slot `key` at revision `rev`, living `lifetime`.
pub(crate) fn signed(n: u8, key: &str, rev: u64, lifetime: u64, body: Body) -> Record {
    signed_in(n, MARKET, key, rev, lifetime, body)
}

/// [`signed`] in another market.
pub(crate) fn signed_in(
    n: u8,
    market: &str,
    key: &str,
    rev: u64,
    lifetime: u64,
    body: Body,
) -> Record {
    let mut payload = Payload::new(market, key, rev, lifetime, body);
    payload.created = rev.saturating_sub(DAY);
    match Record::sign(&secret(n), payload) {
        Ok(record) => record,
        Err(e) => panic!("fixture record does not validate: {e}"),
    }
}

/// A listing body named `name`: cheese by the kilo, picked up at the market.
pub(crate) fn listing_body(name: &str) -> Body {
    Body::Listing(listing_of(name, None))
}

fn listing_of(name: &str, on_behalf_of: Option<AuthorKey>) -> Listing {
    Listing {
        title: [("fr".to_owned(), name.to_owned())].into(),
        description: Default::default(),
        category: "food.dairy.cheese".into(),
        price: Price {
            amount: 2450,
            currency: "CHF".into(),
            unit: Unit::Kg,
        },
        local_share_pct: None,
        variants: Vec::new(),
        stock: None,
        images: Vec::new(),
        origin: None,
        fulfilment: vec![Fulfilment::Courier],
        lead_time_h: None,
        service: None,
        on_behalf_of,
    }
}

/// A listing by actor `n` in slot `key` at `rev`, living a day.
/// The title names the author: record ids hash the payload only, so two authors' identical
/// payloads would share an id.
pub(crate) fn listing(n: u8, key: &str, rev: u64) -> Record {
    signed(n, key, rev, DAY, listing_body(&format!("{key} {n}")))
}

/// A tombstone by actor `n` deleting its slot (`target`, `key`) at `rev`.
pub(crate) fn tombstone(n: u8, target: Kind, key: &str, rev: u64) -> Record {
    signed(
        n,
        key,
        rev,
        MAX_LIFETIME_MS,
        Body::Tombstone(Tombstone {
            target_kind: target,
        }),
    )
}

/// A listing that platform `platform` publishes on behalf of actor `member`.
pub(crate) fn delegated_listing(platform: u8, member: u8, key: &str, rev: u64) -> Record {
    let body = Body::Listing(listing_of(&format!("{key} {member}"), Some(author(member))));
    signed(platform, key, rev, DAY, body)
}

/// Actor `member`'s membership of platform `platform` (relay, plus publish if `publish`),
/// countersigned by the platform, until `until`.
pub(crate) fn membership(member: u8, platform: u8, publish: bool, until: u64, rev: u64) -> Record {
    let scope = if publish {
        vec![Scope::Relay, Scope::Publish]
    } else {
        vec![Scope::Relay]
    };
    let platform_sig =
        match Membership::countersign(&secret(platform), MARKET, &author(member), &scope, until) {
            Ok(sig) => sig,
            Err(e) => panic!("cannot countersign: {e}"),
        };
    let body = Membership {
        platform: author(platform),
        scope,
        until,
        platform_sig,
    };
    signed(member, &body.slot_key(), rev, DAY, Body::Membership(body))
}

/// A fresh store in a temp dir (keep the dir alive as long as the store).
pub(crate) fn temp_store() -> (TempDir, Store) {
    let dir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => panic!("no temp dir: {e}"),
    };
    let store = match Store::open(&dir.path().join("smartket.redb")) {
        Ok(store) => store,
        Err(e) => panic!("cannot open a fresh store: {e}"),
    };
    (dir, store)
}
