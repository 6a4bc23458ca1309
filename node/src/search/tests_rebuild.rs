//! An index that cannot be trusted (deleted, corrupted, interrupted mid-batch) is rebuilt from
//! the store and answers every query as before.

use std::path::Path;

use super::tests::{CERTIFIER, Catalogue, PLAINPALAIS, browse, seeded};
use super::{RebuildProgress, RebuildReason, Sort};
use crate::store::fixtures::author;

/// Every kind of query of the other tests, as one comparable answer. Ties are ordered by
/// position in the index, which a rebuild may change, so lists with ties are compared sorted.
fn fingerprint(c: &Catalogue) -> Vec<Vec<String>> {
    let trusted = vec![author(CERTIFIER).to_hex()];
    vec![
        c.keys("", |q| q.sort = Sort::PriceAsc),
        c.sorted_keys("pomme", browse()),
        c.sorted_keys("fromage", browse()),
        c.sorted_keys("vaudiose", browse()),
        c.sorted_keys("", |q| {
            q.location = Some(PLAINPALAIS);
            q.filters.pickup_within_m = Some(3000);
        }),
        c.sorted_keys("", |q| q.filters.deliver_to = Some("1205".into())),
        c.sorted_keys("", |q| {
            q.trusted_issuers = trusted;
            q.filters.labels = vec!["organic".into()];
        }),
        c.sorted_keys("", |q| q.filters.category = Some("food.dairy".into())),
    ]
}

fn damage(dir: &Path, suffix: &str) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => panic!("cannot list {}: {e}", dir.display()),
    };
    let mut damaged = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.to_string_lossy().ends_with(suffix) {
            if let Err(e) = std::fs::write(&path, b"\x00garbage, not a tantivy file\xff") {
                panic!("cannot damage {}: {e}", path.display());
            }
            damaged += 1;
        }
    }
    assert!(damaged > 0, "no {suffix} file in {}", dir.display());
}

/// Closes the index (as a node stopping cleanly does), does `harm` to its directory and opens
/// it again, checking that it answers as before; returns the rebuild reports heard.
fn reopen_after(
    c: &mut Catalogue,
    expected: &[Vec<String>],
    harm: impl FnOnce(&Path),
) -> Vec<RebuildProgress> {
    if let Some(index) = c.index.take() {
        index.caught_up();
    }
    harm(&c.search_dir());
    let reports = c.reopen();
    assert_eq!(fingerprint(c), expected, "{reports:?}");
    reports
}

#[test]
fn a_deleted_or_corrupted_index_is_rebuilt_with_the_same_results() {
    let mut c = seeded();
    let expected = fingerprint(&c);
    assert_eq!(expected[0].len(), 7);
    assert_eq!(expected[1].len(), 2);

    let reports = reopen_after(&mut c, &expected, |_| {});
    assert!(
        reports.is_empty(),
        "a sound index is not rebuilt: {reports:?}"
    );

    let reports = reopen_after(&mut c, &expected, |dir| {
        if let Err(e) = std::fs::remove_dir_all(dir) {
            panic!("cannot delete the index: {e}");
        }
    });
    assert!(
        matches!(reports.last(), Some(p) if p.reason == RebuildReason::Missing && p.done == p.total && p.total > 0),
        "{reports:?}"
    );

    for file in ["meta.json", ".idx"] {
        let reports = reopen_after(&mut c, &expected, |dir| damage(&dir.join("index"), file));
        assert!(
            matches!(reports.first(), Some(p) if matches!(p.reason, RebuildReason::Corrupt(_))),
            "{file}: {reports:?}"
        );
    }

    let reports = reopen_after(&mut c, &expected, |dir| {
        if let Err(e) = std::fs::write(dir.join("pending"), b"") {
            panic!("cannot write the marker: {e}");
        }
    });
    assert!(
        matches!(reports.first(), Some(p) if p.reason == RebuildReason::Interrupted),
        "{reports:?}"
    );
    assert!(!c.search_dir().join("pending").exists());

    // A node killed with changes still waiting for their batch never said it caught up.
    c.index = None;
    let reports = c.reopen();
    assert_eq!(fingerprint(&c), expected, "{reports:?}");
    assert!(
        matches!(reports.first(), Some(p) if p.reason == RebuildReason::Interrupted),
        "killed: {reports:?}"
    );
}
