//! Labels by name on every page that shows them: the offer and the seller's page list each
//! label under its issuer's own name for it, with the explanation a tap away; search results
//! and the label facet name the trusted issuers' codes; and an issuer cannot rename another's.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use tower::ServiceExt;

use super::tests::{TOKEN, get, get_until, node};
use crate::daemon::Handle;
use crate::record_json::{Draft, attestation_key};
use smartket_protocol::{Kind, Record, SecretKey};

/// Records signed elsewhere, through the ingest pipeline as gossip brings them (so the search
/// index hears of them).
async fn receive(handle: &Handle, records: &[Record]) {
    for record in records {
        let verdict = handle.own().submit(record.to_wire()).await;
        assert!(
            matches!(verdict, crate::ingest::Verdict::Accepted(_)),
            "{verdict:?}"
        );
    }
}

/// An issuer named `name` defining `grta` as `label`, attesting it about the node's tomme.
async fn issuer(handle: &Handle, seed: u8, name: &str, label: Option<&str>) -> String {
    let key = SecretKey::from_bytes(&[seed; 32]);
    let labels: Vec<_> = label
        .map(|label| {
            json!({ "code": "grta", "name": { "fr": label, "en": format!("{label} (en)") },
                "description": { "fr": format!("Ce que {label} garantit."),
                                 "en": format!("What {label} guarantees.") },
                "url": "https://certif.example/grta" })
        })
        .into_iter()
        .collect();
    let profile = json!({ "roles": ["certifier"], "legal_form": "individual",
        "name": { "fr": name }, "enc_key": "55".repeat(32), "labels": labels });
    let now = crate::clock::now_ms();
    let attestation = json!({
        "subject": { "type": "listing", "author": handle.author().to_hex(), "key": "tomme" },
        "label": "grta", "valid_from": now - 1000, "valid_until": now + 86_400_000,
    });
    let slot = attestation_key(&attestation).unwrap();
    let draft = |kind, slot: &str| {
        Draft::new(key.public(), kind, "geneva", slot, 86_400_000)
            .payload(if kind == Kind::Profile {
                &profile
            } else {
                &attestation
            })
            .unwrap()
    };
    let records = [
        draft(Kind::Profile, "profile"),
        draft(Kind::Attestation, &slot),
    ]
    .map(|p| Record::sign(&key, p).unwrap());
    receive(handle, &records).await;
    key.public().to_hex()
}

async fn trust(app: &axum::Router, issuer: &str) {
    let settings = Request::put("/api/v1/settings")
        .header(header::HOST, "127.0.0.1:8417")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({ "trusted_issuers": [issuer] }).to_string(),
        ))
        .unwrap();
    assert_eq!(
        app.clone().oneshot(settings).await.unwrap().status(),
        StatusCode::OK
    );
}

#[test]
fn every_message_of_the_labels_exists_in_every_language() {
    let ids = ["label-issued-by", "label-rules", "labels"];
    assert_eq!(super::i18n::Tr::complete(&ids), Vec::<String>::new());
}

#[tokio::test]
async fn labels_show_by_their_issuer_s_name_with_what_they_mean_wherever_they_appear() {
    let (_dir, daemon, app) = node().await;
    let handle = daemon.handle();
    let me = handle.author().to_hex();
    let certifier = issuer(
        &handle,
        51,
        "Certification Terroir Léman",
        Some("Genève Région – Terre Avenir"),
    )
    .await;
    issuer(&handle, 52, "Labels & Cie", Some("Faux Terroir")).await;
    trust(&app, &certifier).await;

    let offer = get_until(&app, &format!("/annonce/{me}/tomme"), "Faux Terroir").await;
    for shown in [
        "<summary><span class=\"badge\">Genève Région – Terre Avenir</span> attesté par Certification Terroir Léman, certificateur de confiance</summary>",
        "<p>Ce que Genève Région – Terre Avenir garantit.</p>",
        "href=\"https://certif.example/grta\"",
        "<span class=\"badge\">Faux Terroir</span> <span class=\"muted\">déclaré par Labels &amp; Cie (émetteur non vérifié)</span>",
    ] {
        assert!(offer.contains(shown), "{shown:?} on the offer: {offer}");
    }
    let (_, english, _) = get(&app, &format!("/annonce/{me}/tomme?lang=en"), true, None).await;
    assert!(
        english.contains("Genève Région – Terre Avenir (en)"),
        "{english}"
    );

    let results = get_until(&app, "/recherche?q=tomme", "<abbr").await;
    let named = "<abbr title=\"Ce que Genève Région – Terre Avenir garantit. (attesté par Certification Terroir Léman)\">Genève Région – Terre Avenir</abbr>";
    let card = results.split("<article class=\"card\">").nth(1).unwrap();
    assert!(card.contains(named), "the card's label: {card}");
    let facets = results.split("<aside").nth(1).unwrap();
    assert!(
        facets.contains(&format!("value=\"grta\"> {named} (1)")),
        "the facet's label: {facets}"
    );
    assert!(
        !results.contains("Faux Terroir"),
        "an untrusted issuer names nothing in search: {results}"
    );
    daemon.shutdown().await;
}

#[tokio::test]
async fn an_issuer_s_definitions_name_its_own_codes_only() {
    let (_dir, daemon, app) = node().await;
    let handle = daemon.handle();
    let me = handle.author().to_hex();
    // The trusted certifier attests `grta` but defines nothing; another issuer defines `grta`.
    let certifier = issuer(&handle, 53, "Certification Terroir Léman", None).await;
    let other = SecretKey::from_bytes(&[54; 32]);
    let profile = json!({ "roles": ["certifier"], "legal_form": "individual",
        "name": { "fr": "Autre" }, "enc_key": "66".repeat(32),
        "labels": [{ "code": "grta", "name": { "fr": "Nom d'emprunt" } }] });
    let payload = Draft::new(
        other.public(),
        Kind::Profile,
        "geneva",
        "profile",
        86_400_000,
    )
    .payload(&profile)
    .unwrap();
    receive(&handle, &[Record::sign(&other, payload).unwrap()]).await;
    trust(&app, &certifier).await;
    let offer = get_until(&app, &format!("/annonce/{me}/tomme"), "grta").await;
    assert!(
        offer.contains("<span class=\"badge\">grta</span> attesté par Certification Terroir Léman"),
        "{offer}"
    );
    assert!(!offer.contains("Nom d'emprunt"), "{offer}");
    daemon.shutdown().await;
}
