//! Order delivery figures on loopback, between real daemons:
//!
//! 1. Round trip of one order, consumer → seller → acknowledgement (`/smartket/msg/1`): the
//!    seller opens it, checks it against its listing, stores it durably, then answers. Past
//!    its burst a sender is allowed a few messages a second (`orders/shares.rs`), so the
//!    orders after the burst are paced at that rate: the figure is a round trip, not a queue.
//! 2. Mailbox: 32 orders deposited at a cooperative while the seller is away (as many as one
//!    depositor may leave for one recipient, `spec/mailbox.md` §6); time from the seller
//!    starting again to all of them stored in its orders.
//! 3. Star: 12 sellers that know only the cooperative (as a farmer does), each sent a first
//!    order by a consumer that has no address for it: dialled through the cooperative's
//!    relay, round trip as in 1. Twelve, because a node holds at most 16 circuits through one
//!    cooperative at once (`spec/network.md`), and the bench opens them faster than hole
//!    punching frees them.
//!
//! ```text
//! cargo run --release -p smartket-node --example orders_bench [ORDERS]
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use smartket_node::config::Config;
use smartket_node::daemon::{Daemon, Handle};
use smartket_node::identity;
use smartket_node::network::RequestKind;
use smartket_node::orders::shares;
use smartket_node::record_json::Draft;
use smartket_protocol::mailbox::{MsgRequest, MsgResponse};
use smartket_protocol::messages::{
    Contact, DeliveryChoice, Order, OrderId, OrderItem, PaymentChoice,
};
use smartket_protocol::{Kind, Message, MessageBody, RecipientKeys, Record, SecretKey, seal};

async fn start(dir: &Path, role: &str) -> Daemon {
    start_with(dir, role, Vec::new()).await
}

async fn start_with(dir: &Path, role: &str, bootstrap: Vec<String>) -> Daemon {
    if !dir.join("identity.key").exists() {
        smartket_node::data_dir::DataDir::new(dir).create().unwrap();
        identity::create_key(dir).unwrap();
    }
    let mut config = Config::default();
    config.node.role = role.into();
    config.network.listen = vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()];
    config.network.bootstrap = bootstrap.iter().map(|a| a.parse().unwrap()).collect();
    Daemon::start(dir, config).await.unwrap()
}

async fn connect(from: &Handle, to: &Handle) {
    let addr = to.network().listen_addrs().await.unwrap()[0].clone();
    from.network()
        .dial(format!("{addr}/p2p/{}", to.peer_id()).parse().unwrap())
        .await
        .unwrap();
    while !from
        .network()
        .peers()
        .await
        .unwrap()
        .iter()
        .any(|p| p.peer_id == to.peer_id())
    {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The seller's listing, signed with its key and stored on its node.
fn listing(secret: &SecretKey) -> Record {
    let body = serde_json::json!({
        "title": { "fr": "Tomme" }, "description": { "fr": "Au lait cru." },
        "category": "food.dairy.cheese",
        "price": { "amount": 900, "currency": "CHF", "unit": "piece" },
        "fulfilment": [{ "type": "pickup", "place": "Ferme", "postcode": "1254" }],
    });
    let payload = Draft::new(
        secret.public(),
        Kind::Listing,
        "geneva",
        "tomme",
        86_400_000,
    )
    .payload(&body)
    .unwrap();
    Record::sign(secret, payload).unwrap()
}

fn sealed_order(
    consumer: &SecretKey,
    reply: RecipientKeys,
    to: &RecipientKeys,
    item: &Record,
) -> Vec<u8> {
    let mut order = Order {
        order_id: OrderId::random().unwrap(),
        items: vec![OrderItem {
            author: item.payload.author,
            key: "tomme".into(),
            listing: item.id,
            rev: item.payload.rev,
            variant: None,
            quantity: 1,
            unit_price: 900,
            currency: "CHF".into(),
        }],
        delivery: DeliveryChoice::Pickup,
        address: None,
        contact: Contact {
            name: "Léa".into(),
            phone: None,
            email: Some("lea@example.ch".into()),
        },
        payment: PaymentChoice::CashOnPickup,
        totals: BTreeMap::new(),
        note: None,
        reply_to: reply,
        reply_node: None,
    };
    order.totals = order.computed_totals().unwrap();
    let message = Message::new("geneva", MessageBody::Order(Box::new(order))).unwrap();
    seal(consumer, to, &message, smartket_node::clock::now_ms())
        .unwrap()
        .into_bytes()
}

/// Sellers of the star scenario.
const STAR_SELLERS: usize = 12;

/// Orders left at the cooperative for the absent seller: the per-depositor-and-recipient quota.
const WAITING: usize = 32;

/// One sealed order from the consumer `c` to the seller `s`, stored and acknowledged.
async fn round_trip(
    c: &Handle,
    s: &Handle,
    c_secret: &SecretKey,
    reply: RecipientKeys,
    item: &Record,
) -> Duration {
    let to = RecipientKeys {
        author: s.author(),
        enc: s.encryption_key().public(),
    };
    let request = MsgRequest {
        to_enc: to.enc,
        sealed: sealed_order(c_secret, reply, &to, item),
    }
    .encode();
    let started = Instant::now();
    let answer = c
        .network()
        .request(s.peer_id(), RequestKind::Msg, request)
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(MsgResponse::decode(&answer).unwrap(), MsgResponse::Stored);
    elapsed
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() {
    // `SMARTKET_LOG=debug` shows the nodes' logs, as for `smartket run`.
    if let Ok(filter) = tracing_subscriber::EnvFilter::try_from_env("SMARTKET_LOG") {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(300);
    let temp = tempfile::tempdir().unwrap();

    // 1. Direct round trips.
    let seller = start(&temp.path().join("seller"), "producer").await;
    let consumer = start(&temp.path().join("consumer"), "consumer").await;
    let (s, c) = (seller.handle(), consumer.handle());
    let s_secret = identity::load_key(&temp.path().join("seller")).unwrap();
    let c_secret = identity::load_key(&temp.path().join("consumer")).unwrap();
    let item = listing(&s_secret);
    s.store().commit(vec![item.clone()]).unwrap();
    connect(&c, &s).await;
    let reply = RecipientKeys {
        author: c.author(),
        enc: c.encryption_key().public(),
    };
    let mut latencies = Vec::with_capacity(n);
    let pace = Duration::from_secs(1) / shares::RATE.per_second;
    for i in 0..n {
        if i >= shares::RATE.burst as usize {
            tokio::time::sleep(pace).await;
        }
        latencies.push(round_trip(&c, &s, &c_secret, reply, &item).await);
    }
    latencies.sort_unstable();
    println!(
        "order round trip (sealed order → seller opens, checks, stores durably → ack), {n} orders: \
         p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        pct(&latencies, 0.50).as_secs_f64() * 1e3,
        pct(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies[latencies.len() - 1].as_secs_f64() * 1e3,
    );
    seller.shutdown().await;

    // 2. Mailbox: 32 orders wait at the cooperative for a seller that is away. A node
    // deposits with, and collects from, its bootstrap peers only (`spec/security.md` §5): the
    // consumer starts again with the cooperative as its bootstrap node, as the seller does.
    let coop = start(&temp.path().join("coop"), "cooperative").await;
    let k = coop.handle();
    let coop_addr = format!(
        "{}/p2p/{}",
        k.network().listen_addrs().await.unwrap()[0],
        k.peer_id()
    );
    drop(c);
    consumer.shutdown().await;
    let consumer = start_with(
        &temp.path().join("consumer"),
        "consumer",
        vec![coop_addr.clone()],
    )
    .await;
    let c = consumer.handle();
    connect(&c, &k).await;
    let away_dir = temp.path().join("away");
    smartket_node::data_dir::DataDir::new(&away_dir)
        .create()
        .unwrap();
    let away_secret = identity::create_key(&away_dir).unwrap();
    let away_item = listing(&away_secret);
    let away = RecipientKeys {
        author: away_secret.public(),
        enc: identity::encryption_key(&away_secret).public(),
    };
    for _ in 0..WAITING {
        let sealed = sealed_order(&c_secret, reply, &away, &away_item);
        let now = smartket_node::clock::now_ms();
        assert!(smartket_node::mailbox::client::deposit(c.network(), &away, &sealed, now).await);
    }
    assert_eq!(k.status().await.mailbox.unwrap().waiting, WAITING as u64);
    let seller = start_with(&away_dir, "producer", vec![coop_addr.clone()]).await;
    let s = seller.handle();
    s.store().commit(vec![away_item]).unwrap();
    let started = Instant::now();
    while s.orders().list().unwrap().len() < WAITING {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "mailbox not emptied"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let elapsed = started.elapsed();
    println!(
        "mailbox: {WAITING} orders waiting at the cooperative, seller starts (dials it) → all stored: {:.2} s",
        elapsed.as_secs_f64()
    );
    seller.shutdown().await;

    // 3. Star: a first order to sellers the consumer has no address for.
    let mut first = Vec::new();
    for i in 0..STAR_SELLERS {
        let dir = temp.path().join(format!("star-{i}"));
        let seller = start_with(&dir, "producer", vec![coop_addr.clone()]).await;
        let s = seller.handle();
        let secret = identity::load_key(&dir).unwrap();
        let item = listing(&secret);
        s.store().commit(vec![item.clone()]).unwrap();
        while s.status().await.reachability.relays.is_empty() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        first.push(round_trip(&c, &s, &c_secret, reply, &item).await);
        seller.shutdown().await;
    }
    first.sort_unstable();
    println!(
        "star: first order to a seller known only by its key, through the cooperative's relay, \
         {STAR_SELLERS} sellers: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        pct(&first, 0.50).as_secs_f64() * 1e3,
        pct(&first, 0.99).as_secs_f64() * 1e3,
        first[first.len() - 1].as_secs_f64() * 1e3,
    );
    coop.shutdown().await;
    consumer.shutdown().await;
}
