use proptest::prelude::*;

use super::*;
use crate::messages::fixtures;

fn schneider() -> Address {
    Address {
        name: "Robert Schneider AG".into(),
        street: "Rue du Lac".into(),
        building_number: "1268".into(),
        postcode: "2501".into(),
        town: "Biel".into(),
        country: "CH".into(),
    }
}

fn rutschmann(name: &str, street: &str) -> Address {
    Address {
        name: name.into(),
        street: street.into(),
        building_number: "28".into(),
        postcode: "9400".into(),
        town: "Rorschach".into(),
        country: "CH".into(),
    }
}

/// SIX IG QR-bill example: IBAN CH58 0079 1123 0008 8901 2, CHF 3949.75, no reference.
fn six_iban_example() -> QrBill {
    QrBill {
        account: "CH5800791123000889012".into(),
        creditor: schneider(),
        amount: Some(394_975),
        currency: Currency::Chf,
        debtor: Some(rutschmann("Pia Rutschmann", "Marktgasse")),
        reference: Reference::Non,
        message: "Bill no. 3139 for gardening work and disposal of waste material".into(),
        billing_information: String::new(),
        alternative_schemes: vec![],
    }
}

/// SIX IG QR-bill example: QR-IBAN CH44 3199 9123 0008 8901 2, CHF 1949.75, QR reference
/// 21 00000 00003 13947 14300 09017, Swico S1 billing information, two alternative schemes.
fn six_qr_iban_example() -> QrBill {
    QrBill {
        account: "CH4431999123000889012".into(),
        creditor: schneider(),
        amount: Some(194_975),
        currency: Currency::Chf,
        debtor: Some(rutschmann(
            "Pia-Maria Rutschmann-Schnyder",
            "Grosse Marktgasse",
        )),
        reference: Reference::Qrr("210000000003139471430009017".into()),
        message: "Order dated 18.06.2020".into(),
        billing_information:
            "//S1/01/20170309/11/10201409/20/14000000/22/36958/30/CH106017086/40/1020/41/3010"
                .into(),
        alternative_schemes: vec!["UV;UltraPay005;12345".into(), "XY;XYService;54321".into()],
    }
}

/// The payloads of `QR_CODE_TEXT_1` and `QR_CODE_TEXT_2` in manuelbl/SwissQRBill (MIT),
/// `generator/src/test/java/net/codecrete/qrbill/generator/SampleQrCodeText.java` at commit
/// 25a5790d1b54e32016032d35f9cc98117931c352, joined with LF as that file's `getQrCodeText`
/// does; they restate the SIX guidelines' examples.
const MANUELBL_TEXT_1: &str = "SPC\n0200\n1\nCH5800791123000889012\nS\nRobert Schneider AG\nRue du Lac\n1268\n2501\nBiel\nCH\n\n\n\n\n\n\n\n3949.75\nCHF\nS\nPia Rutschmann\nMarktgasse\n28\n9400\nRorschach\nCH\nNON\n\nBill no. 3139 for gardening work and disposal of waste material\nEPD";
const MANUELBL_TEXT_2: &str = "SPC\n0200\n1\nCH4431999123000889012\nS\nRobert Schneider AG\nRue du Lac\n1268\n2501\nBiel\nCH\n\n\n\n\n\n\n\n1949.75\nCHF\nS\nPia-Maria Rutschmann-Schnyder\nGrosse Marktgasse\n28\n9400\nRorschach\nCH\nQRR\n210000000003139471430009017\nOrder dated 18.06.2020\nEPD\n//S1/01/20170309/11/10201409/20/14000000/22/36958/30/CH106017086/40/1020/41/3010\nUV;UltraPay005;12345\nXY;XYService;54321";

/// `test_minimal_data` and `test_spec_example1` in claudep/swiss-qr-bill (MIT),
/// `tests/test_qrbill.py` at commit 05f487b643ad087ac5ea7e8d1e83a2424f339a9c: CR LF separated.
const CLAUDEP_MINIMAL: &str = "SPC\r\n0200\r\n1\r\nCH5380005000010283664\r\nS\r\nJane\r\n\r\n\r\n1000\r\nLausanne\r\nCH\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\nCHF\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\nNON\r\n\r\n\r\nEPD";
const CLAUDEP_SPEC_EXAMPLE_1: &str = "SPC\r\n0200\r\n1\r\nCH4431999123000889012\r\nS\r\nRobert Schneider AG\r\nRue du Lac\r\n1268\r\n2501\r\nBiel\r\nCH\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n1949.70\r\nCHF\r\nS\r\nPia-Maria Rutschmann-Schnyder\r\nGrosse Marktgasse\r\n28\r\n9400\r\nRorschach\r\nCH\r\nQRR\r\n210000000003139471430009017\r\nOrder of 15.09.2019##S1/01/20170309/11/10201409/20/14000000/22/36958/30/CH106017086/40/1020/41/3010\r\nEPD";

#[test]
fn the_six_examples_give_manuelbl_s_payloads_byte_for_byte() {
    assert_eq!(six_iban_example().payload().unwrap(), MANUELBL_TEXT_1);
    assert_eq!(six_qr_iban_example().payload().unwrap(), MANUELBL_TEXT_2);
    assert_eq!(QrBill::parse(MANUELBL_TEXT_1).unwrap(), six_iban_example());
    assert_eq!(
        QrBill::parse(MANUELBL_TEXT_2).unwrap(),
        six_qr_iban_example()
    );
}

#[test]
fn crlf_payloads_match_claudep_s_byte_for_byte() {
    let minimal = QrBill {
        account: "CH5380005000010283664".into(),
        creditor: Address {
            name: "Jane".into(),
            postcode: "1000".into(),
            town: "Lausanne".into(),
            country: "CH".into(),
            ..Address::default()
        },
        amount: None,
        currency: Currency::Chf,
        debtor: None,
        reference: Reference::Non,
        message: String::new(),
        billing_information: String::new(),
        alternative_schemes: vec![],
    };
    assert_eq!(
        minimal.payload_with(Separator::CrLf).unwrap(),
        CLAUDEP_MINIMAL
    );
    assert_eq!(QrBill::parse(CLAUDEP_MINIMAL).unwrap(), minimal);

    let example = QrBill {
        amount: Some(194_970),
        billing_information: String::new(),
        alternative_schemes: vec![],
        message: "Order of 15.09.2019##S1/01/20170309/11/10201409/20/14000000/22/36958/30/CH106017086/40/1020/41/3010".into(),
        ..six_qr_iban_example()
    };
    assert_eq!(
        example.payload_with(Separator::CrLf).unwrap(),
        CLAUDEP_SPEC_EXAMPLE_1
    );
    assert_eq!(QrBill::parse(CLAUDEP_SPEC_EXAMPLE_1).unwrap(), example);
}

#[test]
fn a_final_line_break_is_tolerated_when_reading() {
    let with_break = format!("{MANUELBL_TEXT_1}\n");
    assert_eq!(QrBill::parse(&with_break).unwrap(), six_iban_example());
    assert!(QrBill::parse(&MANUELBL_TEXT_1.replace("\nEPD", "\nEND")).is_err());
    assert!(QrBill::parse(&MANUELBL_TEXT_1.replace("SPC", "SPX")).is_err());
    assert!(QrBill::parse(&MANUELBL_TEXT_1.replace("3949.75", "03949.75")).is_err());
    assert!(QrBill::parse(&MANUELBL_TEXT_1.replace("3949.75", "3949.7")).is_err());
}

#[test]
fn the_guidelines_creditor_reference_example_goes_with_a_plain_iban() {
    let bill = QrBill {
        reference: Reference::Scor("RF18539007547034".into()),
        amount: Some(19_995),
        debtor: None,
        message: String::new(),
        ..six_iban_example()
    };
    let payload = bill.payload().unwrap();
    assert!(payload.contains("\n199.95\nCHF\n"));
    assert!(payload.ends_with("\nSCOR\nRF18539007547034\n\nEPD"));
    assert_eq!(payload.split('\n').count(), 31);
    assert_eq!(QrBill::parse(&payload).unwrap(), bill);
}

fn code_and_field(bill: &QrBill) -> (&'static str, Option<String>) {
    let err = bill.payload().unwrap_err();
    (err.code(), err.field().map(str::to_owned))
}

#[test]
fn each_field_is_checked_and_named() {
    let f = |s: &str| Some(s.to_owned());
    let mut b = six_qr_iban_example();
    b.reference = Reference::Scor("RF18539007547034".into());
    assert_eq!(code_and_field(&b), ("reference_type", f("reference")));

    let mut b = six_iban_example();
    b.reference = Reference::Qrr("210000000003139471430009017".into());
    assert_eq!(code_and_field(&b), ("reference_type", f("reference")));

    let mut b = six_qr_iban_example();
    b.reference = Reference::Non;
    assert_eq!(code_and_field(&b), ("reference_type", f("reference")));

    let mut b = six_qr_iban_example();
    b.reference = Reference::Qrr("210000000003139471430009018".into());
    assert_eq!(code_and_field(&b), ("reference", f("reference")));

    let mut b = six_iban_example();
    b.account = "DE89370400440532013000".into();
    assert_eq!(code_and_field(&b), ("account", f("account")));
    b.account = "CH5800791123000889013".into();
    assert_eq!(code_and_field(&b), ("account", f("account")));

    let mut b = six_iban_example();
    b.creditor.town = "Genève".into();
    assert!(b.payload().is_ok(), "é is in the Latin-1 supplement");
    b.creditor.town = "Gen\u{0229}ve".into();
    assert_eq!(code_and_field(&b), ("charset", f("creditor.town")));
    b.creditor.town = "Biel\n".into();
    assert_eq!(code_and_field(&b), ("charset", f("creditor.town")));
    b.creditor.town = "x".repeat(36);
    assert_eq!(code_and_field(&b), ("too_long", f("creditor.town")));
    b.creditor.town = " ".into();
    assert_eq!(code_and_field(&b), ("missing", f("creditor.town")));

    let mut b = six_iban_example();
    b.debtor = Some(Address {
        country: "ch".into(),
        ..rutschmann("Pia", "Marktgasse")
    });
    assert_eq!(code_and_field(&b), ("country", f("debtor.country")));

    let mut b = six_iban_example();
    b.creditor.building_number = "1".repeat(17);
    assert_eq!(
        code_and_field(&b),
        ("too_long", f("creditor.building_number"))
    );

    let mut b = six_iban_example();
    b.amount = Some(0);
    assert_eq!(code_and_field(&b), ("amount", f("amount")));
    b.amount = Some(MAX_AMOUNT + 1);
    assert_eq!(code_and_field(&b), ("amount", f("amount")));
    b.amount = Some(MAX_AMOUNT);
    assert!(b.payload().unwrap().contains("\n999999999.99\n"));
    b.amount = Some(1);
    assert!(b.payload().unwrap().contains("\n0.01\n"));

    let mut b = six_iban_example();
    b.message = "m".repeat(141);
    assert_eq!(code_and_field(&b), ("too_long", f("message")));
    b.message = "m".repeat(100);
    b.billing_information = "//S1/".to_owned() + &"1".repeat(36);
    assert_eq!(
        code_and_field(&b),
        ("additional_info_too_long", f("message"))
    );

    let mut b = six_qr_iban_example();
    b.alternative_schemes.push("ZZ;third".into());
    assert_eq!(
        code_and_field(&b),
        ("alternative_schemes", f("alternative_schemes"))
    );
    b.alternative_schemes = vec!["a".repeat(101)];
    assert_eq!(
        code_and_field(&b),
        ("too_long", f("alternative_schemes[0]"))
    );
}

#[test]
fn a_payload_over_997_bytes_is_refused() {
    let long = |n: usize| "Ä".repeat(n);
    let b = QrBill {
        creditor: Address {
            name: long(70),
            street: long(70),
            town: long(35),
            ..schneider()
        },
        debtor: Some(Address {
            name: long(70),
            street: long(70),
            town: long(35),
            ..schneider()
        }),
        message: long(140),
        ..six_iban_example()
    };
    assert!(matches!(
        b.payload(),
        Err(QrBillError::PayloadTooLong { max: 997, .. })
    ));
}

#[test]
fn an_order_maps_to_its_bill() {
    let mut order = fixtures::order();
    let means = PaymentMeans::BankTransfer {
        iban: "CH4431999123000889012".into(),
        holder: "Vergers de Jussy Sàrl".into(),
    };
    let address = crate::kinds::Address {
        street: "Route de Jussy 12".into(),
        postcode: "1254".into(),
        locality: "Jussy".into(),
        country: "CH".into(),
    };
    // The fixture pays the rest by card: no bill.
    assert_eq!(
        order_bill(&order, &means, &address, "").unwrap_err().code(),
        "order"
    );
    order.payment = PaymentChoice::LocalCurrency {
        currency: "LEM".into(),
        share_pct: 50,
        rest: Some(Box::new(PaymentChoice::BankTransfer)),
    };
    order.totals.insert("CHF".into(), 3011);
    let bill = order_bill(&order, &means, &address, "").unwrap();
    assert_eq!(
        bill.amount,
        Some(1506),
        "the transfer takes the odd centime"
    );
    assert_eq!(bill.creditor.street, "Route de Jussy");
    assert_eq!(bill.creditor.building_number, "12");
    assert_eq!(bill.message, "smartket order 07070707");
    let Reference::Qrr(qrr) = &bill.reference else {
        panic!("a QR-IBAN takes a QRR")
    };
    assert_eq!(qrr, &qrr_from_order_id(&[7; 16], "").unwrap());

    order.payment = PaymentChoice::BankTransfer;
    let plain = PaymentMeans::BankTransfer {
        iban: "CH5800791123000889012".into(),
        holder: "Vergers de Jussy Sàrl".into(),
    };
    let bill = order_bill(&order, &plain, &address, "").unwrap();
    assert_eq!(bill.amount, Some(3011));
    assert_eq!(
        bill.reference,
        Reference::Scor(scor_from_order_id(&[7; 16]))
    );

    order.totals.insert("EUR".into(), 100);
    assert_eq!(
        order_bill(&order, &plain, &address, "").unwrap_err().code(),
        "order"
    );
}

#[test]
fn streets_split_into_name_and_number() {
    let s = |x: &str| {
        let (a, b) = split_street(x);
        (a, b)
    };
    assert_eq!(s("Rue du Lac 1268"), ("Rue du Lac".into(), "1268".into()));
    assert_eq!(
        s("12, rue de Carouge"),
        ("rue de Carouge".into(), "12".into())
    );
    assert_eq!(
        s("Rue du Rhône 14bis"),
        ("Rue du Rhône".into(), "14bis".into())
    );
    assert_eq!(
        s("Place du Molard"),
        ("Place du Molard".into(), String::new())
    );
    assert_eq!(s("1268"), ("1268".into(), String::new()));
}

use crate::kinds::payment::PaymentMeans;
use crate::messages::PaymentChoice;

proptest! {
    #[test]
    fn every_derived_qr_reference_validates_and_any_one_digit_change_is_caught(
        id in any::<[u8; 16]>(),
        prefix in "[0-9]{0,12}",
        pos in 0usize..27,
        delta in 1u8..10,
    ) {
        let qrr = qrr_from_order_id(&id, &prefix).unwrap();
        prop_assert_eq!(qrr.len(), 27);
        prop_assert!(qrr.starts_with(&prefix));
        prop_assert!(validate_qrr(&qrr).is_ok());
        let mut bytes = qrr.into_bytes();
        bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
        let changed = String::from_utf8(bytes).unwrap();
        prop_assert!(validate_qrr(&changed).is_err());
    }

    #[test]
    fn every_derived_creditor_reference_validates_and_any_one_digit_change_is_caught(
        id in any::<[u8; 16]>(),
        pos in 2usize..25,
        delta in 1u8..10,
    ) {
        let scor = scor_from_order_id(&id);
        prop_assert_eq!(scor.len(), 25);
        prop_assert!(validate_scor(&scor).is_ok());
        let mut bytes = scor.into_bytes();
        bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
        let changed = String::from_utf8(bytes).unwrap();
        prop_assert!(validate_scor(&changed).is_err());
    }

    #[test]
    fn payloads_read_back_to_the_same_bill(
        id in any::<[u8; 16]>(),
        amount in proptest::option::of(1u64..=MAX_AMOUNT),
        message in "[ -~àéèçÀÉÈÇäöüÄÖÜ€Șț]{0,140}",
        crlf in any::<bool>(),
    ) {
        let bill = QrBill {
            amount,
            reference: Reference::Scor(scor_from_order_id(&id)),
            message,
            ..six_iban_example()
        };
        let sep = if crlf { Separator::CrLf } else { Separator::Lf };
        let payload = bill.payload_with(sep).unwrap();
        prop_assert_eq!(QrBill::parse(&payload).unwrap(), bill);
    }
}
