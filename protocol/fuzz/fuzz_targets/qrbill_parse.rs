//! Reads arbitrary text as a Swiss QR-bill payload (`spec/qrbill.md`), as a printed payment
//! reference a person typed, and as the one-line street of a peer's profile address, which the
//! bill's structured address is cut from.
//!
//! Checked: a payload that parses is valid, and writes back (with either separator) to a
//! payload that parses to the same bill; a reference that validates prints and reads back to
//! itself; a street splits into parts taken from it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smartket_protocol::qrbill::{
    QrBill, Separator, format_qrr, format_scor, normalize_reference, qrr_from_order_id,
    scor_from_body, split_street, validate_qrr, validate_scor,
};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(bill) = QrBill::parse(text) {
        assert_eq!(bill.validate(), Ok(()));
        for separator in [Separator::Lf, Separator::CrLf] {
            let payload = bill
                .payload_with(separator)
                .unwrap_or_else(|e| panic!("a parsed bill writes back: {e}"));
            assert_eq!(QrBill::parse(&payload).as_ref(), Ok(&bill));
        }
    }

    let reference = normalize_reference(text);
    if validate_qrr(&reference).is_ok() {
        assert_eq!(normalize_reference(&format_qrr(&reference)), reference);
    }
    if validate_scor(&reference).is_ok() {
        assert_eq!(normalize_reference(&format_scor(&reference)), reference);
    }
    if let Ok(scor) = scor_from_body(&reference) {
        assert_eq!(validate_scor(&scor), Ok(()));
    }
    // A configured QR-reference prefix (the bank's customer number).
    if let Ok(qrr) = qrr_from_order_id(&[0xa5; 16], text) {
        assert_eq!(validate_qrr(&qrr), Ok(()));
        assert!(qrr.starts_with(text));
    }

    let (street, number) = split_street(text);
    assert!(text.contains(street.as_str()) && text.contains(number.as_str()));
});
