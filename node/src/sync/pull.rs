//! Author pull as initiator: one author's whole current catalogue, for a seller page that must
//! be complete even when gossip and reconciliation have not caught up yet (`spec/sync.md` §7).
//!
//! The author's own node is asked first when it is connected (it holds the newest revision of
//! everything it signed), then the other connected peers, until one answers every page.

use std::time::Instant;

use libp2p::PeerId;
use serde::{Deserialize, Serialize};
use smartket_protocol::AuthorKey;
use smartket_protocol::record::{Envelope, Payload};
use smartket_protocol::sync::pull::{Cursor, PullRequest, PullResponse};

use super::{SessionError, Syncer, wire};
use crate::network::{self, RequestKind};

/// Most pages pulled from one peer for one author (256 records each): a peer cannot keep us
/// paging for ever.
pub(crate) const MAX_PULL_PAGES: usize = 64;

/// What an author pull did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullReport {
    /// The peer that answered (base58 peer id).
    pub peer: String,
    /// Records received.
    pub received: u64,
    /// Records stored (new or newer than ours).
    pub stored: u64,
    /// Pages asked.
    pub pages: u64,
}

impl Syncer {
    /// Pulls `author`'s current records in `market` from the author's node or any connected
    /// peer, and ingests them.
    pub async fn pull_author(
        &self,
        market: &str,
        author: &AuthorKey,
    ) -> Result<PullReport, SessionError> {
        if !self.markets.iter().any(|m| m == market) {
            return Err(SessionError::NotJoined(market.to_owned()));
        }
        let own = network::peer_id_of(author);
        let mut candidates: Vec<PeerId> = self
            .client
            .peers()
            .await?
            .into_iter()
            .map(|p| p.peer_id)
            .filter(|p| !self.guard.is_penalised(*p, Instant::now()))
            .collect();
        candidates.sort_by_key(|p| *p != own);
        let mut last = SessionError::NoPeer;
        for peer in candidates {
            match self.pull_from(peer, market, author).await {
                Ok(report) => return Ok(report),
                Err(e) => {
                    if e.is_peer_fault() {
                        self.penalise(peer, &e).await;
                    }
                    tracing::debug!(%peer, "author pull failed: {e}");
                    last = e;
                }
            }
        }
        Err(last)
    }

    async fn pull_from(
        &self,
        peer: PeerId,
        market: &str,
        author: &AuthorKey,
    ) -> Result<PullReport, SessionError> {
        let mut report = PullReport {
            peer: peer.to_string(),
            ..PullReport::default()
        };
        let mut after: Option<Cursor> = None;
        for _ in 0..MAX_PULL_PAGES {
            let request = PullRequest {
                v: 1,
                market: market.to_owned(),
                author: *author,
                since: None,
                after,
            };
            let reply = self
                .client
                .request(peer, RequestKind::Sync, wire::pull(&request)?)
                .await?;
            report.pages += 1;
            let page = PullResponse::decode(&reply)
                .map_err(|_| SessionError::BadPull("malformed page"))?;
            let mut wires = Vec::with_capacity(page.records.len());
            for record in page.records {
                let cursor = cursor_of(&record.0, author)?;
                if after.is_some_and(|a| (cursor.0, cursor.1) <= (a.0, a.1)) {
                    return Err(SessionError::BadPull("records out of order"));
                }
                after = Some(cursor);
                wires.push(record.0);
            }
            if page.more && wires.is_empty() {
                return Err(SessionError::BadPull("an empty page announcing more"));
            }
            report.received += wires.len() as u64;
            let (stored, _) = self.ingest_wires(peer, market, wires).await?;
            report.stored += stored;
            if !page.more {
                return Ok(report);
            }
        }
        Err(SessionError::BadPull("more pages than an author may have"))
    }
}

/// The `(rev, id)` of a pulled record, checking it is the asked author's (the signature is
/// checked by ingest).
fn cursor_of(wire: &[u8], author: &AuthorKey) -> Result<Cursor, SessionError> {
    let envelope = Envelope::decode(wire).map_err(|_| SessionError::BadPull("malformed record"))?;
    if envelope.author != *author {
        return Err(SessionError::BadPull("a record of another author"));
    }
    let payload = Payload::decode(&envelope.payload)
        .map_err(|_| SessionError::BadPull("malformed record"))?;
    Ok(Cursor::after(payload.rev, &envelope.id()))
}
