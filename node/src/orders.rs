//! Orders on this node, in whichever role it plays: the consumer's basket and checkout, the
//! seller's inbox, the courier's jobs; every message signed, sealed and sent directly with an
//! acknowledgement, or left in a cooperative's mailbox when the recipient is away.
//!
//! ```text
//! checkout ─▶ seal_keeping ─▶ db.save(order file + outbox, one txn) ─▶ outbox task ─▶ /smartket/msg/1
//! /smartket/msg/1 ─▶ receive: open ─▶ seen? ─▶ replay history + check step ─▶ db.save ─▶ ack
//! ```
//!
//! An order's state is never stored: it is replayed from the signed history ([`track`]), so
//! what the node shows is always what the messages prove.

pub mod basket;
pub mod checkout;
pub mod db;
mod inbox;
mod outbox;
pub mod payment;
pub mod track;
pub mod view;

use std::collections::BTreeMap;
use std::sync::Arc;

use smartket_protocol::messages::{
    Address, Contact, DeliveryJob, MessageId, OrderId, Step, Transition,
};
use smartket_protocol::{
    AuthorKey, Market, Message, MessageBody, RecipientKeys, SealError, SecretKey,
};
use tokio::sync::{Notify, broadcast};

use crate::clock::now_ms;
use crate::network::Client;
use crate::own::{OwnRecords, PublishError};
use crate::store::{Store, StoreError};
use basket::{Basket, BasketError};
use checkout::{CheckoutError, LineChange, SellerChoice, SellerRequest};
use db::{DeliveryState, Kept, OrdersDb, OrdersDbError, Outgoing, Party};
use track::{Track, TrackError, replay};

pub use outbox::run_outbox;

/// What happened to an order, for the API's event stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderEvent {
    /// The order.
    pub order_id: OrderId,
    /// `received`, `step`, `sent`, `delivered`, `in_mailbox`.
    pub what: &'static str,
}

/// Why an order operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OrderError {
    /// No such order.
    #[error("no order {0}")]
    NotFound(String),
    /// The state machine refuses the step.
    #[error("{0}")]
    Refused(#[from] smartket_protocol::messages::TransitionError),
    /// Not a step this node may make in this order.
    #[error("{0}")]
    NotAllowed(String),
    /// The stored history does not replay.
    #[error("the order's history does not verify: {0}")]
    Track(#[from] TrackError),
    /// Sealing failed (bad recipient key, invalid field).
    #[error("{0}")]
    Seal(#[from] SealError),
    /// Checkout.
    #[error(transparent)]
    Checkout(#[from] CheckoutError),
    /// Basket.
    #[error(transparent)]
    Basket(#[from] BasketError),
    /// The orders database.
    #[error(transparent)]
    Db(#[from] OrdersDbError),
    /// The catalogue database.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Publishing the new stock failed.
    #[error("publishing the new stock: {0}")]
    Stock(#[from] PublishError),
}

/// An order as kept, replayed, with what we sent in it.
pub type OrderShown = (db::OrderFile, Track, Vec<(MessageId, Outgoing)>);

/// The orders of a running node: its basket, the orders it placed, sells or delivers, and the
/// queue of sealed messages to send. Cheap to clone.
#[derive(Clone)]
pub struct Orders {
    inner: Arc<Inner>,
}

struct Inner {
    db: OrdersDb,
    events: broadcast::Sender<OrderEvent>,
    /// Wakes the outbox when something is queued.
    wake: Notify,
    /// Serialises changes to orders: a step is checked against the history it extends.
    write: tokio::sync::Mutex<()>,
    /// The identity key: messages are signed and sealed with it.
    secret: SecretKey,
    /// The catalogue: listings ordered, profiles of the parties, delivery offers.
    store: Store,
    /// A seller's listings, republished with their stock taken when it accepts an order.
    own: OwnRecords,
    /// Direct delivery of sealed messages, and the cooperatives' mailboxes.
    client: Client,
    /// The markets joined (payment rules, currencies).
    markets: Vec<Market>,
}

impl Orders {
    /// Opens the orders database in `dir`, for the actor holding `secret`.
    pub(crate) fn open(
        dir: &std::path::Path,
        secret: SecretKey,
        store: Store,
        own: OwnRecords,
        client: Client,
        markets: Vec<Market>,
    ) -> Result<Orders, OrdersDbError> {
        Ok(Orders {
            inner: Arc::new(Inner {
                db: OrdersDb::open(dir)?,
                events: broadcast::channel(256).0,
                wake: Notify::new(),
                write: tokio::sync::Mutex::new(()),
                secret,
                store,
                own,
                client,
                markets,
            }),
        })
    }

    fn author(&self) -> AuthorKey {
        self.inner.secret.public()
    }

    fn encryption_key(&self) -> smartket_protocol::EncryptionKey {
        crate::identity::encryption_key(&self.inner.secret)
    }

    fn store(&self) -> &Store {
        &self.inner.store
    }

    fn secret(&self) -> &SecretKey {
        &self.inner.secret
    }
}

impl Orders {
    /// The keys others seal to this node.
    fn my_keys(&self) -> RecipientKeys {
        RecipientKeys {
            author: self.author(),
            enc: self.encryption_key().public(),
        }
    }

    /// Changes to orders from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<OrderEvent> {
        self.inner.events.subscribe()
    }

    fn notify(&self, order_id: OrderId, what: &'static str) {
        let _ = self.inner.events.send(OrderEvent { order_id, what });
    }

    /// The basket.
    pub fn basket(&self) -> Result<Basket, OrderError> {
        Ok(self.inner.db.basket()?)
    }

    /// Adds a listing to the basket.
    pub async fn add_to_basket(
        &self,
        author: &smartket_protocol::AuthorKey,
        key: &str,
        variant: Option<String>,
        quantity: u32,
    ) -> Result<Basket, OrderError> {
        let _guard = self.inner.write.lock().await;
        let mut basket = self.inner.db.basket()?;
        basket.add(self.store(), author, key, variant, quantity, now_ms())?;
        self.inner.db.save_basket(&basket)?;
        Ok(basket)
    }

    /// Removes line `index` (or every line with `None`).
    pub async fn remove_from_basket(&self, index: Option<usize>) -> Result<Basket, OrderError> {
        let _guard = self.inner.write.lock().await;
        let mut basket = self.inner.db.basket()?;
        match index {
            Some(i) if i < basket.lines.len() => {
                basket.lines.remove(i);
            }
            Some(i) => return Err(OrderError::NotFound(format!("basket line {i}"))),
            None => basket.lines.clear(),
        }
        self.inner.db.save_basket(&basket)?;
        Ok(basket)
    }

    /// The basket checked against the records as they are now: the lines at their current
    /// prices, and what changed since each was added.
    pub async fn review(&self) -> Result<(Basket, Vec<LineChange>), OrderError> {
        let _guard = self.inner.write.lock().await;
        let mut basket = self.inner.db.basket()?;
        let changes = checkout::recheck(self.store(), &mut basket, now_ms())?;
        Ok((basket, changes))
    }

    /// Places one order per seller in the basket with the consumer's `requests`, each courier's
    /// fee quoted from its current offer: what the checkout form and the API's checkout call.
    pub async fn place(
        &self,
        requests: &BTreeMap<AuthorKey, SellerRequest>,
        contact: &Contact,
        address: Option<&Address>,
        accept_changes: bool,
    ) -> Result<Vec<OrderId>, OrderError> {
        let _guard = self.inner.write.lock().await;
        let basket = self.inner.db.basket()?;
        let choices = checkout::quote(self.store(), &basket, requests)?;
        self.checkout_locked(&choices, contact, address, accept_changes)
            .await
    }

    /// Places one order per seller in the basket. When anything changed since the lines were
    /// added, nothing is sent unless `accept_changes` (the consumer has seen the changes); a
    /// line that is gone or short of stock is never ordered.
    pub async fn checkout(
        &self,
        choices: &BTreeMap<AuthorKey, SellerChoice>,
        contact: &Contact,
        address: Option<&Address>,
        accept_changes: bool,
    ) -> Result<Vec<OrderId>, OrderError> {
        let _guard = self.inner.write.lock().await;
        self.checkout_locked(choices, contact, address, accept_changes)
            .await
    }

    /// [`Orders::checkout`] with the write lock held.
    async fn checkout_locked(
        &self,
        choices: &BTreeMap<AuthorKey, SellerChoice>,
        contact: &Contact,
        address: Option<&Address>,
        accept_changes: bool,
    ) -> Result<Vec<OrderId>, OrderError> {
        let mut basket = self.inner.db.basket()?;
        let changes = checkout::recheck(self.store(), &mut basket, now_ms())?;
        for change in &changes {
            match change {
                LineChange::Gone { line } => {
                    return Err(CheckoutError::Unavailable {
                        line: *line,
                        why: "the listing is no longer offered".into(),
                    }
                    .into());
                }
                LineChange::Stock { line, available } => {
                    return Err(CheckoutError::Unavailable {
                        line: *line,
                        why: format!("only {available} left"),
                    }
                    .into());
                }
                LineChange::Price { .. } => {}
            }
        }
        if !changes.is_empty() && !accept_changes {
            // Keep the updated prices so the consumer confirms what it will pay.
            self.inner.db.save_basket(&basket)?;
            return Err(CheckoutError::Changed(changes).into());
        }
        let orders = checkout::build_orders(&basket, choices, contact, address, self.my_keys())?;
        let mut placed = Vec::new();
        for (seller, market, order) in orders {
            let to = self.recipient_of(&seller)?;
            let order_id = order.order_id;
            let message = Message::new(market.clone(), MessageBody::Order(Box::new(order)))
                .map_err(|e| CheckoutError::Random(e.to_string()))?;
            let (sealed, kept) =
                smartket_protocol::seal_keeping(self.secret(), &to, &message, now_ms())?;
            let file = db::OrderFile {
                order_id,
                market,
                party: Party::Consumer,
                created_ms: now_ms(),
                history: vec![Kept {
                    inner: kept.inner,
                    signature: kept.signature,
                }],
            };
            let out = outgoing(to, sealed.into_bytes(), "order");
            self.inner.db.save(&file, None, &[(message.id, out)])?;
            self.notify(order_id, "sent");
            placed.push(order_id);
        }
        self.inner.db.save_basket(&Basket::default())?;
        self.inner.wake.notify_one();
        Ok(placed)
    }

    /// The recipient keys of an actor, from its current profile in any joined market.
    fn recipient_of(
        &self,
        author: &smartket_protocol::AuthorKey,
    ) -> Result<RecipientKeys, CheckoutError> {
        let slot = smartket_protocol::Slot {
            author: *author,
            kind: smartket_protocol::Kind::Profile,
            key: "profile".into(),
        };
        match self.store().current(&slot)?.map(|r| r.payload.body) {
            Some(smartket_protocol::Body::Profile(p)) => Ok(RecipientKeys {
                author: *author,
                enc: smartket_protocol::EncryptionPublicKey(p.enc_key),
            }),
            _ => Err(CheckoutError::SellerUnknown(*author)),
        }
    }

    /// Every order, newest first, replayed.
    pub fn list(&self) -> Result<Vec<(db::OrderFile, Track)>, OrderError> {
        let mut out = Vec::new();
        for file in self.inner.db.orders()? {
            match replay(file.party, &file.history) {
                Ok(track) => out.push((file, track)),
                Err(e) => tracing::warn!(order = %file.order_id.to_hex(), "order history: {e}"),
            }
        }
        Ok(out)
    }

    /// How many sealed messages are still on their way: (not yet handed to anyone, held by a
    /// cooperative's mailbox for an absent recipient).
    pub fn outbox_counts(&self) -> Result<(usize, usize), OrderError> {
        let outbox = self.inner.db.outbox()?;
        let count = |state| outbox.iter().filter(|(_, o)| o.state == state).count();
        Ok((
            count(DeliveryState::Pending),
            count(DeliveryState::InMailbox),
        ))
    }

    /// One order, replayed, with the delivery state of what we sent.
    pub fn get(&self, id: &OrderId) -> Result<OrderShown, OrderError> {
        let file = self
            .inner
            .db
            .order(id)?
            .ok_or_else(|| OrderError::NotFound(id.to_hex()))?;
        let track = replay(file.party, &file.history)?;
        let outbox = self.inner.db.outbox_of(id)?;
        Ok((file, track, outbox))
    }

    /// Makes `step` in order `id` as this node's party, and sends it to the other parties.
    pub async fn step(&self, id: &OrderId, step: Step) -> Result<Track, OrderError> {
        let _guard = self.inner.write.lock().await;
        self.step_locked(id, step).await
    }

    /// [`Orders::step`] with the write lock held.
    async fn step_locked(&self, id: &OrderId, step: Step) -> Result<Track, OrderError> {
        let file = self
            .inner
            .db
            .order(id)?
            .ok_or_else(|| OrderError::NotFound(id.to_hex()))?;
        let track = replay(file.party, &file.history)?;
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
        let mut recipients = Vec::new();
        let me = self.author();
        if let Some(c) = track.parties.consumer.filter(|c| c.author != me) {
            recipients.push(c);
        }
        if track.parties.seller != me {
            recipients.push(match track.parties.seller_enc {
                Some(enc) => RecipientKeys {
                    author: track.parties.seller,
                    enc,
                },
                None => self.recipient_of(&track.parties.seller)?,
            });
        }
        // The courier hears of the order with its job, sent with the acceptance.
        let courier_in_loop = track.state.stage != smartket_protocol::messages::Stage::Placed;
        if let Some(courier) = track
            .parties
            .courier
            .filter(|c| *c != me && courier_in_loop)
        {
            recipients.push(self.recipient_of(&courier)?);
        }
        let mut file = file;
        let mut queued = Vec::new();
        for (i, to) in recipients.iter().enumerate() {
            let (sealed, kept) =
                smartket_protocol::seal_keeping(self.secret(), to, &message, now_ms())?;
            if i == 0 {
                file.history.push(Kept {
                    inner: kept.inner,
                    signature: kept.signature,
                });
            }
            queued.push((message.id, outgoing(*to, sealed.into_bytes(), "transition")));
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

    /// The delivery job a seller sends the courier of a courier-delivered order.
    fn job_for(
        &self,
        track: &Track,
    ) -> Result<Option<(smartket_protocol::AuthorKey, DeliveryJob)>, OrderError> {
        let Some(order) = &track.order else {
            return Ok(None);
        };
        let smartket_protocol::messages::DeliveryChoice::Courier {
            courier,
            window,
            fee,
            ..
        } = &order.delivery
        else {
            return Ok(None);
        };
        let dropoff_address = order.address.clone().ok_or_else(|| {
            OrderError::NotAllowed("a courier order must carry an address".into())
        })?;
        let profile = self.own_profile()?;
        let place = profile.as_ref().and_then(|p| p.address.clone());
        let pickup_address = Address {
            lines: vec![
                place
                    .as_ref()
                    .map_or_else(|| "(see the seller's profile)".into(), |a| a.street.clone()),
            ],
            postcode: place
                .as_ref()
                .map(|a| a.postcode.clone())
                .or_else(|| profile.as_ref().and_then(|p| p.postcode.clone()))
                .unwrap_or_else(|| "1200".into()),
            city: place
                .as_ref()
                .map_or_else(|| "Genève".into(), |a| a.locality.clone()),
            country: place.map_or_else(|| "CH".into(), |a| a.country),
            notes: None,
        };
        let seller_name = profile
            .as_ref()
            .and_then(|p| p.name.values().next().cloned())
            .unwrap_or_else(|| "Seller".into());
        let reach = profile
            .as_ref()
            .and_then(|p| p.contact.clone())
            .filter(|c| c.phone.is_some() || c.email.is_some())
            .ok_or_else(|| {
                OrderError::NotAllowed(
                    "add a phone number or an e-mail to your profile's contact, so the courier \
                     can reach you at pick-up"
                        .into(),
                )
            })?;
        let weight_g = order
            .items
            .iter()
            .map(|i| i.quantity.saturating_mul(500))
            .sum::<u32>()
            .clamp(1, smartket_protocol::messages::MAX_WEIGHT_G);
        Ok(Some((
            *courier,
            DeliveryJob {
                order_id: order.order_id,
                pickup: smartket_protocol::messages::Stop {
                    address: pickup_address,
                    contact: Contact {
                        name: seller_name.chars().take(100).collect(),
                        phone: reach.phone,
                        email: reach.email,
                    },
                },
                dropoff: smartket_protocol::messages::Stop {
                    address: dropoff_address,
                    contact: order.contact.clone(),
                },
                window: *window,
                parcel: smartket_protocol::messages::Parcel {
                    weight_g,
                    length_cm: 40,
                    width_cm: 30,
                    height_cm: 30,
                },
                fee: fee.clone(),
                notify: Some(order.reply_to),
                note: None,
            },
        )))
    }

    /// What the payer must do to pay this order, part by part (empty for a courier).
    pub fn payment_parts(&self, file: &db::OrderFile, track: &Track) -> Vec<payment::PaymentPart> {
        let Some(order) = &track.order else {
            return Vec::new();
        };
        let seller = self.profile_of(&track.parties.seller).ok().flatten();
        let market = self.inner.markets.iter().find(|m| m.id == file.market);
        payment::Payments::default().parts(&payment::PaymentContext {
            order,
            seller: seller.as_ref(),
            market,
        })
    }

    fn own_profile(&self) -> Result<Option<smartket_protocol::kinds::Profile>, OrderError> {
        self.profile_of(&self.author())
    }

    /// The current profile of `author`, if this node holds one.
    fn profile_of(
        &self,
        author: &smartket_protocol::AuthorKey,
    ) -> Result<Option<smartket_protocol::kinds::Profile>, OrderError> {
        let slot = smartket_protocol::Slot {
            author: *author,
            kind: smartket_protocol::Kind::Profile,
            key: "profile".into(),
        };
        Ok(match self.store().current(&slot)?.map(|r| r.payload.body) {
            Some(smartket_protocol::Body::Profile(p)) => Some(p),
            _ => None,
        })
    }
}

fn outgoing(to: RecipientKeys, sealed: Vec<u8>, kind: &str) -> Outgoing {
    let now = now_ms();
    Outgoing {
        to,
        sealed,
        kind: kind.to_owned(),
        state: DeliveryState::Pending,
        attempts: 0,
        next_try_ms: now,
        created_ms: now,
    }
}

#[cfg(test)]
mod tests;
