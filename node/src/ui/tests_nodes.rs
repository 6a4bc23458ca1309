//! The node's own pages through the real router on a real daemon: settings saved and refused,
//! the status page, a courier's offers and job board, a certifier's labels.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use smartket_protocol::Kind;
use smartket_protocol::kinds::Body as RecordBody;
use tower::ServiceExt;

use super::i18n::Tr;
use super::tests::{TOKEN, get, get_until, node, post_form};

async fn settings_json(app: &axum::Router) -> serde_json::Value {
    let request = Request::get("/api/v1/settings")
        .header(header::HOST, "127.0.0.1:8417")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(Body::empty())
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[tokio::test]
async fn settings_are_saved_from_the_form_and_a_bad_value_is_refused_on_its_field() {
    let (_dir, daemon, app) = node().await;
    let (status, page, _) = get(&app, "/parametres", true, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Émetteurs de labels de confiance") && page.contains("Genève"),
        "the markets joined are listed by name: {page}"
    );
    let issuer = "ab".repeat(32);
    let form = format!("issuer_new={issuer}&postcode=1205&lat=46.19&lon=6%2C14&languages=en%2Cfr");
    let (status, to, page) = post_form(&app, "/parametres", &form).await;
    assert_eq!(
        (status, to.as_deref()),
        (StatusCode::SEE_OTHER, Some("/parametres?saved=1")),
        "{page}"
    );
    let saved = settings_json(&app).await;
    assert_eq!(saved["trusted_issuers"][0], issuer.as_str());
    assert_eq!(saved["location"]["postcode"], "1205");
    assert_eq!(saved["location"]["lon"], 6.14);
    assert_eq!(saved["languages"], serde_json::json!(["en", "fr"]));
    let (_, page, _) = get(&app, "/parametres?saved=1", true, None).await;
    assert!(
        page.contains("<html lang=\"en\">") && page.contains("Settings saved."),
        "the page now speaks the first language chosen: {page}"
    );
    assert!(
        page.contains(&format!("value=\"{issuer}\" checked")),
        "{page}"
    );

    let form = format!("issuer={issuer}&postcode=1205&lat=91&lon=6.14&languages=fr%2Cen");
    let (status, _, page) = post_form(&app, "/parametres", &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("id=\"lat-error\"") && page.contains("-90 and 90"),
        "{page}"
    );
    assert!(
        page.contains("value=\"91\""),
        "what was typed stays: {page}"
    );
    assert_eq!(settings_json(&app).await, saved, "nothing was saved");
    let (status, _, page) = post_form(&app, "/parametres", "issuer_new=zz").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("id=\"issuer_new-error\""), "{page}");
    daemon.shutdown().await;
}

#[tokio::test]
async fn the_status_page_shows_who_the_node_is_and_what_it_holds() {
    let (_dir, daemon, app) = node().await;
    let handle = daemon.handle();
    let (status, page, _) = get(&app, "/etat", true, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&handle.peer_id().to_string()), "{page}");
    assert!(page.contains(&handle.author().to_hex()), "{page}");
    assert!(
        page.contains("<th scope=\"row\">Annonces</th><td>1</td>"),
        "{page}"
    );
    assert!(
        page.contains("Aucun message en attente d'envoi")
            && page.contains("Dernière synchronisation"),
        "{page}"
    );
    // Alone, with no cooperative to relay it: the page says it cannot be reached yet, and why.
    assert!(
        page.contains("Joignable")
            && page.contains("Pas encore : les commandes attendent à la coopérative"),
        "{page}"
    );
    let (status, to, _) = post_form(&app, "/etat/synchroniser", "").await;
    assert_eq!(
        (status, to.as_deref()),
        (StatusCode::SEE_OTHER, Some("/etat"))
    );
    daemon.shutdown().await;
}

const OFFER: &str = "key=velo&note_fr=Livraison+%C3%A0+v%C3%A9lo&note_en=&postcodes=1204%2C+1205\
    &currency=CHF&base=8.00&free_above=50&vehicle=cargo_bike&weight_kg=30&length_cm=80\
    &width_cm=60&height_cm=60&day=tue&from_tue=09%3A00&to_tue=12%3A00&from_wed=09%3A00&to_wed=12%3A00";

#[tokio::test]
async fn a_courier_creates_changes_and_withdraws_a_delivery_offer_from_the_forms() {
    let (_dir, daemon, app) = node().await;
    let handle = daemon.handle();
    let (status, page, _) = get(&app, "/gestion/livraison/nouvelle", true, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<label for=\"postcodes\">"), "{page}");

    let bad = OFFER
        .replace("1204%2C+1205", "1204%2C+1")
        .replace("to_wed=12%3A00", "to_wed=08%3A00")
        + "&day=wed";
    let (status, _, page) = post_form(&app, "/gestion/livraison/nouvelle", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("id=\"postcodes-error\"") && page.contains("id=\"slots-error\""),
        "{page}"
    );
    assert!(page.contains("value=\"1204, 1\""), "{page}");
    assert!(
        handle
            .own()
            .everywhere(Some(Kind::DeliveryOffer))
            .is_empty()
    );

    let (status, to, page) = post_form(&app, "/gestion/livraison/nouvelle", OFFER).await;
    assert_eq!(
        (status, to.as_deref()),
        (
            StatusCode::SEE_OTHER,
            Some("/gestion/livraison?notice=created")
        ),
        "{page}"
    );
    let offers = handle.own().everywhere(Some(Kind::DeliveryOffer));
    let RecordBody::DeliveryOffer(offer) = &offers[0].payload.body else {
        panic!("not an offer");
    };
    assert_eq!(offers[0].payload.key, "velo");
    assert_eq!(offer.zones[0].postcodes, ["1204", "1205"]);
    assert_eq!((offer.fees.base, offer.fees.free_above), (800, Some(5000)));
    assert_eq!((offer.slots.len(), offer.slots[0].start), (1, 540));
    let (_, list, _) = get(&app, "/gestion/livraison?notice=created", true, None).await;
    assert!(
        list.contains("Offre publiée.") && list.contains("CHF 8.00 la livraison"),
        "{list}"
    );
    assert!(list.contains("Mardi 09:00–12:00"), "{list}");
    let (status, _, again) = post_form(&app, "/gestion/livraison/nouvelle", OFFER).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.contains("Une offre porte déjà ce nom"), "{again}");

    // A second Tuesday slot, set through the API: the form shows it and keeps it.
    let body = serde_json::json!({ "body": { "zones": [{ "postcodes": ["1204", "1205"] }],
        "fees": { "currency": "CHF", "base": 800 }, "vehicle": "cargo_bike",
        "slots": [{ "day": "tue", "start": 540, "end": 720 }, { "day": "tue", "start": 840, "end": 1020 }],
        "limits": { "max_weight_g": 30000, "max_length_cm": 80, "max_width_cm": 60, "max_height_cm": 60 } } });
    let request = Request::put("/api/v1/own/delivery-offers/velo")
        .header(header::HOST, "127.0.0.1:8417")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    assert_eq!(
        app.clone().oneshot(request).await.unwrap().status(),
        StatusCode::OK
    );
    let (status, form, _) = get(&app, "/gestion/livraison/velo", true, None).await;
    assert!(form.contains("+ 14:00–17:00"), "{form}");
    assert_eq!(status, StatusCode::OK);
    assert!(
        form.contains("value=\"1204, 1205\"") && form.contains("value=\"8.00\""),
        "{form}"
    );
    let changed = OFFER.replace("base=8.00", "base=9.50");
    let (status, to, _) = post_form(&app, "/gestion/livraison/velo", &changed).await;
    assert_eq!(
        (status, to.as_deref()),
        (
            StatusCode::SEE_OTHER,
            Some("/gestion/livraison?notice=saved")
        )
    );
    let offers = handle.own().everywhere(Some(Kind::DeliveryOffer));
    assert!(
        matches!(&offers[0].payload.body,
            RecordBody::DeliveryOffer(o) if o.fees.base == 950 && o.slots.len() == 2),
        "{offers:?}"
    );

    let (status, to, _) = post_form(&app, "/gestion/livraison/velo/supprimer", "").await;
    assert_eq!(
        (status, to.as_deref()),
        (
            StatusCode::SEE_OTHER,
            Some("/gestion/livraison?notice=deleted")
        )
    );
    assert!(
        handle
            .own()
            .everywhere(Some(Kind::DeliveryOffer))
            .is_empty()
    );
    let (_, list, _) = get(&app, "/gestion/livraison", true, None).await;
    assert!(list.contains("Aucune offre publiée."), "{list}");
    let (status, _, _) = get(&app, "/gestion/livraison/velo", true, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    daemon.shutdown().await;
}

#[tokio::test]
async fn the_job_board_shows_where_to_collect_and_deliver_and_links_the_order() {
    use smartket_protocol::messages::{
        Address, Contact, DeliveryJob, Money, OrderId, Parcel, Stop, Window,
    };
    use smartket_protocol::{Message, MessageBody, RecipientKeys, SecretKey};
    let (_dir, daemon, app) = node().await;
    let handle = daemon.handle();
    let stop = |street: &str, postcode: &str, name: &str| Stop {
        address: Address {
            lines: vec![street.into()],
            postcode: postcode.into(),
            city: "Genève".into(),
            country: "CH".into(),
            notes: None,
        },
        contact: Contact {
            name: name.into(),
            phone: Some("+41791234567".into()),
            email: None,
        },
    };
    let from = crate::clock::now_ms() + 86_400_000;
    let job = DeliveryJob {
        order_id: OrderId([4; 16]),
        pickup: stop("Route de Chêne 1", "1208", "Fromagerie"),
        dropoff: stop("Rue de Carouge 12", "1205", "Léa"),
        window: Window {
            from,
            to: from + 3 * 3_600_000,
        },
        parcel: Parcel {
            weight_g: 2000,
            length_cm: 30,
            width_cm: 20,
            height_cm: 10,
        },
        fee: Money {
            amount: 800,
            currency: "CHF".into(),
        },
        notify: None,
        notify_node: None,
        note: None,
    };
    let seller = SecretKey::from_bytes(&[8; 32]);
    let to = RecipientKeys {
        author: handle.author(),
        enc: handle.encryption_key().public(),
    };
    let message = Message::new("geneva", MessageBody::DeliveryJob(Box::new(job))).unwrap();
    let sealed = smartket_protocol::seal(&seller, &to, &message, crate::clock::now_ms()).unwrap();
    handle
        .orders()
        .receive(&to.enc, sealed.as_bytes())
        .await
        .unwrap();

    let (_, board, _) = get(&app, "/gestion/livraison", true, None).await;
    assert!(
        board.contains("De Route de Chêne 1, 1208 Genève à Rue de Carouge 12, 1205 Genève"),
        "{board}"
    );
    assert!(board.contains("Rémunération : CHF 8.00"), "{board}");
    assert!(
        board.contains(&format!("/commandes/{}", hex::encode([4u8; 16]))),
        "{board}"
    );
    daemon.shutdown().await;
}

#[tokio::test]
async fn a_certifier_issues_a_label_that_counts_once_trusted_and_revokes_it() {
    use crate::record_json::Draft;
    let (_dir, daemon, app) = node().await;
    let handle = daemon.handle();
    // A seller's listing, as gossip would have brought it: labels one gives oneself never count.
    let seller = smartket_protocol::SecretKey::from_bytes(&[42; 32]);
    let draft = |kind, key| Draft::new(seller.public(), kind, "geneva", key, 86_400_000);
    let profile = serde_json::json!({ "roles": ["producer"], "legal_form": "individual",
        "name": { "fr": "Fromagerie de Jussy" }, "postcode": "1254",
        "point": { "lat_e4": 462_350, "lon_e4": 62_680 }, "enc_key": "11".repeat(32) });
    let listing = serde_json::json!({
        "title": { "fr": "Tomme de Jussy" }, "category": "food.dairy.cheese",
        "price": { "amount": 900, "currency": "CHF", "unit": "piece" },
        "fulfilment": [{ "type": "pickup", "place": "Jussy", "postcode": "1254" }] });
    let records = [
        draft(Kind::Profile, "profile").payload(&profile).unwrap(),
        draft(Kind::Listing, "jussy").payload(&listing).unwrap(),
    ]
    .map(|p| smartket_protocol::Record::sign(&seller, p).unwrap());
    handle.store().commit(records.to_vec()).unwrap();
    let author = seller.public().to_hex();
    let me = handle.author().to_hex();
    let (status, page, _) = get(&app, "/gestion/attestations", true, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(&format!("value=\"listing:{author}:jussy\"")),
        "the known listings are offered: {page}"
    );
    let (status, _, page) = post_form(
        &app,
        "/gestion/attestations",
        &format!("label=bio+!&subject=listing%3A{author}%3Ajussy"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("id=\"label-error\""), "{page}");
    assert!(handle.own().everywhere(Some(Kind::Attestation)).is_empty());

    let (status, to, page) = post_form(
        &app,
        "/gestion/attestations",
        &format!("label=BIO&subject=listing%3A{author}%3Ajussy&valid_until=&evidence="),
    )
    .await;
    assert_eq!(
        (status, to.as_deref()),
        (
            StatusCode::SEE_OTHER,
            Some("/gestion/attestations?notice=issued")
        ),
        "{page}"
    );
    let issued = handle.own().everywhere(Some(Kind::Attestation));
    assert_eq!(issued.len(), 1);
    assert!(
        matches!(&issued[0].payload.body, RecordBody::Attestation(a) if a.label == "bio"),
        "{issued:?}"
    );
    let (_, page, _) = get(&app, "/gestion/attestations", true, None).await;
    assert!(
        page.contains("Tomme de Jussy (Fromagerie de Jussy)"),
        "{page}"
    );

    let (_, untrusted, _) = get(&app, "/recherche?q=jussy", true, None).await;
    assert!(
        !untrusted.contains("<span class=\"badge\">bio</span>"),
        "{untrusted}"
    );
    post_form(&app, "/parametres", &format!("issuer_new={me}")).await;
    get_until(
        &app,
        "/recherche?q=jussy",
        "<span class=\"badge\">bio</span>",
    )
    .await;

    let key = super::form::encode(&issued[0].payload.key);
    let (status, to, _) = post_form(
        &app,
        "/gestion/attestations/revoquer",
        &format!("key={key}"),
    )
    .await;
    assert_eq!(
        (status, to.as_deref()),
        (
            StatusCode::SEE_OTHER,
            Some("/gestion/attestations?notice=revoked")
        )
    );
    assert!(handle.own().everywhere(Some(Kind::Attestation)).is_empty());
    let (_, page, _) = get(&app, "/gestion/attestations", true, None).await;
    assert!(page.contains("Aucun label délivré."), "{page}");
    daemon.shutdown().await;
}

#[test]
fn every_message_the_node_pages_use_exists_in_every_language() {
    let ids: Vec<String> = include_str!("../../../web-ui/locales/fr.ftl")
        .lines()
        .filter_map(|l| l.split_once(" = ").map(|(id, _)| id.trim().to_owned()))
        .filter(|id| !id.starts_with('#') && !id.contains(' '))
        .collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    assert!(ids.contains(&"offer-error-postcodes") && ids.contains(&"day-sun"));
    assert_eq!(Tr::complete(&ids), Vec::<String>::new());
}
