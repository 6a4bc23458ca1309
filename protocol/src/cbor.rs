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
pub(crate) const UINT: u8 = 0;
const NINT: u8 = 1;
pub(crate) const BYTES: u8 = 2;
pub(crate) const TEXT: u8 = 3;
pub(crate) const ARRAY: u8 = 4;
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

/// [`decode`] for a message whose version field must be 1: any other is refused with `unknown`
/// before the caller checks fields that a later version may mean differently.
pub(crate) fn decode_v1<T: DeserializeOwned, E: From<CborError>>(
    bytes: &[u8],
    limits: &Limits,
    version: impl FnOnce(&T) -> u64,
    unknown: impl FnOnce(u64) -> E,
) -> Result<T, E> {
    let value: T = decode(bytes, limits)?;
    match version(&value) {
        1 => Ok(value),
        other => Err(unknown(other)),
    }
}

/// How many bytes the header of argument `arg` takes in shortest form (RFC 8949 §4.2.1): the
/// formats that allow one encoding only compare it with the length [`header`] read.
pub(crate) fn shortest_header_len(arg: u64) -> usize {
    match arg {
        0..=23 => 1,
        24..=0xff => 2,
        0x100..=0xffff => 3,
        0x1_0000..=0xffff_ffff => 5,
        _ => 9,
    }
}

/// Writes a header in shortest form, for the messages that are framed by hand (sync steps,
/// blob chunks, mailbox frames) rather than through serde.
pub(crate) fn put(out: &mut Vec<u8>, major: u8, arg: u64) {
    let m = major << 5;
    match arg {
        0..=23 => out.push(m | arg as u8),
        24..=0xff => out.extend_from_slice(&[m | 24, arg as u8]),
        0x100..=0xffff => {
            out.push(m | 25);
            out.extend_from_slice(&(arg as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(m | 26);
            out.extend_from_slice(&(arg as u32).to_be_bytes());
        }
        _ => {
            out.push(m | 27);
            out.extend_from_slice(&arg.to_be_bytes());
        }
    }
}

/// Writes a byte string.
pub(crate) fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put(out, BYTES, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// Why a [`Reader`] stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ReadError {
    /// The bytes are not CBOR, or not CBOR the reader accepts.
    Malformed(CborError),
    /// Well-formed CBOR with an item of the wrong type or length where the frame has it.
    Shape(&'static str),
}

impl From<CborError> for ReadError {
    fn from(e: CborError) -> ReadError {
        ReadError::Malformed(e)
    }
}

/// Reads a hand-framed message item by item. Every step is bounds-checked, so it may run
/// before [`check`] as well as after it (a sync message's range count is read first, so that a
/// hostile count fails before the whole walk).
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    shortest_only: bool,
}

impl<'a> Reader<'a> {
    /// A reader of `bytes` that takes a header of any length.
    pub(crate) fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader {
            bytes,
            pos: 0,
            shortest_only: false,
        }
    }

    /// A reader of `bytes` that refuses any header not in shortest form: with one encoding per
    /// frame, a decoded frame re-encodes to the same bytes, so logs, ids and test vectors never
    /// disagree about what was received.
    pub(crate) fn shortest_form(bytes: &'a [u8]) -> Reader<'a> {
        Reader {
            shortest_only: true,
            ..Reader::new(bytes)
        }
    }

    /// The argument of the next header, which must be of major type `major`.
    fn next(&mut self, major: u8) -> Result<u64, ReadError> {
        let (found, arg, len) = header(self.bytes, self.pos)?;
        if self.shortest_only && len != shortest_header_len(arg) {
            return Err(ReadError::Malformed(CborError::Unsupported {
                offset: self.pos,
                what: "header not in shortest form",
            }));
        }
        if found != major {
            return Err(ReadError::Shape(match major {
                UINT => "expected an unsigned integer",
                BYTES => "expected a byte string",
                TEXT => "expected a text string",
                _ => "expected an array",
            }));
        }
        self.pos += len;
        Ok(arg)
    }

    /// An unsigned integer.
    pub(crate) fn uint(&mut self) -> Result<u64, ReadError> {
        self.next(UINT)
    }

    /// An array header, returning its length.
    pub(crate) fn array(&mut self) -> Result<u64, ReadError> {
        self.next(ARRAY)
    }

    fn string(&mut self, major: u8) -> Result<&'a [u8], ReadError> {
        let len = usize::try_from(self.next(major)?)
            .map_err(|_| CborError::Truncated { offset: self.pos })?;
        let out = self
            .pos
            .checked_add(len)
            .and_then(|end| self.bytes.get(self.pos..end))
            .ok_or(CborError::Truncated { offset: self.pos })?;
        self.pos += len;
        Ok(out)
    }

    /// A byte string.
    pub(crate) fn bytes(&mut self) -> Result<&'a [u8], ReadError> {
        self.string(BYTES)
    }

    /// A byte string of exactly `N` bytes; `what` says what it is when it is not.
    pub(crate) fn fixed<const N: usize>(
        &mut self,
        what: &'static str,
    ) -> Result<[u8; N], ReadError> {
        self.bytes()?.try_into().map_err(|_| ReadError::Shape(what))
    }

    /// A text string.
    pub(crate) fn text(&mut self) -> Result<&'a str, ReadError> {
        let offset = self.pos;
        std::str::from_utf8(self.string(TEXT)?)
            .map_err(|_| ReadError::Malformed(CborError::InvalidUtf8 { offset }))
    }
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
    fn a_shortest_form_reader_refuses_longer_headers_and_a_plain_one_takes_them() {
        assert_eq!(Reader::shortest_form(&[0x17]).uint(), Ok(23));
        assert_eq!(Reader::shortest_form(&[0x18, 24]).uint(), Ok(24));
        for (long, value) in [
            (&[0x18, 0x17][..], 0x17),
            (&[0x19, 0x00, 0xff], 0xff),
            (&[0x1a, 0x00, 0x00, 0xff, 0xff], 0xffff),
            (&[0x1b, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff], 0xffff_ffff),
        ] {
            assert!(matches!(
                Reader::shortest_form(long).uint(),
                Err(ReadError::Malformed(CborError::Unsupported { .. }))
            ));
            assert_eq!(Reader::new(long).uint(), Ok(value));
        }
    }

    #[test]
    fn nested_maps_and_empty_collections_are_accepted() {
        // {"a": [1, [], {}], "b": true}
        let bytes = [0xa2, 0x61, b'a', 0x83, 0x01, 0x80, 0xa0, 0x61, b'b', 0xf5];
        check(&bytes, &Limits::RECORD).unwrap();
    }
}
