//! The adversarial testbed at a size CI runs in a few minutes: each attack of
//! `harness/attacks.rs`, and the limits that must hold against it. The benchmark runs the same
//! attacks at the sizes the README quotes (`tests/examples/adversary_bench.rs`).

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use smartket_tests::attacks;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_flooding_forged_records_is_graylisted_cut_off_and_honest_delivery_holds() {
    let figures = attacks::bad_signature_flood(6, 1_000, 40).await;
    println!("{figures:#?}");
    assert_eq!(figures.forged_stored, 0, "a forged record was stored");
    assert!(figures.sent > 0, "the attacker could send nothing");
    assert!(
        figures.graylisted_after.is_some(),
        "the attacker was not graylisted by every honest node within a minute"
    );
    assert!(
        figures.cut_off_after.is_some(),
        "the attacker was not cut off by every honest node within a minute"
    );
    assert_eq!(
        figures.baseline.delivered(),
        1.0,
        "honest records lost before the attack"
    );
    assert_eq!(
        figures.under_attack.delivered(),
        1.0,
        "honest records lost under attack"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_sybils_and_their_flash_of_garbage_do_not_stop_honest_delivery() {
    let figures = attacks::sybil_crowd(6, 18, 40, 50).await;
    println!("{figures:#?}");
    assert!(
        figures.mesh_share.0 > 0,
        "no Sybil got into an honest mesh: the attack is void"
    );
    assert_eq!(figures.forged_stored, 0, "a forged record was stored");
    assert!(figures.silent.delivered() >= 0.99, "{:?}", figures.silent);
    assert!(figures.flash.delivered() >= 0.99, "{:?}", figures.flash);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fresh_keys_from_one_host_cannot_fill_a_seller_s_mailbox() {
    let figures = attacks::mailbox_flood(24, 100).await;
    println!("{figures:#?}");
    assert!(
        figures.honest_delivered,
        "the honest order did not reach the seller"
    );
    // Everything from one host shares its quotas: 32 for the seller, 512 in all.
    assert!(
        figures.kept <= 512,
        "kept {} junk messages from one host",
        figures.kept
    );
    assert_eq!(
        figures.answers.get("accepted").copied().unwrap_or(0) as u64,
        figures.kept,
        "{:?}",
        figures.answers
    );
    // A host asking challenges by the hundred gets its burst and a few a second, then `busy`.
    let (asked, answers) = &figures.challenges;
    let issued = answers.get("challenge").copied().unwrap_or(0);
    let burst = smartket_node::mailbox::CHALLENGE_RATE.burst as usize;
    assert!(issued >= burst, "{answers:?}");
    assert!(issued < *asked, "{answers:?}");
    assert_eq!(
        issued + answers.get("busy").copied().unwrap_or(0),
        *asked,
        "{answers:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_host_opening_connections_by_the_hundred_gets_its_share_and_honest_nodes_still_trade() {
    let figures = attacks::connection_flood(400, 100, 24).await;
    println!("{figures:#?}");
    let limits = smartket_node::network::PerIpLimits::default();
    assert!(
        figures.raw_held_most <= limits.pending,
        "one host held {} silent connections at once",
        figures.raw_held_most
    );
    assert!(
        figures.raw_closed_at_once >= figures.raw_attempts - 4 * limits.pending,
        "{figures:?}"
    );
    assert!(
        figures.identities_held_most <= limits.established,
        "one host held {} connections with fresh identities",
        figures.identities_held_most
    );
    assert!(
        figures.honest_traded,
        "the honest order did not get through"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strangers_stepping_orders_nobody_has_are_kept_within_bounds_and_honest_orders_flow() {
    let figures = attacks::stranger_steps(6_000, 50, 2).await;
    println!("{figures:#?}");
    let kept = figures.answers.get("stored").copied().unwrap_or(0) as u64;
    assert!(
        kept <= smartket_node::orders::db::waiting::MAX_WAITING,
        "kept {kept} steps for unknown orders"
    );
    assert_eq!(
        kept + figures.answers.get("busy").copied().unwrap_or(0) as u64,
        figures.sent as u64,
        "{:?}",
        figures.answers
    );
    assert_eq!(figures.honest_during.len(), 2, "honest orders stopped");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversize_gossip_and_requests_are_dropped_unread_and_the_cooperative_works_on() {
    let figures = attacks::oversize_flood(20, 40, 1024 * 1024).await;
    println!("{figures:#?}");
    assert!(figures.gossip_sent > 0, "the attacker could not gossip");
    assert_eq!(figures.requests.1, 0, "an oversize request was answered");
}
