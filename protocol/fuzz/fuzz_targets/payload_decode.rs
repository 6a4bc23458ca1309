//! Decodes arbitrary bytes as a payload whose signature is taken as checked.
//!
//! Random input almost never carries a valid signature, so `record_open` rarely reaches the
//! payload decoder; this target feeds it directly, through the same call the batch-verified
//! path uses (`Record::from_verified`), which also runs the clock and countersignature rules.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smartket_protocol::{AuthorKey, Envelope, Payload, Record, Signature};

/// The clock of `spec/vectors/` (2027-01-15T08:00:00Z).
const NOW: u64 = 1_800_000_000_000;

fuzz_target!(|data: &[u8]| {
    let mut author = AuthorKey([0x19; 32]);
    if let Ok(payload) = Payload::decode(data) {
        // Signed by the author it names, as the envelope check requires.
        author = payload.author;
        // Whatever decodes is valid and re-encodes without error.
        assert!(payload.validate().is_ok());
        assert!(payload.encode().is_ok());
    }
    let envelope = Envelope {
        payload: data.to_vec(),
        author,
        signature: Signature([0; 64]),
    };
    let _ = Record::from_verified(envelope, NOW);
});
