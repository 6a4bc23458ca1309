//! Reads arbitrary bytes as a request-response stream of the node (`network/codec.rs`): the
//! 4-byte length prefix checked against the protocol's limit, then the frame's body through the
//! decoder of the protocol it arrived on. This is every byte a peer's request or response goes
//! through before a service sees it.
//!
//! Input: a selector byte (protocol = `byte % 4`, response when bit 2 is set), then the stream.
//!
//! Checked: a frame is never longer than the protocol allows, and the reader asks for no more
//! than the stream holds (a length claiming 4 GiB fails on its four bytes).
#![no_main]

use futures::executor::block_on;
use futures::io::Cursor;
use libfuzzer_sys::fuzz_target;
use smartket_node::network::{FrameTooLarge, RequestKind, RequestLimits, read_frame};
use smartket_protocol::blob::{ChunkRequest, ChunkResponse};
use smartket_protocol::mailbox::{MailboxRequest, MailboxResponse, MsgRequest, MsgResponse};
use smartket_protocol::sync::pull::PullResponse;
use smartket_protocol::sync::wire::{FetchResponse, decode_request};
use smartket_protocol::sync::{SyncLimits, SyncMessage};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, stream)) = data.split_first() else {
        return;
    };
    let kind = RequestKind::ALL[usize::from(selector % 4)];
    let response = selector & 4 != 0;
    let limit = RequestLimits::default().of(kind);
    let max = if response {
        limit.response
    } else {
        limit.request
    };
    let frame = match block_on(read_frame(&mut Cursor::new(stream), max)) {
        Ok(frame) => frame,
        Err(e) => {
            if let Some(too_large) = FrameTooLarge::find(&e) {
                assert!(too_large.size > max);
            }
            return;
        }
    };
    assert!(frame.len() <= max && frame.len() + 4 <= stream.len());
    match (kind, response) {
        (RequestKind::Sync, false) => {
            let _ = decode_request(&frame);
        }
        (RequestKind::Sync, true) => {
            // One protocol, three answers: a reconcile step, a fetch page, a pull page.
            let _ = SyncMessage::decode(&frame, &SyncLimits::DEFAULT);
            let _ = FetchResponse::decode(&frame);
            let _ = PullResponse::decode(&frame);
        }
        (RequestKind::Msg, false) => {
            let _ = MsgRequest::decode(&frame);
        }
        (RequestKind::Msg, true) => {
            let _ = MsgResponse::decode(&frame);
        }
        (RequestKind::Blob, false) => {
            let _ = ChunkRequest::decode(&frame);
        }
        (RequestKind::Blob, true) => {
            let _ = ChunkResponse::decode(&frame);
        }
        (RequestKind::Mailbox, false) => {
            let _ = MailboxRequest::decode(&frame);
        }
        (RequestKind::Mailbox, true) => {
            let _ = MailboxResponse::decode(&frame);
        }
    }
});
