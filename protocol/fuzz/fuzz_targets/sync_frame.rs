//! Reads arbitrary bytes as every frame of `/smartket/sync/1` (`spec/sync.md` §9): a request
//! (reconcile step, fetch by id, author pull, told apart by the type byte), and the fetch and
//! pull responses.
//!
//! Whatever decodes must be written back by the matching encoder to bytes that decode to the
//! same value, and stay inside the caps the decoder promises.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smartket_protocol::sync::SyncLimits;
use smartket_protocol::sync::messages::SyncMessage;
use smartket_protocol::sync::pull::{MAX_PULL_RECORDS, PullRequest, PullResponse};
use smartket_protocol::sync::wire::{
    self, FetchResponse, MAX_FETCH_IDS, MAX_MARKET_LEN, Request, decode_request,
};

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = decode_request(data) {
        assert!(request.market().len() <= MAX_MARKET_LEN);
        let again = match &request {
            Request::Reconcile {
                start,
                market,
                message,
            } => {
                let _ = SyncMessage::decode(message, &SyncLimits::DEFAULT);
                wire::reconcile(*start, market, message)
            }
            Request::Fetch(fetch) => {
                let ids = fetch.ids();
                assert!(ids.len() <= MAX_FETCH_IDS);
                assert_eq!(ids.len() * 32, fetch.ids.len());
                wire::fetch(&fetch.market, &ids)
                    .unwrap_or_else(|e| panic!("a decoded fetch re-encodes: {e}"))
            }
            Request::Pull(pull) => {
                wire::pull(pull).unwrap_or_else(|e| panic!("a decoded pull re-encodes: {e}"))
            }
        };
        assert_eq!(decode_request(&again).ok(), Some(request));
    }
    if let Ok(response) = FetchResponse::decode(data) {
        let again = response
            .encode()
            .unwrap_or_else(|e| panic!("a decoded fetch response re-encodes: {e}"));
        assert_eq!(FetchResponse::decode(&again).ok(), Some(response));
    }
    if let Ok(request) = PullRequest::decode(data) {
        let again = request
            .encode()
            .unwrap_or_else(|e| panic!("a decoded pull request re-encodes: {e}"));
        assert_eq!(PullRequest::decode(&again).ok(), Some(request));
    }
    if let Ok(response) = PullResponse::decode(data) {
        assert!(response.records.len() <= MAX_PULL_RECORDS);
        let again = response
            .encode()
            .unwrap_or_else(|e| panic!("a decoded pull response re-encodes: {e}"));
        assert_eq!(PullResponse::decode(&again).ok(), Some(response));
    }
});
