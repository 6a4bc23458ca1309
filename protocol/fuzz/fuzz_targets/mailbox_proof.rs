//! The mailbox-key proof (`spec/mailbox.md`) on bytes from the network: a challenge as a
//! cooperative sends it, answered by the recipient of `spec/vectors/mailbox.json`; a proof as a
//! client sends it, checked against the challenge of those vectors; and a fresh challenge whose
//! time, nonce and clocks the fuzzer picks, which must be answerable and provable exactly when
//! the clocks are within the skew and lifetime limits.
//!
//! Input: `issued_ms: u64be || enc: 32 || ct: 48` (a challenge, 88 bytes), then
//! `issued_ms: u64be || mac: 32` (a proof), then `client_offset: i32be || coop_offset: u32be ||
//! seed: 32` (the fresh round). Short inputs are zero-filled.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use smartket_protocol::mailbox::{
    CHALLENGE_LIFETIME_MS, Challenge, MAX_CLOCK_SKEW_MS, PendingChallenge, Proof, ProofError,
    answer_challenge, create_challenge, verify_proof,
};
use smartket_protocol::seal::SeedRng;
use smartket_protocol::{EncryptionKey, SecretKey};

/// `issued_ms` of the vectors' challenge.
const NOW: u64 = 1_800_000_000_000;

/// Takes `N` bytes from the front of `rest`, zero-filled past its end.
fn take<const N: usize>(rest: &mut &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    let n = rest.len().min(N);
    out[..n].copy_from_slice(&rest[..n]);
    *rest = &rest[n..];
    out
}

fuzz_target!(|data: &[u8]| {
    let coop = SecretKey::from_bytes(&[48; 32]).public();
    let key = EncryptionKey::from_seed(&[147; 32]);
    let mut rest = data;

    let challenge = Challenge {
        issued_ms: u64::from_be_bytes(take(&mut rest)),
        enc: take(&mut rest),
        ct: take(&mut rest),
    };
    let _ = answer_challenge(&coop, &key, &challenge, NOW + 500);

    // The pending challenge of the vectors, made once: its nonce is drawn from SeedRng([8; 32]).
    static VECTOR: OnceLock<PendingChallenge> = OnceLock::new();
    let pending = VECTOR.get_or_init(|| {
        create_challenge(&coop, &key.public(), NOW, &mut SeedRng::new(&[8; 32]))
            .unwrap_or_else(|e| panic!("the vectors' challenge: {e}"))
            .1
    });
    let proof = Proof {
        issued_ms: u64::from_be_bytes(take(&mut rest)),
        mac: take(&mut rest),
    };
    let _ = verify_proof(&coop, pending, &proof, NOW + 500);

    let client_offset = i64::from(i32::from_be_bytes(take(&mut rest)));
    let coop_offset = u64::from(u32::from_be_bytes(take(&mut rest)));
    let seed: [u8; 32] = take(&mut rest);
    let issued = challenge.issued_ms;
    let (fresh, pending): (Challenge, PendingChallenge) =
        create_challenge(&coop, &key.public(), issued, &mut SeedRng::new(&seed))
            .unwrap_or_else(|e| panic!("a challenge to a valid key: {e}"));
    let client_now = issued.saturating_add_signed(client_offset);
    match answer_challenge(&coop, &key, &fresh, client_now) {
        Ok(proof) => {
            assert!(client_now.abs_diff(issued) <= MAX_CLOCK_SKEW_MS);
            let coop_now = issued.saturating_add(coop_offset);
            let verdict = verify_proof(&coop, &pending, &proof, coop_now);
            if coop_now <= issued.saturating_add(CHALLENGE_LIFETIME_MS) {
                assert_eq!(verdict, Ok(()));
            } else {
                assert_eq!(verdict, Err(ProofError::Expired));
            }
        }
        Err(e) => {
            assert!(matches!(e, ProofError::StaleChallenge { .. }), "{e}");
            assert!(client_now.abs_diff(issued) > MAX_CLOCK_SKEW_MS);
        }
    }
});
