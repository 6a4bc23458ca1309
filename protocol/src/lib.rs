//! The smartket protocol: signed records, the marketplace data model, and sealed private
//! messages. This crate does no I/O; `spec/protocol.md` is its normative description.

pub mod batch;
pub mod blob;
pub mod cbor;
pub mod error;
pub mod keys;
pub mod kinds;
pub mod mailbox;
pub mod market;
pub mod messages;
pub mod qrbill;
pub mod record;
mod record_decode;
pub mod seal;
pub mod sync;

pub use error::{CborError, RecordError};
pub use keys::{AuthorKey, BlobId, RecordId, SecretKey, Signature};
pub use kinds::{Body, Kind};
pub use market::{Market, MarketError};
pub use messages::{EncryptionKey, EncryptionPublicKey, Message, MessageBody, RecipientKeys};
pub use record::{Envelope, Payload, Record, Slot};
pub use seal::{OpenedMessage, SealError, SealedMessage, open, reopen, seal, seal_keeping};
