//! Ingest tests: whole batches through every stage into a real redb file.

use smartket_protocol::record::MAX_CLOCK_SKEW_MS;
use smartket_protocol::{Kind, Record};
use tokio::sync::broadcast::error::TryRecvError;

use super::*;
use crate::store::fixtures::*;

fn pipeline() -> (tempfile::TempDir, Ingest) {
    let (dir, store) = temp_store();
    (dir, Ingest::new(store, ["geneva", "lausanne"]))
}

fn wires(records: &[&Record]) -> Vec<Vec<u8>> {
    records.iter().map(|r| r.to_wire()).collect()
}

fn accepted(verdict: &Verdict) -> bool {
    matches!(verdict, Verdict::Accepted(_))
}

fn drain(events: &mut broadcast::Receiver<StoreEvent>) -> Vec<StoreEvent> {
    let mut out = Vec::new();
    loop {
        match events.try_recv() {
            Ok(event) => out.push(event),
            Err(TryRecvError::Empty) => return out,
            Err(e) => panic!("event channel: {e}"),
        }
    }
}

#[test]
fn a_valid_batch_is_accepted_only_once_committed() {
    let (_dir, ingest) = pipeline();
    let t = now();
    let records: Vec<Record> = (1..=10u8).map(|n| listing(n, "pommes", t)).collect();
    let refs: Vec<&Record> = records.iter().collect();
    let verdicts = ingest.ingest(Source::Gossip, MARKET, wires(&refs), t);
    for (verdict, record) in verdicts.iter().zip(&records) {
        assert_eq!(verdict, &Verdict::Accepted(record.clone()));
        assert_eq!(
            ingest.store().get(&record.id).unwrap().as_ref(),
            Some(record)
        );
    }
}

#[test]
fn a_bad_signature_in_a_batch_rejects_only_that_record() {
    let (_dir, ingest) = pipeline();
    let t = now();
    let records: Vec<Record> = (1..=8u8).map(|n| listing(n, "pommes", t)).collect();
    let mut batch = wires(&records.iter().collect::<Vec<_>>());
    let last = batch[3].len() - 1;
    batch[3][last] ^= 1; // the signature's last byte
    batch[5] = b"not a record".to_vec();
    let verdicts = ingest.ingest(Source::Gossip, MARKET, batch, t);
    for (i, verdict) in verdicts.iter().enumerate() {
        match i {
            3 => assert_eq!(
                verdict,
                &Verdict::Rejected(IngestError::Record(RecordError::BadSignature))
            ),
            5 => assert!(matches!(verdict, Verdict::Rejected(e) if e.blames_sender())),
            _ => assert!(accepted(verdict), "record {i}: {verdict:?}"),
        }
    }
    assert!(!ingest.store().has(&records[3].id).unwrap());
    assert!(matches!(&verdicts[3], Verdict::Rejected(e) if e.blames_sender()));
}

#[test]
fn a_record_for_another_market_is_rejected() {
    let (_dir, ingest) = pipeline();
    let t = now();
    let elsewhere = signed_in(1, "lausanne", "pommes", t, DAY, listing_body("x"));
    let verdicts = ingest.ingest(Source::Gossip, MARKET, wires(&[&elsewhere]), t);
    assert_eq!(
        verdicts,
        vec![Verdict::Rejected(IngestError::Record(
            RecordError::WrongMarket {
                expected: MARKET.into(),
                found: "lausanne".into(),
            }
        ))]
    );
    assert!(matches!(&verdicts[0], Verdict::Rejected(e) if e.blames_sender()));
    let verdicts = ingest.ingest(Source::Sync, "zurich", wires(&[&elsewhere]), t);
    assert!(matches!(
        &verdicts[0],
        Verdict::Rejected(IngestError::NotJoined { market }) if market == "zurich"
    ));
    assert!(!ingest.store().has(&elsewhere.id).unwrap());
}

/// Refused, but not the sender's fault: the same record may be fine on a node whose clock is
/// right, so an honest forwarder is not penalised for it.
#[test]
fn expired_and_future_dated_records_are_rejected_without_blaming_the_sender() {
    let (_dir, ingest) = pipeline();
    let t = now();
    let expired = signed(1, "a", t - 2 * DAY, DAY, listing_body("a"));
    let future = listing(2, "b", t + MAX_CLOCK_SKEW_MS + 1000);
    let verdicts = ingest.ingest(Source::Sync, MARKET, wires(&[&expired, &future]), t);
    let codes: Vec<&str> = verdicts
        .iter()
        .map(|v| match v {
            Verdict::Rejected(IngestError::Record(e)) => e.code(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(codes, ["expired", "future_dated"]);
    assert!(
        verdicts
            .iter()
            .all(|v| matches!(v, Verdict::Rejected(e) if !e.blames_sender()))
    );
}

/// Rules that refuse every listing priced in euros, as a market file's currency list would.
struct FrancsOnly;

impl MarketRules for FrancsOnly {
    fn id(&self) -> &str {
        MARKET
    }

    fn check(&self, record: &Record) -> Result<(), RecordError> {
        match record.payload.kind {
            Kind::Listing => Err(RecordError::InvalidField {
                field: "body.price.currency".into(),
                reason: "not a currency of this market".into(),
            }),
            _ => Ok(()),
        }
    }
}

/// A peer may hold another revision of the market file (a category added since), so a record
/// that only the local rules refuse is refused without blaming whoever forwarded it.
#[test]
fn a_record_refused_by_the_market_rules_does_not_blame_the_sender() {
    let (_dir, store) = temp_store();
    let ingest = Ingest::new(store, [FrancsOnly]);
    let t = now();
    let verdicts = ingest.ingest(Source::Gossip, MARKET, wires(&[&listing(1, "a", t)]), t);
    match &verdicts[0] {
        Verdict::Rejected(e @ IngestError::MarketRule(RecordError::InvalidField { field, .. })) => {
            assert_eq!(field, "body.price.currency");
            assert!(!e.blames_sender());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn duplicates_and_stale_revisions_are_ignored() {
    let (_dir, ingest) = pipeline();
    let t = now();
    let new = listing(1, "pommes", t - 1000);
    let old = listing(1, "pommes", t - 2000);
    let verdicts = ingest.ingest(Source::Gossip, MARKET, wires(&[&new, &new, &old]), t);
    assert!(accepted(&verdicts[0]));
    assert_eq!(verdicts[1], Verdict::Ignored(IgnoreReason::Duplicate));
    assert_eq!(verdicts[2], Verdict::Ignored(IgnoreReason::Stale));
}

#[test]
fn subscribers_see_records_added_replaced_and_expired() {
    let (_dir, ingest) = pipeline();
    let mut events = ingest.subscribe();
    let t = now();
    let v1 = signed(1, "pommes", t - 2 * DAY, DAY + 1000, listing_body("v1"));
    let v2 = signed(1, "pommes", t - 2 * DAY + 1, DAY + 1000, listing_body("v2"));
    ingest.ingest(Source::Local, MARKET, wires(&[&v1]), t - 2 * DAY + 10);
    ingest.ingest(Source::Local, MARKET, wires(&[&v2]), t - 2 * DAY + 10);
    ingest.sweep(t).unwrap();
    assert_eq!(
        drain(&mut events),
        vec![
            StoreEvent::Added(v1.clone()),
            StoreEvent::Replaced {
                old: v1.id,
                new: v2.clone()
            },
            StoreEvent::Removed {
                id: v2.id,
                reason: RemoveReason::Expired
            },
        ]
    );
}

#[test]
fn a_delegated_listing_is_accepted_with_a_live_membership() {
    let (_dir, ingest) = pipeline();
    let t = now();
    let (platform, member) = (20, 21);
    let grant = membership(member, platform, true, t + DAY, t - 1000);
    let listing = delegated_listing(platform, member, "tomme", t);
    // Membership and listing may even arrive in one batch.
    let verdicts = ingest.ingest(Source::Gossip, MARKET, wires(&[&grant, &listing]), t);
    assert!(verdicts.iter().all(accepted), "{verdicts:?}");
    assert_eq!(
        ingest.store().by_author(MARKET, &author(platform)).unwrap(),
        vec![listing]
    );
}

#[test]
fn a_delegated_listing_without_a_membership_allowing_it_is_rejected() {
    let (_dir, ingest) = pipeline();
    let t = now();
    let (platform, member) = (20, 21);
    let listing = delegated_listing(platform, member, "tomme", t);
    let refused = |ingest: &Ingest| {
        let verdicts = ingest.ingest(Source::Gossip, MARKET, wires(&[&listing]), t);
        match &verdicts[0] {
            // A membership may be on its way: the forwarder is not to blame.
            Verdict::Rejected(error @ IngestError::NotDelegated(e)) => {
                assert!(!error.blames_sender());
                e.clone()
            }
            other => panic!("expected NotDelegated, got {other:?}"),
        }
    };
    assert!(matches!(
        refused(&ingest),
        DelegationError::NoMembership { .. }
    ));

    let relay_only = membership(member, platform, false, t + DAY, t - 3000);
    assert!(accepted(
        &ingest.ingest(Source::Gossip, MARKET, wires(&[&relay_only]), t)[0]
    ));
    assert!(matches!(
        refused(&ingest),
        DelegationError::NoPublishScope { .. }
    ));

    let ended = membership(member, platform, true, t - 1, t - 2000);
    assert!(accepted(
        &ingest.ingest(Source::Gossip, MARKET, wires(&[&ended]), t)[0]
    ));
    assert!(matches!(refused(&ingest), DelegationError::Lapsed { .. }));

    // The membership of another platform does not count.
    let other = membership(member, 22, true, t + DAY, t - 1000);
    assert!(accepted(
        &ingest.ingest(Source::Gossip, MARKET, wires(&[&other]), t)[0]
    ));
    assert!(matches!(refused(&ingest), DelegationError::Lapsed { .. }));
    assert!(!ingest.store().has(&listing.id).unwrap());
}

#[test]
fn delegated_listings_are_withdrawn_when_the_membership_is_tombstoned() {
    let (_dir, ingest) = pipeline();
    let t = now();
    let (platform, member) = (20, 21);
    let grant = membership(member, platform, true, t + DAY, t - 2000);
    let a = delegated_listing(platform, member, "tomme", t - 1000);
    let b = delegated_listing(platform, member, "gruyere", t - 1000);
    let own = listing(platform, "own", t - 1000);
    ingest.ingest(Source::Gossip, MARKET, wires(&[&grant, &a, &b, &own]), t);
    let mut events = ingest.subscribe();

    let revoke = tombstone(member, Kind::Membership, &author(platform).to_hex(), t);
    assert!(accepted(
        &ingest.ingest(Source::Gossip, MARKET, wires(&[&revoke]), t)[0]
    ));
    assert_eq!(
        ingest.store().by_author(MARKET, &author(platform)).unwrap(),
        vec![own]
    );
    let removed: Vec<RecordId> = drain(&mut events)
        .into_iter()
        .filter_map(|e| match e {
            StoreEvent::Removed {
                id,
                reason: RemoveReason::Withdrawn,
            } => Some(id),
            _ => None,
        })
        .collect();
    assert_eq!(removed.len(), 2);
    assert!(removed.contains(&a.id) && removed.contains(&b.id));
    // Re-sent by a peer, the listing is refused: the membership is gone.
    let verdicts = ingest.ingest(Source::Sync, MARKET, wires(&[&a]), t);
    assert!(matches!(
        verdicts[0],
        Verdict::Rejected(IngestError::NotDelegated(DelegationError::Revoked { .. }))
    ));
}

#[test]
fn delegated_listings_are_withdrawn_when_publish_is_dropped_or_the_term_ends() {
    let (_dir, ingest) = pipeline();
    let t = now();
    let grant = membership(21, 20, true, t + DAY, t - 2000);
    let a = delegated_listing(20, 21, "tomme", t - 1000);
    ingest.ingest(Source::Gossip, MARKET, wires(&[&grant, &a]), t);
    let relay_only = membership(21, 20, false, t + DAY, t - 500);
    ingest.ingest(Source::Gossip, MARKET, wires(&[&relay_only]), t);
    assert!(!ingest.store().has(&a.id).unwrap());

    // A term ending before the records expire: the sweep withdraws at `until`.
    let short = membership(31, 30, true, t + 60_000, t - 2000);
    let b = delegated_listing(30, 31, "vacherin", t - 1000);
    ingest.ingest(Source::Gossip, MARKET, wires(&[&short, &b]), t);
    assert_eq!(ingest.sweep(t + 59_999).unwrap(), Default::default());
    let swept = ingest.sweep(t + 60_000).unwrap();
    assert_eq!(swept.withdrawn, vec![b.id]);
    assert!(swept.expired.is_empty());
    assert!(ingest.store().current(&short.slot()).unwrap().is_some());
    // And when the membership record itself expires, its listings go with it.
    let grant = membership(41, 40, true, t + 10 * DAY, t - 2000);
    let c = delegated_listing(40, 41, "reblochon", t - 1000);
    ingest.ingest(Source::Gossip, MARKET, wires(&[&grant, &c]), t);
    let swept = ingest.sweep(grant.payload.expires).unwrap();
    assert!(swept.expired.contains(&grant.id) && !swept.expired.contains(&c.id));
    assert_eq!(swept.withdrawn, vec![c.id]);
}
