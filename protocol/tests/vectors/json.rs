//! The JSON form of CBOR values used in `spec/vectors/`, and CBOR diagnostic notation.
//!
//! A vector's `fields` are its payload as JSON, in the order the payload map holds them (the
//! order matters: a re-encoding must give the signed bytes). `serde_json::Value` sorts object
//! keys, so this module has its own ordered value. Mapping (documented in
//! `spec/vectors/README.md`): unsigned and negative integers are JSON numbers, text is a JSON
//! string, `true`/`false`/`null` are themselves, arrays are arrays, maps with text keys are
//! objects, and a byte string is the object `{"$bytes": "<lower-case hex>"}`.

use std::fmt;

use ciborium::Value;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};

/// The key of the one-entry object that stands for a byte string.
const BYTES_KEY: &str = "$bytes";

/// A JSON value that keeps object keys in their order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    Int(i128),
    Text(String),
    Bytes(Vec<u8>),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    /// The CBOR value this JSON stands for.
    pub(crate) fn to_cbor(&self) -> Value {
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Int(i) => Value::Integer((*i).try_into().expect("integer fits CBOR")),
            Json::Text(s) => Value::Text(s.clone()),
            Json::Bytes(b) => Value::Bytes(b.clone()),
            Json::Array(items) => Value::Array(items.iter().map(Json::to_cbor).collect()),
            Json::Object(entries) => Value::Map(
                entries
                    .iter()
                    .map(|(k, v)| (Value::Text(k.clone()), v.to_cbor()))
                    .collect(),
            ),
        }
    }

    /// The JSON for a CBOR value. Panics on what vectors never hold (floats, tags, non-text
    /// map keys): the protocol refuses the first two and no kind uses the third.
    pub(crate) fn from_cbor(value: &Value) -> Json {
        match value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Integer(i) => Json::Int(i128::from(*i)),
            Value::Text(s) => Json::Text(s.clone()),
            Value::Bytes(b) => Json::Bytes(b.clone()),
            Value::Array(items) => Json::Array(items.iter().map(Json::from_cbor).collect()),
            Value::Map(entries) => Json::Object(
                entries
                    .iter()
                    .map(|(k, v)| match k {
                        Value::Text(k) => (k.clone(), Json::from_cbor(v)),
                        other => panic!("map key {other:?} is not text"),
                    })
                    .collect(),
            ),
            other => panic!("{other:?} has no JSON form in the vectors"),
        }
    }

    /// The JSON of anything serializable, through its CBOR form.
    pub(crate) fn of<T: Serialize>(value: &T) -> Json {
        Json::from_cbor(&Value::serialized(value).expect("serializable"))
    }

    /// Encodes the CBOR value this JSON stands for (shortest-form heads, definite lengths).
    pub(crate) fn to_cbor_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        ciborium::ser::into_writer(&self.to_cbor(), &mut out).expect("encodable");
        out
    }
}

/// CBOR diagnostic notation (RFC 8949 §8) of one well-formed item, on one line.
pub(crate) fn diagnostic(bytes: &[u8]) -> String {
    let value: Value = ciborium::de::from_reader(bytes).expect("well-formed CBOR");
    let mut out = String::new();
    write_diag(&value, &mut out);
    out
}

fn write_diag(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Integer(i) => out.push_str(&i128::from(*i).to_string()),
        Value::Text(s) => out.push_str(&serde_json::to_string(s).expect("string")),
        Value::Bytes(b) => {
            out.push_str("h'");
            out.push_str(&hex::encode(b));
            out.push('\'');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_diag(item, out);
            }
            out.push(']');
        }
        Value::Map(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_diag(k, out);
                out.push_str(": ");
                write_diag(v, out);
            }
            out.push('}');
        }
        other => panic!("{other:?} has no diagnostic form in the vectors"),
    }
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Null => s.serialize_unit(),
            Json::Bool(b) => s.serialize_bool(*b),
            Json::Int(i) => match u64::try_from(*i) {
                Ok(u) => s.serialize_u64(u),
                Err(_) => s.serialize_i64(i64::try_from(*i).map_err(serde::ser::Error::custom)?),
            },
            Json::Text(t) => s.serialize_str(t),
            Json::Bytes(b) => {
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry(BYTES_KEY, &hex::encode(b))?;
                map.end()
            }
            Json::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Json::Object(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Json, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value without floats")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Json, E> {
        Ok(Json::Bool(b))
    }
    fn visit_u64<E: de::Error>(self, u: u64) -> Result<Json, E> {
        Ok(Json::Int(i128::from(u)))
    }
    fn visit_i64<E: de::Error>(self, i: i64) -> Result<Json, E> {
        Ok(Json::Int(i128::from(i)))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Json, E> {
        Ok(Json::Text(s.to_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut entries: Vec<(String, Json)> = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Json>()? {
            if entries.iter().any(|(seen, _)| *seen == k) {
                return Err(de::Error::custom(format!("duplicate key {k:?}")));
            }
            entries.push((k, v));
        }
        if let [(k, Json::Text(h))] = entries.as_slice()
            && k == BYTES_KEY
        {
            return hex::decode(h).map(Json::Bytes).map_err(de::Error::custom);
        }
        Ok(Json::Object(entries))
    }
}
