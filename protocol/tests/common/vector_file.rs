//! The step every vector test shares: `spec/vectors/NAME` is what this implementation builds,
//! rewritten with `SMARTKET_WRITE_VECTORS=1`. Included by each vector test with `#[path]`.

use std::path::PathBuf;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Reads `spec/vectors/{name}` (after writing `built` there when asked) and checks it equals
/// `built`; returns what was read, for the checks a file must pass on its own terms.
pub(crate) fn stored_equals_built<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(
    name: &str,
    built: &T,
) -> T {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../spec/vectors")
        .join(name);
    if std::env::var("SMARTKET_WRITE_VECTORS").is_ok_and(|v| v == "1") {
        let mut text = serde_json::to_string_pretty(built).unwrap();
        text.push('\n');
        std::fs::write(&path, text).unwrap();
    }
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (regenerate with SMARTKET_WRITE_VECTORS=1)",
            path.display()
        )
    });
    let stored: T = serde_json::from_str(&text).unwrap();
    assert_eq!(
        &stored, built,
        "spec/vectors/{name} differs from what this implementation builds"
    );
    stored
}
