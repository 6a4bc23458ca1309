//! Getting into a real node process, as its owner and from a phone: a new login link from
//! `smartket login`, a session that outlives a restart of the node, plain HTTP refused off
//! loopback, and a phone paired over real HTTPS whose client accepts only the certificate
//! the pairing page pinned.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::sync::Arc;

use anyhow::{Context, Result, bail};
use rustls::DigitallySignedStruct;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use smartket_tests::{Node, cli};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn smartket_login_gives_a_new_link_and_a_session_outlives_a_restart() {
    let mut node = Node::start("producer", "Ferme du Lac", &[]).await.unwrap();
    let (ok, out, err) = cli(&node.dir, &["login"]).await;
    assert!(ok, "{out}{err}");
    let link = out
        .lines()
        .find(|l| l.contains("/login?token="))
        .expect("a link")
        .trim()
        .to_owned();
    assert_ne!(link, node.login, "a new link, not the one run printed");
    let client = http();
    let first = client.get(&link).send().await.unwrap();
    assert_eq!(first.status(), reqwest::StatusCode::SEE_OTHER);
    let cookie = first.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.contains("Max-Age=2592000"), "{cookie}");
    let cookie = cookie.split(';').next().unwrap().to_owned();

    assert!(node.stop().await, "the node stops cleanly");
    node.run().await.unwrap();
    let after = client
        .get(format!("{}/gestion", node.api))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(
        after.status(),
        reqwest::StatusCode::OK,
        "still logged in after the restart"
    );
    let page = after.text().await.unwrap();
    assert!(page.contains("/deconnexion"), "a log-out button");
}

#[tokio::test]
async fn plain_http_off_loopback_is_refused_with_the_way_to_https() {
    let node = Node::start("consumer", "Léa", &[]).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("node");
    let (ok, out, err) = cli(&other, &["init", "--api", "127.0.0.1:0"]).await;
    assert!(ok, "{out}{err}");
    let (ok, out, err) = cli(&other, &["run", "--api", "0.0.0.0:0"]).await;
    assert!(!ok, "{out}");
    assert!(err.contains("api.remote") && err.contains("HTTPS"), "{err}");
    drop(node);
}

/// Accepts exactly the certificate whose public key hashes to `pin`, as a phone that checked
/// the fingerprint shown beside the QR code does.
#[derive(Debug)]
struct Pinned {
    pin: [u8; 32],
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match smartket_node::tls::spki_sha256(end_entity) {
            Ok(hash) if hash == self.pin => Ok(ServerCertVerified::assertion()),
            _ => Err(rustls::Error::General("not the pinned certificate".into())),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// One HTTP/1.1 request over TLS to `addr`, trusting only `pin`; the status line, headers and
/// body as text.
async fn https_get(addr: &str, pin: [u8; 32], path: &str, extra: &str) -> Result<String> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(Pinned { pin, provider }))
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = TcpStream::connect(addr).await?;
    let name = ServerName::try_from("localhost")?;
    let mut tls = connector
        .connect(name, tcp)
        .await
        .context("TLS handshake")?;
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{extra}\r\n");
    tls.write_all(request.as_bytes()).await?;
    let mut response = Vec::new();
    tls.read_to_end(&mut response).await.ok();
    if response.is_empty() {
        bail!("no response");
    }
    Ok(String::from_utf8_lossy(&response).into_owned())
}

/// The text of the first element carrying `attribute` in `page`.
fn marked<'p>(page: &'p str, attribute: &str) -> Option<&'p str> {
    let at = page.find(attribute)?;
    let rest = &page[at..];
    let start = rest.find('>')? + 1;
    let end = rest[start..].find('<')?;
    Some(&rest[start..start + end])
}

#[tokio::test]
async fn a_courier_phone_pairs_over_https_with_the_pinned_certificate_and_sees_its_pages_only() {
    let node = Node::start_https("courier", "Vélo Express").await.unwrap();
    let https = node.https.clone().expect("run printed its HTTPS address");
    let addr = https.trim_start_matches("https://").to_owned();
    let page = http()
        .post(format!("{}/parametres/acces/telephone", node.api))
        .bearer_auth(&node.token)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("name=T%C3%A9l%C3%A9phone+de+Sam&scope=courier")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("data-pairing-qr"), "a QR code: {page}");
    let link = marked(&page, "data-pairing-link")
        .expect("the link beside the QR code")
        .replace("&amp;", "&");
    assert!(link.starts_with(&format!("{https}/login?token=")), "{link}");
    assert!(link.contains("#spki="), "{link}");
    let fingerprint = marked(&page, "data-fingerprint").expect("the fingerprint");
    let pin: [u8; 32] = hex::decode(fingerprint.replace(':', ""))
        .unwrap()
        .try_into()
        .unwrap();

    let wrong_pin = https_get(&addr, [0; 32], "/", "").await;
    assert!(wrong_pin.is_err(), "another certificate is refused");

    let path = link
        .trim_start_matches(&https)
        .split('#')
        .next()
        .unwrap()
        .to_owned();
    let paired = https_get(&addr, pin, &path, "").await.unwrap();
    assert!(paired.starts_with("HTTP/1.1 303"), "{paired}");
    assert!(paired.contains("location: /gestion/tournee"), "{paired}");
    let cookie_line = paired
        .lines()
        .find(|l| l.to_lowercase().starts_with("set-cookie:"))
        .expect("a cookie");
    assert!(cookie_line.contains("Secure"), "{cookie_line}");
    let cookie = cookie_line
        .split_once(':')
        .unwrap()
        .1
        .trim()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let with_cookie = format!("Cookie: {cookie}\r\n");
    let day = https_get(&addr, pin, "/gestion/tournee", &with_cookie)
        .await
        .unwrap();
    assert!(day.starts_with("HTTP/1.1 200"), "{day}");
    let shop = https_get(&addr, pin, "/", &with_cookie).await.unwrap();
    assert!(shop.starts_with("HTTP/1.1 403"), "{shop}");

    let again = https_get(&addr, pin, &path, "").await.unwrap();
    assert!(
        again.starts_with("HTTP/1.1 401"),
        "a pairing link works once"
    );

    let mut plain = TcpStream::connect(&addr).await.unwrap();
    plain
        .write_all(format!("GET / HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(smartket_tests::DEADLINE, plain.read_to_end(&mut answer)).await;
    assert!(
        !String::from_utf8_lossy(&answer).contains("HTTP/1.1 200"),
        "plain HTTP is not served on the HTTPS port"
    );

    let sessions: serde_json::Value = node.get("/api/v1/sessions").await.unwrap().unwrap();
    let phone = sessions
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["device"] == "Téléphone de Sam")
        .expect("the phone is listed");
    assert_eq!(phone["scope"], "courier");
    let revoked = http()
        .delete(format!(
            "{}/api/v1/sessions/{}",
            node.api,
            phone["id"].as_str().unwrap()
        ))
        .bearer_auth(&node.token)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), reqwest::StatusCode::NO_CONTENT);
    let after = https_get(&addr, pin, "/gestion/tournee", &with_cookie)
        .await
        .unwrap();
    assert!(after.starts_with("HTTP/1.1 401"), "{after}");
}
