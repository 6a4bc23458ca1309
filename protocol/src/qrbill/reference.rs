//! Payment references of the QR-bill: the QR reference (QRR) that a QR-IBAN requires, and the
//! ISO 11649 Creditor Reference (SCOR) usable with a plain IBAN; how to check them and how to
//! derive one from an order id.
//!
//! Deriving the reference from the order id, instead of numbering invoices, lets a seller's
//! node match an incoming credit to its order without any state beyond the orders it already
//! keeps, and lets the buyer's node show the same reference before the seller answers. Both
//! kinds use the low decimal digits of the order id read as a big-endian 128-bit integer, so
//! the SCOR body is the tail of the QRR (see `spec/qrbill.md` §4).

use super::QrBillError;

/// Digits of a QR reference, check digit included.
pub const QRR_LEN: usize = 27;
/// Longest ISO 11649 reference, `RF` and check digits included.
pub const SCOR_MAX_LEN: usize = 25;
/// Digits of the order id in a derived SCOR body: as many as ISO 11649 leaves room for.
pub const SCOR_BODY_DIGITS: usize = 21;
/// Longest bank customer prefix of a derived QRR; the rest (at least 14 digits, ~46 bits) comes
/// from the order id so that a seller's references stay distinct.
pub const MAX_QRR_PREFIX: usize = 12;

/// The table of the recursive mod-10 algorithm ("Modulo 10 rekursiv") of the former ISR slips,
/// which the QR reference kept so that existing reconciliation software still works.
const MOD10_TABLE: [u8; 10] = [0, 9, 4, 6, 8, 2, 7, 1, 3, 5];

/// The carry of the recursive mod-10 algorithm over `digits`; `None` if one is not a digit.
fn mod10_carry(digits: &str) -> Option<u8> {
    let mut carry = 0u8;
    for b in digits.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        carry = MOD10_TABLE[usize::from((carry + (b - b'0')) % 10)];
    }
    Some(carry)
}

/// The check digit that makes `digits` (without it) a valid QR reference tail, as in the ISR:
/// `None` if `digits` holds anything but ASCII digits.
pub fn qrr_check_digit(digits: &str) -> Option<u8> {
    mod10_carry(digits).map(|carry| (10 - carry) % 10)
}

/// Checks a QR reference in electronic form: 27 digits, not all zero, whose last digit is the
/// recursive mod-10 check digit of the first 26.
pub fn validate_qrr(reference: &str) -> Result<(), QrBillError> {
    let bad = |reason| Err(QrBillError::Reference { reason });
    if reference.len() != QRR_LEN || !reference.bytes().all(|b| b.is_ascii_digit()) {
        return bad("a QR reference is 27 digits");
    }
    if reference.bytes().all(|b| b == b'0') {
        return bad("a QR reference cannot be all zeros");
    }
    // Running the table over all 27 digits ends on carry 0 exactly when the check digit fits.
    if mod10_carry(reference) != Some(0) {
        return bad("QR reference check digit does not match");
    }
    Ok(())
}

/// ISO 7064 mod 97-10 of an alphanumeric string, letters as 10..=35; `None` on any other
/// character. Computed digit by digit, so no big integer is needed.
fn mod97(chars: impl Iterator<Item = u8>) -> Option<u32> {
    let mut rem = 0u32;
    for c in chars {
        rem = match c {
            b'0'..=b'9' => (rem * 10 + u32::from(c - b'0')) % 97,
            b'A'..=b'Z' => (rem * 100 + u32::from(c - b'A' + 10)) % 97,
            _ => return None,
        };
    }
    Some(rem)
}

/// Builds the ISO 11649 reference `RF` + check digits + `body` for a body of 1..=21 uppercase
/// letters and digits.
pub fn scor_from_body(body: &str) -> Result<String, QrBillError> {
    if body.is_empty() || body.len() > SCOR_MAX_LEN - 4 {
        return Err(QrBillError::Reference {
            reason: "a creditor reference body is 1-21 characters",
        });
    }
    let rem = mod97(body.bytes().chain(*b"RF00")).ok_or(QrBillError::Reference {
        reason: "a creditor reference body is uppercase letters and digits",
    })?;
    Ok(format!("RF{:02}{body}", 98 - rem))
}

/// Checks an ISO 11649 Creditor Reference in electronic form: `RF`, two check digits, 1..=21
/// uppercase letters or digits, and mod 97 of the rearranged string equal to 1.
pub fn validate_scor(reference: &str) -> Result<(), QrBillError> {
    let bad = |reason| Err(QrBillError::Reference { reason });
    let b = reference.as_bytes();
    if !(5..=SCOR_MAX_LEN).contains(&b.len()) || !reference.starts_with("RF") {
        return bad("a creditor reference is RF, 2 check digits and 1-21 characters");
    }
    if !(b[2].is_ascii_digit() && b[3].is_ascii_digit()) {
        return bad("creditor reference check digits must be digits");
    }
    match mod97(b[4..].iter().chain(&b[..4]).copied()) {
        None => bad("a creditor reference is uppercase letters and digits, without spaces"),
        Some(1) => Ok(()),
        Some(_) => bad("creditor reference check digits do not match"),
    }
}

/// Turns a printed reference (`21 00000 00003 13947 14300 09017`, `RF18 5390 0754 7034`) into
/// the electronic form the payload carries: no whitespace, uppercase.
pub fn normalize_reference(printed: &str) -> String {
    printed
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The printed form of a QR reference: 2 digits, then blocks of 5 (as on the payment part).
pub fn format_qrr(reference: &str) -> String {
    let (head, tail) = reference.split_at(reference.len().min(2));
    let mut out = head.to_owned();
    for block in tail.as_bytes().chunks(5) {
        out.push(' ');
        out.extend(block.iter().map(|&b| char::from(b)));
    }
    out
}

/// The printed form of a creditor reference: blocks of 4.
pub fn format_scor(reference: &str) -> String {
    let blocks: Vec<String> = reference
        .as_bytes()
        .chunks(4)
        .map(|c| c.iter().map(|&b| char::from(b)).collect())
        .collect();
    blocks.join(" ")
}

/// The order id as a big-endian integer, its last `n` decimal digits zero-padded.
fn low_digits(order_id: &[u8; 16], n: usize) -> String {
    let digits = u128::from_be_bytes(*order_id).to_string();
    if digits.len() >= n {
        digits[digits.len() - n..].to_owned()
    } else {
        format!("{digits:0>n$}")
    }
}

/// The QR reference of an order: `prefix` (0..=12 digits: the customer number some banks
/// require at the start of references to their QR-IBANs, empty otherwise), then the last
/// `26 − prefix.len()` decimal digits of the order id read as a big-endian integer, then the
/// check digit. Always the same for the same inputs, so either side can recompute it.
pub fn qrr_from_order_id(order_id: &[u8; 16], prefix: &str) -> Result<String, QrBillError> {
    if prefix.len() > MAX_QRR_PREFIX || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return Err(QrBillError::Reference {
            reason: "a QR reference prefix is 0-12 digits",
        });
    }
    let mut digits = prefix.to_owned();
    digits.push_str(&low_digits(order_id, QRR_LEN - 1 - prefix.len()));
    if digits.bytes().all(|b| b == b'0') {
        // Only when prefix and order id digits are all zero (odds ~10^-14 at worst): a QR
        // reference cannot be all zeros, so the last data digit becomes 1.
        digits.pop();
        digits.push('1');
    }
    let check = qrr_check_digit(&digits).ok_or(QrBillError::Reference {
        reason: "a QR reference is 27 digits",
    })?;
    digits.push(char::from(b'0' + check));
    Ok(digits)
}

/// The creditor reference of an order: `RF`, check digits, and the last 21 decimal digits of the
/// order id read as a big-endian integer (the same digits that end its QR reference).
pub fn scor_from_order_id(order_id: &[u8; 16]) -> String {
    let body = low_digits(order_id, SCOR_BODY_DIGITS);
    // 21 digits are always a valid body; computed inline so that no error path is left.
    let rem = mod97(body.bytes().chain(*b"RF00")).unwrap_or(0);
    format!("RF{:02}{body}", 98 - rem)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SIX IG QR-bill examples' QR reference `21 00000 00003 13947 14300 09017`.
    #[test]
    fn the_guidelines_qr_reference_validates_and_its_check_digit_is_recomputed() {
        let r = normalize_reference("21 00000 00003 13947 14300 09017");
        assert_eq!(r, "210000000003139471430009017");
        assert!(validate_qrr(&r).is_ok());
        assert_eq!(qrr_check_digit("21000000000313947143000901"), Some(7));
        assert_eq!(format_qrr(&r), "21 00000 00003 13947 14300 09017");
        assert!(validate_qrr("210000000003139471430009018").is_err());
        assert!(validate_qrr("21000000000313947143000901").is_err());
        assert!(validate_qrr("000000000000000000000000000").is_err());
        assert!(validate_qrr("21000000000313947143000901A").is_err());
    }

    /// The SIX IG QR-bill examples' creditor reference `RF18 5390 0754 7034`.
    #[test]
    fn the_guidelines_creditor_reference_validates_and_is_rebuilt_from_its_body() {
        let r = normalize_reference("RF18 5390 0754 7034");
        assert_eq!(r, "RF18539007547034");
        assert!(validate_scor(&r).is_ok());
        assert_eq!(scor_from_body("539007547034").unwrap(), r);
        assert_eq!(format_scor(&r), "RF18 5390 0754 7034");
        assert!(validate_scor("RF19539007547034").is_err());
        assert!(validate_scor("RF18539007547035").is_err());
        assert!(validate_scor("rf18539007547034").is_err());
        assert!(validate_scor("RF18").is_err());
        // ISO 11649's own example: RF45 G72U UR.
        assert!(validate_scor("RF45G72UUR").is_ok());
        assert_eq!(scor_from_body("G72UUR").unwrap(), "RF45G72UUR");
        assert!(scor_from_body("abc").is_err());
        assert!(scor_from_body(&"1".repeat(22)).is_err());
    }

    #[test]
    fn order_references_use_the_low_digits_of_the_order_id() {
        let id = [0u8; 16];
        let mut one = id;
        one[15] = 1;
        assert_eq!(
            qrr_from_order_id(&one, "").unwrap(),
            format!(
                "{}1{}",
                "0".repeat(25),
                qrr_check_digit(&format!("{}1", "0".repeat(25))).unwrap()
            )
        );
        // All-zero digits are moved off zero rather than give an invalid reference.
        assert!(validate_qrr(&qrr_from_order_id(&id, "").unwrap()).is_ok());
        let max = [0xff; 16];
        let qrr = qrr_from_order_id(&max, "123456").unwrap();
        assert!(qrr.starts_with("123456"));
        assert!(validate_qrr(&qrr).is_ok());
        let scor = scor_from_order_id(&max);
        // u128::MAX = 340282366920938463463374607431768211455; its last 21 digits.
        assert!(scor.ends_with("463374607431768211455"));
        assert_eq!(&qrr[6..26], &scor[5..]);
        assert!(validate_scor(&scor).is_ok());
        assert!(qrr_from_order_id(&max, "1234567890123").is_err());
        assert!(qrr_from_order_id(&max, "12a").is_err());
    }
}
