//! Proving to a cooperative that a client holds the private key of a mailbox, without the
//! cooperative ever seeing a message in clear.
//!
//! ```text
//! aad        = cooperative: key32 || recipient: xkey32 || u64be(issued_ms)          72 bytes
//! enc, ct    = HPKE.SealBase(pkR = recipient, info = "smartket/mailbox-challenge/v1",
//!                            aad, nonce: 32 random bytes)                  ct: 48 bytes
//! mac        = BLAKE3-keyed(key = nonce,
//!                           "smartket/mailbox-proof/v1" || 0x00 || aad)             32 bytes
//! ```
//!
//! The cooperative seals a fresh nonce to the mailbox key; only the key's holder can open it. The
//! aad binds the challenge to the cooperative's identity (its libp2p peer id) and the time, so a
//! malicious cooperative that relays another cooperative's challenge to the client gets nothing:
//! the client opens with its own peer's identity in the aad and decryption fails. The answer is a
//! MAC under the nonce rather than the nonce itself so that it also commits to the whole context.
//! The same HPKE suite as sealed messages is used, so no new primitive or dependency is needed;
//! a separate `info` keeps challenges and sealed messages from ever being confused.

use std::fmt;

use hpke::aead::ChaCha20Poly1305;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, OpModeR, OpModeS, Serializable};
use rand_core::CryptoRng;

use super::{CHALLENGE_LIFETIME_MS, MAX_CLOCK_SKEW_MS};
use crate::keys::AuthorKey;
use crate::messages::{EncryptionKey, EncryptionPublicKey};

/// HPKE `info` of a challenge: its own, so a challenge can never be opened as a sealed message
/// nor the other way round.
pub const CHALLENGE_INFO: &[u8] = b"smartket/mailbox-challenge/v1";

/// Prefix of the MAC input, binding the MAC to this use of the nonce.
pub const PROOF_CONTEXT: &[u8] = b"smartket/mailbox-proof/v1";

/// Length of the challenge ciphertext: the 32-byte nonce and the 16-byte AEAD tag.
pub const CHALLENGE_CT_LEN: usize = 48;

/// A challenge as sent to the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Challenge {
    /// The cooperative's clock when it issued the challenge.
    pub issued_ms: u64,
    /// The HPKE encapsulated key.
    pub enc: [u8; 32],
    /// The sealed nonce.
    pub ct: [u8; CHALLENGE_CT_LEN],
}

/// What the cooperative keeps of a challenge it issued, until it is answered or expires. The
/// nonce is the secret a proof is checked against; it never appears in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct PendingChallenge {
    /// The mailbox the challenge is for.
    pub recipient: EncryptionPublicKey,
    /// When it was issued.
    pub issued_ms: u64,
    /// The nonce sealed in it.
    pub nonce: [u8; 32],
}

impl fmt::Debug for PendingChallenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PendingChallenge({:?}, issued {})",
            self.recipient, self.issued_ms
        )
    }
}

/// A client's answer to a challenge, sent with every fetch and acknowledgement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proof {
    /// The `issued_ms` of the challenge answered, so the cooperative finds it.
    pub issued_ms: u64,
    /// The MAC under the nonce.
    pub mac: [u8; 32],
}

/// Why a challenge could not be created or answered, or a proof was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProofError {
    /// The mailbox key cannot be encrypted to (a low-order point): no one can hold its secret.
    #[error("the mailbox key is not usable")]
    BadRecipientKey,
    /// The challenge does not open with this key for this cooperative and time: sealed to
    /// another key, issued by another cooperative (relayed), or altered.
    #[error("the challenge does not open")]
    BadChallenge,
    /// The challenge's time is further from the client's clock than [`MAX_CLOCK_SKEW_MS`].
    #[error("challenge issued at {issued_ms} ms, too far from now ({now_ms} ms)")]
    StaleChallenge {
        /// The challenge's time.
        issued_ms: u64,
        /// The client's clock.
        now_ms: u64,
    },
    /// The proof is not for this challenge, or not made with its nonce.
    #[error("the proof does not match the challenge")]
    BadProof,
    /// The challenge is older than [`CHALLENGE_LIFETIME_MS`].
    #[error("the challenge has expired")]
    Expired,
}

impl ProofError {
    /// A stable name, as in `spec/mailbox.md`.
    pub fn code(&self) -> &'static str {
        match self {
            ProofError::BadRecipientKey => "bad_recipient_key",
            ProofError::BadChallenge => "bad_challenge",
            ProofError::StaleChallenge { .. } => "stale_challenge",
            ProofError::BadProof => "bad_proof",
            ProofError::Expired => "proof_expired",
        }
    }
}

/// The associated data binding a challenge to its cooperative, mailbox and time.
fn aad(cooperative: &AuthorKey, recipient: &EncryptionPublicKey, issued_ms: u64) -> [u8; 72] {
    let mut out = [0u8; 72];
    out[..32].copy_from_slice(cooperative.as_bytes());
    out[32..64].copy_from_slice(recipient.as_bytes());
    out[64..].copy_from_slice(&issued_ms.to_be_bytes());
    out
}

fn mac(nonce: &[u8; 32], aad: &[u8; 72]) -> blake3::Hash {
    let mut hasher = blake3::Hasher::new_keyed(nonce);
    hasher.update(PROOF_CONTEXT);
    hasher.update(&[0]);
    hasher.update(aad);
    hasher.finalize()
}

/// Cooperative side: a fresh challenge for `recipient` from `cooperative` (this node's identity)
/// at `issued_ms`, with the nonce and the HPKE randomness drawn from `rng` (the operating
/// system's in use; a seeded one only for test vectors).
pub fn create_challenge(
    cooperative: &AuthorKey,
    recipient: &EncryptionPublicKey,
    issued_ms: u64,
    rng: &mut impl CryptoRng,
) -> Result<(Challenge, PendingChallenge), ProofError> {
    let mut nonce = [0u8; 32];
    rng.fill_bytes(&mut nonce);
    let pk = recipient.to_kem().ok_or(ProofError::BadRecipientKey)?;
    let (enc, ct) =
        hpke::single_shot_seal_with_rng::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256>(
            &OpModeS::Base,
            &pk,
            CHALLENGE_INFO,
            &nonce,
            &aad(cooperative, recipient, issued_ms),
            rng,
        )
        .map_err(|_| ProofError::BadRecipientKey)?;
    let mut enc_bytes = [0u8; 32];
    enc_bytes.copy_from_slice(&enc.to_bytes());
    let ct: [u8; CHALLENGE_CT_LEN] = ct
        .as_slice()
        .try_into()
        .map_err(|_| ProofError::BadRecipientKey)?;
    Ok((
        Challenge {
            issued_ms,
            enc: enc_bytes,
            ct,
        },
        PendingChallenge {
            recipient: *recipient,
            issued_ms,
            nonce,
        },
    ))
}

/// Client side: opens `challenge`, received from the peer `cooperative` (the identity of the
/// connection it came on, never a value from the frame), with the mailbox key, and makes the
/// proof. Refuses a challenge whose time is more than [`MAX_CLOCK_SKEW_MS`] from `now_ms`.
pub fn answer_challenge(
    cooperative: &AuthorKey,
    key: &EncryptionKey,
    challenge: &Challenge,
    now_ms: u64,
) -> Result<Proof, ProofError> {
    if now_ms.abs_diff(challenge.issued_ms) > MAX_CLOCK_SKEW_MS {
        return Err(ProofError::StaleChallenge {
            issued_ms: challenge.issued_ms,
            now_ms,
        });
    }
    let aad = aad(cooperative, &key.public(), challenge.issued_ms);
    let enc = <X25519HkdfSha256 as hpke::Kem>::EncappedKey::from_bytes(&challenge.enc)
        .map_err(|_| ProofError::BadChallenge)?;
    let opened = hpke::single_shot_open::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256>(
        &OpModeR::Base,
        key.kem_secret(),
        &enc,
        CHALLENGE_INFO,
        &challenge.ct,
        &aad,
    )
    .map_err(|_| ProofError::BadChallenge)?;
    let nonce: [u8; 32] = opened
        .as_slice()
        .try_into()
        .map_err(|_| ProofError::BadChallenge)?;
    Ok(Proof {
        issued_ms: challenge.issued_ms,
        mac: *mac(&nonce, &aad).as_bytes(),
    })
}

/// Cooperative side: checks `proof` against the challenge it issued (found by the requesting
/// peer and mailbox key) at `now_ms`. The MAC comparison is constant-time.
pub fn verify_proof(
    cooperative: &AuthorKey,
    pending: &PendingChallenge,
    proof: &Proof,
    now_ms: u64,
) -> Result<(), ProofError> {
    if proof.issued_ms != pending.issued_ms {
        return Err(ProofError::BadProof);
    }
    if now_ms > pending.issued_ms.saturating_add(CHALLENGE_LIFETIME_MS) {
        return Err(ProofError::Expired);
    }
    let expected = mac(
        &pending.nonce,
        &aad(cooperative, &pending.recipient, pending.issued_ms),
    );
    // blake3::Hash compares in constant time.
    if expected != blake3::Hash::from(proof.mac) {
        return Err(ProofError::BadProof);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::SecretKey;
    use crate::seal::SeedRng;

    const NOW: u64 = 1_800_000_000_000;

    fn coop() -> AuthorKey {
        SecretKey::from_bytes(&[48; 32]).public()
    }

    fn key() -> EncryptionKey {
        EncryptionKey::from_seed(&[147; 32])
    }

    fn issue() -> (Challenge, PendingChallenge) {
        create_challenge(&coop(), &key().public(), NOW, &mut SeedRng::new(&[1; 32]))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_key_holder_proves_itself() {
        let (challenge, pending) = issue();
        let proof = answer_challenge(&coop(), &key(), &challenge, NOW + 1000);
        assert!(matches!(proof, Ok(Proof { issued_ms: NOW, .. })));
        let proof = proof.unwrap_or(Proof {
            issued_ms: 0,
            mac: [0; 32],
        });
        assert_eq!(verify_proof(&coop(), &pending, &proof, NOW + 2000), Ok(()));
        assert_eq!(
            verify_proof(&coop(), &pending, &proof, NOW + CHALLENGE_LIFETIME_MS),
            Ok(())
        );
        assert_eq!(
            verify_proof(&coop(), &pending, &proof, NOW + CHALLENGE_LIFETIME_MS + 1),
            Err(ProofError::Expired)
        );
    }

    #[test]
    fn another_key_or_a_relayed_challenge_does_not_open() {
        let (challenge, _) = issue();
        let other = EncryptionKey::from_seed(&[148; 32]);
        assert_eq!(
            answer_challenge(&coop(), &other, &challenge, NOW),
            Err(ProofError::BadChallenge)
        );
        // Relayed: the client is talking to another peer, whose identity goes in the aad.
        let relay = SecretKey::from_bytes(&[49; 32]).public();
        assert_eq!(
            answer_challenge(&relay, &key(), &challenge, NOW),
            Err(ProofError::BadChallenge)
        );
        // Its time changed on the way.
        let mut moved = challenge;
        moved.issued_ms += 1;
        assert_eq!(
            answer_challenge(&coop(), &key(), &moved, NOW),
            Err(ProofError::BadChallenge)
        );
        let mut flipped = challenge;
        flipped.ct[0] ^= 1;
        assert_eq!(
            answer_challenge(&coop(), &key(), &flipped, NOW),
            Err(ProofError::BadChallenge)
        );
    }

    #[test]
    fn a_challenge_far_from_the_clients_clock_is_refused() {
        let (challenge, _) = issue();
        assert!(answer_challenge(&coop(), &key(), &challenge, NOW + MAX_CLOCK_SKEW_MS).is_ok());
        assert!(matches!(
            answer_challenge(&coop(), &key(), &challenge, NOW + MAX_CLOCK_SKEW_MS + 1),
            Err(ProofError::StaleChallenge { .. })
        ));
        assert!(matches!(
            answer_challenge(&coop(), &key(), &challenge, NOW - MAX_CLOCK_SKEW_MS - 1),
            Err(ProofError::StaleChallenge { .. })
        ));
    }

    #[test]
    fn a_wrong_or_reused_proof_is_refused() {
        let (challenge, pending) = issue();
        let Ok(proof) = answer_challenge(&coop(), &key(), &challenge, NOW) else {
            panic!("answer failed");
        };
        let mut bad = proof;
        bad.mac[31] ^= 1;
        assert_eq!(
            verify_proof(&coop(), &pending, &bad, NOW),
            Err(ProofError::BadProof)
        );
        let mut other_time = proof;
        other_time.issued_ms += 1;
        assert_eq!(
            verify_proof(&coop(), &pending, &other_time, NOW),
            Err(ProofError::BadProof)
        );
        // A second challenge has a new nonce: the old proof does not answer it.
        let (_, second) =
            create_challenge(&coop(), &key().public(), NOW, &mut SeedRng::new(&[2; 32]))
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            verify_proof(&coop(), &second, &proof, NOW),
            Err(ProofError::BadProof)
        );
        // Another cooperative cannot accept a proof made for this one.
        let relay = SecretKey::from_bytes(&[49; 32]).public();
        assert_eq!(
            verify_proof(&relay, &pending, &proof, NOW),
            Err(ProofError::BadProof)
        );
    }

    #[test]
    fn a_low_order_mailbox_key_gets_no_challenge() {
        assert_eq!(
            create_challenge(
                &coop(),
                &EncryptionPublicKey([0; 32]),
                NOW,
                &mut SeedRng::new(&[1; 32])
            ),
            Err(ProofError::BadRecipientKey)
        );
    }

    #[test]
    fn debug_does_not_print_the_nonce() {
        let (_, pending) = issue();
        assert!(!format!("{pending:?}").contains(&hex::encode(pending.nonce)));
    }
}
