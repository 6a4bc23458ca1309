//! Tests of [`crate::seal`]: round trips, tampering, misaddressing, limits and padding.

use super::*;
use crate::messages::fixtures::{self, NOW, consumer, courier, seller};
use crate::messages::{Chat, MessageBody};

fn rng(n: u8) -> SeedRng {
    SeedRng::new(&[n; 32])
}

fn sealed_chat(text: &str) -> SealedMessage {
    let msg = Message {
        id: MessageId([1; 16]),
        market: "geneva".into(),
        body: MessageBody::Chat(Chat {
            order_id: None,
            text: text.into(),
        }),
    };
    seal_with_rng(&consumer().secret, &seller().keys(), &msg, NOW, &mut rng(1)).unwrap()
}

#[test]
fn every_message_kind_round_trips_through_seal_and_open() {
    let (from, to) = (consumer(), seller());
    for msg in fixtures::all_messages() {
        let sealed = seal(&from.secret, &to.keys(), &msg, NOW).unwrap();
        let opened = open(
            &to.secret.public(),
            &to.enc,
            sealed.as_bytes(),
            &Limits::MESSAGE,
        )
        .unwrap();
        assert_eq!(opened.body, msg.body);
        assert_eq!(opened.id, msg.id);
        assert_eq!(opened.market, "geneva");
        assert_eq!(opened.from, from.secret.public());
        assert_eq!(opened.to, to.keys());
        assert_eq!(opened.sent_ms, NOW);
        opened.verify().unwrap();
    }
}

#[test]
fn a_fixed_seed_reproduces_the_same_sealed_bytes() {
    let msg = &fixtures::all_messages()[0];
    let seal_once =
        || seal_with_rng(&consumer().secret, &seller().keys(), msg, NOW, &mut rng(9)).unwrap();
    assert_eq!(seal_once(), seal_once());
    let other = seal_with_rng(&consumer().secret, &seller().keys(), msg, NOW, &mut rng(8));
    assert_ne!(seal_once(), other.unwrap());
}

#[test]
fn opening_with_another_encryption_key_fails_to_decrypt() {
    let sealed = sealed_chat("bonjour");
    let err = open(
        &seller().secret.public(),
        &courier().enc,
        sealed.as_bytes(),
        &Limits::MESSAGE,
    )
    .unwrap_err();
    assert_eq!(err, SealError::DecryptionFailed);
}

/// Every byte of a sealed message changed, at every position (the outer CBOR header, the
/// version, the `enc` and `ct` headers, `enc`, the ciphertext and its tag) and three ways: no
/// change opens. A header byte changed gives a framing error, any other a failed decryption.
#[test]
fn every_changed_byte_of_a_sealed_message_is_refused() {
    let sealed = sealed_chat("bonjour").into_bytes();
    let me = seller();
    assert!(open(&me.secret.public(), &me.enc, &sealed, &Limits::MESSAGE).is_ok());
    // [array(3), version 1, bytes(32) header (2 bytes), enc (32), ct header (3 bytes), ct]
    let ct_start = 1 + 1 + 2 + 32 + 3;
    assert_eq!(sealed.len(), ct_start + BUCKETS[0]);
    for index in 0..sealed.len() {
        for mask in [0x01, 0x10, 0x80] {
            let mut bad = sealed.clone();
            bad[index] ^= mask;
            let err = open(&me.secret.public(), &me.enc, &bad, &Limits::MESSAGE)
                .expect_err(&format!("byte {index} ^ {mask:#04x} still opens"));
            if (4..36).contains(&index) || index >= ct_start {
                assert_eq!(
                    err,
                    SealError::DecryptionFailed,
                    "byte {index} ^ {mask:#04x}"
                );
            }
        }
    }
}

#[test]
fn a_message_re_sealed_by_its_recipient_to_a_third_party_is_not_addressed_to_them() {
    let (alice, bob, carol) = (consumer(), seller(), courier());
    let sealed = sealed_chat("pour Bob seulement");
    let opened = open(
        &bob.secret.public(),
        &bob.enc,
        sealed.as_bytes(),
        &Limits::MESSAGE,
    )
    .unwrap();
    // Bob re-encrypts Alice's signed plaintext, unchanged, to Carol.
    let plaintext = ciborium::Value::Array(vec![
        ciborium::Value::Bytes(opened.inner.clone()),
        ciborium::Value::Bytes(opened.signature.as_bytes().to_vec()),
    ]);
    let plaintext = cbor::encode(&plaintext).unwrap();
    let forwarded = seal_plaintext(&carol.keys(), &plaintext, &mut rng(2)).unwrap();
    let err = open(
        &carol.secret.public(),
        &carol.enc,
        forwarded.as_bytes(),
        &Limits::MESSAGE,
    )
    .unwrap_err();
    assert_eq!(err, SealError::NotAddressedToMe);
    assert_eq!(opened.from, alice.secret.public());
}

#[test]
fn the_right_encryption_key_with_another_identity_is_not_addressed_to_me() {
    let sealed = sealed_chat("bonjour");
    let err = open(
        &courier().secret.public(),
        &seller().enc,
        sealed.as_bytes(),
        &Limits::MESSAGE,
    )
    .unwrap_err();
    assert_eq!(err, SealError::NotAddressedToMe);
}

#[test]
fn a_signature_by_another_key_is_refused() {
    let to = seller();
    let msg = &fixtures::all_messages()[3];
    let plaintext = inner::sign(&consumer().secret, &to.keys(), msg, NOW).unwrap();
    let (inner_bytes, _) = inner::split(&plaintext).unwrap();
    let forged = courier().secret.sign(&signing_input(inner_bytes));
    let plaintext = cbor::encode(&ciborium::Value::Array(vec![
        ciborium::Value::Bytes(inner_bytes.to_vec()),
        ciborium::Value::Bytes(forged.as_bytes().to_vec()),
    ]))
    .unwrap();
    let sealed = seal_plaintext(&to.keys(), &plaintext, &mut rng(3)).unwrap();
    let err = open(
        &to.secret.public(),
        &to.enc,
        sealed.as_bytes(),
        &Limits::MESSAGE,
    )
    .unwrap_err();
    assert_eq!(err, SealError::BadSignature);
}

#[test]
fn oversize_and_malformed_sealed_bytes_give_typed_errors() {
    let me = seller();
    let open_bytes = |bytes: &[u8]| {
        open(&me.secret.public(), &me.enc, bytes, &Limits::MESSAGE)
            .unwrap_err()
            .code()
    };
    assert_eq!(open_bytes(&vec![0u8; MAX_SEALED_BYTES + 1]), "oversize");
    assert_eq!(open_bytes(&[]), "malformed");
    assert_eq!(open_bytes(&[0x83, 0x01]), "malformed");
    // An array header claiming 2^32 items, then nothing.
    assert_eq!(open_bytes(&[0x9a, 0xff, 0xff, 0xff, 0xff]), "malformed");
    let good = sealed_chat("bonjour").into_bytes();
    let mut future = good.clone();
    future[1] = 0x02;
    assert_eq!(open_bytes(&future), "unknown_version");
    // A ciphertext that is not a bucket size is refused before decryption.
    let mut short = good[..good.len() - 1].to_vec();
    short[37..39].copy_from_slice(&1023u16.to_be_bytes());
    assert_eq!(open_bytes(&short), "malformed");
    let mut trailing = good.clone();
    trailing.push(0);
    assert_eq!(open_bytes(&trailing), "malformed");
}

#[test]
fn padded_lengths_fall_in_the_buckets() {
    for (len, bucket) in [
        (0, 1024),
        (1004, 1024),
        (1005, 4096),
        (4076, 4096),
        (4077, 16384),
        (MAX_PLAINTEXT, 65536),
    ] {
        assert_eq!(bucket_for(len), Some(bucket), "{len}");
        let padded = pad(&vec![0xaa; len]).unwrap();
        assert_eq!(padded.len() + TAG_LEN, bucket);
        assert_eq!(unpad(&padded).unwrap(), &vec![0xaa; len][..]);
    }
    assert_eq!(
        pad(&vec![0; MAX_PLAINTEXT + 1]).unwrap_err().code(),
        "oversize"
    );
    for (chars, bucket) in [
        (1, 1024),
        (300, 1024),
        (600, 4096),
        (1800, 4096),
        (2000, 16384),
    ] {
        let sealed = sealed_chat(&"é".repeat(chars));
        let (_, ct) = parse_outer(sealed.as_bytes()).unwrap();
        assert_eq!(ct.len(), bucket, "{chars} characters");
    }
}

#[test]
fn padding_with_a_non_zero_byte_or_a_long_length_is_refused() {
    let mut padded = pad(b"hello").unwrap();
    padded[100] = 1;
    assert_eq!(unpad(&padded).unwrap_err().code(), "malformed");
    let mut padded = pad(b"hello").unwrap();
    padded[..4].copy_from_slice(&2000u32.to_be_bytes());
    assert_eq!(unpad(&padded).unwrap_err().code(), "malformed");
}

#[test]
fn only_bytes_that_fill_a_bucket_are_encrypted_as_padded() {
    let to = seller().enc.public();
    for len in [0, 100, 1024, 1024 - TAG_LEN + 1, 64 * 1024] {
        let err = encrypt_padded(&to, &vec![0; len], &mut rng(1)).unwrap_err();
        assert_eq!(err.code(), "malformed", "{len} bytes");
    }
    let padded = pad(b"hello").unwrap();
    let sealed = encrypt_padded(&to, &padded, &mut rng(1)).unwrap();
    assert_eq!(bucket_of(sealed.as_bytes()), Ok(padded.len() + TAG_LEN));
}

#[test]
fn invalid_fields_are_refused_when_sealing() {
    let mut msg = fixtures::all_messages().remove(3);
    msg.body = MessageBody::Chat(Chat {
        order_id: None,
        text: "x".repeat(4001),
    });
    let err = seal(&consumer().secret, &seller().keys(), &msg, NOW).unwrap_err();
    assert!(
        matches!(&err, SealError::InvalidField(f) if f.field == "body.text"),
        "{err:?}"
    );
    msg.body = MessageBody::Chat(fixtures::chat());
    msg.market = "Genève".into();
    let err = seal(&consumer().secret, &seller().keys(), &msg, NOW).unwrap_err();
    assert_eq!(err.code(), "invalid_field");
}

#[test]
fn a_low_order_recipient_key_cannot_be_sealed_to() {
    let mut to = seller().keys();
    to.enc = crate::messages::EncryptionPublicKey([0; 32]);
    let msg = &fixtures::all_messages()[3];
    let err = seal(&consumer().secret, &to, msg, NOW).unwrap_err();
    assert_eq!(err, SealError::BadRecipientKey);
}

#[test]
fn the_sender_keeps_what_the_recipient_opens_and_both_reopen_it() {
    let (from, to) = (consumer(), seller());
    let msg = &fixtures::all_messages()[0];
    let (sealed, kept) = seal_keeping(&from.secret, &to.keys(), msg, NOW).unwrap();
    let opened = open(
        &to.secret.public(),
        &to.enc,
        sealed.as_bytes(),
        &Limits::MESSAGE,
    )
    .unwrap();
    assert_eq!(kept, opened);
    let again = reopen(&kept.inner, &kept.signature, &Limits::MESSAGE).unwrap();
    assert_eq!(again, opened);

    let mut tampered = kept.inner.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    assert!(reopen(&tampered, &kept.signature, &Limits::MESSAGE).is_err());
    let other = seal_keeping(&from.secret, &to.keys(), &fixtures::all_messages()[1], NOW)
        .unwrap()
        .1;
    assert_eq!(
        reopen(&kept.inner, &other.signature, &Limits::MESSAGE),
        Err(SealError::BadSignature)
    );
}
