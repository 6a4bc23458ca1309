//! Opens arbitrary bytes as a sealed message to a fixed recipient: outer framing, version and
//! bucket checks, then HPKE decryption (which random bytes fail).
//!
//! The recipient is the farm of `spec/vectors/` (identity `[42; 32]`, encryption seed
//! `[142; 32]`), so the sealed vectors addressed to it seed the corpus and open.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smartket_protocol::cbor::Limits;
use smartket_protocol::{EncryptionKey, SecretKey, seal};

fuzz_target!(|data: &[u8]| {
    let me = SecretKey::from_bytes(&[42; 32]).public();
    let key = EncryptionKey::from_seed(&[142; 32]);
    if let Ok(opened) = seal::open(&me, &key, data, &Limits::MESSAGE) {
        // Whatever opens was signed by its sender and addressed to us.
        assert!(opened.verify().is_ok());
        assert_eq!(opened.to.author, me);
    }
});
