//! The attacks of the adversarial testbed (`spec/security.md` §8), each sized by its caller and
//! returning what it measured: the suite runs them small and asserts the limits hold
//! (`tests/adversary.rs`); the benchmark runs them at the sizes the README quotes
//! (`tests/examples/adversary_bench.rs`).

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use libp2p::PeerId;
use libp2p::identity::Keypair;
use smartket_node::network::RequestKind;
use smartket_node::network::scoring::GRAYLIST_THRESHOLD;
use smartket_protocol::mailbox::{MailboxRequest, MailboxResponse};
use smartket_protocol::{EncryptionPublicKey, RecordId};
use tokio::time::Instant;

use crate::shop::{buy_for_pickup, open_cheese_shop, wait_stage};
use crate::testbed::{Attacker, Delivery, Honest, forged_records, gossip};
use crate::{DEADLINE, Node, now_ms, wait_until};

/// Held by each attack while it runs: the suite runs a binary's tests at once, and an attack
/// sharing the machine's two cores with another measures the other, not itself (a Sybil flash
/// that reaches every node in 1 s alone took 8 s beside the connection flood).
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The pace of honest publishing: a busy market's rate, slow enough that honest records do
/// not queue behind each other, so a latency is propagation, not backlog.
pub const PACE: Duration = Duration::from_millis(25);

/// What a flood of forged records from one peer did.
#[derive(Debug)]
pub struct FloodFigures {
    /// Forged records its swarm sent.
    pub sent: usize,
    /// Honest nodes connected to it when it started.
    pub watchers: usize,
    /// From its first forged record until every honest node connected to it scored it under
    /// the graylist threshold (`None`: not within a minute).
    pub graylisted_after: Option<Duration>,
    /// From its first forged record until no honest node was connected to it any more (banned:
    /// `None`, not within a minute).
    pub cut_off_after: Option<Duration>,
    /// Honest records before the attack.
    pub baseline: Delivery,
    /// Honest records published while it flooded.
    pub under_attack: Delivery,
    /// Forged records found in any honest store (must be 0).
    pub forged_stored: usize,
    /// Gossip the honest nodes dropped for a full event queue (caught up by sync).
    pub dropped: u64,
}

/// `forged` bad-signature records gossiped by one peer connected to all of `honest` nodes,
/// while they publish `records` honest listings; the same number published before it, as the
/// same run's baseline.
pub async fn bad_signature_flood(honest: usize, forged: usize, records: usize) -> FloodFigures {
    let _alone = ONE_AT_A_TIME.lock().await;
    let net = Honest::start(honest).await;
    let baseline = net.publish(records, PACE).await;
    let addrs = net.addrs().await;
    let attacker = Attacker::join(&addrs).await;
    let nodes = net.handles.len();
    let watchers = wait_until(
        "the attacker connected to every honest node",
        DEADLINE,
        || {
            let scores = net.scores_of(attacker.peer);
            async move {
                let n = scores.await.len();
                (n == nodes).then_some(n)
            }
        },
    )
    .await;
    wait_until("the attacker in a mesh", DEADLINE, || async {
        attacker.in_mesh().await.then_some(())
    })
    .await;
    let forged = forged_records(forged, 1);
    let wires: Vec<Vec<u8>> = forged.iter().map(|(_, w)| w.clone()).collect();
    let started = Instant::now();
    let flood = {
        let client = attacker.client.clone();
        tokio::spawn(async move { gossip(&client, &wires).await })
    };
    let minute = Duration::from_secs(60);
    let graylisted = held_after(started, minute, || async {
        let scores = net.scores_of(attacker.peer).await;
        scores.iter().all(|s| *s < GRAYLIST_THRESHOLD)
    });
    let cut_off = held_after(started, minute, || async {
        net.connected_to(attacker.peer).await == 0
    });
    let (under_attack, graylisted_after, cut_off_after) =
        tokio::join!(net.publish(records, PACE), graylisted, cut_off);
    let sent = flood.await.unwrap();
    let forged_stored = forged
        .iter()
        .filter(|(id, _)| held_anywhere(&net, id))
        .count();
    let dropped = net.gossip_dropped().await;
    net.shutdown().await;
    FloodFigures {
        sent,
        watchers,
        graylisted_after,
        cut_off_after,
        baseline,
        under_attack,
        forged_stored,
        dropped,
    }
}

/// How long after `since` `check` first held, polling every 20 ms (`None`: not within `limit`).
async fn held_after<F, Fut>(since: Instant, limit: Duration, mut check: F) -> Option<Duration>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    while since.elapsed() < limit {
        if check().await {
            return Some(since.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    None
}

fn held_anywhere(net: &Honest, id: &RecordId) -> bool {
    net.handles
        .iter()
        .any(|h| h.store().get(id).ok().flatten().is_some())
}

/// What a crowd of Sybils did to honest delivery.
#[derive(Debug)]
pub struct SybilFigures {
    /// Honest nodes' mesh slots held by Sybils, and all slots, once the crowd joined.
    pub mesh_share: (usize, usize),
    /// Honest records while the Sybils were silent (forwarding nothing).
    pub silent: Delivery,
    /// Honest records while every Sybil gossiped forged records at once.
    pub flash: Delivery,
    /// Forged records the Sybils sent in the flash.
    pub forged_sent: usize,
    /// Forged records found in any honest store (must be 0).
    pub forged_stored: usize,
    /// How long the flash took to send.
    pub flash_took: Duration,
    /// Gossip the honest nodes dropped for a full event queue (caught up by sync).
    pub dropped: u64,
}

/// `sybils` fresh peers connect to every one of `honest` nodes and forward nothing while the
/// honest nodes publish `records` listings; then they all gossip `forged_each` forged records
/// at once while the honest nodes publish `records` more.
pub async fn sybil_crowd(
    honest: usize,
    sybils: usize,
    records: usize,
    forged_each: usize,
) -> SybilFigures {
    let _alone = ONE_AT_A_TIME.lock().await;
    let net = Honest::start(honest).await;
    let addrs = net.addrs().await;
    let mut crowd = Vec::new();
    for _ in 0..sybils {
        crowd.push(Attacker::join(&addrs).await);
    }
    for sybil in &crowd {
        wait_until("every Sybil in a mesh", DEADLINE, || async {
            sybil.in_mesh().await.then_some(())
        })
        .await;
    }
    let ids: HashSet<PeerId> = crowd.iter().map(|s| s.peer).collect();
    let mesh_share = net.mesh_share(&ids).await;
    let silent = net.publish(records, PACE).await;

    let mut all_forged = Vec::new();
    let mut floods = Vec::new();
    for (i, sybil) in crowd.iter().enumerate() {
        let forged = forged_records(forged_each, 100 + i as u64);
        let wires: Vec<Vec<u8>> = forged.iter().map(|(_, w)| w.clone()).collect();
        all_forged.extend(forged.into_iter().map(|(id, _)| id));
        let client = sybil.client.clone();
        floods.push(tokio::spawn(async move { gossip(&client, &wires).await }));
    }
    let flash_started = Instant::now();
    let flash = net.publish(records, PACE);
    let sent = async {
        let mut sent = 0;
        for flood in floods {
            sent += flood.await.unwrap();
        }
        (sent, flash_started.elapsed())
    };
    let (flash, (forged_sent, flash_took)) = tokio::join!(flash, sent);
    let forged_stored = all_forged
        .iter()
        .filter(|id| held_anywhere(&net, id))
        .count();
    let dropped = net.gossip_dropped().await;
    net.shutdown().await;
    SybilFigures {
        mesh_share,
        silent,
        flash,
        forged_sent,
        forged_stored,
        flash_took,
        dropped,
    }
}

/// What a mailbox flood did at the cooperative.
#[derive(Debug)]
pub struct MailboxFigures {
    /// Deposits sent, and the answers by kind (`accepted`, `sender_quota`, …).
    pub sent: usize,
    /// Answers by kind.
    pub answers: BTreeMap<String, usize>,
    /// Messages the cooperative keeps after the flood.
    pub kept: u64,
    /// Bytes of its mailbox database after the flood.
    pub db_bytes: u64,
    /// Its resident memory before and after the flood, KiB.
    pub rss_kib: (u64, u64),
    /// How long the flood took.
    pub took: Duration,
    /// Whether the honest order placed after the flood reached the seller once it came back.
    pub honest_delivered: bool,
    /// Challenges asked for at once by fresh peers of the same host before the flood, and the
    /// answers by kind (`challenge`, `busy`).
    pub challenges: (usize, BTreeMap<String, usize>),
}

/// `keys` fresh peers, one host (127.0.0.1), each deposit `per_key` junk messages (well
/// formed outside, random inside) for one offline seller and for random recipients, at a
/// cooperative that counts loopback as a host. Then an honest consumer (on ::1, another host)
/// orders from the offline seller, and the seller comes back and collects.
pub async fn mailbox_flood(keys: usize, per_key: usize) -> MailboxFigures {
    let _alone = ONE_AT_A_TIME.lock().await;
    let (mut coop, v4, v6) = two_host_cooperative().await;
    let consumer = Node::start("consumer", "Client", &[v6]).await.unwrap();
    let mut seller = Node::start(
        "producer",
        "Fromagerie",
        &[v4.clone(), consumer.addrs[0].clone()],
    )
    .await
    .unwrap();
    let seller_key = open_cheese_shop(&seller, &consumer).await;
    let seller_enc = seller_encryption_key(&seller);
    assert!(seller.stop().await, "the seller stops cleanly");
    let coop_peer: PeerId = coop.status().await["peer_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();

    let asked = 2 * smartket_node::mailbox::CHALLENGE_RATE.burst as usize;
    let challenges = (asked, challenge_burst(&v4, coop_peer, asked).await);
    let rss_before = coop.rss_kib();
    let started = Instant::now();
    let mut answers: BTreeMap<String, usize> = BTreeMap::new();
    // A few keys at a time: the cooperative holds at most 8 connections from one host.
    let keys_in_order: Vec<usize> = (0..keys).collect();
    for wave in keys_in_order.chunks(4) {
        let tasks: Vec<_> = wave
            .iter()
            .map(|&k| {
                let v4 = v4.clone();
                tokio::spawn(async move {
                    junk_depositor(&v4, coop_peer, seller_enc, per_key, k as u64).await
                })
            })
            .collect();
        for task in tasks {
            for (answer, n) in task.await.unwrap() {
                *answers.entry(answer).or_default() += n;
            }
        }
    }
    let took = started.elapsed();
    let status = coop.status().await;
    let kept = status["mailbox"]["waiting"].as_u64().unwrap_or(0);
    let db_bytes = std::fs::metadata(coop.dir.join("mailbox.redb")).map_or(0, |m| m.len());
    let rss_after = coop.rss_kib();

    let id = buy_for_pickup(&consumer, &seller_key, "tomme", 2, "Léa Martin").await;
    wait_until("the honest order in the mailbox", DEADLINE, || async {
        let order = consumer.get(&format!("/api/v1/orders/{id}")).await.ok()??;
        (order["sent"][0]["state"] == "in_mailbox").then_some(())
    })
    .await;
    seller.set_bootstrap(vec![v4]);
    seller.run().await.unwrap();
    let honest_delivered =
        wait_stage(&seller, &id, "placed").await["order"]["items"][0]["quantity"] == 2;
    coop.stop().await;
    MailboxFigures {
        sent: keys * per_key,
        answers,
        kept,
        db_bytes,
        rss_kib: (rss_before, rss_after),
        took,
        honest_delivered,
        challenges,
    }
}

/// Fresh peers on one host asking `coop` for challenges (each for another key), 16 at a time:
/// 64 each, what the cooperative lets one peer hold open, until `count` are asked.
async fn challenge_burst(coop: &str, coop_peer: PeerId, count: usize) -> BTreeMap<String, usize> {
    let mut answers = BTreeMap::new();
    for (p, mine) in (0..count).collect::<Vec<_>>().chunks(64).enumerate() {
        let client = stranger_at(coop, coop_peer, |_| {}).await;
        for wave in mine.chunks(16) {
            let mut batch = tokio::task::JoinSet::new();
            for &i in wave {
                let key = junk_bytes(77 + p as u64, i as u64, 32).try_into().unwrap();
                let ask = MailboxRequest::Challenge {
                    recipient: EncryptionPublicKey(key),
                }
                .encode();
                let client = client.clone();
                batch.spawn(
                    async move { client.request(coop_peer, RequestKind::Mailbox, ask).await },
                );
            }
            for answer in batch.join_all().await {
                *answers.entry(mailbox_answer(answer)).or_default() += 1;
            }
        }
        let _ = client.shutdown().await;
    }
    answers
}

/// A mailbox answer by kind: `accepted`, `challenge`, a refusal's code, or what went wrong.
fn mailbox_answer(answer: Result<Vec<u8>, smartket_node::network::NetworkError>) -> String {
    match answer.map(|a| MailboxResponse::decode(&a)) {
        Ok(Ok(MailboxResponse::Accepted { .. })) => "accepted".to_owned(),
        Ok(Ok(MailboxResponse::Challenge(_))) => "challenge".to_owned(),
        Ok(Ok(MailboxResponse::Refused { code, .. })) => code.name().to_owned(),
        Ok(Ok(other)) => format!("{other:?}"),
        Ok(Err(e)) => format!("undecodable: {e}"),
        Err(e) => format!("failed: {e}"),
    }
}

fn seller_encryption_key(seller: &Node) -> EncryptionPublicKey {
    smartket_node::identity::encryption_key(&seller.secret()).public()
}

/// One fresh peer depositing `count` junk messages, half for `seller` and half for random
/// recipients, 16 at a time; returns the answers by kind.
async fn junk_depositor(
    coop: &str,
    coop_peer: PeerId,
    seller: EncryptionPublicKey,
    count: usize,
    salt: u64,
) -> BTreeMap<String, usize> {
    let client = stranger_at(coop, coop_peer, |_| {}).await;
    let mut answers = BTreeMap::new();
    let mut i = 0;
    while i < count {
        let mut batch = tokio::task::JoinSet::new();
        for j in i..count.min(i + 16) {
            let recipient = if j % 2 == 0 {
                seller
            } else {
                EncryptionPublicKey(junk_bytes(salt, j as u64, 32).try_into().unwrap())
            };
            let deposit = MailboxRequest::Deposit {
                recipient,
                expires_ms: now_ms() + 24 * 3600 * 1000,
                sealed: junk_sealed(salt, j as u64),
            };
            let client = client.clone();
            batch.spawn(async move {
                client
                    .request(coop_peer, RequestKind::Mailbox, deposit.encode())
                    .await
            });
        }
        i += batch.len();
        for answer in batch.join_all().await {
            *answers.entry(mailbox_answer(answer)).or_default() += 1;
        }
    }
    let _ = client.shutdown().await;
    answers
}

/// The sealed outer format `[1, enc, ct]` (`sealing.md` §3) around random bytes: what a
/// cooperative cannot tell from mail.
fn junk_sealed(salt: u64, i: u64) -> Vec<u8> {
    let mut sealed = vec![0x83, 0x01, 0x58, 0x20];
    sealed.extend(junk_bytes(salt, i, 32));
    sealed.extend([0x59, 0x04, 0x00]);
    sealed.extend(junk_bytes(salt ^ 0x5a5a, i, 1024));
    sealed
}

fn junk_bytes(salt: u64, i: u64, len: usize) -> Vec<u8> {
    let mut hasher = blake3::Hasher::new();
    hasher.update(&salt.to_le_bytes());
    hasher.update(&i.to_le_bytes());
    let mut out = vec![0u8; len];
    hasher.finalize_xof().fill(&mut out);
    out
}

/// What a flood of inbound connections from one host did at a cooperative.
#[derive(Debug)]
pub struct ConnectionFigures {
    /// Raw TCP connections opened, `wave` at a time, that never start a handshake.
    pub raw_attempts: usize,
    /// Of those, how many the cooperative closed within a second (over its per-host limit of
    /// connections in their handshake).
    pub raw_closed_at_once: usize,
    /// The most of one wave it left open (must not exceed the per-host pending limit).
    pub raw_held_most: usize,
    /// Fresh identities that dialled it from the same host, all at once.
    pub identities: usize,
    /// The most of them it held established at any sample (must not exceed the per-host
    /// limit).
    pub identities_held_most: usize,
    /// Its resident memory before, at the most during, and after the flood, KiB.
    pub rss_kib: (u64, u64, u64),
    /// How long the flood took.
    pub took: Duration,
    /// Whether an honest consumer and seller from another host connected to it while the
    /// identities held their slots, and the consumer's order reached the seller.
    pub honest_traded: bool,
}

/// `raw_attempts` TCP connections from 127.0.0.1 that never handshake, `wave` at a time, then
/// `identities` fresh libp2p identities dialling from the same host at once, at a cooperative
/// that counts loopback as a host; while those hold what they got, an honest consumer and
/// seller on ::1 (another host) connect to it and trade.
pub async fn connection_flood(
    raw_attempts: usize,
    wave: usize,
    identities: usize,
) -> ConnectionFigures {
    let _alone = ONE_AT_A_TIME.lock().await;
    let (coop, v4, v6) = two_host_cooperative().await;
    let socket: std::net::SocketAddr = {
        let addr: libp2p::Multiaddr = v4.parse().unwrap();
        let mut ip = None;
        let mut port = None;
        for p in addr.iter() {
            match p {
                libp2p::multiaddr::Protocol::Ip4(a) => ip = Some(a),
                libp2p::multiaddr::Protocol::Tcp(t) => port = Some(t),
                _ => {}
            }
        }
        (ip.unwrap(), port.unwrap()).into()
    };
    let rss_before = coop.rss_kib();
    let mut rss_most = rss_before;
    let started = Instant::now();

    let mut closed_at_once = 0;
    let mut held_most = 0;
    let mut done = 0;
    while done < raw_attempts {
        let n = wave.min(raw_attempts - done);
        let tasks: Vec<_> = (0..n)
            .map(|_| tokio::spawn(async move { half_open(socket).await }))
            .collect();
        let mut held = Vec::new();
        for task in tasks {
            match task.await.unwrap() {
                Some(stream) => held.push(stream),
                None => closed_at_once += 1,
            }
        }
        held_most = held_most.max(held.len());
        rss_most = rss_most.max(coop.rss_kib());
        done += n;
    }

    let mut crowd = Vec::with_capacity(identities);
    for _ in 0..identities {
        crowd.push(Attacker::join(std::slice::from_ref(&v4)).await);
    }
    let ids: HashSet<String> = crowd.iter().map(|a| a.peer.to_string()).collect();
    let held_by_coop = || async {
        let peers = coop.get("/api/v1/peers").await.ok()??;
        Some(
            peers
                .as_array()?
                .iter()
                .filter(|p| p["peer_id"].as_str().is_some_and(|id| ids.contains(id)))
                .count(),
        )
    };
    let limit = smartket_node::network::PerIpLimits::default().established;
    wait_until(
        "the identities took what one host may hold",
        DEADLINE,
        || async { held_by_coop().await.filter(|n| *n >= limit.min(identities)) },
    )
    .await;
    let took = started.elapsed();

    let consumer = Node::start("consumer", "Client", std::slice::from_ref(&v6))
        .await
        .unwrap();
    let seller = Node::start("producer", "Fromagerie", &[v6]).await.unwrap();
    let coop_id = coop.status().await["peer_id"].as_str().unwrap().to_owned();
    let most = std::sync::atomic::AtomicUsize::new(0);
    for node in [&consumer, &seller] {
        wait_until(
            "an honest node connected to the cooperative",
            DEADLINE,
            || async {
                most.fetch_max(held_by_coop().await?, std::sync::atomic::Ordering::Relaxed);
                let peers = node.get("/api/v1/peers").await.ok()??;
                peers
                    .as_array()?
                    .iter()
                    .any(|p| p["peer_id"] == coop_id.as_str())
                    .then_some(())
            },
        )
        .await;
    }
    let seller_key = open_cheese_shop(&seller, &consumer).await;
    let id = buy_for_pickup(&consumer, &seller_key, "tomme", 2, "Léa Martin").await;
    let honest_traded =
        wait_stage(&seller, &id, "placed").await["order"]["items"][0]["quantity"] == 2;
    let identities_held_most = most.into_inner().max(held_by_coop().await.unwrap_or(0));
    rss_most = rss_most.max(coop.rss_kib());
    let rss_after = coop.rss_kib();
    for attacker in crowd {
        let _ = attacker.client.shutdown().await;
    }
    ConnectionFigures {
        raw_attempts,
        raw_closed_at_once: closed_at_once,
        raw_held_most: held_most,
        identities,
        identities_held_most,
        rss_kib: (rss_before, rss_most, rss_after),
        took,
        honest_traded,
    }
}

/// A TCP connection to `to` that sends nothing: the socket if it is still open a second later,
/// `None` if the other end closed it (or never took it).
async fn half_open(to: std::net::SocketAddr) -> Option<tokio::net::TcpStream> {
    use tokio::io::AsyncReadExt;
    let mut stream = tokio::net::TcpStream::connect(to).await.ok()?;
    let mut byte = [0u8; 1];
    match tokio::time::timeout(Duration::from_secs(1), stream.read(&mut byte)).await {
        // Still open and silent: the listener keeps it in its handshake.
        Err(_) => Some(stream),
        // Closed (0 bytes, or reset), or it spoke first (multistream-select's header): a
        // connection it took into its handshake only says something while it is open.
        Ok(Ok(n)) if n > 0 => Some(stream),
        Ok(_) => None,
    }
}

/// What steps from strangers for order ids nobody has did to a seller.
#[derive(Debug)]
pub struct StrangerFigures {
    /// Steps sent, and the answers by kind (`stored`, `busy`, …).
    pub sent: usize,
    /// Answers by kind.
    pub answers: BTreeMap<String, usize>,
    /// The flood's rate in its first and its last tenth, steps a second: a node that slowed
    /// down as what it keeps aside grew would show it here.
    pub rate_first_last: (f64, f64),
    /// Bytes of the seller's orders database before and after.
    pub db_bytes: (u64, u64),
    /// Honest round trips before the flood: order sent → the seller has it, and its
    /// acceptance → the consumer has it.
    pub honest_before: Vec<(Duration, Duration)>,
    /// The same, while the strangers' steps kept coming.
    pub honest_during: Vec<(Duration, Duration)>,
}

/// `steps` sealed steps for random order ids, each from one of `steps / per_key` stranger
/// keys, sent to a seller over four connections; honest orders from a consumer before and
/// during.
pub async fn stranger_steps(steps: usize, per_key: usize, honest: usize) -> StrangerFigures {
    let _alone = ONE_AT_A_TIME.lock().await;
    use smartket_protocol::mailbox::{MsgRequest, MsgResponse};
    use smartket_protocol::messages::{MessageId, OrderId, Step, Transition};
    use smartket_protocol::{Message, MessageBody, RecipientKeys, SecretKey};

    let seller = Node::start("producer", "Fromagerie", &[]).await.unwrap();
    let consumer = Node::start("consumer", "Client", &[seller.addrs[0].clone()])
        .await
        .unwrap();
    let seller_key = open_cheese_shop(&seller, &consumer).await;
    let secret = seller.secret();
    let to = RecipientKeys {
        author: secret.public(),
        enc: smartket_node::identity::encryption_key(&secret).public(),
    };
    let seller_peer = smartket_node::network::peer_id_of(&to.author);
    let db = seller.dir.join("orders.redb");
    let db_before = std::fs::metadata(&db).map_or(0, |m| m.len());
    let honest_before = honest_round_trips(&seller, &consumer, &seller_key, honest).await;

    // Sealed before the clock starts: the flood measures the seller, not the sealing.
    let requests: Vec<Vec<u8>> = (0..steps)
        .map(|i| {
            let stranger =
                SecretKey::from_bytes(&junk_bytes(7, (i / per_key) as u64, 32).try_into().unwrap());
            let step = Transition {
                order_id: OrderId(junk_bytes(8, i as u64, 16).try_into().unwrap()),
                prev: MessageId(junk_bytes(9, i as u64, 16).try_into().unwrap()),
                at: now_ms(),
                step: Step::Accepted {
                    payment_reference: None,
                    note: None,
                },
            };
            let message = Message::new("geneva", MessageBody::Transition(step)).unwrap();
            let sealed = smartket_protocol::seal(&stranger, &to, &message, now_ms()).unwrap();
            MsgRequest {
                to_enc: to.enc,
                sealed: sealed.into_bytes(),
            }
            .encode()
        })
        .collect();
    let mut senders = Vec::new();
    for _ in 0..4 {
        senders.push(stranger_at(&seller.addrs[0], seller_peer, |_| {}).await);
    }
    let started = Instant::now();
    let share = steps.div_ceil(4);
    let mut flood = tokio::task::JoinSet::new();
    for (client, mine) in senders.iter().zip(requests.chunks(share)) {
        let (client, mine) = (client.clone(), mine.to_vec());
        flood.spawn(async move {
            let mut done: Vec<(Duration, String)> = Vec::with_capacity(mine.len());
            for batch in mine.chunks(16) {
                let mut inflight = tokio::task::JoinSet::new();
                for request in batch {
                    let (client, request) = (client.clone(), request.clone());
                    inflight.spawn(async move {
                        client.request(seller_peer, RequestKind::Msg, request).await
                    });
                }
                for answer in inflight.join_all().await {
                    let kind = match answer.map(|a| MsgResponse::decode(&a)) {
                        Ok(Ok(MsgResponse::Stored)) => "stored".to_owned(),
                        Ok(Ok(MsgResponse::Duplicate)) => "duplicate".to_owned(),
                        Ok(Ok(MsgResponse::Refused { code, .. })) => code.name().to_owned(),
                        Ok(Err(e)) => format!("undecodable: {e}"),
                        Err(e) => format!("failed: {e}"),
                    };
                    done.push((started.elapsed(), kind));
                }
            }
            done
        });
    }
    let (answered, honest_during) = tokio::join!(
        flood.join_all(),
        honest_round_trips(&seller, &consumer, &seller_key, honest)
    );
    let mut times: Vec<Duration> = Vec::with_capacity(steps);
    let mut answers: BTreeMap<String, usize> = BTreeMap::new();
    for (at, kind) in answered.into_iter().flatten() {
        times.push(at);
        *answers.entry(kind).or_default() += 1;
    }
    times.sort_unstable();
    let tenth = (times.len() / 10).max(1);
    let rate = |slice: &[Duration]| match (slice.first(), slice.last()) {
        (Some(a), Some(b)) if b > a => slice.len() as f64 / (*b - *a).as_secs_f64(),
        _ => 0.0,
    };
    let rate_first_last = (
        rate(&times[..tenth.min(times.len())]),
        rate(&times[times.len().saturating_sub(tenth)..]),
    );
    for client in senders {
        let _ = client.shutdown().await;
    }
    let db_after = std::fs::metadata(&db).map_or(0, |m| m.len());
    StrangerFigures {
        sent: steps,
        answers,
        rate_first_last,
        db_bytes: (db_before, db_after),
        honest_before,
        honest_during,
    }
}

/// `count` orders from `consumer` to `seller`, one after the other: how long each took to
/// reach the seller, and the seller's acceptance to reach the consumer.
async fn honest_round_trips(
    seller: &Node,
    consumer: &Node,
    seller_key: &str,
    count: usize,
) -> Vec<(Duration, Duration)> {
    let mut trips = Vec::with_capacity(count);
    for _ in 0..count {
        let sent = Instant::now();
        let id = buy_for_pickup(consumer, seller_key, "tomme", 1, "Léa Martin").await;
        wait_stage(seller, &id, "placed").await;
        let placed = sent.elapsed();
        let accepting = Instant::now();
        crate::shop::step(seller, &id, serde_json::json!({ "type": "accepted" })).await;
        wait_stage(consumer, &id, "accepted").await;
        trips.push((placed, accepting.elapsed()));
    }
    trips
}

/// What oversize frames did at a cooperative.
#[derive(Debug)]
pub struct OversizeFigures {
    /// Bytes of each oversize gossip message and request.
    pub size: usize,
    /// Oversize gossip messages the attacker's own gossipsub (its limit raised) published.
    pub gossip_sent: usize,
    /// Oversize requests sent (over `/smartket/msg/1`, `/mailbox/1`, `/sync/1`, `/blob/1` in
    /// turn), and how many were answered (must be 0).
    pub requests: (usize, usize),
    /// The cooperative's resident memory before and after, KiB.
    pub rss_kib: (u64, u64),
}

/// `requests` requests and `gossip` gossip messages of `size` bytes each, from attackers whose
/// own limits were raised, at a cooperative; then an honest producer publishes, and its
/// listing must reach the cooperative (the run stops there if it does not).
pub async fn oversize_flood(gossip: usize, requests: usize, size: usize) -> OversizeFigures {
    let _alone = ONE_AT_A_TIME.lock().await;
    use smartket_node::network::{RequestLimits, SizeLimit};
    let coop = Node::start("cooperative", "Coopérative du marché", &[])
        .await
        .unwrap();
    let addr = coop.addrs[0].clone();
    let coop_peer: PeerId = coop.status().await["peer_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let rss_before = coop.rss_kib();

    let big = SizeLimit {
        request: 2 * size,
        response: 2 * size,
    };
    let client = stranger_at(&addr, coop_peer, |c| {
        c.request_limits = RequestLimits {
            sync: big,
            msg: big,
            blob: big,
            mailbox: big,
        };
    })
    .await;
    let kinds = [
        RequestKind::Msg,
        RequestKind::Mailbox,
        RequestKind::Sync,
        RequestKind::Blob,
    ];
    let mut answered = 0;
    for i in 0..requests {
        let body = junk_bytes(11, i as u64, size);
        if client
            .request(coop_peer, kinds[i % kinds.len()], body)
            .await
            .is_ok()
        {
            answered += 1;
        }
    }
    let _ = client.shutdown().await;

    let gossip_sent = oversize_gossip(&addr, gossip, size).await;
    let rss_after = coop.rss_kib();

    let producer = Node::start("producer", "Fromagerie", std::slice::from_ref(&addr))
        .await
        .unwrap();
    let author = crate::shop::author(&producer).await;
    crate::shop::add_listing(&producer, "tomme", "Tomme de Genève", 900, 20).await;
    wait_until("the honest listing at the cooperative", DEADLINE, || {
        coop.current(&author, "listing", "tomme")
    })
    .await;
    OversizeFigures {
        size,
        gossip_sent,
        requests: (requests, answered),
        rss_kib: (rss_before, rss_after),
    }
}

/// A bare gossipsub swarm whose size limit is raised: it joins the listings topic through
/// `addr`, publishes `count` messages of `size` bytes and keeps its connection open (in a
/// task). Returns how many its gossipsub took. The receiving gossipsub refuses each such frame
/// at its length and closes the substream; after five, the sender's handler stops opening
/// new ones (libp2p's limit of substream attempts): the connection carries no more gossip.
async fn oversize_gossip(addr: &str, count: usize, size: usize) -> usize {
    use libp2p::futures::StreamExt;
    use libp2p::{gossipsub, noise, tcp, yamux};
    let mut swarm = libp2p::SwarmBuilder::with_new_identity()
        .with_tokio()
        .with_tcp(
            tcp::Config::default(),
            noise::Config::new,
            yamux::Config::default,
        )
        .unwrap()
        .with_behaviour(|key| {
            let config = gossipsub::ConfigBuilder::default()
                .max_transmit_size(2 * size)
                .validation_mode(gossipsub::ValidationMode::Strict)
                .build()
                .unwrap();
            GossipOnly {
                ping: libp2p::ping::Behaviour::default(),
                gossipsub: gossipsub::Behaviour::<
                    gossipsub::IdentityTransform,
                    gossipsub::AllowAllSubscriptionFilter,
                >::new(
                    gossipsub::MessageAuthenticity::Signed(key.clone()), config
                )
                .unwrap(),
            }
        })
        .unwrap()
        .with_swarm_config(|c| c.with_idle_connection_timeout(Duration::from_secs(600)))
        .build();
    let topic = smartket_node::network::GossipTopic::new(
        "geneva",
        smartket_node::network::Family::Listings,
    )
    .unwrap()
    .ident();
    swarm.behaviour_mut().gossipsub.subscribe(&topic).unwrap();
    swarm
        .dial(addr.parse::<libp2p::Multiaddr>().unwrap())
        .unwrap();
    let hash = topic.hash();
    tokio::time::timeout(DEADLINE, async {
        while !swarm
            .behaviour()
            .gossipsub
            .all_peers()
            .any(|(_, topics)| topics.contains(&&hash))
        {
            swarm.select_next_some().await;
        }
    })
    .await
    .expect("the cooperative joined the topic on the attacker's side");
    let mut sent = 0;
    for i in 0..count {
        if swarm
            .behaviour_mut()
            .gossipsub
            .publish(topic.clone(), junk_bytes(12, i as u64, size))
            .is_ok()
        {
            sent += 1;
        }
    }
    tokio::spawn(async move {
        loop {
            swarm.select_next_some().await;
        }
    });
    sent
}

/// The attacker of [`oversize_gossip`]: gossipsub, and ping so that the cooperative keeps the
/// connection (it closes those whose pings fail).
#[derive(libp2p::swarm::NetworkBehaviour)]
#[behaviour(prelude = "libp2p::swarm::derive_prelude")]
struct GossipOnly {
    gossipsub: libp2p::gossipsub::Behaviour<
        libp2p::gossipsub::IdentityTransform,
        libp2p::gossipsub::AllowAllSubscriptionFilter,
    >,
    ping: libp2p::ping::Behaviour,
}

/// A cooperative (counting loopback as a host, so that 127.0.0.1 is one host and ::1 another)
/// and its IPv4 and IPv6 addresses.
async fn two_host_cooperative() -> (Node, String, String) {
    let coop = Node::start_configured(
        "cooperative",
        "Coopérative du marché",
        &[],
        |config| config.replace("count_loopback = false", "count_loopback = true"),
        &["--listen", "/ip6/::1/tcp/0"],
    )
    .await
    .unwrap();
    let v4 = coop.addr_starting("/ip4/");
    let v6 = coop.addr_starting("/ip6/");
    (coop, v4, v6)
}

/// A raw peer with a fresh key and its configuration changed by `edit`, connected to `peer`
/// at `addr`; its events are read and dropped.
async fn stranger_at(
    addr: &str,
    peer: PeerId,
    edit: impl FnOnce(&mut smartket_node::network::NetworkConfig),
) -> smartket_node::network::Client {
    let (client, events, _) =
        crate::raw_peer_with(Keypair::generate_ed25519(), &[addr.to_owned()], edit).await;
    tokio::spawn(async move {
        let mut events = events;
        while events.recv().await.is_some() {}
    });
    wait_until("a stranger connected", DEADLINE, || async {
        let peers = client.peers().await.ok()?;
        peers.iter().any(|p| p.peer_id == peer).then_some(())
    })
    .await;
    client
}
