//! Reads arbitrary bytes as both frames of `/smartket/msg/1`: the request carrying a sealed
//! message, and the recipient's acknowledgement.
//!
//! Whatever decodes must re-encode to a frame that decodes to the same value: a decoder that
//! accepted something its own encoder cannot say back would let two nodes disagree on a frame.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smartket_protocol::mailbox::{MsgRequest, MsgResponse};

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = MsgRequest::decode(data) {
        assert_eq!(MsgRequest::decode(&request.encode()), Ok(request));
    }
    if let Ok(response) = MsgResponse::decode(data) {
        assert_eq!(MsgResponse::decode(&response.encode()), Ok(response));
    }
});
