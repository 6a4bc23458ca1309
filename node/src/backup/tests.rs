//! Backups of a real daemon (real redb files, a real blob), restored into new directories, and
//! every way a damaged or foreign archive is refused without touching the target.

use std::io::Read;

use super::*;
use crate::daemon::{Daemon, Handle};
use crate::store::fixtures;

/// A node holding one listing and one image.
async fn node_with_data() -> (tempfile::TempDir, Daemon, smartket_protocol::RecordId) {
    let (dir, daemon) = crate::daemon::test_daemon().await;
    let handle = daemon.handle();
    let listing = fixtures::listing(3, "tomme", fixtures::now());
    let id = listing.id;
    let outcome = handle.store().commit(vec![listing]).unwrap();
    assert!(handle.store().get(&id).unwrap().is_some(), "{outcome:?}");
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    png.extend_from_slice(&[7; 500]);
    handle.blobs().put(png).await.unwrap();
    (dir, daemon, id)
}

/// A backup of [`node_with_data`], the node stopped after it.
async fn archive_of_a_stopped_node() -> Vec<u8> {
    let (_dir, daemon, _) = node_with_data().await;
    let archive = archive_of(&daemon.handle());
    daemon.shutdown().await;
    archive
}

fn archive_of(handle: &Handle) -> Vec<u8> {
    let mut out = Vec::new();
    handle.backup(&mut out).unwrap();
    out
}

/// The archive's entries, edited by `edit` (None drops one), packed again.
fn rebuilt(archive: &[u8], edit: impl Fn(&str, Vec<u8>) -> Option<Vec<u8>>) -> Vec<u8> {
    let mut entries = Vec::new();
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(archive));
    for entry in tar.entries().unwrap() {
        let mut entry = entry.unwrap();
        let name = entry.path().unwrap().to_str().unwrap().to_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        if let Some(bytes) = edit(&name, bytes) {
            entries.push((name, bytes));
        }
    }
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut builder = tar::Builder::new(gz);
    for (name, bytes) in entries {
        append(&mut builder, &name, &bytes).unwrap();
    }
    builder.into_inner().unwrap().finish().unwrap()
}

#[tokio::test]
async fn a_backup_of_a_running_node_restores_its_identity_records_orders_and_images() {
    let (dir, daemon, id) = node_with_data().await;
    let handle = daemon.handle();
    let archive = archive_of(&handle);

    let target = tempfile::tempdir().unwrap();
    let restored = target.path().join("node");
    let manifest = restore(archive.as_slice(), None, &restored).unwrap();
    assert_eq!(manifest.author, handle.author().to_hex());
    assert_eq!(manifest.format, FORMAT);
    assert!(manifest.rows["smartket.redb"] > 0, "{manifest:?}");
    let data = DataDir::new(&restored);
    assert_eq!(
        fs::read(data.key()).unwrap(),
        fs::read(DataDir::new(dir.path()).key()).unwrap()
    );
    let blobs: Vec<_> = fs::read_dir(data.blobs()).unwrap().collect();
    assert_eq!(blobs.len(), 1, "the image came back");
    use std::os::unix::fs::PermissionsExt;
    for private in [data.key(), data.store(), data.orders()] {
        let mode = fs::metadata(&private).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{}", private.display());
    }
    assert!(
        !restored.join(".restore").exists(),
        "the staging dir is gone"
    );
    daemon.shutdown().await;
    drop(dir);

    // The restored directory is a node: it opens, with the listing in its store.
    let store = Store::open(&data.store()).unwrap();
    assert!(store.get(&id).unwrap().is_some());
    drop(store);
    let again = Daemon::start(&restored, crate::config::Config::default())
        .await
        .unwrap();
    assert_eq!(again.handle().author().to_hex(), manifest.author);
    again.shutdown().await;
}

#[tokio::test]
async fn an_encrypted_backup_needs_its_passphrase() {
    let (_dir, daemon, _) = node_with_data().await;
    let plain = archive_of(&daemon.handle());
    let mut sealed = Vec::new();
    {
        let mut writer = encrypting(&mut sealed, "pain de seigle", Some(4)).unwrap();
        std::io::Write::write_all(&mut writer, &plain).unwrap();
        writer.finish().unwrap();
    }
    assert!(sealed.starts_with(AGE_MAGIC));
    let target = tempfile::tempdir().unwrap();
    let into = target.path().join("node");
    assert!(matches!(
        restore(sealed.as_slice(), None, &into),
        Err(BackupError::Passphrase(_))
    ));
    assert!(matches!(
        restore(sealed.as_slice(), Some("pain de mie"), &into),
        Err(BackupError::Passphrase(_))
    ));
    assert!(!DataDir::new(&into).key().exists(), "nothing restored");
    let manifest = restore(sealed.as_slice(), Some("pain de seigle"), &into).unwrap();
    assert_eq!(manifest.author, daemon.handle().author().to_hex());
    daemon.shutdown().await;
}

#[tokio::test]
async fn a_damaged_or_foreign_archive_is_refused_and_nothing_is_put_in_place() {
    let archive = archive_of_a_stopped_node().await;
    let target = tempfile::tempdir().unwrap();
    let into = target.path().join("node");
    let refused = |bytes: &[u8]| {
        let e = restore(bytes, None, &into).unwrap_err();
        assert!(
            !DataDir::new(&into).key().exists(),
            "{e}: a key was put in place"
        );
        assert!(!into.join(".restore").exists());
        e
    };

    let changed = rebuilt(&archive, |name, mut bytes| {
        if name == "orders.redb" {
            let last = bytes.len() - 1;
            bytes[last] ^= 1;
        }
        Some(bytes)
    });
    assert!(matches!(refused(&changed), BackupError::Damaged(m) if m.contains("orders.redb")));

    let cut_short = rebuilt(&archive, |name, bytes| (name != MANIFEST).then_some(bytes));
    assert!(matches!(refused(&cut_short), BackupError::Damaged(m) if m.contains("no manifest")));

    let mut with_extra = Vec::new();
    {
        let gz = flate2::write::GzEncoder::new(&mut with_extra, flate2::Compression::fast());
        let mut builder = tar::Builder::new(gz);
        append(&mut builder, "notes.txt", b"x").unwrap();
        builder.into_inner().unwrap().finish().unwrap();
    }
    assert!(matches!(refused(&with_extra), BackupError::Damaged(m) if m.contains("unexpected")));

    let newer = rebuilt(&archive, |name, bytes| {
        Some(if name == MANIFEST {
            let mut manifest: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            manifest["format"] = (FORMAT + 1).into();
            serde_json::to_vec(&manifest).unwrap()
        } else {
            bytes
        })
    });
    assert!(matches!(refused(&newer), BackupError::NewerFormat { .. }));

    assert!(matches!(
        refused(b"not a backup at all"),
        BackupError::Damaged(_)
    ));
}

#[tokio::test]
async fn a_restore_never_overwrites_a_node() {
    let archive = archive_of_a_stopped_node().await;
    let other = tempfile::tempdir().unwrap();
    crate::identity::create_key(other.path()).unwrap();
    let key = fs::read(DataDir::new(other.path()).key()).unwrap();
    let refused = restore(archive.as_slice(), None, other.path()).unwrap_err();
    assert!(matches!(refused, BackupError::NotEmpty(..)), "{refused}");
    assert_eq!(fs::read(DataDir::new(other.path()).key()).unwrap(), key);
}
