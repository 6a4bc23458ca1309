//! A hostile peer in a market of real node processes: it gossips garbage and records with bad
//! signatures, or lies in sync. Nothing of it is stored or forwarded, it is cut off and kept out,
//! and the honest nodes keep trading.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use libp2p::PeerId;
use libp2p::identity::Keypair;
use smartket_node::network::{self, Family, NetworkEvent, RequestKind};
use smartket_protocol::sync::pull::WireRecord;
use smartket_protocol::sync::wire::{FetchResponse, Request, decode_request};
use smartket_protocol::sync::{Item, Reconciler, SyncConfig, SyncMessage, VecItemSet};
use smartket_protocol::{Record, RecordId, SecretKey};
use smartket_tests::fixtures::listing_payload;
use smartket_tests::{DEADLINE, Net, Node, now_ms, raw_peer, wait_until};

const DAY_MS: u64 = 24 * 3600 * 1000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_gossiping_forged_records_is_cut_off_kept_out_and_honest_nodes_keep_working() {
    let net = Net::start(2).await.unwrap();
    let bootstrap_peer: PeerId = net.bootstrap.status().await["peer_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let (client, mut events, hostile_id) =
        hostile_peer(Keypair::generate_ed25519(), &net.bootstrap.addrs[0]).await;
    // The hostile node validates nothing it receives: drain and drop.
    tokio::spawn(async move { while events.recv().await.is_some() {} });
    wait_until("the hostile peer in the mesh", DEADLINE, || async {
        (!client
            .mesh_peers("geneva", Family::Listings)
            .await
            .unwrap_or_default()
            .is_empty())
        .then_some(())
    })
    .await;
    assert!(
        connected_to(&net.bootstrap, &hostile_id).await,
        "the bootstrap node does not list the hostile peer"
    );

    let mut forged = Record::sign(
        &net.nodes[0].secret(),
        listing_payload("geneva", "forged", "Faux fromage", 100, now_ms(), DAY_MS),
    )
    .unwrap();
    forged.envelope.signature.0[3] ^= 0x40;
    let forged_id = forged.id.to_hex();
    let mut sent = 0;
    for i in 0..20u8 {
        let garbage = vec![i; 200 + usize::from(i)];
        sent += usize::from(
            client
                .publish("geneva", Family::Listings, garbage)
                .await
                .is_ok(),
        );
    }
    sent += usize::from(
        client
            .publish("geneva", Family::Listings, forged.to_wire())
            .await
            .is_ok(),
    );
    assert!(sent > 0, "the hostile peer could publish nothing");

    // The bootstrap node cuts it off and keeps it out: gossipsub's graylist alone would still
    // have it send, and the node decrypt and decode, the rest of its flood.
    wait_until("the hostile peer cut off", DEADLINE, || async {
        (!connected_to(&net.bootstrap, &hostile_id).await).then_some(())
    })
    .await;
    client
        .dial(net.bootstrap.addrs[0].parse().unwrap())
        .await
        .unwrap();
    let (_, first) = Reconciler::initiate(&VecItemSet::default(), SyncConfig::DEFAULT).unwrap();
    let again = client
        .request(
            bootstrap_peer,
            RequestKind::Sync,
            reconcile_frame(true, &first.encode()),
        )
        .await;
    assert!(again.is_err(), "a banned peer was served");
    assert!(
        !connected_to(&net.bootstrap, &hostile_id).await,
        "a banned peer connected again"
    );

    // The honest nodes still trade.
    let seller = &net.nodes[0];
    let good = Record::sign(
        &seller.secret(),
        listing_payload("geneva", "tomme", "Tomme vaudoise", 900, now_ms(), DAY_MS),
    )
    .unwrap();
    assert_eq!(
        seller.submit(good.to_wire()).await.unwrap()["outcome"],
        "accepted"
    );
    for node in std::iter::once(&net.bootstrap).chain(&net.nodes) {
        wait_until("the honest listing", DEADLINE, || async {
            node.has(&good.id.to_hex()).await.then_some(())
        })
        .await;
        assert!(!node.has(&forged_id).await, "a forged record was stored");
        let listings = node.status().await["markets"]["geneva"]["listing"]
            .as_u64()
            .unwrap_or(0);
        assert_eq!(listings, 1, "only the honest listing is held");
    }
}

/// A raw peer of the market bootstrapping from `bootstrap` only.
async fn hostile_peer(
    keypair: Keypair,
    bootstrap: &str,
) -> (
    network::Client,
    tokio::sync::mpsc::Receiver<NetworkEvent>,
    String,
) {
    raw_peer(keypair, &[bootstrap.to_owned()]).await
}

/// A key whose peer id sorts after `than` (or before it, when `after` is false). Of two newly
/// connected nodes the one with the lower id opens the sync session, so this picks who does.
fn keypair_sorting(after: bool, than: PeerId) -> Keypair {
    loop {
        let keypair = Keypair::generate_ed25519();
        if (keypair.public().to_peer_id() > than) == after {
            return keypair;
        }
    }
}

async fn connected_to(node: &Node, peer: &str) -> bool {
    let Ok(Some(peers)) = node.get("/api/v1/peers").await else {
        return false;
    };
    peers
        .as_array()
        .is_some_and(|a| a.iter().any(|p| p["peer_id"] == peer))
}

/// A reconcile step in Geneva (`spec/sync.md` §9), opening a session when `start`.
fn reconcile_frame(start: bool, message: &[u8]) -> Vec<u8> {
    let mut frame = vec![0, u8::from(start), 6];
    frame.extend_from_slice(b"geneva");
    frame.extend_from_slice(message);
    frame
}

/// How a liar lies about the records it claims in reconciliation.
#[derive(Clone)]
enum Lie {
    /// It claims 50 ids and sends none of them when asked.
    Withholds,
    /// It claims these records' ids and sends them, their signatures broken: each is named by
    /// its payload's hash, so it passes the fetch's id check and fails only at verification.
    ServesForged(Vec<Record>),
}

impl Lie {
    /// The set the liar reconciles over.
    fn claimed(&self) -> VecItemSet {
        let now = now_ms();
        let ids: Vec<RecordId> = match self {
            Lie::Withholds => (0..50u8).map(|i| RecordId([i; 32])).collect(),
            Lie::ServesForged(records) => records.iter().map(|r| r.id).collect(),
        };
        VecItemSet::new(
            ids.into_iter()
                .zip(0..)
                .map(|(id, i)| Item::new(now + i, id))
                .collect(),
        )
    }

    /// The answer to a fetch of `asked`: everything asked settled, with what it sends.
    fn fetch_answer(&self, asked: &[u8]) -> Vec<u8> {
        let records = match self {
            Lie::Withholds => Vec::new(),
            Lie::ServesForged(records) => records
                .iter()
                .filter(|r| asked.chunks(32).any(|id| id == r.id.0))
                .map(|r| WireRecord(r.to_wire()))
                .collect(),
        };
        let answered = match self {
            Lie::Withholds => 0,
            Lie::ServesForged(_) => (asked.len() / 32) as u64,
        };
        FetchResponse {
            v: 1,
            records,
            answered,
        }
        .encode()
        .unwrap()
    }
}

/// 20 listings of a stranger with their signatures broken.
fn forged_listings() -> Vec<Record> {
    let secret = SecretKey::generate().unwrap();
    (0..20)
        .map(|i| {
            let mut record = Record::sign(
                &secret,
                listing_payload(
                    "geneva",
                    &format!("faux-{i}"),
                    "Faux",
                    100,
                    now_ms(),
                    DAY_MS,
                ),
            )
            .unwrap();
            record.envelope.signature.0[7] ^= 0x20;
            record
        })
        .collect()
}

/// Answers one reconcile step (`spec/sync.md` §9) over `set`, starting `reconciler` afresh on a
/// session's first step; `None` for a frame it cannot read.
fn answer_step(
    reconciler: &mut Option<Reconciler>,
    set: &VecItemSet,
    bytes: &[u8],
) -> Option<Vec<u8>> {
    let (&flags, rest) = bytes.get(1..)?.split_first()?;
    let (&market_len, rest) = rest.split_first()?;
    if flags & 1 == 1 {
        *reconciler = Some(Reconciler::new(SyncConfig::DEFAULT).ok()?);
    }
    let message = rest.get(usize::from(market_len)..)?;
    let answer = reconciler.as_mut()?.receive_bytes(set, message).ok()?;
    Some(answer.unwrap_or_else(|| SyncMessage::default().encode()))
}

/// Answers the node's sync requests as a liar: it reconciles as if it held what `lie`
/// claims, then answers every fetch as `lie` does. Requests it cannot parse go unanswered.
fn answer_as_liar(mut events: tokio::sync::mpsc::Receiver<NetworkEvent>, lie: Lie) {
    tokio::spawn(async move {
        let fake = lie.claimed();
        let mut reconciler = None;
        while let Some(event) = events.recv().await {
            let NetworkEvent::InboundRequest {
                kind: RequestKind::Sync,
                bytes,
                reply,
                ..
            } = event
            else {
                continue;
            };
            let answer = match bytes.first() {
                Some(0) => match answer_step(&mut reconciler, &fake, &bytes) {
                    Some(answer) => answer,
                    None => continue,
                },
                Some(1) => match decode_request(&bytes) {
                    Ok(Request::Fetch(fetch)) => lie.fetch_answer(&fetch.ids),
                    _ => continue,
                },
                _ => continue,
            };
            let _ = reply.send(answer);
        }
    });
}

/// Who opens the session in which the liar withholds what it advertised.
#[derive(Debug, Clone, Copy)]
enum Opener {
    /// The node, as the lower peer id of a new connection.
    NodeOnConnect,
    /// The liar (the node answers, then fetches what it lacks from the liar).
    Liar,
    /// The node's on-demand run (`POST /api/v1/sync`), the liar having the lower id.
    OnDemandRun,
}

/// Connects a liar to `node` with the session opened by `opener`, and checks that the node
/// counts the failed session, cuts the liar off, and refuses it when it dials again (a
/// disconnect alone is undone at once: the liar's Kademlia redials its bootstrap node).
async fn a_liar_is_cut_off_and_kept_out(node: &Node, opener: Opener, lie: Lie) {
    let node_peer: PeerId = node.status().await["peer_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let failed_before = node.status().await["sync"]["failed"].as_u64().unwrap_or(0);
    let keypair = keypair_sorting(matches!(opener, Opener::NodeOnConnect), node_peer);
    let (liar, events, liar_id) = hostile_peer(keypair, &node.addrs[0]).await;
    let fake = lie.claimed();
    answer_as_liar(events, lie);
    match opener {
        Opener::NodeOnConnect => {}
        Opener::Liar => {
            let (mut reconciler, first) = Reconciler::initiate(&fake, SyncConfig::DEFAULT).unwrap();
            let mut message = first.encode();
            let mut start = true;
            loop {
                let frame = reconcile_frame(start, &message);
                start = false;
                let Ok(reply) = liar.request(node_peer, RequestKind::Sync, frame).await else {
                    break;
                };
                match reconciler.receive_bytes(&fake, &reply) {
                    Ok(Some(next)) => message = next,
                    _ => break,
                }
            }
        }
        Opener::OnDemandRun => {
            wait_until("the liar connected", DEADLINE, || async {
                connected_to(node, &liar_id).await.then_some(())
            })
            .await;
            let (code, _) = node.post("/api/v1/sync").await.unwrap();
            assert_eq!(code, 202);
        }
    }
    wait_until(
        &format!("the lying session failed ({opener:?})"),
        DEADLINE,
        || async {
            let failed = node.status().await["sync"]["failed"].as_u64().unwrap_or(0);
            (failed > failed_before).then_some(())
        },
    )
    .await;
    wait_until(
        &format!("the liar cut off ({opener:?})"),
        DEADLINE,
        || async { (!connected_to(node, &liar_id).await).then_some(()) },
    )
    .await;
    // It comes back: its dial is refused, so its request fails and it is never listed.
    liar.dial(node.addrs[0].parse().unwrap()).await.unwrap();
    let (_, first) = Reconciler::initiate(&VecItemSet::default(), SyncConfig::DEFAULT).unwrap();
    let again = liar
        .request(
            node_peer,
            RequestKind::Sync,
            reconcile_frame(true, &first.encode()),
        )
        .await;
    assert!(again.is_err(), "a banned liar was served ({opener:?})");
    assert!(
        !connected_to(node, &liar_id).await,
        "a banned liar connected again ({opener:?})"
    );
    assert_eq!(
        node.status().await["markets"]["geneva"]["listing"]
            .as_u64()
            .unwrap_or(0),
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_lying_in_a_session_the_node_opens_on_connect_is_cut_off_and_kept_out() {
    let node = Node::start("consumer", "Victime", &[]).await.unwrap();
    a_liar_is_cut_off_and_kept_out(&node, Opener::NodeOnConnect, Lie::Withholds).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_lying_in_a_session_it_opens_is_cut_off_and_kept_out() {
    let node = Node::start("consumer", "Victime", &[]).await.unwrap();
    a_liar_is_cut_off_and_kept_out(&node, Opener::Liar, Lie::Withholds).await;
}

/// Forged records served through sync cost their server as gossiped ones would: before, the
/// node logged each and went on syncing with the forger.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_serving_forged_records_in_sync_is_cut_off_and_kept_out() {
    let node = Node::start("consumer", "Victime", &[]).await.unwrap();
    let lie = Lie::ServesForged(forged_listings());
    a_liar_is_cut_off_and_kept_out(&node, Opener::NodeOnConnect, lie).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_lying_in_sync_is_cut_off_and_the_node_keeps_syncing_with_honest_ones() {
    let node = Node::start("consumer", "Victime", &[]).await.unwrap();
    let node_peer: PeerId = node.status().await["peer_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();

    // 1. A peer that claims 50 records in reconciliation and then withholds them, met by an
    // on-demand run.
    a_liar_is_cut_off_and_kept_out(&node, Opener::OnDemandRun, Lie::Withholds).await;

    // 2. A peer sending garbage sync requests, many: the first is a fault, the rest are
    // refused; the node stays responsive.
    let (flooder, mut events, flooder_id) =
        hostile_peer(Keypair::generate_ed25519(), &node.addrs[0]).await;
    tokio::spawn(async move { while events.recv().await.is_some() {} });
    wait_until("the flooder connected", DEADLINE, || async {
        connected_to(&node, &flooder_id).await.then_some(())
    })
    .await;
    let garbage = flooder
        .request(
            node_peer,
            RequestKind::Sync,
            reconcile_frame(true, &[0xff; 64]),
        )
        .await;
    assert!(garbage.is_err(), "a garbage step must not be answered");
    let mut answered = 0;
    for _ in 0..200 {
        let (_, first) = Reconciler::initiate(&VecItemSet::default(), SyncConfig::DEFAULT).unwrap();
        if flooder
            .request(
                node_peer,
                RequestKind::Sync,
                reconcile_frame(true, &first.encode()),
            )
            .await
            .is_ok()
        {
            answered += 1;
        }
    }
    assert_eq!(answered, 0, "a penalised peer is not served");
    assert!(
        node.status().await["peers"].is_u64(),
        "the API still answers"
    );

    // 3. An honest producer that was away catches the node up by sync.
    let mut honest = Node::start("producer", "Honnête", &[]).await.unwrap();
    let secret = honest.secret();
    for i in 0..50u64 {
        let record = Record::sign(
            &secret,
            listing_payload(
                "geneva",
                &format!("pain-{i}"),
                "Pain",
                400 + i,
                now_ms(),
                DAY_MS,
            ),
        )
        .unwrap();
        honest.submit(record.to_wire()).await.unwrap();
    }
    assert!(honest.stop().await);
    let path = honest.dir.join("smartket.toml");
    let config = std::fs::read_to_string(&path).unwrap().replace(
        "bootstrap = []",
        &format!("bootstrap = [\"{}\"]", node.addrs[0]),
    );
    std::fs::write(&path, config).unwrap();
    honest.run().await.unwrap();
    wait_until("the node synced the honest producer", DEADLINE, || async {
        let status = node.status().await;
        (status["markets"]["geneva"]["listing"].as_u64() == Some(50)).then_some(())
    })
    .await;
}

/// An honest peer must never be taken for a liar. Sessions with one peer can fall due at once
/// (on connect, on demand, periodic, catch-up); the peer answers one session per peer, so a
/// second start from us would break the first and one side would blame the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_due_at_once_with_one_peer_take_turns_and_nobody_is_blamed() {
    let node = Node::start("consumer", "Pressée", &[]).await.unwrap();
    let node_peer: PeerId = node.status().await["peer_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    // The peer sorts after the node, so the node opens a session on connect.
    let (_peer, mut events, peer_id) =
        hostile_peer(keypair_sorting(true, node_peer), &node.addrs[0]).await;
    let starts = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    // Set while the first session's answer is held back; a session started meanwhile overlaps.
    let holding = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let overlapped = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (held_tx, mut held_rx) = tokio::sync::mpsc::channel(1);
    let (counted, held, overlap) = (
        std::sync::Arc::clone(&starts),
        std::sync::Arc::clone(&holding),
        std::sync::Arc::clone(&overlapped),
    );
    // An honest peer holding nothing; it holds back its answer to the first step it gets.
    tokio::spawn(async move {
        let empty = VecItemSet::default();
        let mut reconciler = None;
        while let Some(event) = events.recv().await {
            let NetworkEvent::InboundRequest {
                kind: RequestKind::Sync,
                bytes,
                reply,
                ..
            } = event
            else {
                continue;
            };
            if bytes.first() != Some(&0) {
                continue;
            }
            if bytes.get(1).is_some_and(|flags| flags & 1 == 1) {
                if held.load(std::sync::atomic::Ordering::SeqCst) {
                    overlap.store(true, std::sync::atomic::Ordering::SeqCst);
                }
                counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
            let Some(answer) = answer_step(&mut reconciler, &empty, &bytes) else {
                continue;
            };
            if counted.load(std::sync::atomic::Ordering::SeqCst) == 1 && !held_tx.is_closed() {
                held.store(true, std::sync::atomic::Ordering::SeqCst);
                let _ = held_tx.send((reply, answer)).await;
            } else {
                let _ = reply.send(answer);
            }
        }
    });
    let (reply, answer) = tokio::time::timeout(DEADLINE, held_rx.recv())
        .await
        .expect("the node opened a session on connect")
        .unwrap();
    held_rx.close();

    // While that session waits, the owner asks for a sync with every peer: the run waits its
    // turn with this peer rather than start a second session, then syncs with it itself.
    let (code, _) = node.post("/api/v1/sync").await.unwrap();
    assert_eq!(code, 202);
    wait_until("the on-demand run to start", DEADLINE, || async {
        node.status().await["sync"]["run"]["peers_total"]
            .as_u64()
            .filter(|n| *n == 1)
    })
    .await;
    holding.store(false, std::sync::atomic::Ordering::SeqCst);
    let _ = reply.send(answer);
    let run = wait_until("the on-demand run to end", DEADLINE, || async {
        let run = node.status().await["sync"]["run"].clone();
        run["finished_at_ms"].as_u64().map(|_| run)
    })
    .await;
    assert!(
        !overlapped.load(std::sync::atomic::Ordering::SeqCst),
        "a second session was started with a peer while one was running"
    );
    assert_eq!(
        starts.load(std::sync::atomic::Ordering::SeqCst),
        2,
        "the run synced with the peer after the first session"
    );
    assert_eq!(run["peers_done"], 1, "{run}");
    assert_eq!(
        run["report"]["peers"], 1,
        "the run counts the peer it synced with: {run}"
    );
    let status = node.status().await;
    assert_eq!(status["sync"]["failed"].as_u64(), Some(0), "{status}");
    assert!(
        connected_to(&node, &peer_id).await,
        "an honest peer was cut off"
    );
}
