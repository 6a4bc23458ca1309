//! The consumer's per-order keys (`spec/orders.md` §2): each order is signed by, and answered
//! to, an identity and an encryption key of its own, so that the mailboxes its replies wait in
//! at a cooperative do not name the consumer, and two orders' mailboxes cannot be told apart
//! from two consumers'. The node's own identity travels only inside the sealed order, as
//! `reply_node`, for direct delivery.
//!
//! The keys are derived from the node's secret and the order id, never stored: the key file
//! stays the one secret to back up, and a restored node answers its open orders. The index
//! kept here maps each per-order encryption key to its order, so that a message sealed to one
//! is opened with the right key, and says which mailboxes to collect.

use std::collections::HashMap;
use std::sync::RwLock;

use smartket_protocol::messages::OrderId;
use smartket_protocol::{EncryptionKey, EncryptionPublicKey, RecipientKeys, SecretKey};

use crate::identity::encryption_key;

/// Per-order mailboxes collected at each round, newest orders first. A cooperative lets one
/// peer hold 64 open challenges (one per key); this leaves room for the node's own key and
/// margin. A consumer with more open orders than this collects the older ones' replies when
/// they come directly, or once newer orders age out.
pub const COLLECTED: usize = 48;

/// How long after it was placed an order's mailbox is still collected: the longest an order
/// stays open in practice (a rejection is retried for 14 days; a delivery window is at most a
/// day, weeks ahead) plus the mailbox retention.
pub const COLLECTED_FOR_MS: u64 = 60 * 24 * 3600 * 1000;

/// The identity key of order `order_id` placed by the node holding `secret`.
pub fn order_secret(secret: &SecretKey, order_id: &OrderId) -> SecretKey {
    let mut input = Vec::with_capacity(48);
    input.extend_from_slice(&secret.to_bytes());
    input.extend_from_slice(&order_id.0);
    SecretKey::from_bytes(&blake3::derive_key(
        "smartket 2026 per-order identity seed v1",
        &input,
    ))
}

/// The keys an order's replies are sealed to.
pub fn order_recipient(secret: &SecretKey, order_id: &OrderId) -> RecipientKeys {
    let order = order_secret(secret, order_id);
    RecipientKeys {
        author: order.public(),
        enc: encryption_key(&order).public(),
    }
}

/// The per-order encryption keys of the orders this node placed, with when each was placed.
#[derive(Default)]
pub struct OrderKeys {
    by_enc: RwLock<HashMap<EncryptionPublicKey, (OrderId, u64)>>,
}

impl OrderKeys {
    /// Notes that order `order_id`, placed at `placed_ms`, answers to `enc`.
    pub fn insert(&self, enc: EncryptionPublicKey, order_id: OrderId, placed_ms: u64) {
        self.by_enc
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(enc, (order_id, placed_ms));
    }

    /// The order whose replies are sealed to `enc`.
    pub fn order_of(&self, enc: &EncryptionPublicKey) -> Option<OrderId> {
        self.by_enc
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(enc)
            .map(|(id, _)| *id)
    }

    /// The orders whose mailboxes are collected at `now_ms`: placed within
    /// [`COLLECTED_FOR_MS`], the newest [`COLLECTED`].
    pub fn collected(&self, now_ms: u64) -> Vec<OrderId> {
        let mut recent: Vec<(u64, OrderId)> = self
            .by_enc
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .values()
            .filter(|(_, placed)| now_ms.saturating_sub(*placed) < COLLECTED_FOR_MS)
            .map(|(id, placed)| (*placed, *id))
            .collect();
        recent.sort_unstable_by(|a, b| b.cmp(a));
        recent.truncate(COLLECTED);
        recent.into_iter().map(|(_, id)| id).collect()
    }
}

/// The encryption key of order `order_id`'s mailbox.
pub fn order_encryption_key(secret: &SecretKey, order_id: &OrderId) -> EncryptionKey {
    encryption_key(&order_secret(secret, order_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_order_has_its_own_keys_and_none_is_the_nodes() {
        let node = SecretKey::from_bytes(&[7; 32]);
        let a = order_recipient(&node, &OrderId([1; 16]));
        let b = order_recipient(&node, &OrderId([2; 16]));
        assert_ne!(a, b);
        assert_ne!(a.author, node.public());
        assert_ne!(a.enc, encryption_key(&node).public());
        // Derived, not drawn: a restored node answers the same orders.
        assert_eq!(a, order_recipient(&node, &OrderId([1; 16])));
        let other = SecretKey::from_bytes(&[8; 32]);
        assert_ne!(a, order_recipient(&other, &OrderId([1; 16])));
    }

    #[test]
    fn the_newest_recent_orders_are_collected() {
        let keys = OrderKeys::default();
        let now = 1_800_000_000_000;
        for n in 0..(COLLECTED as u64 + 10) {
            keys.insert(
                EncryptionPublicKey([n as u8; 32]),
                OrderId([n as u8; 16]),
                now - n,
            );
        }
        keys.insert(
            EncryptionPublicKey([250; 32]),
            OrderId([250; 16]),
            now - COLLECTED_FOR_MS,
        );
        let collected = keys.collected(now);
        assert_eq!(collected.len(), COLLECTED);
        assert_eq!(collected[0], OrderId([0; 16]));
        assert!(!collected.contains(&OrderId([250; 16])));
        assert!(!collected.contains(&OrderId([COLLECTED as u8; 16])));
        assert_eq!(
            keys.order_of(&EncryptionPublicKey([3; 32])),
            Some(OrderId([3; 16]))
        );
    }
}
