//! Records as JSON, and JSON as records: what the API shows of a signed record, and how a JSON
//! body from the web UI becomes a payload the node signs.
//!
//! Bodies cross as JSON objects with the field names of `spec/kinds.md`. Byte fields (keys,
//! signatures, blob ids) are hex strings in JSON and byte strings in CBOR; the JSON is turned
//! into CBOR and read through the protocol's own decoder and validator, so the API accepts
//! exactly what the network accepts and names the failing field (`body.price.amount`).

use ciborium::Value as Cbor;
use serde::{Deserialize, Serialize};
use serde_json::Value as JsonValue;
use smartket_protocol::record::PROTOCOL_VERSION;
use smartket_protocol::{AuthorKey, Body, Kind, Payload, Record, RecordError};
use utoipa::ToSchema;

/// A record as the API shows it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RecordJson {
    /// Record id (64 hex characters).
    pub id: String,
    /// Author's public key (64 hex characters).
    #[serde(default)]
    pub author: String,
    /// Market id.
    pub market: String,
    /// Kind (`profile`, `listing`, `delivery_offer`, `attestation`, `membership`).
    pub kind: String,
    /// Slot key.
    pub key: String,
    /// Revision (ms since the epoch).
    pub rev: u64,
    /// Creation of the slot (ms since the epoch).
    #[serde(default)]
    pub created: u64,
    /// Expiry (ms since the epoch).
    pub expires: u64,
    /// The kind's fields (see `spec/kinds.md`); byte fields as hex.
    #[schema(value_type = Object)]
    pub body: JsonValue,
}

/// A record as the API shows it.
pub fn record_json(r: &Record) -> RecordJson {
    RecordJson {
        id: r.id.to_hex(),
        author: r.payload.author.to_hex(),
        market: r.payload.market.clone(),
        kind: r.payload.kind.as_str().into(),
        key: r.payload.key.clone(),
        rev: r.payload.rev,
        created: r.payload.created,
        expires: r.payload.expires,
        body: Cbor::serialized(&r.payload.body)
            .map(cbor_to_json)
            .unwrap_or(JsonValue::Null),
    }
}

fn cbor_to_json(value: Cbor) -> JsonValue {
    match value {
        Cbor::Integer(i) => {
            let i = i128::from(i);
            u64::try_from(i)
                .map(JsonValue::from)
                .or_else(|_| i64::try_from(i).map(JsonValue::from))
                .unwrap_or(JsonValue::Null)
        }
        Cbor::Bytes(bytes) => JsonValue::String(hex::encode(bytes)),
        Cbor::Float(f) => {
            serde_json::Number::from_f64(f).map_or(JsonValue::Null, JsonValue::Number)
        }
        Cbor::Text(text) => JsonValue::String(text),
        Cbor::Bool(b) => JsonValue::Bool(b),
        Cbor::Null => JsonValue::Null,
        Cbor::Tag(_, inner) => cbor_to_json(*inner),
        Cbor::Array(items) => JsonValue::Array(items.into_iter().map(cbor_to_json).collect()),
        Cbor::Map(entries) => JsonValue::Object(
            entries
                .into_iter()
                .filter_map(|(k, v)| match k {
                    Cbor::Text(k) => Some((k, cbor_to_json(v))),
                    _ => None,
                })
                .collect(),
        ),
        _ => JsonValue::Null,
    }
}

/// The body fields of `kind` that are byte strings on the wire (`*` = every array element).
fn byte_fields(kind: Kind, body: &JsonValue) -> Vec<&'static [&'static str]> {
    match kind {
        Kind::Profile => vec![&["enc_key"][..], &["logo"][..]],
        Kind::Listing => vec![&["images", "*"][..], &["on_behalf_of"][..]],
        Kind::Attestation if body["subject"]["type"] == "actor" => vec![&["subject", "key"][..]],
        Kind::Attestation => vec![&["subject", "author"][..]],
        Kind::Membership => vec![&["platform"][..], &["platform_sig"][..]],
        Kind::DeliveryOffer | Kind::Tombstone => Vec::new(),
    }
}

fn json_to_cbor(
    value: &JsonValue,
    path: &mut Vec<&'static str>,
    at: &mut Vec<String>,
    bytes: &[&'static [&'static str]],
) -> Result<Cbor, RecordError> {
    Ok(match value {
        JsonValue::String(s) if bytes.contains(&path.as_slice()) => Cbor::Bytes(
            hex::decode(s)
                .map_err(|_| RecordError::field(format!("body.{}", at.join(".")), "is not hex"))?,
        ),
        JsonValue::Null => Cbor::Null,
        JsonValue::Bool(b) => Cbor::Bool(*b),
        JsonValue::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => Cbor::from(u),
            (None, Some(i), _) => Cbor::from(i),
            (None, None, Some(f)) => Cbor::Float(f),
            _ => {
                return Err(RecordError::field(
                    format!("body.{}", at.join(".")),
                    "is not a number CBOR can hold",
                ));
            }
        },
        JsonValue::String(s) => Cbor::Text(s.clone()),
        JsonValue::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                path.push("*");
                at.push(i.to_string());
                let converted = json_to_cbor(item, path, at, bytes);
                path.pop();
                at.pop();
                out.push(converted?);
            }
            Cbor::Array(out)
        }
        JsonValue::Object(map) => {
            let mut out = Vec::with_capacity(map.len());
            for (k, v) in map {
                // Only names that can be byte fields need a static name; others never match.
                let name = bytes
                    .iter()
                    .flat_map(|b| b.iter())
                    .find(|n| **n == k.as_str())
                    .copied()
                    .unwrap_or("");
                path.push(name);
                at.push(k.clone());
                let converted = json_to_cbor(v, path, at, bytes);
                path.pop();
                at.pop();
                out.push((Cbor::Text(k.clone()), converted?));
            }
            Cbor::Map(out)
        }
    })
}

/// The slot key an attestation body must use (`<label>/<subject digest>`), when the body can be
/// read; an unreadable body is reported by [`Draft::payload`] with its field.
pub fn attestation_key(body: &JsonValue) -> Option<String> {
    let cbor = json_to_cbor(
        body,
        &mut Vec::new(),
        &mut Vec::new(),
        &byte_fields(Kind::Attestation, body),
    )
    .ok()?;
    cbor.deserialized::<smartket_protocol::kinds::Attestation>()
        .ok()
        .map(|a| a.slot_key())
}

/// Reads a JSON body of `kind` (byte fields as hex) as the protocol's body, through the
/// decoder records from the network go through. The kind's field rules are checked when the
/// record is signed.
pub fn body_from_json(kind: Kind, body: &JsonValue) -> Result<Body, RecordError> {
    if !body.is_object() {
        return Err(RecordError::field("body", "must be a JSON object"));
    }
    let value = json_to_cbor(
        body,
        &mut Vec::new(),
        &mut Vec::new(),
        &byte_fields(kind, body),
    )?;
    Body::from_value(kind, value)
}

/// What a signed payload is built from.
#[derive(Debug)]
pub struct Draft<'a> {
    /// The signer.
    pub author: AuthorKey,
    /// The kind of the body.
    pub kind: Kind,
    /// The market.
    pub market: &'a str,
    /// The slot key.
    pub key: &'a str,
    /// When the slot was first created (kept across revisions).
    pub created: u64,
    /// The revision.
    pub rev: u64,
    /// Lifetime from `rev`, ms.
    pub lifetime_ms: u64,
}

impl<'a> Draft<'a> {
    /// The first revision of slot `kind`/`key` by `author` in `market`, made now and living
    /// `lifetime_ms`.
    pub fn new(
        author: AuthorKey,
        kind: Kind,
        market: &'a str,
        key: &'a str,
        lifetime_ms: u64,
    ) -> Draft<'a> {
        let now = crate::clock::now_ms();
        Draft {
            author,
            kind,
            market,
            key,
            created: now,
            rev: now,
            lifetime_ms,
        }
    }

    /// Builds and validates the payload with `body`, through the decoder records from the
    /// network go through.
    pub fn payload(&self, body: &JsonValue) -> Result<Payload, RecordError> {
        if !body.is_object() {
            return Err(RecordError::field("body", "must be a JSON object"));
        }
        let body = json_to_cbor(
            body,
            &mut Vec::new(),
            &mut Vec::new(),
            &byte_fields(self.kind, body),
        )?;
        let entry = |k: &str, v: Cbor| (Cbor::Text(k.to_owned()), v);
        let map = Cbor::Map(vec![
            entry("v", PROTOCOL_VERSION.into()),
            entry("author", Cbor::Bytes(self.author.as_bytes().to_vec())),
            entry("kind", self.kind.as_str().into()),
            entry("market", self.market.into()),
            entry("key", self.key.into()),
            entry("rev", self.rev.into()),
            entry("created", self.created.min(self.rev).into()),
            entry("expires", self.rev.saturating_add(self.lifetime_ms).into()),
            entry("body", body),
        ]);
        let mut bytes = Vec::new();
        ciborium::ser::into_writer(&map, &mut bytes)
            .map_err(|e| RecordError::field("body", format!("cannot be encoded: {e}")))?;
        // The decoder's serde errors name a type, not a field; everything but the body above
        // is well formed, so a structural error is in the body.
        Payload::decode(&bytes).map_err(|e| match e {
            RecordError::Cbor(smartket_protocol::CborError::Schema(why)) => {
                RecordError::field("body", why)
            }
            other => other,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn draft(kind: Kind) -> Draft<'static> {
        Draft {
            author: AuthorKey([7; 32]),
            kind,
            market: "geneva",
            key: "profile",
            created: 1_700_000_000_000,
            rev: 1_700_000_000_000,
            lifetime_ms: 86_400_000,
        }
    }

    #[test]
    fn a_profile_body_reads_its_enc_key_from_hex_and_shows_it_as_hex() {
        let body = json!({
            "roles": ["consumer"],
            "legal_form": "individual",
            "name": { "fr": "Ferme du Lac" },
            "enc_key": "11".repeat(32),
        });
        let payload = draft(Kind::Profile).payload(&body).unwrap();
        let secret = smartket_protocol::SecretKey::from_bytes(&[7; 32]);
        let record = Record::sign(&secret, payload).unwrap();
        let shown = record_json(&record);
        assert_eq!(shown.body["enc_key"], json!("11".repeat(32)));
        assert_eq!(shown.body["name"]["fr"], json!("Ferme du Lac"));
    }

    #[test]
    fn a_bad_hex_key_names_its_field() {
        let body = json!({ "roles": ["producer"], "legal_form": "individual",
                           "name": { "fr": "x" }, "enc_key": "zz" });
        let err = draft(Kind::Profile).payload(&body).unwrap_err().to_string();
        assert!(err.contains("body.enc_key"), "{err}");
    }
}
