//! Verifying many records at once.
//!
//! Gossip and sync deliver records in bursts; ed25519 batch verification checks a burst for
//! roughly half the cost of checking each signature alone. When a batch fails, each record is
//! checked on its own so that one bad record costs only itself, never its neighbours.

use crate::error::RecordError;
use crate::record::{Envelope, signing_input};

/// Checks every envelope's signature; the result at `i` belongs to `envelopes[i]`.
pub fn verify(envelopes: &[Envelope]) -> Vec<Result<(), RecordError>> {
    let mut results: Vec<Result<(), RecordError>> = Vec::with_capacity(envelopes.len());
    let mut keys = Vec::with_capacity(envelopes.len());
    let mut inputs = Vec::with_capacity(envelopes.len());
    let mut sigs = Vec::with_capacity(envelopes.len());
    // Envelopes batching cannot judge alike with `verify_strict` go to single verification.
    let mut single = Vec::new();
    for (i, envelope) in envelopes.iter().enumerate() {
        if !r_is_batchable(&envelope.signature.0) {
            single.push(i);
            results.push(Ok(()));
            continue;
        }
        match envelope.author.verifying_key() {
            Ok(key) => {
                keys.push(key);
                inputs.push(signing_input(&envelope.id()));
                sigs.push(ed25519_dalek::Signature::from_bytes(&envelope.signature.0));
                results.push(Ok(()));
            }
            Err(e) => results.push(Err(e)),
        }
    }
    let messages: Vec<&[u8]> = inputs.iter().map(|m| m.as_slice()).collect();
    if keys.is_empty() || ed25519_dalek::verify_batch(&messages, &sigs, &keys).is_ok() {
        for i in single {
            results[i] = envelopes[i].verify();
        }
        return results;
    }
    // Some signature is bad: find which, one by one.
    for (envelope, result) in envelopes.iter().zip(results.iter_mut()) {
        if result.is_ok() {
            *result = envelope.verify();
        }
    }
    results
}

/// Whether the signature's R point may be batch-verified: the batch equation accepts a
/// small-order R (or one that is not a point) that `verify_strict` refuses, so such signatures
/// are judged one by one instead.
fn r_is_batchable(signature: &[u8; 64]) -> bool {
    let mut r = [0u8; 32];
    r.copy_from_slice(&signature[..32]);
    ed25519_dalek::VerifyingKey::from_bytes(&r).is_ok_and(|point| !point.is_weak())
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
