//! Who may use the node, through the real router: login links, sessions, logging out, a
//! phone's scope, the Host, Origin and `Sec-Fetch-Site` checks, and the methods of the routes
//! that change state.

use std::net::SocketAddr;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};

use super::Conn;
use super::tests::{TestNode, error_code};
use crate::sessions::{PAIRING_LINK_SECS, Scope, now_secs};

const HOST: &str = "127.0.0.1:8417";

/// The `name=value` of the session cookie a response sets.
fn session_cookie(headers: &HeaderMap) -> String {
    let set = headers[header::SET_COOKIE].to_str().unwrap();
    set.split(';').next().unwrap().to_owned()
}

fn get(uri: &str) -> axum::http::request::Builder {
    Request::get(uri).header(header::HOST, HOST)
}

/// Logs in through a fresh link of `scope`; the cookie and where the browser was sent.
async fn log_in(node: &TestNode, scope: Scope) -> (String, String) {
    let path = match scope {
        Scope::Owner => {
            let link = node.access.login_link().unwrap();
            link.strip_prefix(&format!("http://{HOST}"))
                .unwrap()
                .to_owned()
        }
        _ => {
            let secret = node
                .access
                .sessions()
                .new_link(scope, Some("Vélo".into()), PAIRING_LINK_SECS, now_secs())
                .unwrap();
            format!("/login?token={secret}")
        }
    };
    let (status, headers, _) = node.send(get(&path).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let to = headers[header::LOCATION].to_str().unwrap().to_owned();
    (session_cookie(&headers), to)
}

#[tokio::test]
async fn a_login_link_opens_a_lasting_session_once_and_a_new_link_can_be_had() {
    let node = TestNode::start().await;
    let link = node.access.login_link().unwrap();
    let path = link
        .strip_prefix("http://127.0.0.1:8417")
        .unwrap()
        .to_owned();
    let login = || get(&path).body(Body::empty()).unwrap();
    let (status, headers, _) = node.send(login()).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/");
    let set = headers[header::SET_COOKIE].to_str().unwrap();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=2592000"] {
        assert!(set.contains(attribute), "{set}");
    }
    assert!(!set.contains("Secure"), "plain HTTP on loopback: {set}");
    let cookie = session_cookie(&headers);
    assert!(cookie.starts_with(&format!("{}=", node.access.cookie_name())));

    let with_cookie = get("/api/v1/node")
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = node.send(with_cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["author"], node.daemon.handle().author().to_hex());

    let (status, _, _) = node.send(login()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a link works once");

    let new_link = get("/api/v1/login-links")
        .method(Method::POST)
        .header(header::COOKIE, &cookie)
        .header(header::ORIGIN, "http://127.0.0.1:8417")
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = node.send(new_link).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(body["link"].as_str().unwrap().contains("/login?token="));

    let another = format!("{}=0000", node.access.cookie_name());
    let forged = get("/api/v1/node")
        .header(header::COOKIE, another)
        .body(Body::empty())
        .unwrap();
    assert_eq!(node.send(forged).await.0, StatusCode::UNAUTHORIZED);
    node.stop().await;
}

#[tokio::test]
async fn logging_out_closes_the_session_and_clears_the_cookie() {
    let node = TestNode::start().await;
    let (cookie, _) = log_in(&node, Scope::Owner).await;
    let logout = get("/deconnexion")
        .method(Method::POST)
        .header(header::COOKIE, &cookie)
        .header(header::ORIGIN, "http://127.0.0.1:8417")
        .body(Body::empty())
        .unwrap();
    let (status, headers, _) = node.send(logout).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let after = get("/")
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .unwrap();
    assert_eq!(node.send(after).await.0, StatusCode::UNAUTHORIZED);
    assert!(node.access.sessions().list().is_empty());
    node.stop().await;
}

#[tokio::test]
async fn a_state_change_carried_by_a_cookie_needs_this_node_s_origin_or_same_origin_fetch() {
    let node = TestNode::start().await;
    let (cookie, _) = log_in(&node, Scope::Owner).await;
    let post = |extra: &[(&str, &str)]| {
        let mut request = get("/api/v1/login-links")
            .method(Method::POST)
            .header(header::COOKIE, &cookie);
        for (name, value) in extra {
            request = request.header(*name, *value);
        }
        request.body(Body::empty()).unwrap()
    };
    let (status, _, body) = node.send(post(&[])).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "no Origin, no Sec-Fetch-Site"
    );
    assert_eq!(error_code(&body), "forbidden_origin");
    let status = node
        .send(post(&[("sec-fetch-site", "same-origin")]))
        .await
        .0;
    assert_eq!(status, StatusCode::CREATED);
    let status = node
        .send(post(&[("origin", "http://localhost:8417")]))
        .await
        .0;
    assert_eq!(status, StatusCode::CREATED);
    for origin in [
        "http://evil.example",
        "http://127.0.0.1:8418",
        "https://127.0.0.1:8417",
        "null",
    ] {
        let status = node.send(post(&[("origin", origin)])).await.0;
        assert_eq!(status, StatusCode::FORBIDDEN, "{origin}");
    }
    let status = node
        .send(post(&[
            ("origin", "http://127.0.0.1:8417"),
            ("sec-fetch-site", "cross-site"),
        ]))
        .await
        .0;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let bearer = get("/api/v1/login-links")
        .method(Method::POST)
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", super::tests::TOKEN),
        )
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        node.send(bearer).await.0,
        StatusCode::CREATED,
        "programs send no Origin"
    );
    node.stop().await;
}

#[tokio::test]
async fn the_host_must_be_the_address_the_connection_arrived_on_even_bound_to_every_interface() {
    let node = TestNode::start().await;
    let (cookie, _) = log_in(&node, Scope::Owner).await;
    let lan: SocketAddr = "192.168.1.20:8418".parse().unwrap();
    let on_lan = |host: &str, origin: Option<&str>| {
        let mut request = Request::post("/api/v1/login-links")
            .header(header::HOST, host)
            .header(header::COOKIE, &cookie);
        if let Some(origin) = origin {
            request = request.header(header::ORIGIN, origin);
        }
        let mut request = request.body(Body::empty()).unwrap();
        request.extensions_mut().insert(Conn {
            local: lan,
            peer: "192.168.1.31:50000".parse().unwrap(),
            secure: true,
        });
        request
    };
    let ok = node
        .send(on_lan(
            "192.168.1.20:8418",
            Some("https://192.168.1.20:8418"),
        ))
        .await;
    assert_eq!(ok.0, StatusCode::CREATED, "{}", ok.2);
    for host in ["evil.example", "192.168.1.20:8417", "127.0.0.1:8418"] {
        let (status, _, body) = node.send(on_lan(host, None)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{host}");
        assert_eq!(error_code(&body), "forbidden_host");
    }
    let (status, _, body) = node
        .send(on_lan(
            "192.168.1.20:8418",
            Some("http://192.168.1.20:8418"),
        ))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "an http origin on an https connection"
    );
    assert_eq!(error_code(&body), "forbidden_origin");
    node.stop().await;
}

#[tokio::test]
async fn a_courier_phone_opens_its_pages_only_and_loses_them_when_revoked() {
    let node = TestNode::start().await;
    let (cookie, home) = log_in(&node, Scope::Courier).await;
    assert_eq!(home, "/gestion/tournee");
    let page = |uri: &str| {
        get(uri)
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap()
    };
    let (status, _, _) = node.send(page("/gestion/tournee")).await;
    assert_eq!(status, StatusCode::OK);
    for uri in ["/", "/parametres", "/parametres/acces", "/gestion/annonces"] {
        assert_eq!(node.send(page(uri)).await.0, StatusCode::FORBIDDEN, "{uri}");
    }
    let (status, _, body) = node.send(page("/api/v1/node")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(error_code(&body), "forbidden_scope");
    let make_owner = get("/api/v1/login-links")
        .method(Method::POST)
        .header(header::COOKIE, &cookie)
        .header(header::ORIGIN, "http://127.0.0.1:8417")
        .body(Body::empty())
        .unwrap();
    assert_eq!(node.send(make_owner).await.0, StatusCode::FORBIDDEN);
    let step = get(&format!("/commandes/{}/etape", "00".repeat(16)))
        .method(Method::POST)
        .header(header::COOKIE, &cookie)
        .header(header::ORIGIN, "http://127.0.0.1:8417")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("step=accepted"))
        .unwrap();
    assert_eq!(
        node.send(step).await.0,
        StatusCode::FORBIDDEN,
        "a seller's step from a courier's phone"
    );
    let listed = node.access.sessions().list();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].device.as_deref(), Some("Vélo"));
    assert!(node.access.sessions().revoke(&listed[0].id));
    assert_eq!(
        node.send(page("/gestion/tournee")).await.0,
        StatusCode::UNAUTHORIZED
    );
    node.stop().await;
}

#[tokio::test]
async fn wrong_links_are_refused_for_a_minute_after_ten() {
    let node = TestNode::start().await;
    for _ in 0..crate::sessions::FAILURES_PER_MINUTE {
        let wrong = get("/login?token=00").body(Body::empty()).unwrap();
        assert_eq!(node.send(wrong).await.0, StatusCode::UNAUTHORIZED);
    }
    let link = node.access.login_link().unwrap();
    let path = link.strip_prefix("http://127.0.0.1:8417").unwrap();
    let (status, headers, _) = node.send(get(path).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(headers.contains_key(header::RETRY_AFTER));
    node.stop().await;
}

#[tokio::test]
async fn every_new_route_refuses_strangers_and_get_on_those_that_change_state() {
    let node = TestNode::start().await;
    for uri in ["/api/v1/sessions", "/parametres/acces"] {
        let status = node.send(get(uri).body(Body::empty()).unwrap()).await.0;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri} without a session");
        let foreign = Request::get(uri)
            .header(header::HOST, "evil.example:8417")
            .header(
                header::AUTHORIZATION,
                format!("Bearer {}", super::tests::TOKEN),
            )
            .body(Body::empty())
            .unwrap();
        assert_eq!(node.send(foreign).await.0, StatusCode::FORBIDDEN, "{uri}");
    }
    let (cookie, _) = log_in(&node, Scope::Owner).await;
    for uri in [
        "/api/v1/login-links",
        "/deconnexion",
        "/parametres/acces/telephone",
        "/parametres/acces/revoquer",
        "/api/v1/sessions/abcd1234",
    ] {
        let request = get(uri)
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap();
        assert_eq!(
            node.send(request).await.0,
            StatusCode::METHOD_NOT_ALLOWED,
            "GET {uri}"
        );
    }
    let (status, _, body) = node
        .send(
            get("/api/v1/sessions")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body.as_array().unwrap().len(), 1);
    assert_eq!(body[0]["scope"], "owner");
    let id = body[0]["id"].as_str().unwrap().to_owned();
    let delete = get(&format!("/api/v1/sessions/{id}"))
        .method(Method::DELETE)
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", super::tests::TOKEN),
        )
        .body(Body::empty())
        .unwrap();
    assert_eq!(node.send(delete).await.0, StatusCode::NO_CONTENT);
    let gone = get("/api/v1/sessions")
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .unwrap();
    assert_eq!(node.send(gone).await.0, StatusCode::UNAUTHORIZED);
    node.stop().await;
}
