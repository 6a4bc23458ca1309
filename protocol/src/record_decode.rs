//! Single-pass decoding of a record payload.
//!
//! The body's type depends on the `kind` key. Decoding into a generic CBOR value first and then
//! into the kind's struct would walk every byte twice and allocate a tree per record; on the
//! gossip and sync paths that doubled the decode cost. Writers put `kind` before `body` (struct
//! order), so the visitor below reads the body straight into its type; a payload that puts
//! `body` first is still accepted, through the slower generic path.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::cbor::{self, Limits};
use crate::error::{CborError, RecordError};
use crate::keys::AuthorKey;
use crate::kinds::{Body, Kind};
use crate::record::{PROTOCOL_VERSION, Payload};

/// Checks limits, then decodes the header and the typed body in one pass.
pub(crate) fn decode_payload(bytes: &[u8]) -> Result<Payload, RecordError> {
    cbor::check(bytes, &Limits::RECORD)?;
    let decoded: Decoded =
        match ciborium::de::from_reader_with_recursion_limit(bytes, Limits::RECORD.max_depth + 4) {
            Ok(decoded) => decoded,
            Err(ciborium::de::Error::Semantic(_, msg)) => return Err(semantic(msg)),
            Err(other) => return Err(CborError::Schema(other.to_string()).into()),
        };
    decoded.0
}

/// The outcome of the visitor: serde errors are for shape; the body's own decoding through the
/// generic path returns a typed error we keep.
struct Decoded(Result<Payload, RecordError>);

impl<'de> serde::Deserialize<'de> for Decoded {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Decoded, D::Error> {
        d.deserialize_map(PayloadVisitor).map(Decoded)
    }
}

/// The visitor smuggles our own typed errors through serde's string errors with this prefix.
const TYPED: &str = "\u{1}smartket:";

fn semantic(msg: String) -> RecordError {
    match msg.strip_prefix(TYPED) {
        Some(rest) => match rest.split_once(':') {
            Some(("version", v)) => RecordError::UnknownVersion(v.parse().unwrap_or(u64::MAX)),
            Some(("kind", k)) => RecordError::UnknownKind(k.to_owned()),
            _ => CborError::Schema(rest.to_owned()).into(),
        },
        None => CborError::Schema(msg).into(),
    }
}

struct PayloadVisitor;

enum BodySlot {
    Typed(Box<Body>),
    Raw(ciborium::Value),
}

struct BodySeed(Kind);

impl<'de> DeserializeSeed<'de> for BodySeed {
    type Value = Body;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Body, D::Error> {
        use serde::Deserialize;
        Ok(match self.0 {
            Kind::Profile => Body::Profile(Deserialize::deserialize(d)?),
            Kind::Listing => Body::Listing(Deserialize::deserialize(d)?),
            Kind::DeliveryOffer => Body::DeliveryOffer(Deserialize::deserialize(d)?),
            Kind::Attestation => Body::Attestation(Deserialize::deserialize(d)?),
            Kind::Membership => Body::Membership(Deserialize::deserialize(d)?),
            Kind::Tombstone => Body::Tombstone(Deserialize::deserialize(d)?),
        })
    }
}

impl<'de> Visitor<'de> for PayloadVisitor {
    type Value = Result<Payload, RecordError>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a record payload map")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut v: Option<u64> = None;
        let mut kind: Option<Kind> = None;
        let mut author: Option<AuthorKey> = None;
        let mut market: Option<String> = None;
        let mut key: Option<String> = None;
        let mut rev: Option<u64> = None;
        let mut created: Option<u64> = None;
        let mut expires: Option<u64> = None;
        let mut body: Option<BodySlot> = None;
        fn once<T, E: de::Error>(
            slot: &mut Option<T>,
            name: &'static str,
            value: T,
        ) -> Result<(), E> {
            if slot.replace(value).is_some() {
                return Err(E::duplicate_field(name));
            }
            Ok(())
        }
        while let Some(name) = map.next_key::<String>()? {
            match name.as_str() {
                "v" => {
                    let value: u64 = map.next_value()?;
                    if value != PROTOCOL_VERSION {
                        // Stop before reading a body whose shape this version may not know.
                        return Err(de::Error::custom(format!("{TYPED}version:{value}")));
                    }
                    once(&mut v, "v", value)?
                }
                "kind" => {
                    let name: String = map.next_value()?;
                    let parsed = name
                        .parse::<Kind>()
                        .map_err(|_| de::Error::custom(format!("{TYPED}kind:{name}")))?;
                    once(&mut kind, "kind", parsed)?
                }
                "author" => once(&mut author, "author", map.next_value()?)?,
                "market" => once(&mut market, "market", map.next_value()?)?,
                "key" => once(&mut key, "key", map.next_value()?)?,
                "rev" => once(&mut rev, "rev", map.next_value()?)?,
                "created" => once(&mut created, "created", map.next_value()?)?,
                "expires" => once(&mut expires, "expires", map.next_value()?)?,
                "body" => {
                    let slot = match kind {
                        Some(k) => BodySlot::Typed(Box::new(map.next_value_seed(BodySeed(k))?)),
                        None => BodySlot::Raw(map.next_value()?),
                    };
                    once(&mut body, "body", slot)?
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let v = v.ok_or_else(|| de::Error::missing_field("v"))?;
        let kind = kind.ok_or_else(|| de::Error::missing_field("kind"))?;
        let body = match body.ok_or_else(|| de::Error::missing_field("body"))? {
            BodySlot::Typed(body) => *body,
            BodySlot::Raw(value) => match Body::from_value(kind, value) {
                Ok(body) => body,
                Err(e) => return Ok(Err(e)),
            },
        };
        Ok(Ok(Payload {
            v,
            author: author.ok_or_else(|| de::Error::missing_field("author"))?,
            kind,
            market: market.ok_or_else(|| de::Error::missing_field("market"))?,
            key: key.ok_or_else(|| de::Error::missing_field("key"))?,
            rev: rev.ok_or_else(|| de::Error::missing_field("rev"))?,
            created: created.ok_or_else(|| de::Error::missing_field("created"))?,
            expires: expires.ok_or_else(|| de::Error::missing_field("expires"))?,
            body,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::Tombstone;
    use crate::record::MAX_LIFETIME_MS;

    fn payload() -> Payload {
        Payload::new(
            "geneva",
            "k",
            1_790_000_000_000,
            MAX_LIFETIME_MS,
            Body::Tombstone(Tombstone {
                target_kind: Kind::Listing,
            }),
        )
    }

    fn encode_map(entries: Vec<(&str, ciborium::Value)>) -> Vec<u8> {
        let map = ciborium::Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| (ciborium::Value::Text(k.into()), v))
                .collect(),
        );
        let mut out = Vec::new();
        ciborium::ser::into_writer(&map, &mut out).unwrap();
        out
    }

    fn entries(p: &Payload) -> Vec<(&'static str, ciborium::Value)> {
        let body = ciborium::Value::serialized(&p.body).unwrap();
        vec![
            ("v", p.v.into()),
            ("author", ciborium::Value::Bytes(p.author.0.to_vec())),
            ("kind", p.kind.as_str().into()),
            ("market", p.market.clone().into()),
            ("key", p.key.clone().into()),
            ("rev", p.rev.into()),
            ("created", p.created.into()),
            ("expires", p.expires.into()),
            ("body", body),
        ]
    }

    #[test]
    fn a_body_before_its_kind_still_decodes() {
        let p = payload();
        let mut e = entries(&p);
        e.rotate_right(1);
        assert_eq!(decode_payload(&encode_map(e)).unwrap(), p);
    }

    #[test]
    fn unknown_keys_are_ignored_and_duplicates_refused() {
        let p = payload();
        let mut e = entries(&p);
        e.push(("future_field", 5.into()));
        assert_eq!(decode_payload(&encode_map(e)).unwrap(), p);
        let mut e = entries(&p);
        e.push(("rev", 5.into()));
        assert_eq!(decode_payload(&encode_map(e)).unwrap_err().code(), "schema");
    }

    #[test]
    fn unknown_version_and_kind_have_their_own_errors() {
        let p = payload();
        let mut e = entries(&p);
        e[0].1 = 2.into();
        assert_eq!(
            decode_payload(&encode_map(e)).unwrap_err(),
            RecordError::UnknownVersion(2)
        );
        let mut e = entries(&p);
        e[2].1 = "auction".into();
        assert_eq!(
            decode_payload(&encode_map(e)).unwrap_err(),
            RecordError::UnknownKind("auction".into())
        );
    }
}
