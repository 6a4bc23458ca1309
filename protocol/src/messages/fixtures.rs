//! Sample parties and one valid message of every kind, from a Geneva market, for tests.

use std::collections::BTreeMap;

use super::*;
use crate::keys::{RecordId, SecretKey};

pub(crate) const NOW: u64 = 1_790_000_000_000;

/// A party: identity and encryption key.
pub(crate) struct Party {
    pub(crate) secret: SecretKey,
    pub(crate) enc: EncryptionKey,
}

impl Party {
    pub(crate) fn keys(&self) -> RecipientKeys {
        RecipientKeys {
            author: self.secret.public(),
            enc: self.enc.public(),
        }
    }
}

pub(crate) fn party(n: u8) -> Party {
    Party {
        secret: SecretKey::from_bytes(&[n; 32]),
        enc: EncryptionKey::from_seed(&[n + 100; 32]),
    }
}

pub(crate) fn consumer() -> Party {
    party(1)
}

pub(crate) fn seller() -> Party {
    party(2)
}

pub(crate) fn courier() -> Party {
    party(3)
}

pub(crate) fn address() -> Address {
    Address {
        lines: vec!["Rue de Carouge 24".into()],
        postcode: "1205".into(),
        city: "Genève".into(),
        country: "CH".into(),
        notes: Some("Code 4512, 3e étage".into()),
    }
}

pub(crate) fn contact(name: &str) -> Contact {
    Contact {
        name: name.into(),
        phone: Some("+41 22 123 45 67".into()),
        email: None,
    }
}

pub(crate) fn chf(amount: u64) -> Money {
    Money {
        amount,
        currency: "CHF".into(),
    }
}

pub(crate) fn window() -> Window {
    Window {
        from: NOW + 86_400_000,
        to: NOW + 86_400_000 + 2 * 3_600_000,
    }
}

pub(crate) fn order() -> Order {
    Order {
        order_id: OrderId([7; 16]),
        items: vec![
            OrderItem {
                author: seller().secret.public(),
                key: "pommes-gala".into(),
                listing: RecordId([5; 32]),
                rev: NOW - 1000,
                variant: Some("1kg".into()),
                quantity: 3,
                unit_price: 450,
                currency: "CHF".into(),
            },
            OrderItem {
                author: seller().secret.public(),
                key: "jus-de-pomme".into(),
                listing: RecordId([6; 32]),
                rev: NOW - 2000,
                variant: None,
                quantity: 2,
                unit_price: 380,
                currency: "CHF".into(),
            },
        ],
        delivery: DeliveryChoice::Courier {
            courier: courier().secret.public(),
            offer: "velo-geneve".into(),
            window: window(),
            fee: chf(900),
        },
        address: Some(address()),
        contact: contact("Alice"),
        payment: PaymentChoice::LocalCurrency {
            currency: "LEM".into(),
            share_pct: 50,
            rest: Some(Box::new(PaymentChoice::CardOnDelivery)),
        },
        totals: BTreeMap::from([("CHF".to_owned(), 3 * 450 + 2 * 380 + 900)]),
        note: Some("Merci !".into()),
        reply_to: consumer().keys(),
        reply_node: None,
    }
}

pub(crate) fn transition() -> Transition {
    Transition {
        order_id: OrderId([7; 16]),
        prev: MessageId([8; 16]),
        at: NOW,
        step: Step::Accepted {
            payment_reference: Some("210000000003139471430009017".into()),
            note: None,
        },
    }
}

pub(crate) fn delivery_job() -> DeliveryJob {
    DeliveryJob {
        order_id: OrderId([7; 16]),
        pickup: Stop {
            address: Address {
                lines: vec!["Chemin des Vergers 3".into()],
                postcode: "1233".into(),
                city: "Bernex".into(),
                country: "CH".into(),
                notes: None,
            },
            contact: contact("Verger du Coteau"),
        },
        dropoff: Stop {
            address: address(),
            contact: contact("Alice"),
        },
        window: window(),
        parcel: Parcel {
            weight_g: 4200,
            length_cm: 40,
            width_cm: 30,
            height_cm: 25,
        },
        fee: chf(900),
        notify: Some(consumer().keys()),
        notify_node: None,
        note: None,
    }
}

pub(crate) fn chat() -> Chat {
    Chat {
        order_id: Some(OrderId([7; 16])),
        text: "Bonjour, les pommes sont-elles traitées ?\nMerci".into(),
    }
}

/// One message of every kind, each with a distinct id.
pub(crate) fn all_messages() -> Vec<Message> {
    let bodies = [
        MessageBody::Order(Box::new(order())),
        MessageBody::Transition(transition()),
        MessageBody::DeliveryJob(Box::new(delivery_job())),
        MessageBody::Chat(chat()),
    ];
    bodies
        .into_iter()
        .enumerate()
        .map(|(i, body)| Message {
            id: MessageId([i as u8 + 1; 16]),
            market: "geneva".into(),
            body,
        })
        .collect()
}
