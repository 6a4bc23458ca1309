//! Sealing: sign, then encrypt. Private messages (orders, transitions, delivery jobs, chat) leave
//! a node only in this form, whether sent directly or left in a mailbox for an offline peer.
//!
//! ```text
//! inner     = CBOR map { v, id, from, to, to_enc, sent, market, kind, body }   (messages/inner.rs)
//! plaintext = CBOR array [ inner: bstr, sig: bstr(64) ]   sig = ed25519(ctx || blake3(inner))
//! padded    = u32be(len(plaintext)) || plaintext || 0x00 …   to (bucket − 16) bytes
//! enc, ct   = HPKE base mode, DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / ChaCha20-Poly1305
//!             Seal(pkR = to_enc, info = "smartket/seal/v1", aad = "", padded)
//! sealed    = CBOR array [ 1, enc: bstr(32), ct: bstr ]      len(ct) ∈ {1, 4, 16, 64} KiB
//! ```
//!
//! A mailbox or relay sees only the bucket. The opener decrypts, verifies the signature over the
//! inner bytes as received, and refuses a message whose signed recipient is not itself — so a
//! recipient cannot pass someone else's message off as addressed to a third party. Replays are
//! not detected here: the node keeps the (sender, id) pairs it has accepted (see
//! `spec/sealing.md`).

use std::convert::Infallible;
use std::fmt;

use hpke::aead::ChaCha20Poly1305;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, OpModeR, OpModeS, Serializable};
use rand_core::{CryptoRng, TryCryptoRng, TryRng};
use thiserror::Error;

use crate::cbor::{self, Limits};
use crate::keys::{AuthorKey, SecretKey, Signature};
use crate::messages::inner;
use crate::messages::{
    EncryptionKey, EncryptionPublicKey, FieldError, Message, MessageBody, MessageId, RecipientKeys,
};

pub use crate::messages::inner::{MESSAGE_SIGNING_CONTEXT, MESSAGE_VERSION, signing_input};

/// The version of the sealed (outer) format.
pub const SEAL_VERSION: u64 = 1;
/// HPKE `info`: binds the key schedule to this protocol and format version.
pub const HPKE_INFO: &[u8] = b"smartket/seal/v1";
/// HPKE `aad`: empty. Everything it could bind is already bound by `info` and the KEM context.
pub const HPKE_AAD: &[u8] = b"";
/// The ciphertext lengths allowed: the padded plaintext plus the 16-byte tag fills one bucket.
pub const BUCKETS: [usize; 4] = [1024, 4096, 16 * 1024, 64 * 1024];
/// ChaCha20-Poly1305 tag length.
pub const TAG_LEN: usize = 16;
/// Largest plaintext (inner + signature framing) that fits the largest bucket.
pub const MAX_PLAINTEXT: usize = 64 * 1024 - TAG_LEN - 4;
/// Largest sealed message: array header, version, `enc` with its header, `ct` with a 5-byte
/// header, and the largest bucket.
pub const MAX_SEALED_BYTES: usize = 1 + 1 + 2 + 32 + 5 + 64 * 1024;

/// Why a message could not be sealed or opened.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SealError {
    /// The bytes do not have the sealed, padded or signed structure.
    #[error("malformed sealed message: {0}")]
    Malformed(String),
    /// The sealed message, or the message to seal, is over the limit.
    #[error("{size} bytes is over the limit of {max} bytes")]
    TooLarge {
        /// Its size.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// Not encrypted to this key, or altered on the way.
    #[error("decryption failed")]
    DecryptionFailed,
    /// The signature does not verify against the sender's key.
    #[error("signature does not verify")]
    BadSignature,
    /// The signed recipient is someone else (or another encryption key).
    #[error("message is not addressed to this recipient")]
    NotAddressedToMe,
    /// A version this implementation does not speak (outer or inner).
    #[error("unknown sealed message version {0}")]
    UnknownVersion(u64),
    /// A message kind this implementation does not know.
    #[error("unknown message kind {0:?}")]
    UnknownKind(String),
    /// A field of the message breaks its rules.
    #[error(transparent)]
    InvalidField(#[from] FieldError),
    /// The recipient's encryption key cannot be encrypted to (a low-order point).
    #[error("recipient encryption key is not usable")]
    BadRecipientKey,
    /// The operating system's random generator failed.
    #[error("random generator failed: {0}")]
    Random(getrandom::Error),
}

impl SealError {
    /// A stable, short, machine-readable code (for logs, APIs and test vectors).
    pub fn code(&self) -> &'static str {
        match self {
            SealError::Malformed(_) => "malformed",
            SealError::TooLarge { .. } => "oversize",
            SealError::DecryptionFailed => "decryption_failed",
            SealError::BadSignature => "bad_signature",
            SealError::NotAddressedToMe => "not_addressed_to_me",
            SealError::UnknownVersion(_) => "unknown_version",
            SealError::UnknownKind(_) => "unknown_kind",
            SealError::InvalidField(_) => "invalid_field",
            SealError::BadRecipientKey => "bad_recipient_key",
            SealError::Random(_) => "random",
        }
    }
}

/// A sealed message, ready to send or to leave in a mailbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedMessage(Vec<u8>);

impl SealedMessage {
    /// The wire bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The wire bytes, owned.
    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }
}

/// A message that decrypted, verified and was addressed to us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedMessage {
    /// The sender's message id: with `from`, the key for replay and duplicate detection.
    pub id: MessageId,
    /// Who signed it.
    pub from: AuthorKey,
    /// The signed recipient (equal to the opener's keys).
    pub to: RecipientKeys,
    /// When the sender says it sent it (ms since the epoch); not checked against any clock.
    pub sent_ms: u64,
    /// The market it belongs to.
    pub market: String,
    /// What it says.
    pub body: MessageBody,
    /// The signed inner bytes as received: keep them with `signature` for a verifiable history.
    pub inner: Vec<u8>,
    /// The sender's signature over [`signing_input`] of `inner`.
    pub signature: Signature,
}

impl OpenedMessage {
    /// Checks the stored signature again (e.g. when a history is loaded or shown to a third
    /// party).
    pub fn verify(&self) -> Result<(), SealError> {
        self.from
            .verify(&signing_input(&self.inner), &self.signature)
            .map_err(|_| SealError::BadSignature)
    }
}

/// Signs `msg` as `sender`, addresses it to `recipient`, and seals it, with randomness from
/// the operating system.
pub fn seal(
    sender: &SecretKey,
    recipient: &RecipientKeys,
    msg: &Message,
    now_ms: u64,
) -> Result<SealedMessage, SealError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(SealError::Random)?;
    seal_with_rng(sender, recipient, msg, now_ms, &mut SeedRng::new(&seed))
}

/// As [`seal`], with the caller's random generator (a [`SeedRng`] with a fixed seed makes test
/// vectors reproducible; never use a fixed seed otherwise).
pub fn seal_with_rng(
    sender: &SecretKey,
    recipient: &RecipientKeys,
    msg: &Message,
    now_ms: u64,
    rng: &mut impl CryptoRng,
) -> Result<SealedMessage, SealError> {
    msg.validate()?;
    let plaintext = inner::sign(sender, recipient, msg, now_ms)
        .map_err(|e| SealError::Malformed(e.to_string()))?;
    seal_plaintext(recipient, &plaintext, rng)
}

/// As [`seal`], and also returns the signed message as the recipient will open it: the sender
/// keeps it in its own history of the order, with the very bytes and signature it sent.
pub fn seal_keeping(
    sender: &SecretKey,
    recipient: &RecipientKeys,
    msg: &Message,
    now_ms: u64,
) -> Result<(SealedMessage, OpenedMessage), SealError> {
    msg.validate()?;
    let plaintext = inner::sign(sender, recipient, msg, now_ms)
        .map_err(|e| SealError::Malformed(e.to_string()))?;
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(SealError::Random)?;
    let sealed = seal_plaintext(recipient, &plaintext, &mut SeedRng::new(&seed))?;
    let (inner_bytes, signature) = inner::split(&plaintext)?;
    Ok((sealed, reopen(inner_bytes, &signature, &Limits::MESSAGE)?))
}

/// Reads and verifies a message kept from an earlier [`open`] or [`seal_keeping`] (its
/// `inner` bytes and `signature`): how a stored order history, or one exported as a receipt,
/// is checked again. The same checks as [`open`] except the recipient's, which only the
/// recipient can make.
pub fn reopen(
    inner_bytes: &[u8],
    signature: &Signature,
    limits: &Limits,
) -> Result<OpenedMessage, SealError> {
    let verified = inner::verify(inner_bytes, signature, limits)?;
    into_opened(verified, inner_bytes, *signature)
}

/// The last step of [`open`] and [`reopen`]: a verified message is handed out only once its
/// fields pass their checks.
fn into_opened(
    verified: inner::Verified,
    inner_bytes: &[u8],
    signature: Signature,
) -> Result<OpenedMessage, SealError> {
    verified.message.validate()?;
    Ok(OpenedMessage {
        id: verified.message.id,
        from: verified.from,
        to: verified.to,
        sent_ms: verified.sent,
        market: verified.message.market,
        body: verified.message.body,
        inner: inner_bytes.to_vec(),
        signature,
    })
}

/// Pads and encrypts a plaintext to `recipient`, and frames the result.
fn seal_plaintext(
    recipient: &RecipientKeys,
    plaintext: &[u8],
    rng: &mut impl CryptoRng,
) -> Result<SealedMessage, SealError> {
    encrypt_padded(&recipient.enc, &pad(plaintext)?, rng)
}

/// Encrypts bytes already framed as [`pad`] frames them to `recipient_enc`, and frames the
/// result. [`seal`] is how a message is sent; this step alone lets fuzzers and tests put bytes no
/// signer would produce behind the encryption, where only the opener's later checks see them.
pub fn encrypt_padded(
    recipient_enc: &EncryptionPublicKey,
    padded: &[u8],
    rng: &mut impl CryptoRng,
) -> Result<SealedMessage, SealError> {
    if !BUCKETS.contains(&(padded.len() + TAG_LEN)) {
        return Err(SealError::Malformed(format!(
            "padded plaintext of {} bytes does not fill a bucket",
            padded.len()
        )));
    }
    let pk = recipient_enc.to_kem().ok_or(SealError::BadRecipientKey)?;
    let (enc, ct) =
        hpke::single_shot_seal_with_rng::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256>(
            &OpModeS::Base,
            &pk,
            HPKE_INFO,
            padded,
            HPKE_AAD,
            rng,
        )
        .map_err(|_| SealError::BadRecipientKey)?;
    let mut out = Vec::with_capacity(ct.len() + 41);
    out.extend_from_slice(&[0x83, SEAL_VERSION as u8, 0x58, 32]);
    out.extend_from_slice(&enc.to_bytes());
    match u16::try_from(ct.len()) {
        Ok(len) => {
            out.push(0x59);
            out.extend_from_slice(&len.to_be_bytes());
        }
        Err(_) => {
            out.push(0x5a);
            out.extend_from_slice(&(ct.len() as u32).to_be_bytes());
        }
    }
    out.extend_from_slice(&ct);
    Ok(SealedMessage(out))
}

/// Opens a sealed message addressed to `me` (identity) and `key` (encryption key): decrypts,
/// decodes the inner message within `limits` (normally [`Limits::MESSAGE`]), verifies the
/// signature over the bytes as received, checks the signed recipient is us, then the fields.
pub fn open(
    me: &AuthorKey,
    key: &EncryptionKey,
    sealed: &[u8],
    limits: &Limits,
) -> Result<OpenedMessage, SealError> {
    let (enc, ct) = parse_outer(sealed)?;
    let enc = <X25519HkdfSha256 as hpke::Kem>::EncappedKey::from_bytes(enc)
        .map_err(|_| SealError::Malformed("enc must be 32 bytes".into()))?;
    let padded = hpke::single_shot_open::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256>(
        &OpModeR::Base,
        key.kem_secret(),
        &enc,
        HPKE_INFO,
        ct,
        HPKE_AAD,
    )
    .map_err(|_| SealError::DecryptionFailed)?;
    let plaintext = unpad(&padded)?;
    let (inner_bytes, signature) = inner::split(plaintext)?;
    let verified = inner::verify(inner_bytes, &signature, limits)?;
    if verified.to.author != *me || verified.to.enc != key.public() {
        return Err(SealError::NotAddressedToMe);
    }
    into_opened(verified, inner_bytes, signature)
}

/// The bucket (ciphertext length) of a sealed message, after checking its outer format only
/// (size, version, `enc` length, bucket) — what a mailbox can check without the recipient's key,
/// so that it stores nothing but sealed messages.
pub fn bucket_of(sealed: &[u8]) -> Result<usize, SealError> {
    parse_outer(sealed).map(|(_, ct)| ct.len())
}

/// Reads the outer array `[1, enc, ct]`, checking size, version and bucket before any
/// cryptography runs.
fn parse_outer(sealed: &[u8]) -> Result<(&[u8], &[u8]), SealError> {
    if sealed.len() > MAX_SEALED_BYTES {
        return Err(SealError::TooLarge {
            size: sealed.len(),
            max: MAX_SEALED_BYTES,
        });
    }
    let malformed = |what: String| SealError::Malformed(what);
    let (major, len, mut pos) = head(sealed, 0)?;
    if major != 4 || len != 3 {
        return Err(malformed("must be a CBOR array of 3 items".into()));
    }
    let (major, version, n) = head(sealed, pos)?;
    if major != 0 {
        return Err(malformed("version must be an unsigned integer".into()));
    }
    if version != SEAL_VERSION {
        return Err(SealError::UnknownVersion(version));
    }
    pos += n;
    let enc = read_bytes(sealed, &mut pos)?;
    let ct = read_bytes(sealed, &mut pos)?;
    if pos != sealed.len() {
        return Err(malformed(format!("trailing bytes from byte {pos}")));
    }
    if enc.len() != 32 {
        return Err(malformed("enc must be 32 bytes".into()));
    }
    if !BUCKETS.contains(&ct.len()) {
        return Err(malformed(format!(
            "ciphertext of {} bytes is not a bucket size",
            ct.len()
        )));
    }
    Ok((enc, ct))
}

/// Reads one header of the outer array, which must be in shortest form. The mailbox names a
/// message by the hash of these bytes, so a second encoding of the same `[1, enc, ct]` would
/// be a second message to store, deliver and deduplicate; with shortest heads only, the outer
/// format has one encoding, like the mailbox frames that carry it.
fn head(bytes: &[u8], pos: usize) -> Result<(u8, u64, usize), SealError> {
    let (major, arg, len) =
        cbor::header(bytes, pos).map_err(|e| SealError::Malformed(e.to_string()))?;
    if len != cbor::shortest_header_len(arg) {
        return Err(SealError::Malformed(format!(
            "header at byte {pos} is not in shortest form"
        )));
    }
    Ok((major, arg, len))
}

fn read_bytes<'a>(bytes: &'a [u8], pos: &mut usize) -> Result<&'a [u8], SealError> {
    let (major, len, header_len) = head(bytes, *pos)?;
    if major != 2 {
        return Err(SealError::Malformed("expected a byte string".into()));
    }
    let start = *pos + header_len;
    let end = usize::try_from(len)
        .ok()
        .and_then(|len| start.checked_add(len))
        .filter(|end| *end <= bytes.len())
        .ok_or_else(|| SealError::Malformed(format!("truncated at byte {start}")))?;
    *pos = end;
    Ok(&bytes[start..end])
}

/// The bucket (ciphertext length) a plaintext of `len` bytes is sealed in, if it fits.
pub fn bucket_for(len: usize) -> Option<usize> {
    BUCKETS
        .into_iter()
        .find(|bucket| len + 4 + TAG_LEN <= *bucket)
}

/// Frames a plaintext as `u32be(len) || plaintext || zeros`, `bucket − 16` bytes long.
pub fn pad(plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
    let bucket = bucket_for(plaintext.len()).ok_or(SealError::TooLarge {
        size: plaintext.len(),
        max: MAX_PLAINTEXT,
    })?;
    let mut out = vec![0u8; bucket - TAG_LEN];
    out[..4].copy_from_slice(&(plaintext.len() as u32).to_be_bytes());
    out[4..4 + plaintext.len()].copy_from_slice(plaintext);
    Ok(out)
}

/// Reverses [`pad`]: refuses a length past the end or a non-zero padding byte.
pub fn unpad(padded: &[u8]) -> Result<&[u8], SealError> {
    let malformed = |what: &str| SealError::Malformed(format!("padding: {what}"));
    let (prefix, rest) = padded
        .split_first_chunk::<4>()
        .ok_or_else(|| malformed("shorter than the length prefix"))?;
    let len = u32::from_be_bytes(*prefix) as usize;
    if len > rest.len() {
        return Err(malformed("length past the end"));
    }
    let (plaintext, padding) = rest.split_at(len);
    if padding.iter().any(|b| *b != 0) {
        return Err(malformed("non-zero padding byte"));
    }
    Ok(plaintext)
}

/// A deterministic generator: the blake3 XOF of a 32-byte seed (key derivation context
/// `"smartket seal rng v1"`). [`seal`] seeds it from the operating system; tests and vectors
/// seed it with fixed bytes to reproduce a sealed message exactly.
pub struct SeedRng(blake3::OutputReader);

impl SeedRng {
    /// A generator producing the stream of `seed`.
    pub fn new(seed: &[u8; 32]) -> SeedRng {
        let mut hasher = blake3::Hasher::new_derive_key("smartket seal rng v1");
        hasher.update(seed);
        SeedRng(hasher.finalize_xof())
    }
}

impl fmt::Debug for SeedRng {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SeedRng(..)")
    }
}

impl TryRng for SeedRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut b = [0u8; 4];
        self.0.fill(&mut b);
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut b = [0u8; 8];
        self.0.fill(&mut b);
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        self.0.fill(dst);
        Ok(())
    }
}

impl TryCryptoRng for SeedRng {}

#[cfg(test)]
#[path = "messages/seal_tests.rs"]
mod tests;
