//! Who an author key is, for people: the name of its profile in the reader's language, or the
//! start of the key when no profile is known.

use smartket_protocol::kinds::Profile;
use smartket_protocol::{AuthorKey, Body, Kind, Slot};

use super::UiState;
use super::i18n::Tr;
use super::i18n::pick;

/// The body of a slot's current record, when the store holds one.
pub(super) fn current_body(
    state: &UiState,
    author: &AuthorKey,
    kind: Kind,
    key: &str,
) -> Option<Body> {
    let slot = Slot {
        author: *author,
        kind,
        key: key.to_owned(),
    };
    Some(state.node.store().current(&slot).ok()??.payload.body)
}

/// The author's current profile, when the store holds one.
pub(super) fn profile(state: &UiState, author: &AuthorKey) -> Option<Profile> {
    match current_body(state, author, Kind::Profile, "profile")? {
        Body::Profile(p) => Some(p),
        _ => None,
    }
}

/// The author's name, or the first 12 characters of its key.
pub(super) fn actor_name(state: &UiState, tr: Tr, author: &AuthorKey) -> String {
    profile(state, author)
        .map(|p| pick(&p.name, tr).to_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| short_key(author))
}

/// The first 12 hex characters of a key, enough to tell keys apart on a page.
pub(super) fn short_key(author: &AuthorKey) -> String {
    let hex = author.to_hex();
    format!("{}…", &hex[..12])
}
