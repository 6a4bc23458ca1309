//! The redb tables and the byte layout of their rows.
//!
//! Every value read back from disk goes through a decoder here that checks lengths and codes and
//! returns [`Corruption`] instead of panicking. Values that carry structure are `&[u8]` encoded
//! by this module (never redb fixed-width types, whose decoders panic on a short value); keys are
//! tuples of fixed arrays, integers and strings so that redb orders them as the indexes need.

use redb::TableDefinition;
use smartket_protocol::{AuthorKey, Kind, RecordId};

/// `id → row`: every stored record. The row is a [`Meta`] header followed by the wire bytes
/// exactly as `Record::to_wire` gives them (the signed payload untouched).
pub(crate) const RECORDS: TableDefinition<&[u8; 32], &[u8]> = TableDefinition::new("records");

/// `slot key bytes → slot row`: the current holder of each (author, slot kind, key) slot. See
/// [`encode_slot_key`] and [`SlotRow`]. A *vacated* row outlives its expired record to keep
/// older revisions out until they must have expired too.
pub(crate) const SLOTS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("slots");

/// `(market, rev, id) → kind code`: the current records of a market (tombstones included, so
/// that deletions sync), ordered for range-based reconciliation.
pub(crate) const MARKET_INDEX: TableDefinition<(&str, u64, &[u8; 32]), u8> =
    TableDefinition::new("market_index");

/// The former `(market, author, id) → kind code` index, dropped on open: `by_author` now ranges
/// over [`SLOTS`], whose keys start with the author, which saves one random-key insert and one
/// removal per record.
pub(crate) const LEGACY_AUTHOR_INDEX: TableDefinition<(&str, &[u8; 32], &[u8; 32]), u8> =
    TableDefinition::new("author_index");

/// `(expires, id) → slot key bytes`: when each record (or vacated slot marker) must be swept.
pub(crate) const EXPIRY: TableDefinition<(u64, &[u8; 32]), &[u8]> = TableDefinition::new("expiry");

/// `(market, platform, member, id) → ()`: current listings a platform published on behalf of a
/// member, so a revoked or lapsed membership withdraws them in one range.
pub(crate) const DELEGATED: TableDefinition<DelegatedKey, ()> = TableDefinition::new("delegated");

/// (market, platform, member, listing id).
pub(crate) type DelegatedKey = (
    &'static str,
    &'static [u8; 32],
    &'static [u8; 32],
    &'static [u8; 32],
);

/// `(until, membership record id) → ()`: current memberships granting `publish`, by the end of
/// their term, so the sweep withdraws delegated listings when a term ends.
pub(crate) const MEMBERSHIP_UNTIL: TableDefinition<(u64, &[u8; 32]), ()> =
    TableDefinition::new("membership_until");

/// `(market, kind code) → count` of entries in [`MARKET_INDEX`], kept in the same transaction.
pub(crate) const COUNTS: TableDefinition<(&str, u8), u64> = TableDefinition::new("counts");

/// `(market, author) → (records, wire bytes)` that each author holds current in a market, kept
/// in the same transaction as the records: the per-author quota ([`MAX_AUTHOR_RECORDS`]).
pub(crate) const AUTHOR_USAGE: TableDefinition<(&str, &[u8; 32]), (u64, u64)> =
    TableDefinition::new("author_usage");

/// Current records one author may hold in one market: a platform publishing for a few hundred
/// members, or a shop's whole catalogue, fits; one key cannot fill every node's disk. Keys
/// are free to mint, so this bounds one key, not a Sybil (`spec/security.md` §4).
pub const MAX_AUTHOR_RECORDS: u64 = 10_000;
/// Bytes of current records (their wire bytes) one author may hold in one market.
pub const MAX_AUTHOR_BYTES: u64 = 32 * 1024 * 1024;

/// A stored row or key that does not have the layout this module writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Corruption(pub(crate) String);

/// A stable one-byte code per kind (never the enum's position, which could change).
pub(crate) fn kind_code(kind: Kind) -> u8 {
    match kind {
        Kind::Profile => 1,
        Kind::Listing => 2,
        Kind::DeliveryOffer => 3,
        Kind::Attestation => 4,
        Kind::Membership => 5,
        Kind::Tombstone => 6,
    }
}

/// The kind of a stored code.
pub(crate) fn kind_from_code(code: u8) -> Result<Kind, Corruption> {
    Kind::ALL
        .into_iter()
        .find(|k| kind_code(*k) == code)
        .ok_or_else(|| Corruption(format!("unknown kind code {code}")))
}

/// What the store needs about a record without decoding its CBOR payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Meta {
    /// The record's own kind.
    pub(crate) kind: Kind,
    /// The kind of slot it fills (differs for tombstones).
    pub(crate) slot_kind: Kind,
    /// Revision.
    pub(crate) rev: u64,
    /// Expiry.
    pub(crate) expires: u64,
    /// Signer.
    pub(crate) author: AuthorKey,
    /// For a listing a platform published for a member: the member.
    pub(crate) on_behalf_of: Option<AuthorKey>,
    /// The market.
    pub(crate) market: String,
}

/// Row layout version; a different first byte is a corrupt (or future) row.
const ROW_FORMAT: u8 = 1;
/// format, kind, slot kind, delegated flag, rev, expires, author, member, market length.
const HEADER_LEN: usize = 1 + 1 + 1 + 1 + 8 + 8 + 32 + 32 + 1;

/// A record row: the header, the market id, the wire bytes.
pub(crate) fn encode_row(meta: &Meta, wire: &[u8]) -> Vec<u8> {
    let market = meta.market.as_bytes();
    let mut out = Vec::with_capacity(HEADER_LEN + market.len() + wire.len());
    out.push(ROW_FORMAT);
    out.push(kind_code(meta.kind));
    out.push(kind_code(meta.slot_kind));
    out.push(u8::from(meta.on_behalf_of.is_some()));
    out.extend_from_slice(&meta.rev.to_be_bytes());
    out.extend_from_slice(&meta.expires.to_be_bytes());
    out.extend_from_slice(&meta.author.0);
    out.extend_from_slice(&meta.on_behalf_of.map(|k| k.0).unwrap_or([0; 32]));
    // Market ids are at most 32 bytes (validated by the protocol), so one byte holds the length.
    out.push(market.len().min(255) as u8);
    out.extend_from_slice(market);
    out.extend_from_slice(wire);
    out
}

/// Reads a record row back into its header and wire bytes.
pub(crate) fn decode_row(row: &[u8]) -> Result<(Meta, &[u8]), Corruption> {
    let header = row
        .get(..HEADER_LEN)
        .ok_or_else(|| Corruption(format!("record row of {} bytes is too short", row.len())))?;
    if header[0] != ROW_FORMAT {
        return Err(Corruption(format!(
            "unknown record row format {}",
            header[0]
        )));
    }
    let kind = kind_from_code(header[1])?;
    let slot_kind = kind_from_code(header[2])?;
    let delegated = match header[3] {
        0 => false,
        1 => true,
        other => return Err(Corruption(format!("bad delegation flag {other}"))),
    };
    let rev = u64::from_be_bytes(array(&header[4..12])?);
    let expires = u64::from_be_bytes(array(&header[12..20])?);
    let author = AuthorKey(array(&header[20..52])?);
    let member = AuthorKey(array(&header[52..84])?);
    let market_len = usize::from(header[84]);
    let market = row
        .get(HEADER_LEN..HEADER_LEN + market_len)
        .ok_or_else(|| Corruption("record row ends inside the market id".into()))?;
    let market = std::str::from_utf8(market)
        .map_err(|_| Corruption("market id in record row is not UTF-8".into()))?
        .to_owned();
    let wire = &row[HEADER_LEN + market_len..];
    let meta = Meta {
        kind,
        slot_kind,
        rev,
        expires,
        author,
        on_behalf_of: delegated.then_some(member),
        market,
    };
    Ok((meta, wire))
}

fn array<const N: usize>(bytes: &[u8]) -> Result<[u8; N], Corruption> {
    bytes
        .try_into()
        .map_err(|_| Corruption(format!("expected {N} bytes, found {}", bytes.len())))
}

/// The slot table key: author (32) ‖ slot kind code (1) ‖ key (UTF-8).
pub(crate) fn encode_slot_key(author: &AuthorKey, slot_kind: Kind, key: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(33 + key.len());
    out.extend_from_slice(&author.0);
    out.push(kind_code(slot_kind));
    out.extend_from_slice(key.as_bytes());
    out
}

/// The holder of a slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SlotRow {
    /// The record that holds (or last held) the slot.
    pub(crate) id: RecordId,
    /// Its revision.
    pub(crate) rev: u64,
    /// The record expired and was swept; the row only keeps older revisions out.
    pub(crate) vacated: bool,
}

impl SlotRow {
    /// id (32) ‖ rev (8, big-endian) ‖ vacated (1).
    pub(crate) fn encode(&self) -> [u8; 41] {
        let mut out = [0u8; 41];
        out[..32].copy_from_slice(&self.id.0);
        out[32..40].copy_from_slice(&self.rev.to_be_bytes());
        out[40] = u8::from(self.vacated);
        out
    }

    /// Reads a slot row.
    pub(crate) fn decode(bytes: &[u8]) -> Result<SlotRow, Corruption> {
        if bytes.len() != 41 {
            return Err(Corruption(format!("slot row of {} bytes", bytes.len())));
        }
        let vacated = match bytes[40] {
            0 => false,
            1 => true,
            other => return Err(Corruption(format!("bad slot state {other}"))),
        };
        Ok(SlotRow {
            id: RecordId(array(&bytes[..32])?),
            rev: u64::from_be_bytes(array(&bytes[32..40])?),
            vacated,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_round_trip_and_short_rows_are_corrupt() {
        let meta = Meta {
            kind: Kind::Tombstone,
            slot_kind: Kind::Listing,
            rev: 7,
            expires: 9,
            author: AuthorKey([3; 32]),
            on_behalf_of: Some(AuthorKey([4; 32])),
            market: "geneva".into(),
        };
        let row = encode_row(&meta, b"wire");
        let (back, wire) = decode_row(&row).unwrap();
        assert_eq!(back, meta);
        assert_eq!(wire, b"wire");
        assert!(decode_row(&row[..10]).is_err());
        assert!(decode_row(&row[..HEADER_LEN + 2]).is_err());
        assert!(SlotRow::decode(&[0; 40]).is_err());
    }

    #[test]
    fn every_kind_has_a_distinct_code() {
        for kind in Kind::ALL {
            assert_eq!(kind_from_code(kind_code(kind)).unwrap(), kind);
        }
        assert!(kind_from_code(0).is_err());
    }
}
