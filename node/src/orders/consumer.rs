//! The consumer's side of the service: its basket kept in the orders database, reviewed against
//! the records as they are now, and turned into one sealed order per seller at checkout.
//!
//! The rules themselves are pure and live in `basket.rs` and `checkout.rs`; this adds what only
//! the running service has: the write lock, the orders database, sealing and the outbox.

use std::collections::BTreeMap;

use smartket_protocol::messages::{Address, Contact, OrderId};
use smartket_protocol::{AuthorKey, Message, MessageBody};

use super::basket::Basket;
use super::checkout::{self, CheckoutError, LineChange, SellerChoice, SellerRequest};
use super::db::{self, Kept, Party};
use super::{OrderError, Orders, keys, outgoing};
use crate::clock::now_ms;

impl Orders {
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

    /// Sets the quantities of basket lines (zero takes a line off), all or none.
    pub async fn set_quantities(&self, wanted: &[(usize, u32)]) -> Result<Basket, OrderError> {
        let _guard = self.inner.write.lock().await;
        let mut basket = self.inner.db.basket()?;
        basket.set_quantities(wanted)?;
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
    /// fee quoted from its current offer. When anything changed since the lines were added,
    /// nothing is sent unless `accept_changes` (the consumer has seen the changes); a line that
    /// is gone or short of stock is never ordered.
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

    /// [`Orders::place`] with the write lock held and the couriers quoted.
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
        let orders = checkout::build_orders(
            &basket,
            choices,
            contact,
            address,
            |id| keys::order_recipient(self.secret(), id),
            Some(self.author()),
        )?;
        let mut placed = Vec::new();
        for (seller, market, order) in orders {
            let to = self.recipient_of(&seller)?;
            let order_id = order.order_id;
            let reply_enc = order.reply_to.enc;
            let message = Message::new(market.clone(), MessageBody::Order(Box::new(order)))
                .map_err(|e| CheckoutError::Random(e.to_string()))?;
            let signer = keys::order_secret(self.secret(), &order_id);
            let (sealed, kept) = smartket_protocol::seal_keeping(&signer, &to, &message, now_ms())?;
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
            self.inner
                .order_keys
                .insert(reply_enc, order_id, file.created_ms);
            self.notify(order_id, "sent");
            placed.push(order_id);
        }
        self.inner.db.save_basket(&Basket::default())?;
        self.inner.wake.notify_one();
        Ok(placed)
    }
}
