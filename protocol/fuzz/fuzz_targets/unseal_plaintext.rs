//! Encrypts arbitrary bytes, as the padded plaintext, to the fixed recipient of `unseal`, then
//! opens them: random bytes never decrypt, so this is how the fuzzer reaches the padding, the
//! plaintext framing, the inner-message decoder and the signature check behind the encryption.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smartket_protocol::cbor::Limits;
use smartket_protocol::seal::{self, BUCKETS, SeedRng, TAG_LEN};
use smartket_protocol::{EncryptionKey, SecretKey};

fuzz_target!(|data: &[u8]| {
    // The smallest bucket the bytes fit, zero-filled: the fuzzer controls the length prefix and
    // the padding as well as the plaintext.
    let Some(bucket) = BUCKETS.into_iter().find(|b| data.len() + TAG_LEN <= *b) else {
        return;
    };
    let mut padded = data.to_vec();
    padded.resize(bucket - TAG_LEN, 0);
    let key = EncryptionKey::from_seed(&[142; 32]);
    let Ok(sealed) = seal::encrypt_padded(&key.public(), &padded, &mut SeedRng::new(&[7; 32]))
    else {
        return;
    };
    let me = SecretKey::from_bytes(&[42; 32]).public();
    let _ = seal::open(&me, &key, sealed.as_bytes(), &Limits::MESSAGE);
});
