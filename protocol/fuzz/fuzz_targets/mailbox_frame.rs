//! Reads arbitrary bytes as both frames of `/smartket/mailbox/1` (a cooperative's request and
//! its answer), and a decoded deposit through the cooperative's storage-free checks.
//!
//! Whatever decodes must re-encode to a frame that decodes to the same value, and a page must
//! only hold messages whose ids are the hash of their bytes (the decoder's promise).
#![no_main]

use libfuzzer_sys::fuzz_target;
use smartket_protocol::mailbox::{MailboxId, MailboxRequest, MailboxResponse, check_deposit};

/// The clock of `spec/vectors/mailbox.json`.
const NOW: u64 = 1_800_000_000_000;

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = MailboxRequest::decode(data) {
        if let MailboxRequest::Deposit {
            expires_ms, sealed, ..
        } = &request
        {
            let _ = check_deposit(sealed, *expires_ms, NOW);
        }
        assert_eq!(MailboxRequest::decode(&request.encode()), Ok(request));
    }
    if let Ok(response) = MailboxResponse::decode(data) {
        if let MailboxResponse::Page { messages, .. } = &response {
            for m in messages {
                assert_eq!(m.id, MailboxId::of(&m.sealed));
            }
        }
        assert_eq!(MailboxResponse::decode(&response.encode()), Ok(response));
    }
});
