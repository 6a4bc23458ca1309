//! Moving an order on: a step checked against the replayed history, sealed to every other
//! party, kept and queued in one transaction; a seller's acceptance also takes the ordered stock
//! out of its listings and hands the courier its job (`job.rs`).
//!
//! Apart from checkout (`consumer.rs`) because every party steps, and from the inbox because
//! these are the steps this node makes, not the ones it receives.

use smartket_protocol::messages::{OrderId, Step, Transition};
use smartket_protocol::{Message, MessageBody, RecipientKeys};

use super::checkout::CheckoutError;
use super::db::{Kept, Party};
use super::track::{Track, replay};
use super::{OrderError, Orders, basket, outgoing};
use crate::clock::now_ms;

impl Orders {
    /// Makes `step` in order `id` as this node's party, and sends it to the other parties.
    pub async fn step(&self, id: &OrderId, step: Step) -> Result<Track, OrderError> {
        let _guard = self.inner.write.lock().await;
        self.step_locked(id, step).await
    }

    /// [`Orders::step`] with the write lock held.
    pub(super) async fn step_locked(&self, id: &OrderId, step: Step) -> Result<Track, OrderError> {
        let (file, track) = self.replayed(id)?;
        let role = match file.party {
            Party::Consumer => smartket_protocol::messages::Role::Consumer,
            Party::Seller => smartket_protocol::messages::Role::Seller,
            Party::Courier => smartket_protocol::messages::Role::Courier,
        };
        let transition = Transition {
            order_id: *id,
            prev: track.head,
            at: now_ms(),
            step: step.clone(),
        };
        let message = Message::new(
            file.market.clone(),
            MessageBody::Transition(transition.clone()),
        )
        .map_err(|e| CheckoutError::Random(e.to_string()))?;
        track.check(&transition, role, message.id)?;
        if file.party == Party::Seller && matches!(step, Step::Accepted { .. }) {
            self.take_stock(&track).await?;
        }
        let signer = self.signer(&file, &track);
        let me = signer.public();
        // Each recipient with the node that takes its messages directly, when not its own.
        let mut recipients = Vec::new();
        if let Some(c) = track.parties.consumer.filter(|c| c.author != me) {
            recipients.push((c, track.parties.consumer_node));
        }
        if track.parties.seller != me {
            let seller = match track.parties.seller_enc {
                Some(enc) => RecipientKeys {
                    author: track.parties.seller,
                    enc,
                },
                None => self.recipient_of(&track.parties.seller)?,
            };
            recipients.push((seller, None));
        }
        // The courier hears of the order with its job, sent with the acceptance.
        let courier_in_loop = track.state.stage != smartket_protocol::messages::Stage::Placed;
        if let Some(courier) = track
            .parties
            .courier
            .filter(|c| *c != me && courier_in_loop)
        {
            recipients.push((self.recipient_of(&courier)?, None));
        }
        let mut file = file;
        let mut queued = Vec::new();
        for (i, (to, via)) in recipients.iter().enumerate() {
            let (sealed, kept) = smartket_protocol::seal_keeping(&signer, to, &message, now_ms())?;
            if i == 0 {
                file.history.push(Kept {
                    inner: kept.inner,
                    signature: kept.signature,
                });
            }
            let mut out = outgoing(*to, sealed.into_bytes(), "transition");
            out.via = *via;
            queued.push((message.id, out));
        }
        // A seller hands the courier its job with the acceptance, so it can plan the round.
        if file.party == Party::Seller
            && matches!(step, Step::Accepted { .. })
            && let Some(job) = self.job_for(&track)?
        {
            let courier = self.recipient_of(&job.0)?;
            let message = Message::new(
                file.market.clone(),
                MessageBody::DeliveryJob(Box::new(job.1)),
            )
            .map_err(|e| CheckoutError::Random(e.to_string()))?;
            let (sealed, kept) =
                smartket_protocol::seal_keeping(self.secret(), &courier, &message, now_ms())?;
            file.history.push(Kept {
                inner: kept.inner,
                signature: kept.signature,
            });
            queued.push((
                message.id,
                outgoing(courier, sealed.into_bytes(), "delivery_job"),
            ));
        }
        let replayed = replay(file.party, &file.history)?;
        self.inner.db.save(&file, None, &queued)?;
        self.notify(*id, "step");
        self.inner.wake.notify_one();
        Ok(replayed)
    }

    /// Takes the ordered quantities out of this seller's listings, republishing each.
    async fn take_stock(&self, track: &Track) -> Result<(), OrderError> {
        let Some(order) = &track.order else {
            return Ok(());
        };
        for item in &order.items {
            let Some((record, mut listing)) =
                basket::current_listing(self.store(), &item.author, &item.key, now_ms())?
            else {
                return Err(OrderError::NotAllowed(format!(
                    "listing {:?} is no longer offered",
                    item.key
                )));
            };
            let stock = match &item.variant {
                None => &mut listing.stock,
                Some(v) => match listing.variants.iter_mut().find(|x| &x.id == v) {
                    Some(variant) => &mut variant.stock,
                    None => {
                        return Err(OrderError::NotAllowed(format!(
                            "listing {:?} has no variant {v:?} any more",
                            item.key
                        )));
                    }
                },
            };
            let Some(left) = *stock else {
                continue;
            };
            let Some(after) = left.checked_sub(item.quantity) else {
                return Err(OrderError::NotAllowed(format!(
                    "only {left} of {:?} left, {} ordered",
                    item.key, item.quantity
                )));
            };
            *stock = Some(after);
            if item.variant.is_some() && listing.stock.is_some() {
                listing.stock = listing.stock.map(|s| s.saturating_sub(item.quantity));
            }
            let payload = record
                .payload
                .next_revision(now_ms(), smartket_protocol::Body::Listing(listing));
            self.inner.own.publish(payload).await?;
        }
        Ok(())
    }
}
