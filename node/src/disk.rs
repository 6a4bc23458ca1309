//! What the disk under the data dir last said to the node's databases: healthy, full, or
//! failing. A farmer's old laptop fills its disk with photos one day; the node must then say so
//! on its status and on every page, refuse what it cannot keep with a clear error, and carry on
//! by itself once space is back — not crash, not spin, not fail silently.
//!
//! Every database file reports here through its storage backend (`db_file`): a failed write or
//! sync sets the fault. A failing disk's fault is cleared by the next sync that succeeds; a full
//! disk's only by [`DiskHealth::probe`] writing new space — a full disk still takes commits
//! that fit in a file's free pages, and one such commit must not hide that the next one that
//! needs space will fail. One [`DiskHealth`] is shared by the three databases of a node, since
//! they sit on one disk.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// How much the probe writes: as much as a small commit of the store.
const PROBE_BYTES: usize = 64 * 1024;

/// The disk's health as the databases found it. Cheap to clone; clones share one state.
#[derive(Debug, Clone, Default)]
pub struct DiskHealth {
    fault: Arc<Mutex<Option<DiskFault>>>,
    /// The file [`DiskHealth::probe`] writes, if any.
    probe: Option<PathBuf>,
}

/// The last failure of the disk, while it lasts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiskFault {
    /// True when the disk is full (`ENOSPC`, or a quota: `EDQUOT`): the owner can fix it by
    /// freeing space. False for any other failure (a failing disk, a read-only remount).
    pub full: bool,
    /// The database file whose write failed.
    pub file: String,
    /// The operating system's message.
    pub message: String,
    /// When it happened (ms since the Unix epoch).
    pub since_ms: u64,
}

/// Whether `e` says the disk (or the owner's quota) is full.
pub fn is_full(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded
    )
}

impl DiskHealth {
    /// A health that can test the disk by writing `probe` (see [`DiskHealth::probe`]).
    pub fn probing(probe: PathBuf) -> DiskHealth {
        DiskHealth {
            fault: Arc::default(),
            probe: Some(probe),
        }
    }

    /// The current fault, after testing, while there is one, whether the disk takes a small
    /// synced write again: an idle node's databases would otherwise say "full" until their
    /// next write, long after the owner freed space. Blocks on disk I/O.
    pub fn probe(&self) -> Option<DiskFault> {
        let fault = self.fault()?;
        let Some(path) = &self.probe else {
            return Some(fault);
        };
        let written = std::fs::File::create(path).and_then(|mut file| {
            file.write_all(&[0; PROBE_BYTES])?;
            file.sync_data()
        });
        // Removed either way: a probe must not itself fill the disk it tests.
        let _ = std::fs::remove_file(path);
        match written {
            Ok(()) => {
                let mut fault = self.lock();
                self.cleared(fault.take());
                None
            }
            Err(e) => {
                tracing::debug!("disk probe: {e}");
                Some(fault)
            }
        }
    }

    /// A write or sync to `file` failed with `e`. The first failure's time is kept while the
    /// fault lasts, so the status says since when.
    pub fn failed(&self, file: &Path, e: &io::Error) {
        let mut fault = self.lock();
        let since_ms = fault
            .as_ref()
            .map_or_else(crate::clock::now_ms, |f| f.since_ms);
        if fault.is_none() {
            tracing::error!("disk: writing {}: {e}", file.display());
        }
        *fault = Some(DiskFault {
            full: is_full(e),
            file: file.display().to_string(),
            message: e.to_string(),
            since_ms,
        });
    }

    /// A sync reached the disk: a failing disk works again (a full one is cleared by the probe
    /// only).
    pub fn synced(&self) {
        let mut fault = self.lock();
        if fault.as_ref().is_some_and(|f| !f.full) {
            self.cleared(fault.take());
        }
    }

    fn cleared(&self, fault: Option<DiskFault>) {
        if let Some(f) = fault {
            tracing::info!(
                "disk: writing works again (failing since {} ms)",
                f.since_ms
            );
        }
    }

    /// The current fault, if any.
    pub fn fault(&self) -> Option<DiskFault> {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<DiskFault>> {
        // The state is a plain value, whole after any panic: a poisoned lock is still usable.
        self.fault.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_lasts_until_a_sync_and_keeps_its_first_time() {
        let health = DiskHealth::default();
        assert_eq!(health.fault(), None);
        let full = io::Error::from(io::ErrorKind::StorageFull);
        health.failed(Path::new("/d/smartket.redb"), &full);
        let first = health.fault().unwrap();
        assert!(first.full);
        assert_eq!(first.file, "/d/smartket.redb");
        health.failed(Path::new("/d/orders.redb"), &io::Error::other("EIO"));
        let second = health.fault().unwrap();
        assert!(!second.full);
        assert_eq!(second.since_ms, first.since_ms);
        assert_eq!(second.file, "/d/orders.redb");
        health.synced();
        assert_eq!(health.fault(), None);
        // A full disk is not cleared by a sync: a commit that fitted proves no space came back.
        health.failed(Path::new("/d/smartket.redb"), &full);
        health.synced();
        assert!(health.fault().is_some_and(|f| f.full));
    }

    #[test]
    fn a_probe_that_writes_clears_the_fault_and_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let probe = dir.path().join("disk-probe");
        let health = DiskHealth::probing(probe.clone());
        assert_eq!(health.probe(), None);
        health.failed(
            &dir.path().join("smartket.redb"),
            &io::Error::from(io::ErrorKind::StorageFull),
        );
        assert_eq!(health.probe(), None, "the disk takes the probe's write");
        assert!(!probe.exists());
        // A probe that cannot write (its directory is gone) keeps the fault.
        let gone = DiskHealth::probing(dir.path().join("gone/disk-probe"));
        gone.failed(&probe, &io::Error::from(io::ErrorKind::StorageFull));
        assert!(gone.probe().is_some());
    }
}
