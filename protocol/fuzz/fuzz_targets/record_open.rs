//! Opens arbitrary bytes as a record: envelope framing, author key, signature, payload.
//!
//! Run: `cargo +nightly fuzz run record_open` in `protocol/fuzz/` (see README.md).
//! `protocol/tests/fuzz_corpus.rs` runs the same call on the spec vectors and hostile inputs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smartket_protocol::Record;

/// The clock of `spec/vectors/` (2027-01-15T08:00:00Z), so valid vectors seed the corpus.
const NOW: u64 = 1_800_000_000_000;

fuzz_target!(|data: &[u8]| {
    let _ = Record::open(data, NOW);
});
