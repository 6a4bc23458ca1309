//! Messages arriving for this node: opened, checked against the order they belong to, stored,
//! and acknowledged only once stored.

use smartket_protocol::cbor::Limits;
use smartket_protocol::mailbox::{MsgRequest, MsgResponse, RefuseCode};
use smartket_protocol::messages::{OrderId, Step, Transition, TransitionError};
use smartket_protocol::{AuthorKey, EncryptionPublicKey, MessageBody, OpenedMessage, open};
use tokio::sync::oneshot;

use super::basket::{current_listing, price_and_stock};
use super::db::waiting::Put;
use super::db::{Kept, OrderFile, Party};
use super::track::{follows_unseen_steps, replay};
use super::{OrderError, Orders};
use crate::clock::now_ms;
use crate::network::Requester;

/// A refusal by the order rules (`spec/orders.md`): `invalid`, the rule named first.
fn refused(rule: &str, reason: impl std::fmt::Display) -> Ack {
    MsgResponse::Refused {
        code: RefuseCode::Invalid,
        reason: format!("{rule}: {reason}"),
    }
}

type Ack = MsgResponse;

/// Messages one order may hold before chat in it is refused (`chat_full`). Each message
/// rewrites the order's file, so a party chatting without end would make every write longer;
/// 256 chats of 4 000 bytes keep a file near 1 MB. Steps are never refused by it: the state
/// machine bounds them.
pub(crate) const MAX_ORDER_MESSAGES: usize = 256;

impl Orders {
    /// Answers one `/smartket/msg/1` request from `from`, within its host's share of the
    /// inbox ([`super::shares`]).
    pub async fn serve(&self, from: Requester, bytes: Vec<u8>, reply: oneshot::Sender<Vec<u8>>) {
        let peer = from.peer;
        let Some(_share) = self.inner.shares.take(from.quota_key()) else {
            let refusal = MsgResponse::Refused {
                code: RefuseCode::Busy,
                reason: "too many messages from your address: try again in a moment".into(),
            };
            let _ = reply.send(refusal.encode());
            return;
        };
        let request = match MsgRequest::decode(&bytes) {
            Ok(request) => request,
            Err(e) => {
                let refusal = MsgResponse::Refused {
                    code: RefuseCode::Malformed,
                    reason: e.to_string(),
                };
                let _ = reply.send(refusal.encode());
                return;
            }
        };
        let ack = match self.receive(&request.to_enc, &request.sealed).await {
            Ok(ack) => ack,
            Err(e) => {
                // Not stored: no acknowledgement, so the sender tries again later.
                tracing::warn!(%peer, "incoming message not stored: {e}");
                return;
            }
        };
        if let Ack::Refused { code, reason } = &ack {
            tracing::info!(%peer, code = code.name(), "message refused: {reason}");
        }
        let _ = reply.send(ack.encode());
    }

    /// Opens, checks and stores one message sealed to `to` (from a peer or a mailbox): the
    /// node's own key or one of its orders'.
    pub async fn receive(
        &self,
        to: &EncryptionPublicKey,
        sealed: &[u8],
    ) -> Result<Ack, OrderError> {
        let Some((me, key)) = self.opener(to) else {
            return Ok(MsgResponse::Refused {
                code: RefuseCode::NotForMe,
                reason: "this node holds no such encryption key".into(),
            });
        };
        let opened = match open(&me, &key, sealed, &Limits::MESSAGE) {
            Ok(opened) => opened,
            Err(e) => {
                return Ok(MsgResponse::Refused {
                    code: RefuseCode::for_seal_error(&e),
                    reason: e.to_string(),
                });
            }
        };
        if opened.sent_ms > now_ms().saturating_add(smartket_protocol::record::MAX_CLOCK_SKEW_MS) {
            return Ok(refused(
                "from_the_future",
                "sent more than 10 minutes ahead",
            ));
        }
        let _guard = self.inner.write.lock().await;
        if self.inner.db.seen(&opened.from, &opened.id)? {
            return Ok(Ack::Duplicate);
        }
        let order = opened.body.order_id();
        let ack = self.accept(opened).await?;
        if let (Ack::Stored, Some(order)) = (&ack, order) {
            self.retry_waiting(&order).await?;
        }
        self.inner.wake.notify_one();
        Ok(ack)
    }

    /// Acts on an opened message not seen before.
    async fn accept(&self, opened: OpenedMessage) -> Result<Ack, OrderError> {
        let kept = Kept {
            inner: opened.inner.clone(),
            signature: opened.signature,
        };
        let seen = Some((opened.from, opened.id));
        match &opened.body {
            MessageBody::Order(order) => {
                if self.inner.db.order(&order.order_id)?.is_some() {
                    self.inner.db.mark_seen(&opened.from, &opened.id)?;
                    return Ok(refused("duplicate_order", "an order with this id exists"));
                }
                if order.reply_to.author != opened.from {
                    self.inner.db.mark_seen(&opened.from, &opened.id)?;
                    return Ok(refused(
                        "wrong_party",
                        "an order must be signed by its reply_to identity",
                    ));
                }
                let file = OrderFile {
                    order_id: order.order_id,
                    market: opened.market.clone(),
                    party: Party::Seller,
                    created_ms: now_ms(),
                    history: vec![kept],
                };
                self.inner.db.save(&file, seen, &[])?;
                self.notify(order.order_id, "received");
                if let Some(reason) = self.unfillable(order)? {
                    self.reject(&order.order_id, reason).await?;
                }
                Ok(Ack::Stored)
            }
            MessageBody::DeliveryJob(job) => {
                if self.inner.db.order(&job.order_id)?.is_some() {
                    self.inner.db.mark_seen(&opened.from, &opened.id)?;
                    return Ok(refused("duplicate_order", "a job for this order exists"));
                }
                let file = OrderFile {
                    order_id: job.order_id,
                    market: opened.market.clone(),
                    party: Party::Courier,
                    created_ms: now_ms(),
                    history: vec![kept],
                };
                self.inner.db.save(&file, seen, &[])?;
                self.notify(job.order_id, "received");
                Ok(Ack::Stored)
            }
            MessageBody::Transition(t) => self.accept_step(&opened, t, kept).await,
            MessageBody::Chat(chat) => {
                let Some(id) = chat.order_id else {
                    self.inner.db.mark_seen(&opened.from, &opened.id)?;
                    return Ok(refused("unsupported", "chat outside an order is not kept"));
                };
                match self.inner.db.order(&id)? {
                    Some(mut file) => {
                        let track = replay(file.party, &file.history)?;
                        if track.role_of(&opened.from).is_none() {
                            self.inner.db.mark_seen(&opened.from, &opened.id)?;
                            return Ok(refused("wrong_party", "not a party to this order"));
                        }
                        if file.history.len() >= MAX_ORDER_MESSAGES {
                            self.inner.db.mark_seen(&opened.from, &opened.id)?;
                            return Ok(refused(
                                "chat_full",
                                "this order holds as many messages as it can",
                            ));
                        }
                        file.history.push(kept);
                        self.inner.db.save(&file, seen, &[])?;
                        self.notify(id, "chat");
                    }
                    None => return self.keep_waiting(&id, &opened, &kept),
                }
                Ok(Ack::Stored)
            }
        }
    }

    async fn accept_step(
        &self,
        opened: &OpenedMessage,
        t: &Transition,
        kept: Kept,
    ) -> Result<Ack, OrderError> {
        let Some(mut file) = self.inner.db.order(&t.order_id)? else {
            // Before its order (or job): kept aside, applied when that arrives.
            return self.keep_waiting(&t.order_id, opened, &kept);
        };
        let track = replay(file.party, &file.history)?;
        let Some(role) = track.role_of(&opened.from) else {
            self.inner.db.mark_seen(&opened.from, &opened.id)?;
            return Ok(refused("wrong_party", "not a party to this order"));
        };
        let at_start = track.messages.first().map(|m| m.id) == Some(track.head);
        if !follows_unseen_steps(file.party, role, at_start)
            && let Err(e) = track.check(t, role, opened.id)
        {
            let known = track.messages.iter().any(|m| m.id == t.prev);
            if matches!(e, TransitionError::BrokenChain { .. }) && !known {
                // It chains to a step not here yet (messages may overtake each other):
                // kept aside until that step arrives.
                return self.keep_waiting(&t.order_id, opened, &kept);
            }
            self.inner.db.mark_seen(&opened.from, &opened.id)?;
            return Ok(refused(transition_code(&e), e));
        }
        file.history.push(kept);
        if let Err(e) = replay(file.party, &file.history) {
            self.inner.db.mark_seen(&opened.from, &opened.id)?;
            return Ok(refused("out_of_order", e));
        }
        self.inner
            .db
            .save(&file, Some((opened.from, opened.id)), &[])?;
        self.notify(t.order_id, "step");
        Ok(Ack::Stored)
    }

    /// Keeps a message that cannot be applied yet; past the quotas it is refused as `busy`,
    /// so that an honest sender tries again later and a stranger makes the node keep nothing.
    fn keep_waiting(
        &self,
        order: &OrderId,
        opened: &OpenedMessage,
        kept: &Kept,
    ) -> Result<Ack, OrderError> {
        match self
            .inner
            .db
            .put_waiting(order, &opened.from, &opened.id, kept, now_ms())?
        {
            Put::Kept => Ok(Ack::Stored),
            Put::Full => Ok(MsgResponse::Refused {
                code: RefuseCode::Busy,
                reason: "too many steps waiting for orders this node does not have".into(),
            }),
        }
    }

    /// Applies what was waiting for `order` (its order or job, or an earlier step), as far as
    /// it now can be: only that order's entries are read, each leaves once its message is
    /// seen (applied or refused).
    async fn retry_waiting(&self, order: &OrderId) -> Result<(), OrderError> {
        loop {
            let mut progress = false;
            for (from, id, kept) in self.inner.db.waiting_for(order)? {
                if !self.inner.db.seen(&from, &id)? {
                    let Ok(opened) =
                        smartket_protocol::reopen(&kept.inner, &kept.signature, &Limits::MESSAGE)
                    else {
                        self.inner.db.remove_waiting(order, &from, &id)?;
                        continue;
                    };
                    Box::pin(self.accept(opened)).await?;
                }
                if self.inner.db.seen(&from, &id)? {
                    self.inner.db.remove_waiting(order, &from, &id)?;
                    progress = true;
                }
            }
            if !progress {
                return Ok(());
            }
        }
    }

    /// Why this seller cannot fill `order` as it stands, if it cannot: a listing gone or
    /// changed since the consumer saw it, not ours, or short of stock.
    fn unfillable(
        &self,
        order: &smartket_protocol::messages::Order,
    ) -> Result<Option<String>, OrderError> {
        let me: AuthorKey = self.author();
        for item in &order.items {
            if item.author != me {
                return Ok(Some(format!("{:?} is not one of our listings", item.key)));
            }
            let Some((record, listing)) =
                current_listing(self.store(), &item.author, &item.key, now_ms())?
            else {
                return Ok(Some(format!("{:?} is no longer offered", item.key)));
            };
            let Ok((price, stock)) = price_and_stock(&listing, item.variant.as_deref()) else {
                return Ok(Some(format!("{:?} has no such variant", item.key)));
            };
            if price != item.unit_price || listing.price.currency != item.currency {
                return Ok(Some(format!(
                    "the price of {:?} changed (now {price} {})",
                    item.key, listing.price.currency
                )));
            }
            if record.id != item.listing && record.payload.rev < item.rev {
                return Ok(Some(format!("{:?} is not the revision ordered", item.key)));
            }
            if stock.is_some_and(|s| s < item.quantity) {
                return Ok(Some(format!("not enough {:?} in stock", item.key)));
            }
        }
        Ok(None)
    }

    /// Rejects an order automatically, saying why.
    async fn reject(
        &self,
        id: &smartket_protocol::messages::OrderId,
        reason: String,
    ) -> Result<(), OrderError> {
        let reason: String = reason.chars().take(300).collect();
        self.step_locked(id, Step::Rejected { reason })
            .await
            .map(|_| ())
    }
}

fn transition_code(e: &TransitionError) -> &'static str {
    use TransitionError as E;
    match e {
        E::Finished { .. } => "finished",
        E::WrongParty { .. } => "wrong_party",
        E::OutOfOrder { .. } => "out_of_order",
        E::AlreadyPaid => "already_paid",
        E::NotPaid => "not_paid",
        E::WrongOrder => "wrong_order",
        E::BrokenChain { .. } => "broken_chain",
        _ => "refused",
    }
}

/// Mail collected from a cooperative's mailbox goes through the same checks as a direct message.
impl crate::mailbox::client::Inbox for Orders {
    fn mailboxes(&self) -> Vec<smartket_protocol::EncryptionKey> {
        Orders::mailboxes(self)
    }

    async fn receive(
        &self,
        to: &EncryptionPublicKey,
        sealed: &[u8],
    ) -> Result<MsgResponse, String> {
        Orders::receive(self, to, sealed)
            .await
            .map_err(|e| e.to_string())
    }
}

impl crate::network::Responder for Orders {
    async fn serve(
        &self,
        from: crate::network::Requester,
        bytes: Vec<u8>,
        reply: oneshot::Sender<Vec<u8>>,
    ) {
        Orders::serve(self, from, bytes, reply).await
    }
}
