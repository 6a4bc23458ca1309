//! The seller's back office through the real router on a real daemon: listings created,
//! refused with their fields named, edited, duplicated with their pictures, restocked, deleted;
//! a picture uploaded as a browser sends it.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use smartket_protocol::{Body as RecordBody, Kind};

use super::tests::{TOKEN, get, node, post_form, send};
use crate::daemon::Daemon;

fn own_listing(daemon: &Daemon, key: &str) -> Option<smartket_protocol::kinds::Listing> {
    daemon
        .handle()
        .own()
        .everywhere(Some(Kind::Listing))
        .into_iter()
        .find(|r| r.payload.key == key)
        .and_then(|r| match r.payload.body {
            RecordBody::Listing(l) => Some(l),
            _ => None,
        })
}

const NEW: &str = "key=pain-1&title_fr=Pain+bis&title_en=Brown+bread&category=food.bakery.bread\
                   &price=4%2C80&currency=CHF&unit=piece&stock=20&local_share_pct=30\
                   &pickup_place=Boulangerie&pickup_postcode=1201&courier=oui";

#[tokio::test]
async fn a_listing_is_created_from_the_form_then_edited_restocked_and_deleted() {
    let (_dir, daemon, app) = node().await;
    let (status, location, _) = post_form(&app, "/gestion/annonces/nouvelle", NEW).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location.as_deref(),
        Some("/gestion/annonces/pain-1?notice=listing-saved")
    );
    let listing = own_listing(&daemon, "pain-1").expect("published");
    assert_eq!(listing.price.amount, 480);
    assert_eq!(listing.stock, Some(20));
    assert_eq!(listing.local_share_pct, Some(30));
    assert_eq!(listing.fulfilment.len(), 2, "pick-up and courier");

    let (status, page, _) = get(&app, "/gestion/annonces", true, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Pain bis") && page.contains("Tomme de Genève"),
        "{page}"
    );

    let (_, page, _) = get(
        &app,
        "/gestion/annonces/pain-1?notice=listing-saved",
        true,
        None,
    )
    .await;
    assert!(
        page.contains("value=\"4.80\""),
        "the form shows the price: {page}"
    );
    assert!(page.contains("Annonce enregistrée"), "{page}");

    let edit = NEW
        .replace("price=4%2C80", "price=5")
        .replace("key=pain-1&", "");
    let (status, _, _) = post_form(&app, "/gestion/annonces/pain-1", &edit).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(own_listing(&daemon, "pain-1").unwrap().price.amount, 500);

    let (status, _, _) = post_form(&app, "/gestion/annonces/pain-1/stock", "stock=3").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(own_listing(&daemon, "pain-1").unwrap().stock, Some(3));
    let (_, location, _) =
        post_form(&app, "/gestion/annonces/pain-1/stock", "stock=beaucoup").await;
    assert_eq!(
        location.as_deref(),
        Some("/gestion/annonces?notice=listing-stock-invalid")
    );
    assert_eq!(
        own_listing(&daemon, "pain-1").unwrap().stock,
        Some(3),
        "nothing changed"
    );

    let (status, _, _) = post_form(&app, "/gestion/annonces/pain-1/supprimer", "").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(own_listing(&daemon, "pain-1").is_none());
    let (status, _, _) = get(&app, "/gestion/annonces/pain-1", true, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    daemon.shutdown().await;
}

#[tokio::test]
async fn a_wrong_form_comes_back_with_each_field_named_and_what_was_typed() {
    let (_dir, daemon, app) = node().await;
    let bad = NEW
        .replace("price=4%2C80", "price=quatre")
        .replace("category=food.bakery.bread", "category=food.moon")
        .replace("pickup_postcode=1201", "pickup_postcode=");
    let (status, _, page) = post_form(&app, "/gestion/annonces/nouvelle", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("3 champs sont à corriger"), "{page}");
    for id in ["e-price", "e-category", "e-pickup_postcode"] {
        assert!(page.contains(&format!("id=\"{id}\"")), "{id} in {page}");
    }
    assert!(
        page.contains("value=\"quatre\""),
        "what was typed stays: {page}"
    );
    assert!(
        own_listing(&daemon, "pain-1").is_none(),
        "nothing published"
    );

    let taken = NEW.replace("key=pain-1", "key=tomme");
    let (status, _, page) = post_form(&app, "/gestion/annonces/nouvelle", &taken).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("une annonce a déjà cette référence"),
        "{page}"
    );
    assert_eq!(
        own_listing(&daemon, "tomme").unwrap().price.amount,
        950,
        "the existing listing is untouched"
    );
    daemon.shutdown().await;
}

/// Posts one file in a multipart form, as a browser sends it; status, location and page.
async fn upload(
    app: &axum::Router,
    uri: &str,
    field: &str,
    bytes: &[u8],
) -> (StatusCode, Option<String>, String) {
    let boundary = "----smartket-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"upload\"\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let request = Request::post(uri)
        .header(header::HOST, "127.0.0.1:8417")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(header::ORIGIN, "http://127.0.0.1:8417")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    send(app, request).await
}

#[tokio::test]
async fn a_picture_is_uploaded_shown_kept_by_a_duplicate_and_removed() {
    let (_dir, daemon, app) = node().await;
    let png = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/geneva/pictures/logo-fromagerie-des-bossons.png"
    ))
    .unwrap();
    let (status, location, _) = upload(&app, "/gestion/annonces/tomme/images", "image", &png).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location.as_deref(),
        Some("/gestion/annonces/tomme?notice=picture-added")
    );
    let images = own_listing(&daemon, "tomme").unwrap().images;
    assert_eq!(images.len(), 1);
    let (_, page, _) = get(&app, "/gestion/annonces/tomme", true, None).await;
    assert!(page.contains(&images[0].to_hex()), "{page}");
    assert!(
        page.contains("data-preview=\"preview\""),
        "the upload previews: {page}"
    );

    let (_, location, _) = upload(
        &app,
        "/gestion/annonces/tomme/images",
        "image",
        b"not an image",
    )
    .await;
    assert_eq!(
        location.as_deref(),
        Some("/gestion/annonces/tomme?notice=picture-refused")
    );
    assert_eq!(own_listing(&daemon, "tomme").unwrap().images.len(), 1);

    let (status, page, _) = get(&app, "/gestion/annonces/tomme/dupliquer", true, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("value=\"tomme-2\""),
        "a free key is proposed: {page}"
    );
    assert!(page.contains("name=\"from\" value=\"tomme\""), "{page}");
    let copy = "from=tomme&key=tomme-2&title_fr=Tomme+%C3%A0+l%27ail&category=food.dairy.cheese\
                &price=10&currency=CHF&unit=piece&pickup_place=March%C3%A9&pickup_postcode=1205";
    let (status, _, _) = post_form(&app, "/gestion/annonces/nouvelle", copy).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let duplicate = own_listing(&daemon, "tomme-2").expect("the copy is published");
    assert_eq!(duplicate.images, images, "the copy keeps the pictures");
    assert_eq!(duplicate.title["fr"], "Tomme à l'ail");

    let form = format!("image={}", images[0].to_hex());
    let (status, _, _) = post_form(&app, "/gestion/annonces/tomme/images/retirer", &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(own_listing(&daemon, "tomme").unwrap().images.is_empty());
    daemon.shutdown().await;
}

/// A catalogue of `n` cheeses as a spreadsheet exports it, with bad lines at `bad`.
fn catalogue(n: usize, bad: &[usize]) -> String {
    let mut csv = String::from(
        "key;title_fr;title_en;category;price;unit;stock;pickup_place;pickup_postcode;courier\n",
    );
    for i in 0..n {
        let line = if bad.contains(&i) {
            match i % 3 {
                0 => format!(
                    "fromage-{i};Fromage {i};;food.dairy.cheese;douze;piece;5;Onex;1213;oui\n"
                ),
                1 => format!("fromage-{i};Fromage {i};;food.nowhere;12.00;piece;5;Onex;1213;oui\n"),
                _ => format!("fromage-{i};;Cheese {i};food.dairy.cheese;12.00;piece;5;;;\n"),
            }
        } else {
            format!(
                "fromage-{i};Fromage d'alpage n°{i};Alpine cheese {i};food.dairy.cheese;{}.50;piece;{};Fromagerie;1213;oui\n",
                10 + i % 7,
                i % 20
            )
        };
        csv.push_str(&line);
    }
    csv
}

#[tokio::test]
async fn a_csv_catalogue_is_checked_line_by_line_then_imported_with_its_progress() {
    let (_dir, daemon, app) = node().await;
    let csv = catalogue(200, &[17, 88, 150]);
    let (status, location, _) = upload(&app, "/gestion/import", "csv", csv.as_bytes()).await;
    let page = location.unwrap_or_default();
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, preview, _) = get(&app, &page, true, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        preview.contains("200 lignes lues : 197 prêtes (dont 0 mises à jour), 3 refusées."),
        "{preview}"
    );
    assert!(preview.contains("3 lignes refusées"), "{preview}");
    for (line, key) in [(19, "fromage-17"), (90, "fromage-88"), (152, "fromage-150")] {
        assert!(
            preview.contains(&format!("<td>{line}</td><td><code>{key}</code>")),
            "line {line} ({key}) is reported: {preview}"
        );
    }
    assert!(
        own_listing(&daemon, "fromage-0").is_none(),
        "nothing before confirming"
    );

    let (status, location, _) = post_form(&app, &format!("{page}/importer"), "").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some(page.as_str()));
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    let done = loop {
        let (_, shown, _) = get(&app, &page, true, None).await;
        if shown.contains("data-import-progress=\"done\"") {
            break shown;
        }
        assert!(
            shown.contains("data-import-progress=\"running\"") && shown.contains("<progress"),
            "the page shows the progress: {shown}"
        );
        assert!(
            tokio::time::Instant::now() < deadline,
            "the import did not end: {shown}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert!(done.contains("197 annonces publiées"), "{done}");
    let mine = daemon.handle().own().everywhere(Some(Kind::Listing));
    assert_eq!(mine.len(), 198, "197 imported beside the tomme");
    for bad in ["fromage-17", "fromage-88", "fromage-150"] {
        assert!(own_listing(&daemon, bad).is_none(), "{bad} is not imported");
    }
    let (status, _, _) = post_form(&app, &format!("{page}/importer"), "").await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "a second click imports nothing more"
    );
    assert_eq!(
        daemon.handle().own().everywhere(Some(Kind::Listing)).len(),
        198
    );
    super::tests::get_until(&app, "/recherche?q=alpage", "197 résultats").await;
    daemon.shutdown().await;
}

#[tokio::test]
async fn a_file_that_is_not_a_catalogue_is_refused_with_the_reason() {
    let (_dir, daemon, app) = node().await;
    let (status, _, page) = upload(&app, "/gestion/import", "csv", b"nom,prix\nTomme,12\n").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("La colonne « nom » n'est pas connue"),
        "{page}"
    );
    let (_, template, _) = get(&app, "/gestion/import/modele.csv", true, None).await;
    assert!(template.starts_with("key;title_fr;"), "{template}");
    daemon.shutdown().await;
}

#[tokio::test]
async fn the_profile_is_published_from_its_form_keeping_the_node_s_key() {
    let (_dir, daemon, app) = node().await;
    let (status, page, _) = get(&app, "/gestion/profil", true, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("value=\"Fromagerie des Bossons\""), "{page}");
    let form = "name_fr=Fromagerie+des+Bossons&name_en=Bossons+Dairy&role=producer&role=shop\
                &street=Chemin+des+Bossons+14&postcode=1213&locality=Onex&phone=%2B41+22+792+18+03\
                &means=cash_on_pickup&iban=CH93+0076+2011+6238+5295+7&holder=Fromagerie+SA\
                &local_wallet=bossons&local_share_pct=30";
    let (status, location, body) = post_form(&app, "/gestion/profil", form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(location.as_deref(), Some("/gestion/profil?notice=saved"));
    let profile = daemon
        .handle()
        .own()
        .everywhere(Some(Kind::Profile))
        .into_iter()
        .find_map(|r| match r.payload.body {
            RecordBody::Profile(p) => Some(p),
            _ => None,
        })
        .unwrap();
    assert_eq!(profile.name["en"], "Bossons Dairy");
    assert_eq!(profile.payment.len(), 3, "{:?}", profile.payment);
    assert_eq!(
        profile.enc_key,
        daemon.handle().encryption_key().public().0,
        "orders keep reaching this node"
    );
    assert_eq!(profile.address.unwrap().locality, "Onex");

    let bad = form
        .replace("iban=CH93+0076+2011+6238+5295+7", "iban=CH00+1234")
        .replace("&role=producer&role=shop", "");
    let (status, _, page) = post_form(&app, "/gestion/profil", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("id=\"e-role\"") && page.contains("id=\"e-iban\""),
        "{page}"
    );
    assert!(
        page.contains("value=\"CH00 1234\""),
        "what was typed stays: {page}"
    );
    daemon.shutdown().await;
}

#[tokio::test]
async fn a_platform_countersigns_a_membership_that_the_member_then_adds_and_ends() {
    let (_dir, platform, platform_app) = node().await;
    let (_dir2, member, member_app) = node().await;
    let member_key = member.handle().author().to_hex();
    let form = format!("other={member_key}&scope=relay&scope=publish&days=30");
    let (status, _, page) =
        post_form(&platform_app, "/gestion/adhesions/contresigner", &form).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let value_after = |marker: &str| {
        page.split(marker)
            .nth(1)
            .and_then(|rest| rest.split('<').next())
            .unwrap()
            .to_owned()
    };
    let signature = value_after("id=\"countersignature\">");
    let until = value_after("</dt><dd><code>");
    assert_eq!(signature.len(), 128, "{page}");

    let platform_key = platform.handle().author().to_hex();
    let forged = format!(
        "other={platform_key}&scope=relay&scope=publish&until={}&signature={signature}",
        until.parse::<u64>().unwrap() + 1
    );
    let (status, _, page) = post_form(&member_app, "/gestion/adhesions", &forged).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Cette signature ne correspond pas"), "{page}");
    assert!(
        member
            .handle()
            .own()
            .everywhere(Some(Kind::Membership))
            .is_empty()
    );

    let add = format!(
        "other={platform_key}&scope=relay&scope=publish&until={until}&signature={signature}"
    );
    let (status, location, page) = post_form(&member_app, "/gestion/adhesions", &add).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    assert_eq!(
        location.as_deref(),
        Some("/gestion/adhesions?notice=membership-added")
    );
    assert_eq!(
        member
            .handle()
            .own()
            .everywhere(Some(Kind::Membership))
            .len(),
        1
    );
    let (_, page, _) = get(&member_app, "/gestion/adhesions", true, None).await;
    assert!(page.contains("publier des annonces pour moi"), "{page}");

    let (status, _, _) = post_form(
        &member_app,
        "/gestion/adhesions/terminer",
        &format!("other={platform_key}"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        member
            .handle()
            .own()
            .everywhere(Some(Kind::Membership))
            .is_empty()
    );
    platform.shutdown().await;
    member.shutdown().await;
}
