use super::*;
use crate::cbor::BYTES;
use crate::error::CborError;

fn key() -> EncryptionPublicKey {
    EncryptionPublicKey([3; 32])
}

fn proof() -> Proof {
    Proof {
        issued_ms: 1_800_000_000_000,
        mac: [4; 32],
    }
}

fn requests() -> Vec<MailboxRequest> {
    vec![
        MailboxRequest::Deposit {
            recipient: key(),
            expires_ms: 1_800_000_000_000,
            sealed: vec![1; 1065],
        },
        MailboxRequest::Deposit {
            recipient: key(),
            expires_ms: u64::MAX,
            sealed: vec![1; MAX_SEALED_BYTES],
        },
        MailboxRequest::Challenge { recipient: key() },
        MailboxRequest::Fetch {
            recipient: key(),
            proof: proof(),
            after: None,
            max: 16,
        },
        MailboxRequest::Fetch {
            recipient: key(),
            proof: proof(),
            after: Some(MailboxId([5; 32])),
            max: 1,
        },
        MailboxRequest::Ack {
            recipient: key(),
            proof: proof(),
            ids: vec![MailboxId([6; 32])],
        },
        MailboxRequest::Ack {
            recipient: key(),
            proof: proof(),
            ids: (0..=255u8).map(|i| MailboxId([i; 32])).collect(),
        },
        MailboxRequest::Notify { recipient: key() },
    ]
}

fn responses() -> Vec<MailboxResponse> {
    vec![
        MailboxResponse::Accepted {
            id: MailboxId([7; 32]),
            expires_ms: 1_800_000_000_000,
        },
        MailboxResponse::Refused {
            code: RefuseCode::RecipientQuota,
            reason: "256 messages waiting".into(),
        },
        MailboxResponse::Challenge(Challenge {
            issued_ms: 1_800_000_000_000,
            enc: [8; 32],
            ct: [9; 48],
        }),
        MailboxResponse::Page {
            messages: vec![],
            more: false,
        },
        MailboxResponse::Page {
            messages: (0..MAX_PAGE_MESSAGES)
                .map(|i| {
                    StoredMessage::new(
                        u64::MAX - i as u64,
                        u64::MAX,
                        vec![i as u8; MAX_SEALED_BYTES],
                    )
                })
                .collect(),
            more: true,
        },
        MailboxResponse::Acked { deleted: 256 },
        MailboxResponse::Noted,
    ]
}

#[test]
fn every_request_round_trips_within_the_limit() {
    let mut largest = 0;
    for request in requests() {
        let bytes = request.encode();
        largest = largest.max(bytes.len());
        assert_eq!(MailboxRequest::decode(&bytes), Ok(request));
    }
    assert_eq!(largest, MAX_MAILBOX_REQUEST_BYTES);
}

#[test]
fn every_response_round_trips_within_the_limit() {
    let mut largest = 0;
    for response in responses() {
        let bytes = response.encode();
        largest = largest.max(bytes.len());
        assert_eq!(MailboxResponse::decode(&bytes), Ok(response));
    }
    assert_eq!(largest, MAX_MAILBOX_RESPONSE_BYTES);
}

#[test]
fn truncated_or_extended_frames_fail_cleanly() {
    for request in requests().into_iter().take(6) {
        let good = request.encode();
        for cut in (0..good.len()).step_by(7) {
            assert!(
                MailboxRequest::decode(&good[..cut]).is_err(),
                "cut at {cut}"
            );
        }
        let mut trailing = good.clone();
        trailing.push(0);
        assert!(MailboxRequest::decode(&trailing).is_err());
    }
    for response in responses().into_iter().take(4) {
        let good = response.encode();
        for cut in 0..good.len() {
            assert!(
                MailboxResponse::decode(&good[..cut]).is_err(),
                "cut at {cut}"
            );
        }
    }
}

#[test]
fn unknown_versions_types_and_wrong_arity_are_typed_errors() {
    assert_eq!(
        MailboxRequest::decode(&[0x83, 0x02, 0x01, 0x40]),
        Err(WireError::UnknownVersion(2))
    );
    assert_eq!(
        MailboxRequest::decode(&[0x81, 0x02]),
        Err(WireError::UnknownVersion(2))
    );
    assert_eq!(
        MailboxRequest::decode(&[0x83, 0x01, 0x09, 0x40]),
        Err(WireError::UnknownType(9))
    );
    assert!(matches!(
        MailboxRequest::decode(&[0x81, 0x01]),
        Err(WireError::Shape(_))
    ));
    // A challenge with an extra item.
    let mut extra = vec![0x84, 0x01, 0x01, 0x58, 32];
    extra.extend_from_slice(&[3; 32]);
    extra.push(0x00);
    assert!(matches!(
        MailboxRequest::decode(&extra),
        Err(WireError::Shape(_))
    ));
    // A 31-byte key.
    let mut short = vec![0x83, 0x01, 0x01, 0x58, 31];
    short.extend_from_slice(&[3; 31]);
    assert!(matches!(
        MailboxRequest::decode(&short),
        Err(WireError::Shape(_))
    ));
    assert_eq!(
        MailboxResponse::decode(&[0x81, 0x06]),
        Err(WireError::UnknownType(6))
    );
    assert!(matches!(
        MailboxResponse::decode(&[0x81, 0x04]),
        Err(WireError::Shape(_))
    ));
    assert_eq!(
        MailboxResponse::decode(&[0x83, 0x01, 0x00, 0x60]),
        Err(WireError::UnknownCode(0))
    );
    // Maps are not frames.
    assert!(MailboxRequest::decode(&[0xa1, 0x01, 0x02]).is_err());
    assert!(MailboxResponse::decode(&[0xa1, 0x01, 0x02]).is_err());
}

#[test]
fn a_notify_is_one_key_and_noted_is_its_type_alone() {
    let mut notify = vec![0x83, 0x01, 0x04, 0x58, 32];
    notify.extend_from_slice(&[3; 32]);
    assert_eq!(
        MailboxRequest::decode(&notify),
        Ok(MailboxRequest::Notify { recipient: key() })
    );
    let mut extra = notify.clone();
    extra[0] = 0x84;
    extra.push(0x00);
    assert!(matches!(
        MailboxRequest::decode(&extra),
        Err(WireError::Shape(_))
    ));
    let mut short = vec![0x83, 0x01, 0x04, 0x58, 31];
    short.extend_from_slice(&[3; 31]);
    assert!(matches!(
        MailboxRequest::decode(&short),
        Err(WireError::Shape(_))
    ));
    assert_eq!(
        MailboxResponse::decode(&[0x81, 0x05]),
        Ok(MailboxResponse::Noted)
    );
    assert!(matches!(
        MailboxResponse::decode(&[0x82, 0x05, 0x00]),
        Err(WireError::Shape(_))
    ));
}

#[test]
fn out_of_range_values_are_refused() {
    let fetch = |after: &[u8], max: u64| {
        let mut out = vec![0x86, 0x01, 0x02, 0x58, 32];
        out.extend_from_slice(&[3; 32]);
        out.extend_from_slice(&[0x82, 0x00, 0x58, 32]);
        out.extend_from_slice(&[4; 32]);
        put_bytes(&mut out, after);
        put(&mut out, UINT, max);
        MailboxRequest::decode(&out)
    };
    assert!(fetch(&[], 16).is_ok());
    assert!(fetch(&[5; 32], 1).is_ok());
    assert!(matches!(fetch(&[], 0), Err(WireError::OutOfRange(_))));
    assert!(matches!(fetch(&[], 17), Err(WireError::OutOfRange(_))));
    assert!(matches!(fetch(&[], 256 + 1), Err(WireError::OutOfRange(_))));
    assert!(matches!(fetch(&[5; 16], 1), Err(WireError::Shape(_))));

    let mut empty_ack = vec![0x85, 0x01, 0x03, 0x58, 32];
    empty_ack.extend_from_slice(&[3; 32]);
    empty_ack.extend_from_slice(&[0x82, 0x00, 0x58, 32]);
    empty_ack.extend_from_slice(&[4; 32]);
    empty_ack.push(0x80);
    assert!(matches!(
        MailboxRequest::decode(&empty_ack),
        Err(WireError::OutOfRange(_))
    ));
    // 257 ids: over the collection limit before anything is read.
    let mut big_ack = empty_ack[..empty_ack.len() - 1].to_vec();
    put(&mut big_ack, ARRAY, 257);
    for _ in 0..257 {
        put_bytes(&mut big_ack, &[6; 32]);
    }
    assert!(matches!(
        MailboxRequest::decode(&big_ack),
        Err(WireError::Malformed(CborError::CollectionTooLong { .. }))
    ));

    assert!(matches!(
        MailboxResponse::decode(&[0x83, 0x03, 0x80, 0x02]),
        Err(WireError::OutOfRange(_))
    ));
    assert!(matches!(
        MailboxResponse::decode(&[0x82, 0x04, 0x19, 0x01, 0x01]),
        Err(WireError::OutOfRange(_))
    ));
    // 17 entries in a page.
    let mut page = vec![0x83, 0x03];
    put(&mut page, ARRAY, 17);
    page.resize(page.len() + 17 * 40, 0);
    assert!(matches!(
        MailboxResponse::decode(&page),
        Err(WireError::Malformed(CborError::CollectionTooLong { .. }))
    ));
}

#[test]
fn a_page_entry_whose_id_does_not_match_its_bytes_is_refused() {
    let mut message = StoredMessage::new(1, 2, vec![1, 2, 3]);
    message.id.0[0] ^= 1;
    let bytes = MailboxResponse::Page {
        messages: vec![message],
        more: false,
    }
    .encode();
    assert_eq!(MailboxResponse::decode(&bytes), Err(WireError::IdMismatch));
}

#[test]
fn an_oversize_deposit_fails_before_allocation() {
    let mut over = vec![0x85, 0x01, 0x00, 0x58, 32];
    over.extend_from_slice(&[3; 32]);
    over.push(0x01);
    put(&mut over, BYTES, u64::from(u32::MAX));
    assert!(matches!(
        MailboxRequest::decode(&over),
        Err(WireError::Malformed(CborError::StringTooLong { .. }))
    ));
}

#[test]
fn every_short_input_decodes_or_fails_cleanly() {
    for a in 0..=255u8 {
        for b in 0..=255u8 {
            let _ = MailboxRequest::decode(&[a, b]);
            let _ = MailboxRequest::decode(&[0x85, 0x01, a, b]);
            let _ = MailboxResponse::decode(&[a, b]);
            let _ = MailboxResponse::decode(&[0x83, 0x03, a, b]);
        }
    }
}

#[test]
fn deposits_are_checked_for_expiry_ttl_and_sealed_format() {
    use crate::seal::{SEAL_VERSION, TAG_LEN};
    let now = 1_800_000_000_000;
    let mut sealed = vec![0x83, SEAL_VERSION as u8, 0x58, 32];
    sealed.extend_from_slice(&[1; 32]);
    sealed.extend_from_slice(&[0x59, 0x04, 0x00]);
    sealed.resize(sealed.len() + 1024, 0);
    assert_eq!(check_deposit(&sealed, now + 1, now), Ok(1024));
    assert_eq!(check_deposit(&sealed, now + MAX_TTL_MS, now), Ok(1024));
    assert_eq!(
        check_deposit(&sealed, now + MAX_TTL_MS + 1, now),
        Err(RefuseCode::TtlTooLong)
    );
    assert_eq!(check_deposit(&sealed, now, now), Err(RefuseCode::Expired));
    assert_eq!(check_deposit(&sealed, 0, now), Err(RefuseCode::Expired));
    let not_a_bucket = &sealed[..sealed.len() - TAG_LEN];
    assert_eq!(
        check_deposit(not_a_bucket, now + 1, now),
        Err(RefuseCode::Malformed)
    );
    assert_eq!(
        check_deposit(b"plain text", now + 1, now),
        Err(RefuseCode::Malformed)
    );
    let mut version = sealed.clone();
    version[1] = 2;
    assert_eq!(
        check_deposit(&version, now + 1, now),
        Err(RefuseCode::UnknownVersion)
    );
    assert_eq!(
        check_deposit(&vec![0; MAX_SEALED_BYTES + 1], now + 1, now),
        Err(RefuseCode::TooBig)
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = MailboxRequest::decode(&bytes);
            let _ = MailboxResponse::decode(&bytes);
            let _ = crate::mailbox::MsgRequest::decode(&bytes);
            let _ = crate::mailbox::MsgResponse::decode(&bytes);
        }

        #[test]
        fn a_changed_byte_in_a_valid_frame_decodes_or_fails_cleanly(
            which in 0usize..6, at in any::<prop::sample::Index>(), to in any::<u8>(),
        ) {
            let requests = requests();
            let mut bytes = requests[which % requests.len()].encode();
            let i = at.index(bytes.len());
            bytes[i] = to;
            if let Ok(request) = MailboxRequest::decode(&bytes) {
                prop_assert_eq!(request.encode(), bytes);
            }
            let responses = responses();
            let mut bytes = responses[which % 4].encode();
            let i = at.index(bytes.len());
            bytes[i] = to;
            if let Ok(response) = MailboxResponse::decode(&bytes) {
                prop_assert_eq!(response.encode(), bytes);
            }
        }
    }
}
