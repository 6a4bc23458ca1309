//! The CLI's error cases: each must be one clear sentence, never a backtrace.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::os::unix::fs::PermissionsExt;

use smartket_tests::{Node, cli};

fn assert_clear(stderr: &str, needle: &str) {
    assert!(stderr.contains(needle), "expected {needle:?} in: {stderr}");
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    assert!(
        !stderr.contains("RUST_BACKTRACE"),
        "backtrace hint: {stderr}"
    );
}

#[tokio::test]
async fn init_refuses_to_overwrite_an_existing_identity() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("n");
    let (ok, _, _) = cli(&dir, &["init", "--role", "producer", "--name", "Ferme"]).await;
    assert!(ok);
    let key_before = std::fs::read(dir.join("identity.key")).unwrap();
    let (ok, _, err) = cli(&dir, &["init", "--role", "producer"]).await;
    assert!(!ok);
    assert_clear(&err, "refusing to overwrite");
    assert_eq!(std::fs::read(dir.join("identity.key")).unwrap(), key_before);
}

#[tokio::test]
async fn run_on_a_missing_data_dir_says_to_init() {
    let temp = tempfile::tempdir().unwrap();
    let (ok, _, err) = cli(&temp.path().join("nowhere"), &["run"]).await;
    assert!(!ok);
    assert_clear(&err, "smartket init");
}

#[tokio::test]
async fn a_second_node_on_the_same_data_dir_is_refused() {
    let node = Node::start("producer", "Ferme", &[]).await.unwrap();
    let (ok, _, err) = cli(
        &node.dir,
        &[
            "run",
            "--listen",
            "/ip4/127.0.0.1/tcp/0",
            "--api",
            "127.0.0.1:0",
        ],
    )
    .await;
    assert!(!ok);
    assert_clear(&err, "in use by another running smartket node");
}

#[tokio::test]
async fn a_port_in_use_is_named() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("n");
    assert!(cli(&dir, &["init"]).await.0);
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let api = format!("127.0.0.1:{port}");
    let (ok, _, err) = cli(
        &dir,
        &["run", "--listen", "/ip4/127.0.0.1/tcp/0", "--api", &api],
    )
    .await;
    assert!(!ok);
    assert_clear(&err, "already in use");
    let p2p = format!("/ip4/127.0.0.1/tcp/{port}");
    let (ok, _, err) = cli(&dir, &["run", "--listen", &p2p, "--api", "127.0.0.1:0"]).await;
    assert!(!ok);
    assert_clear(&err, "in use");
}

#[tokio::test]
async fn a_bad_bootstrap_address_is_explained() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("n");
    assert!(cli(&dir, &["init"]).await.0);
    let (ok, _, err) = cli(&dir, &["run", "--bootstrap", "not/an/address"]).await;
    assert!(!ok);
    assert_clear(&err, "not a multiaddr");
    // A well-formed address without the peer id cannot be a bootstrap node.
    let (ok, _, err) = cli(
        &dir,
        &[
            "run",
            "--listen",
            "/ip4/127.0.0.1/tcp/0",
            "--api",
            "127.0.0.1:0",
            "--bootstrap",
            "/ip4/127.0.0.1/tcp/4417",
        ],
    )
    .await;
    assert!(!ok);
    assert_clear(&err, "/p2p/");
}

#[tokio::test]
async fn a_corrupt_config_names_file_line_and_field() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("n");
    assert!(cli(&dir, &["init"]).await.0);
    std::fs::write(
        dir.join("smartket.toml"),
        "[node]\nrole = \"producer\"\n[network]\nlisten = [\"garbage\"]\n",
    )
    .unwrap();
    let (ok, _, err) = cli(&dir, &["run"]).await;
    assert!(!ok);
    assert_clear(&err, "smartket.toml");
    assert_clear(&err, "line 4");
    assert_clear(&err, "garbage");
}

#[tokio::test]
async fn a_key_file_readable_by_others_is_refused() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("n");
    assert!(cli(&dir, &["init"]).await.0);
    std::fs::set_permissions(
        dir.join("identity.key"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    // Port 0: `run` binds its API before it loads the key, and a demo on this machine may hold
    // the default port.
    let (ok, _, err) = cli(
        &dir,
        &[
            "run",
            "--listen",
            "/ip4/127.0.0.1/tcp/0",
            "--api",
            "127.0.0.1:0",
        ],
    )
    .await;
    assert!(!ok);
    assert_clear(&err, "chmod 600");
}

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn set_mode(path: &std::path::Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[tokio::test]
async fn a_running_node_keeps_its_data_dir_and_secrets_private() {
    let node = Node::start("cooperative", "Coopérative", &[])
        .await
        .unwrap();
    assert_eq!(mode(&node.dir), 0o700);
    for file in [
        "identity.key",
        "api-token",
        "smartket.redb",
        "orders.redb",
        "mailbox.redb",
    ] {
        assert_eq!(mode(&node.dir.join(file)), 0o600, "{file}");
    }
}

#[tokio::test]
async fn a_data_dir_open_to_others_is_refused_with_the_chmod_that_fixes_it() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("n");
    assert!(cli(&dir, &["init"]).await.0);
    // What an older version left: a 0755 directory and a 0644 database.
    set_mode(&dir, 0o755);
    set_mode(&dir.join("smartket.redb"), 0o644);
    let fix = format!(
        "chmod 700 {} && chmod 600 {}",
        dir.display(),
        dir.join("smartket.redb").display()
    );
    // `id` first: a node that let the dir through would answer it at once, where `run` would
    // keep running.
    let (ok, _, err) = cli(&dir, &["id"]).await;
    assert!(!ok);
    assert_clear(&err, &fix);
    let (ok, _, err) = cli(
        &dir,
        &[
            "run",
            "--listen",
            "/ip4/127.0.0.1/tcp/0",
            "--api",
            "127.0.0.1:0",
        ],
    )
    .await;
    assert!(!ok);
    assert_clear(&err, &fix);
    set_mode(&dir, 0o700);
    set_mode(&dir.join("smartket.redb"), 0o600);
    let (ok, _, err) = cli(&dir, &["id"]).await;
    assert!(ok, "{err}");
}

#[tokio::test]
async fn init_refuses_a_directory_others_can_read_before_writing_in_it() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("shop");
    std::fs::create_dir(&dir).unwrap();
    set_mode(&dir, 0o755);
    let (ok, _, err) = cli(&dir, &["init"]).await;
    assert!(!ok);
    assert_clear(&err, &format!("chmod 700 {}", dir.display()));
    assert!(!dir.join("identity.key").exists());
}

#[tokio::test]
async fn ctrl_c_stops_the_node_cleanly_and_it_starts_again() {
    let mut node = Node::start("producer", "Ferme", &[]).await.unwrap();
    assert!(node.stop().await, "clean exit on Ctrl-C");
    node.run().await.unwrap();
    assert!(node.status().await["author"].is_string());
}
