//! Fetching by id what a session found we lack, and ingesting it: pages of at most 256 ids,
//! each answer checked against what was asked before it reaches ingest.
//!
//! Both roles end this way (the initiator after its reconcile loop, the responder after a
//! session it answered), and author pull ingests through the same door, so it stands alone.

use libp2p::PeerId;
use smartket_protocol::RecordId;
use smartket_protocol::sync::wire;

use super::{SessionError, Syncer};
use crate::clock::now_ms;
use crate::ingest::{IngestError, Source, Verdict};
use crate::network::RequestKind;

impl Syncer {
    /// Fetches `ids` from `peer` in requests of at most 256 ids and ingests each answer as a
    /// batch, asking for the next page while the current one is verified and committed. Records
    /// refused for want of a delegation are tried once more at the end, when the memberships
    /// fetched later in the same session are stored.
    pub(super) async fn fetch(
        &self,
        peer: PeerId,
        market: &str,
        ids: &[RecordId],
    ) -> Result<Fetched, SessionError> {
        let mut fetched = Fetched::default();
        let mut deferred = Vec::new();
        let page_of = |at: usize| &ids[at..(at + wire::MAX_FETCH_IDS).min(ids.len())];
        if ids.is_empty() {
            return Ok(fetched);
        }
        let mut page = self.fetch_page(peer, market, page_of(0)).await?;
        let mut at = 0;
        loop {
            let Page {
                answered,
                wires,
                bytes,
            } = page;
            fetched.bytes += bytes;
            at += answered;
            let ask = page_of(at);
            let (ingested, next) = tokio::join!(self.ingest_wires(peer, market, wires), async {
                if ask.is_empty() {
                    None
                } else {
                    Some(self.fetch_page(peer, market, ask).await)
                }
            });
            let (stored, refused) = ingested?;
            fetched.stored += stored;
            deferred.extend(refused);
            self.progress(|run| run.report.fetched += stored);
            match next {
                Some(next) => page = next?,
                None => break,
            }
        }
        if !deferred.is_empty() {
            let (stored, refused) = self.ingest_wires(peer, market, deferred).await?;
            fetched.stored += stored;
            self.progress(|run| run.report.fetched += stored);
            for wire in refused {
                tracing::debug!(%peer, bytes = wire.len(), "delegated record still refused");
            }
        }
        Ok(fetched)
    }

    /// Asks `peer` for the records `ask` and checks the answer: it settles a non-empty prefix
    /// of the ids and carries only records among them.
    async fn fetch_page(
        &self,
        peer: PeerId,
        market: &str,
        ask: &[RecordId],
    ) -> Result<Page, SessionError> {
        let request = wire::fetch(market, ask)?;
        let mut bytes = request.len() as u64;
        let reply = self
            .client
            .request(peer, RequestKind::Sync, request)
            .await?;
        bytes += reply.len() as u64;
        let response = wire::FetchResponse::decode(&reply)?;
        let answered = usize::try_from(response.answered).unwrap_or(usize::MAX);
        if answered == 0 || answered > ask.len() || response.records.len() > answered {
            return Err(SessionError::BadFetch);
        }
        let wires: Vec<Vec<u8>> = response.records.into_iter().map(|w| w.0).collect();
        if !wires.iter().all(|w| asked_for(w, &ask[..answered])) {
            return Err(SessionError::BadFetch);
        }
        Ok(Page {
            answered,
            wires,
            bytes,
        })
    }

    /// Ingests records from `peer`; returns how many were stored and the ones refused for
    /// want of a delegation (their membership may come later in the same session).
    pub(super) async fn ingest_wires(
        &self,
        peer: PeerId,
        market: &str,
        wires: Vec<Vec<u8>>,
    ) -> Result<(u64, Vec<Vec<u8>>), SessionError> {
        let ingest = self.ingest.clone();
        let owned = market.to_owned();
        let kept = wires.clone();
        let verdicts = tokio::task::spawn_blocking(move || {
            ingest.ingest(Source::Sync, &owned, wires, now_ms())
        })
        .await
        .map_err(|e| SessionError::Task(e.to_string()))?;
        let mut stored = 0;
        let mut refused = Vec::new();
        let mut invalid = None;
        for (verdict, wire) in verdicts.into_iter().zip(kept) {
            match verdict {
                Verdict::Accepted(_) => stored += 1,
                Verdict::Rejected(IngestError::NotDelegated(_)) => refused.push(wire),
                Verdict::Rejected(e) if e.blames_sender() => invalid = invalid.or(Some(e)),
                Verdict::Rejected(e) => tracing::debug!(%peer, "synced record refused: {e}"),
                Verdict::Ignored(_) => {}
            }
        }
        // The valid records of the page are kept; the session ends, and its caller penalises
        // the peer once (not one log line per record it forged).
        match invalid {
            Some(e) => Err(SessionError::BadRecord(e)),
            None => Ok((stored, refused)),
        }
    }
}

/// One checked fetch answer.
struct Page {
    /// How many of the asked ids it settles.
    answered: usize,
    /// The records among them.
    wires: Vec<Vec<u8>>,
    /// Request and response bytes.
    bytes: u64,
}

/// What the fetches of one session brought.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Fetched {
    pub(super) stored: u64,
    pub(super) bytes: u64,
}

/// Whether `wire` is one of `asked`: its id is the blake3 of its payload, so it can be checked
/// before the (costlier) signature verification that ingest does anyway.
fn asked_for(wire: &[u8], asked: &[RecordId]) -> bool {
    smartket_protocol::Envelope::decode(wire)
        .map(|e| asked.contains(&e.id()))
        .unwrap_or(false)
}
