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
//!
//! This file is the [`Orders`] service itself: what it holds, its events, its errors, and
//! reading orders back. What it does is beside it: the consumer's basket and checkout
//! (`consumer.rs`), the steps this node makes (`steps.rs`) and the courier's job a seller's
//! acceptance sends (`job.rs`), the messages it receives (`inbox.rs`) and sends (`outbox.rs`),
//! the parties' profiles it reads (`profiles.rs`). The public modules hold what those build on
//! and the API and UI use too: the basket and checkout rules, the history replay, payment, the
//! API's views of an order, the orders database.

pub mod basket;
pub mod checkout;
mod consumer;
pub mod db;
mod inbox;
mod job;
pub mod keys;
mod outbox;
pub mod payment;
mod profiles;
pub mod shares;
mod steps;
pub mod track;
pub mod view;

use std::sync::Arc;

use smartket_protocol::messages::{MessageId, OrderId};
use smartket_protocol::{
    AuthorKey, EncryptionKey, EncryptionPublicKey, Market, RecipientKeys, SealError, SecretKey,
};
use tokio::sync::{Notify, broadcast};

use crate::clock::now_ms;
use crate::network::Client;
use crate::own::{OwnRecords, PublishError};
use crate::store::{Store, StoreError};
use basket::BasketError;
use checkout::CheckoutError;
use db::{DeliveryState, OrdersDb, OrdersDbError, Outgoing, Party};
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
    /// A peer connected since the outbox last looked: what waits is tried at once, whatever
    /// its backoff says (the line may be back; the recipient may be the peer).
    connected: std::sync::atomic::AtomicBool,
    /// Serialises changes to orders: a step is checked against the history it extends.
    write: tokio::sync::Mutex<()>,
    /// The identity key: messages are signed and sealed with it, and the consumer's
    /// per-order keys derived from it.
    secret: SecretKey,
    /// The per-order keys of the orders this node placed ([`keys`]).
    order_keys: keys::OrderKeys,
    /// Each host's share of the inbox ([`shares`]).
    shares: shares::Shares,
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
    /// Opens the orders database in `dir` (its disk failures reported to `health`), for the
    /// actor holding `secret`.
    pub(crate) fn open(
        dir: &std::path::Path,
        health: &crate::disk::DiskHealth,
        secret: SecretKey,
        store: Store,
        own: OwnRecords,
        client: Client,
        markets: Vec<Market>,
    ) -> Result<Orders, OrdersDbError> {
        let orders = Orders {
            inner: Arc::new(Inner {
                db: OrdersDb::open(dir, health)?,
                events: broadcast::channel(256).0,
                wake: Notify::new(),
                connected: std::sync::atomic::AtomicBool::new(false),
                write: tokio::sync::Mutex::new(()),
                secret,
                order_keys: keys::OrderKeys::default(),
                shares: shares::Shares::default(),
                store,
                own,
                client,
                markets,
            }),
        };
        for file in orders.inner.db.orders()? {
            // A history that does not replay is reported when the order is listed.
            if file.party == Party::Consumer
                && let Ok(track) = replay(file.party, &file.history)
                && let Some(to) = track.parties.consumer
                && to.author == orders.signer(&file, &track).public()
                && to.author != orders.author()
            {
                orders
                    .inner
                    .order_keys
                    .insert(to.enc, file.order_id, file.created_ms);
            }
        }
        Ok(orders)
    }

    /// A peer connected: every message still waiting is tried again now, not when its
    /// backoff ends. A node whose line came back reaches its recipients through the
    /// cooperative it reconnected to; a recipient that came back may be the peer itself.
    pub fn peer_connected(&self) {
        self.inner
            .connected
            .store(true, std::sync::atomic::Ordering::Relaxed);
        self.inner.wake.notify_one();
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

    /// The key this node signs with in order `file`: the consumer's per-order key when the
    /// order names it (orders placed before per-order keys name the node's own), else the
    /// node's identity.
    fn signer(&self, file: &db::OrderFile, track: &Track) -> SecretKey {
        if file.party == Party::Consumer {
            let order = keys::order_secret(self.secret(), &file.order_id);
            if track
                .parties
                .consumer
                .is_some_and(|c| c.author == order.public())
            {
                return order;
            }
        }
        self.inner.secret.clone()
    }

    /// The identity and key that open a message sealed to `enc`: the node's own, or one of
    /// its orders'.
    fn opener(&self, enc: &EncryptionPublicKey) -> Option<(AuthorKey, EncryptionKey)> {
        let own = self.encryption_key();
        if *enc == own.public() {
            return Some((self.author(), own));
        }
        let order = self.inner.order_keys.order_of(enc)?;
        let secret = keys::order_secret(self.secret(), &order);
        Some((secret.public(), crate::identity::encryption_key(&secret)))
    }

    /// Every mailbox this node collects: its own key, then its recent orders' keys.
    pub fn mailboxes(&self) -> Vec<EncryptionKey> {
        std::iter::once(self.encryption_key())
            .chain(
                self.inner
                    .order_keys
                    .collected(now_ms())
                    .iter()
                    .map(|id| keys::order_encryption_key(self.secret(), id)),
            )
            .collect()
    }
}

impl Orders {
    /// Copies the orders database, as one read transaction sees it, into a new file at
    /// `dest` (a backup while the node runs).
    pub fn copy_db_to(&self, dest: &std::path::Path) -> Result<u64, redb::Error> {
        self.inner.db.copy_to(dest)
    }

    /// Changes to orders from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<OrderEvent> {
        self.inner.events.subscribe()
    }

    fn notify(&self, order_id: OrderId, what: &'static str) {
        let _ = self.inner.events.send(OrderEvent { order_id, what });
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

    /// The stored file of order `id`, and its history replayed.
    pub(super) fn replayed(&self, id: &OrderId) -> Result<(db::OrderFile, Track), OrderError> {
        let file = self
            .inner
            .db
            .order(id)?
            .ok_or_else(|| OrderError::NotFound(id.to_hex()))?;
        let track = replay(file.party, &file.history)?;
        Ok((file, track))
    }

    /// One order, replayed, with the delivery state of what we sent.
    pub fn get(&self, id: &OrderId) -> Result<OrderShown, OrderError> {
        let (file, track) = self.replayed(id)?;
        let outbox = self.inner.db.outbox_of(id)?;
        Ok((file, track, outbox))
    }
}

fn outgoing(to: RecipientKeys, sealed: Vec<u8>, kind: &str) -> Outgoing {
    let now = now_ms();
    Outgoing {
        to,
        sealed,
        via: None,
        kind: kind.to_owned(),
        state: DeliveryState::Pending,
        attempts: 0,
        next_try_ms: now,
        created_ms: now,
    }
}

#[cfg(test)]
mod tests;
