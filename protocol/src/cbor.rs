//! CBOR with hard limits.
//!
//! Every byte string that reaches a decoder here came from a peer, a disk or a user. Before serde
//! sees anything, [`check`] walks the item headers once and refuses what could make a decoder
//! allocate or recurse without bound: declared lengths larger than the bytes that remain,
//! collections or strings over the limits, nesting deeper than allowed, indefinite lengths, tags,
//! floats and trailing bytes. After that walk a decoder can only allocate in proportion to the
//! input it was given, so a header that claims 2^32 elements fails in the first few bytes.

use serde::{Serialize, de::DeserializeOwned};

use crate::error::CborError;

/// Bounds applied to one CBOR item before it is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted input, in bytes.
    pub max_bytes: usize,
    /// Deepest accepted nesting of arrays and maps (the top-level item is depth 1).
    pub max_depth: usize,
    /// Most elements in one array, or entries in one map.
    pub max_collection_len: usize,
    /// Longest byte or text string, in bytes.
    pub max_string_len: usize,
}

impl Limits {
    /// Limits for a record payload (see `spec/protocol.md`, "Limits").
    pub const RECORD: Limits = Limits {
        max_bytes: crate::record::MAX_RECORD_BYTES,
        max_depth: 12,
        max_collection_len: 512,
        max_string_len: 16 * 1024,
    };

    /// Limits for the plaintext of a sealed message, which may carry a whole order.
    pub const MESSAGE: Limits = Limits {
        max_bytes: crate::record::MAX_RECORD_BYTES,
        max_depth: 12,
        max_collection_len: 512,
        max_string_len: 16 * 1024,
    };
}

/// Major types of CBOR (RFC 8949 §3.1).
const UINT: u8 = 0;
const NINT: u8 = 1;
const BYTES: u8 = 2;
const TEXT: u8 = 3;
const ARRAY: u8 = 4;
const MAP: u8 = 5;
const TAG: u8 = 6;
const SIMPLE: u8 = 7;

/// Checks that `bytes` hold exactly one well-formed CBOR item inside `limits`.
///
/// The walk is iterative (an explicit stack bounded by `max_depth`), so hostile nesting cannot
/// overflow the call stack either.
pub fn check(bytes: &[u8], limits: &Limits) -> Result<(), CborError> {
    if bytes.len() > limits.max_bytes {
        return Err(CborError::TooLarge {
            size: bytes.len(),
            max: limits.max_bytes,
        });
    }
    // Items still expected at each open nesting level.
    let mut pending: Vec<u64> = Vec::with_capacity(limits.max_depth.min(64));
    let mut pos = 0usize;
    let mut remaining_top = 1u64;
    loop {
        let (major, arg, header_len) = header(bytes, pos)?;
        pos += header_len;
        match major {
            UINT | NINT => {}
            BYTES | TEXT => {
                let len = usize::try_from(arg).map_err(|_| CborError::Truncated { offset: pos })?;
                if len > limits.max_string_len {
                    return Err(CborError::StringTooLong {
                        offset: pos,
                        len: arg,
                        max: limits.max_string_len,
                    });
                }
                let end = pos
                    .checked_add(len)
                    .filter(|end| *end <= bytes.len())
                    .ok_or(CborError::Truncated { offset: pos })?;
                if major == TEXT && std::str::from_utf8(&bytes[pos..end]).is_err() {
                    return Err(CborError::InvalidUtf8 { offset: pos });
                }
                pos = end;
            }
            ARRAY | MAP => {
                let per_entry = if major == MAP { 2 } else { 1 };
                if arg > limits.max_collection_len as u64 {
                    return Err(CborError::CollectionTooLong {
                        offset: pos,
                        len: arg,
                        max: limits.max_collection_len,
                    });
                }
                // Each element takes at least one byte: a count above what remains is a lie.
                let items = arg * per_entry;
                if items > (bytes.len() - pos) as u64 {
                    return Err(CborError::Truncated { offset: pos });
                }
                if items > 0 {
                    if pending.len() + 1 > limits.max_depth {
                        return Err(CborError::TooDeep {
                            max: limits.max_depth,
                        });
                    }
                    pending.push(items);
                    continue;
                }
            }
            TAG => {
                return Err(CborError::Unsupported {
                    offset: pos,
                    what: "tag",
                });
            }
            _ => match arg {
                // false, true, null
                20..=22 => {}
                _ => {
                    return Err(CborError::Unsupported {
                        offset: pos,
                        what: "float or simple value",
                    });
                }
            },
        }
        // One item finished: pop every level it completes.
        loop {
            match pending.last_mut() {
                Some(left) => {
                    *left -= 1;
                    if *left == 0 {
                        pending.pop();
                        continue;
                    }
                    break;
                }
                None => {
                    remaining_top -= 1;
                    break;
                }
            }
        }
        if pending.is_empty() && remaining_top == 0 {
            break;
        }
    }
    if pos != bytes.len() {
        return Err(CborError::TrailingBytes { offset: pos });
    }
    Ok(())
}

/// Reads one item header at `pos`: (major type, argument, header length). Indefinite lengths and
/// reserved additional-information values are refused.
pub(crate) fn header(bytes: &[u8], pos: usize) -> Result<(u8, u64, usize), CborError> {
    let first = *bytes.get(pos).ok_or(CborError::Truncated { offset: pos })?;
    let major = first >> 5;
    let info = first & 0x1f;
    let extra = match info {
        0..=23 => return Ok((major, u64::from(info), 1)),
        24 => 1,
        25 => 2,
        26 => 4,
        27 => 8,
        31 => {
            return Err(CborError::Unsupported {
                offset: pos,
                what: "indefinite length",
            });
        }
        _ => {
            return Err(CborError::Unsupported {
                offset: pos,
                what: "reserved additional information",
            });
        }
    };
    if major == SIMPLE {
        // Half, single and double floats all use 25..=27; simple values use 24.
        return Err(CborError::Unsupported {
            offset: pos,
            what: "float or simple value",
        });
    }
    let arg_bytes = bytes
        .get(pos + 1..pos + 1 + extra)
        .ok_or(CborError::Truncated { offset: pos })?;
    let arg = arg_bytes
        .iter()
        .fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    Ok((major, arg, 1 + extra))
}

/// Checks `bytes` against `limits`, then decodes them.
pub fn decode<T: DeserializeOwned>(bytes: &[u8], limits: &Limits) -> Result<T, CborError> {
    check(bytes, limits)?;
    ciborium::de::from_reader_with_recursion_limit(bytes, limits.max_depth + 4).map_err(|e| {
        CborError::Schema(match e {
            ciborium::de::Error::Semantic(_, msg) => msg,
            other => other.to_string(),
        })
    })
}

/// Encodes a value. Encoding our own types cannot fail except on a bug, which is reported, not
/// hidden.
pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, CborError> {
    let mut out = Vec::with_capacity(256);
    ciborium::ser::into_writer(value, &mut out).map_err(|e| CborError::Encode(e.to_string()))?;
    Ok(out)
}

/// Fixed-size byte arrays as CBOR byte strings (serde would otherwise write arrays of integers).
pub mod byte_array {
    use serde::{Deserializer, Serializer, de};

    /// Writes the array as one CBOR byte string.
    pub fn serialize<S: Serializer, const N: usize>(
        bytes: &[u8; N],
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(bytes)
    }

    /// Reads a byte string of exactly `N` bytes.
    pub fn deserialize<'de, D: Deserializer<'de>, const N: usize>(
        d: D,
    ) -> Result<[u8; N], D::Error> {
        struct Visitor<const N: usize>;
        impl<const N: usize> de::Visitor<'_> for Visitor<N> {
            type Value = [u8; N];
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                write!(f, "a byte string of {N} bytes")
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
                v.try_into().map_err(|_| E::invalid_length(v.len(), &self))
            }
        }
        d.deserialize_bytes(Visitor::<N>)
    }
}

/// Variable-length bytes as CBOR byte strings (serde would otherwise write arrays of integers).
pub mod byte_vec {
    use serde::{Deserializer, Serializer, de};

    /// Writes the bytes as one CBOR byte string.
    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(bytes)
    }

    /// Reads a byte string.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = Vec<u8>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a byte string")
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
                Ok(v.to_vec())
            }
            fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Self::Value, E> {
                Ok(v)
            }
        }
        d.deserialize_byte_buf(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_declared_array_fails_before_allocating() {
        // Array header claiming 2^32 elements, followed by a few bytes.
        let bytes = [0x9b, 0, 0, 0, 1, 0, 0, 0, 0, 0x01];
        let err = check(&bytes, &Limits::RECORD).unwrap_err();
        assert!(
            matches!(err, CborError::CollectionTooLong { .. }),
            "{err:?}"
        );
    }

    #[test]
    fn huge_declared_string_fails() {
        let bytes = [0x5a, 0xff, 0xff, 0xff, 0xff, 0x00];
        assert!(matches!(
            check(&bytes, &Limits::RECORD),
            Err(CborError::StringTooLong { .. })
        ));
        let bytes = [0x59, 0x10, 0x00, 0x00];
        assert!(matches!(
            check(&bytes, &Limits::RECORD),
            Err(CborError::Truncated { .. })
        ));
    }

    #[test]
    fn deep_nesting_is_refused_without_recursion() {
        let bytes = vec![0x81u8; 128 * 1024];
        let limits = Limits {
            max_bytes: 1 << 20,
            ..Limits::RECORD
        };
        assert!(matches!(
            check(&bytes, &limits),
            Err(CborError::TooDeep { .. })
        ));
    }

    #[test]
    fn trailing_bytes_and_indefinite_lengths_are_refused() {
        assert!(matches!(
            check(&[0x01, 0x02], &Limits::RECORD),
            Err(CborError::TrailingBytes { offset: 1 })
        ));
        assert!(matches!(
            check(&[0x9f, 0xff], &Limits::RECORD),
            Err(CborError::Unsupported { .. })
        ));
        assert!(matches!(
            check(&[0xfb, 0, 0, 0, 0, 0, 0, 0, 0], &Limits::RECORD),
            Err(CborError::Unsupported { .. })
        ));
    }

    #[test]
    fn nested_maps_and_empty_collections_are_accepted() {
        // {"a": [1, [], {}], "b": true}
        let bytes = [0xa2, 0x61, b'a', 0x83, 0x01, 0x80, 0xa0, 0x61, b'b', 0xf5];
        check(&bytes, &Limits::RECORD).unwrap();
    }
}
