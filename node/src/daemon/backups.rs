//! Scheduled backups (`[backup]` in the config): one archive every `every_hours` into `dir`,
//! the newest `keep` kept. The first is made a minute after start when none is recent, so a
//! node that is only ever run for an afternoon is still backed up.
//!
//! Each is written to a `.partial` file renamed when complete, so the directory never holds
//! half a backup, and a failure (a full disk, an unplugged USB stick) is logged and tried
//! again at the next round, never stopping the node.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::config::BackupSection;

use super::Handle;

/// How long after start the first backup is due when none is recent.
const FIRST_AFTER: Duration = Duration::from_secs(60);

/// How backups in the directory are named: `smartket-<first 8 hex of the key>-<unix secs>`.
fn prefix(handle: &Handle) -> String {
    format!("smartket-{}-", &handle.author().to_hex()[..8])
}

/// The scheduled backups already in `dir`, oldest first, with when each was made (s).
fn existing(dir: &Path, prefix: &str) -> Vec<(u64, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<(u64, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let rest = name.strip_prefix(prefix)?;
            let secs = rest.split('.').next()?.parse().ok()?;
            (!name.ends_with(".partial")).then(|| (secs, e.path()))
        })
        .collect();
    found.sort();
    found
}

/// Makes one backup into `dir` now, then deletes all but the newest `keep`. Blocks.
pub(super) fn make_one(
    handle: &Handle,
    section: &BackupSection,
    dir: &Path,
    passphrase: Option<&str>,
) -> Result<PathBuf, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let prefix = prefix(handle);
    let secs = crate::clock::now_ms() / 1000;
    let name = format!(
        "{prefix}{secs}.tar.gz{}",
        if passphrase.is_some() { ".age" } else { "" }
    );
    let path = dir.join(name);
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let written = (|| -> Result<(), String> {
        let file = std::fs::File::create(&partial).map_err(|e| e.to_string())?;
        let mut out = std::io::BufWriter::new(file);
        match passphrase {
            Some(p) => {
                let mut sealed =
                    crate::backup::encrypting(&mut out, p, None).map_err(|e| e.to_string())?;
                handle.backup(&mut sealed).map_err(|e| e.to_string())?;
                sealed.finish().map_err(|e| e.to_string())?;
            }
            None => {
                handle.backup(&mut out).map_err(|e| e.to_string())?;
            }
        }
        let file = out.into_inner().map_err(|e| e.to_string())?;
        file.sync_all().map_err(|e| e.to_string())?;
        std::fs::rename(&partial, &path).map_err(|e| e.to_string())
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(format!("{}: {e}", path.display()));
    }
    let all = existing(dir, &prefix);
    for (_, old) in all.iter().take(all.len().saturating_sub(section.keep)) {
        if let Err(e) = std::fs::remove_file(old) {
            tracing::warn!("scheduled backup: cannot delete {}: {e}", old.display());
        }
    }
    Ok(path)
}

/// Runs the schedule until the node stops (the task is aborted).
pub(super) async fn run(handle: Handle) {
    let data_dir = handle.inner.dir.root().to_owned();
    let section = handle.config().backup.clone();
    let Some(dir) = section.dir.clone() else {
        return;
    };
    let dir = if dir.is_absolute() {
        dir
    } else {
        data_dir.join(dir)
    };
    let every = Duration::from_secs(section.every_hours.saturating_mul(3600));
    let now = crate::clock::now_ms() / 1000;
    let last = existing(&dir, &prefix(&handle)).last().map(|(s, _)| *s);
    let mut wait = match last {
        Some(last) => every.saturating_sub(Duration::from_secs(now.saturating_sub(last))),
        None => FIRST_AFTER,
    }
    .max(FIRST_AFTER);
    loop {
        tokio::time::sleep(wait).await;
        wait = every;
        let passphrase = match &section.passphrase_file {
            Some(file) => match crate::backup::read_passphrase(&data_dir.join(file)) {
                Ok(p) => Some(p),
                Err(e) => {
                    tracing::error!("scheduled backup skipped: {e}");
                    continue;
                }
            },
            None => None,
        };
        let (h, s, d) = (handle.clone(), section.clone(), dir.clone());
        let made =
            tokio::task::spawn_blocking(move || make_one(&h, &s, &d, passphrase.as_deref())).await;
        match made {
            Ok(Ok(path)) => tracing::info!("scheduled backup written to {}", path.display()),
            Ok(Err(e)) => tracing::error!("scheduled backup failed, tried again later: {e}"),
            Err(e) => tracing::error!("scheduled backup failed: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn scheduled_backups_keep_the_newest_and_each_restores() {
        let (_dir, daemon) = crate::daemon::test_daemon().await;
        let handle = daemon.handle();
        let out = tempfile::tempdir().unwrap();
        let section = BackupSection {
            dir: Some(out.path().to_owned()),
            keep: 2,
            ..BackupSection::default()
        };
        let prefix = prefix(&handle);
        // Older ones, as a node running for days leaves them.
        for secs in [1_000_000_000u64, 1_000_086_400] {
            std::fs::write(out.path().join(format!("{prefix}{secs}.tar.gz")), b"old").unwrap();
        }
        std::fs::write(out.path().join("notes.txt"), b"not ours").unwrap();
        let made = tokio::task::spawn_blocking(move || {
            make_one(&handle, &section, out.path(), None).map(|p| (p, out))
        })
        .await
        .unwrap()
        .unwrap();
        let (path, out) = made;
        let left = existing(out.path(), &prefix);
        assert_eq!(left.len(), 2, "{left:?}");
        assert_eq!(left[1].1, path, "the new one is kept");
        assert!(
            out.path().join("notes.txt").exists(),
            "other files are left alone"
        );
        let into = tempfile::tempdir().unwrap();
        let archive = std::fs::File::open(&path).unwrap();
        let manifest = crate::backup::restore(archive, None, &into.path().join("node")).unwrap();
        assert_eq!(manifest.author, daemon.handle().author().to_hex());
        daemon.shutdown().await;
    }
}
