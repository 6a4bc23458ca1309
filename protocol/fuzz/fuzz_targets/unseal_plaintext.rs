//! Encrypts arbitrary bytes, as the padded plaintext, to the fixed recipient of `unseal`, then
//! opens them: random bytes never decrypt, so this is how the fuzzer reaches the padding, the
//! plaintext framing, the inner-message decoder and the signature check behind the encryption.
#![no_main]

use hpke::aead::ChaCha20Poly1305;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, OpModeS, Serializable};
use libfuzzer_sys::fuzz_target;
use smartket_protocol::cbor::Limits;
use smartket_protocol::seal::{self, BUCKETS, HPKE_AAD, HPKE_INFO, SeedRng, TAG_LEN};
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
    let Ok(pk) = <X25519HkdfSha256 as hpke::Kem>::PublicKey::from_bytes(key.public().as_bytes())
    else {
        return;
    };
    let Ok((enc, ct)) =
        hpke::single_shot_seal_with_rng::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256>(
            &OpModeS::Base,
            &pk,
            HPKE_INFO,
            &padded,
            HPKE_AAD,
            &mut SeedRng::new(&[7; 32]),
        )
    else {
        return;
    };
    let mut sealed = vec![0x83, 0x01, 0x58, 0x20];
    sealed.extend_from_slice(&enc.to_bytes());
    match u16::try_from(ct.len()) {
        Ok(len) => {
            sealed.push(0x59);
            sealed.extend_from_slice(&len.to_be_bytes());
        }
        Err(_) => {
            sealed.push(0x5a);
            sealed.extend_from_slice(&(ct.len() as u32).to_be_bytes());
        }
    }
    sealed.extend_from_slice(&ct);
    let me = SecretKey::from_bytes(&[42; 32]).public();
    let _ = seal::open(&me, &key, &sealed, &Limits::MESSAGE);
});
