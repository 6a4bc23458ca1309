//! The event loop's half of request-response: requests in flight, responses from the node.

use libp2p::request_response::{self, InboundRequestId, OutboundFailure};
use tokio::sync::oneshot;

use super::EventLoop;
use crate::network::codec::{FrameTooLarge, RequestKind};
use crate::network::{NetworkEvent, RequestError, Requester};

impl EventLoop {
    pub(super) fn on_request_event(
        &mut self,
        kind: RequestKind,
        event: request_response::Event<Vec<u8>, Vec<u8>>,
    ) {
        match event {
            request_response::Event::Message {
                peer,
                connection_id,
                message:
                    request_response::Message::Request {
                        request_id,
                        request,
                        channel,
                    },
            } => {
                let (reply, answer) = oneshot::channel();
                let from = Requester {
                    peer,
                    host: self.connection_hosts.get(&connection_id).copied(),
                };
                let event = NetworkEvent::InboundRequest {
                    from,
                    kind,
                    bytes: request,
                    reply,
                };
                if self.events.try_send(event).is_err() {
                    // Dropping `channel` tells the peer we did not answer.
                    self.stats.dropped_requests += 1;
                    return;
                }
                self.reply_channels.insert((kind, request_id), channel);
                let timeout = self.request_timeout;
                self.pending_replies.push(Box::pin(async move {
                    let answer = tokio::time::timeout(timeout, answer).await;
                    (kind, request_id, answer.ok().and_then(Result::ok))
                }));
            }
            request_response::Event::Message {
                message:
                    request_response::Message::Response {
                        request_id,
                        response,
                    },
                ..
            } => {
                if let Some(reply) = self.pending_requests.remove(&(kind, request_id)) {
                    let _ = reply.send(Ok(response));
                }
            }
            request_response::Event::OutboundFailure {
                request_id, error, ..
            } => {
                if let Some(reply) = self.pending_requests.remove(&(kind, request_id)) {
                    let _ = reply.send(Err(request_error(error).into()));
                }
            }
            request_response::Event::InboundFailure {
                peer,
                request_id,
                error,
                ..
            } => {
                self.reply_channels.remove(&(kind, request_id));
                tracing::debug!(%peer, %kind, "inbound request failed: {error}");
            }
            request_response::Event::ResponseSent { .. } => {}
        }
    }

    /// Sends the node's answer to an inbound request, if it gave one that fits.
    pub(super) fn on_reply(
        &mut self,
        kind: RequestKind,
        id: InboundRequestId,
        answer: Option<Vec<u8>>,
    ) {
        let Some(channel) = self.reply_channels.remove(&(kind, id)) else {
            return;
        };
        let Some(bytes) = answer else {
            return;
        };
        let max = self.request_limits.of(kind).response;
        if bytes.len() > max {
            tracing::warn!(%kind, size = bytes.len(), max, "response over the limit not sent");
            return;
        }
        let _ = self
            .swarm
            .behaviour_mut()
            .requests(kind)
            .send_response(channel, bytes);
    }
}

fn request_error(error: OutboundFailure) -> RequestError {
    match error {
        OutboundFailure::DialFailure => RequestError::Unreachable,
        OutboundFailure::Timeout => RequestError::Timeout,
        OutboundFailure::ConnectionClosed => RequestError::ConnectionClosed,
        OutboundFailure::UnsupportedProtocols => RequestError::Unsupported,
        OutboundFailure::Io(e) => match FrameTooLarge::find(&e) {
            Some(FrameTooLarge { size, max }) => RequestError::ResponseTooLarge { size, max },
            None => RequestError::Io(e.to_string()),
        },
    }
}
