//! Verifying many records at once.
//!
//! Gossip and sync deliver records in bursts; ed25519 batch verification checks a burst for
//! roughly half the cost of checking each signature alone. When a batch fails, each record is
//! checked on its own so that one bad record costs only itself, never its neighbours.

use std::collections::HashMap;

use crate::error::RecordError;
use crate::keys::{AuthorKey, RecordId};
use crate::record::{Envelope, signing_input};

/// Checks every envelope's signature; the result at `i` belongs to `envelopes[i]`.
pub fn verify(envelopes: &[Envelope]) -> Vec<Result<(), RecordError>> {
    verify_with_ids(envelopes)
        .into_iter()
        .map(|result| result.map(|_| ()))
        .collect()
}

/// Checks every envelope's signature like [`verify`], and on success hands back the record id
/// it computed on the way, so that [`crate::Record::from_verified_with_id`] need not hash the
/// payload a second time.
pub fn verify_with_ids(envelopes: &[Envelope]) -> Vec<Result<RecordId, RecordError>> {
    let ids: Vec<RecordId> = envelopes.iter().map(Envelope::id).collect();
    let mut results: Vec<Result<RecordId, RecordError>> = Vec::with_capacity(envelopes.len());
    let mut keys = Vec::with_capacity(envelopes.len());
    let mut inputs = Vec::with_capacity(envelopes.len());
    let mut sigs = Vec::with_capacity(envelopes.len());
    // A burst often holds several records of one author: decompress each key once.
    let mut decoded: HashMap<AuthorKey, Result<ed25519_dalek::VerifyingKey, RecordError>> =
        HashMap::new();
    // Envelopes batching cannot judge alike with `verify_strict` go to single verification.
    let mut single = Vec::new();
    for (i, (envelope, id)) in envelopes.iter().zip(&ids).enumerate() {
        if !r_is_batchable(&envelope.signature.0) {
            single.push(i);
            results.push(Ok(*id));
            continue;
        }
        let key = decoded
            .entry(envelope.author)
            .or_insert_with(|| envelope.author.verifying_key());
        match key {
            Ok(key) => {
                keys.push(*key);
                inputs.push(signing_input(id));
                sigs.push(ed25519_dalek::Signature::from_bytes(&envelope.signature.0));
                results.push(Ok(*id));
            }
            Err(e) => results.push(Err(e.clone())),
        }
    }
    let messages: Vec<&[u8]> = inputs.iter().map(|m| m.as_slice()).collect();
    if keys.is_empty() || ed25519_dalek::verify_batch(&messages, &sigs, &keys).is_ok() {
        for i in single {
            results[i] = verify_one(&envelopes[i], &ids[i]);
        }
        return results;
    }
    // Some signature is bad: find which, one by one.
    for ((envelope, id), result) in envelopes.iter().zip(&ids).zip(results.iter_mut()) {
        if result.is_ok() {
            *result = verify_one(envelope, id);
        }
    }
    results
}

/// [`Envelope::verify`] with the id already computed.
fn verify_one(envelope: &Envelope, id: &RecordId) -> Result<RecordId, RecordError> {
    envelope
        .author
        .verify(&signing_input(id), &envelope.signature)
        .map(|()| *id)
}

/// Whether the signature's R point may be batch-verified: the batch equation accepts a
/// small-order R that `verify_strict` refuses, so such signatures are judged one by one instead.
///
/// Compares bytes with the encodings of the eight small-order points rather than decompressing
/// R (which cost about as much as a fifth of the batch). An R that is not a point at all is
/// refused by `verify_batch` itself, and a failed batch falls back to single verification, so
/// it needs no check here.
fn r_is_batchable(signature: &[u8; 64]) -> bool {
    !has_small_order(&signature[..32])
}

/// The y coordinates (little-endian, sign bit clear) of every encoding of a small-order point,
/// canonical or not: libsodium's `has_small_order` blocklist. With the sign bit either way this
/// is the eight small-order points plus their six non-canonical encodings.
const SMALL_ORDER_Y: [[u8; 32]; 7] = [
    // y = 0: (±sqrt(-1), 0), order 4
    [0; 32],
    // y = 1: the identity, order 1
    [
        0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0,
    ],
    // order 8
    [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98,
        0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53,
        0xfc, 0x05,
    ],
    // order 8
    [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67,
        0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac,
        0x03, 0x7a,
    ],
    // y = p - 1: (0, -1), order 2
    near_p(0xec),
    // y = p, non-canonical 0
    near_p(0xed),
    // y = p + 1, non-canonical 1
    near_p(0xee),
];

/// The little-endian encoding of 2^255 − 256 + `low`. The field prime p = 2^255 − 19 is
/// `near_p(0xed)`, and the numbers next to it differ from it in the first byte only.
const fn near_p(low: u8) -> [u8; 32] {
    let mut y = [0xff; 32];
    y[0] = low;
    y[31] = 0x7f;
    y
}

/// Whether `point` encodes a point of small order, whatever its sign bit.
fn has_small_order(point: &[u8]) -> bool {
    SMALL_ORDER_Y
        .iter()
        .any(|y| point.len() == 32 && point[..31] == y[..31] && (point[31] & 0x7f) == y[31])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::SecretKey;
    use crate::kinds::{Body, Kind, Tombstone};
    use crate::record::{MAX_LIFETIME_MS, Payload, Record};

    fn envelopes(n: usize) -> Vec<Envelope> {
        (0..n)
            .map(|i| {
                let secret = SecretKey::from_bytes(&[i as u8; 32]);
                let payload = Payload::new(
                    "geneva",
                    format!("slot-{i}"),
                    1_790_000_000_000,
                    MAX_LIFETIME_MS,
                    Body::Tombstone(Tombstone {
                        target_kind: Kind::Listing,
                    }),
                );
                Record::sign(&secret, payload).unwrap().envelope
            })
            .collect()
    }

    /// Every blocklisted encoding, with either sign bit, decodes to a small-order point; and
    /// the blocklist agrees with decompression on random and edge-case encodings.
    #[test]
    fn the_small_order_blocklist_is_exactly_the_small_order_encodings() {
        for y in SMALL_ORDER_Y {
            for sign in [0u8, 0x80] {
                let mut bytes = y;
                bytes[31] |= sign;
                let point = ed25519_dalek::VerifyingKey::from_bytes(&bytes);
                assert!(point.is_ok_and(|p| p.is_weak()), "{bytes:02x?}");
                assert!(has_small_order(&bytes));
            }
        }
        let mut candidates: Vec<[u8; 32]> = (0..=255u8).map(|b| [b; 32]).collect();
        for low in 0..=0xffu8 {
            let mut bytes = [0xff; 32];
            bytes[0] = low;
            candidates.push(bytes);
            bytes[31] = 0x7f;
            candidates.push(bytes);
            let mut small = [0u8; 32];
            small[0] = low;
            candidates.push(small);
        }
        for bytes in candidates {
            let decoded_weak =
                ed25519_dalek::VerifyingKey::from_bytes(&bytes).is_ok_and(|p| p.is_weak());
            assert_eq!(has_small_order(&bytes), decoded_weak, "{bytes:02x?}");
        }
    }

    #[test]
    fn a_clean_batch_passes() {
        assert!(verify(&envelopes(64)).iter().all(Result::is_ok));
    }

    #[test]
    fn the_bad_ones_in_a_batch_are_found() {
        let mut batch = envelopes(16);
        batch[3].signature.0[10] ^= 1;
        batch[11].payload.push(0);
        batch[7].author.0 = [0; 32];
        batch[7].author.0[0] = 1;
        let results = verify(&batch);
        for (i, result) in results.iter().enumerate() {
            match i {
                3 | 11 => assert_eq!(result, &Err(RecordError::BadSignature)),
                7 => assert_eq!(result, &Err(RecordError::BadAuthorKey)),
                _ => assert!(result.is_ok(), "record {i}: {result:?}"),
            }
        }
    }
}
