//! Checks `spec/vectors/qrbill.json` both ways, like `vectors.rs` does for records: the file
//! must hold exactly what this implementation builds, and each vector must hold on its own terms
//! (fields give the payload and the payload reads back to the fields; an order id gives its
//! references; refused fields give their error code and field; an order gives its bill). With
//! `SMARTKET_WRITE_VECTORS=1` the file is written first.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "common/vector_file.rs"]
mod vector_file;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use smartket_protocol::kinds::payment::PaymentMeans;
use smartket_protocol::messages::{
    Contact, DeliveryChoice, EncryptionKey, Order, OrderId, PaymentChoice, RecipientKeys,
};
use smartket_protocol::qrbill::{
    self, Address, Currency, QrBill, Reference, Separator, format_qrr, format_scor,
};
use smartket_protocol::{SecretKey, kinds};

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct File {
    description: String,
    bills: Vec<BillVector>,
    references: Vec<ReferenceVector>,
    refused: Vec<RefusedVector>,
    refused_payloads: Vec<RefusedPayload>,
    orders: Vec<OrderVector>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct AddressJson {
    name: String,
    street: String,
    building_number: String,
    postcode: String,
    town: String,
    country: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Fields {
    account: String,
    creditor: AddressJson,
    /// Centimes, or null to leave the amount to the payer.
    amount: Option<u64>,
    currency: String,
    debtor: Option<AddressJson>,
    reference_type: String,
    reference: String,
    message: String,
    billing_information: String,
    alternative_schemes: Vec<String>,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct BillVector {
    name: String,
    description: String,
    fields: Fields,
    separator: String,
    payload: String,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct ReferenceVector {
    name: String,
    order_id: String,
    qrr_prefix: String,
    qrr: String,
    qrr_printed: String,
    scor: String,
    scor_printed: String,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct RefusedVector {
    name: String,
    fields: Fields,
    error: String,
    field: Option<String>,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct RefusedPayload {
    name: String,
    payload: String,
    error: String,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct OrderVector {
    name: String,
    description: String,
    order_id: String,
    totals: BTreeMap<String, u64>,
    /// Share of the price the buyer pays in the local currency (the rest by bank transfer);
    /// null for a plain bank transfer.
    local_share_pct: Option<u8>,
    iban: String,
    holder: String,
    profile_address: kinds::Address,
    qrr_prefix: String,
    payload: String,
}

fn to_json_address(a: &Address) -> AddressJson {
    AddressJson {
        name: a.name.clone(),
        street: a.street.clone(),
        building_number: a.building_number.clone(),
        postcode: a.postcode.clone(),
        town: a.town.clone(),
        country: a.country.clone(),
    }
}

fn from_json_address(a: &AddressJson) -> Address {
    Address {
        name: a.name.clone(),
        street: a.street.clone(),
        building_number: a.building_number.clone(),
        postcode: a.postcode.clone(),
        town: a.town.clone(),
        country: a.country.clone(),
    }
}

fn to_fields(b: &QrBill) -> Fields {
    Fields {
        account: b.account.clone(),
        creditor: to_json_address(&b.creditor),
        amount: b.amount,
        currency: b.currency.code().into(),
        debtor: b.debtor.as_ref().map(to_json_address),
        reference_type: b.reference.type_code().into(),
        reference: b.reference.value().into(),
        message: b.message.clone(),
        billing_information: b.billing_information.clone(),
        alternative_schemes: b.alternative_schemes.clone(),
    }
}

fn from_fields(f: &Fields) -> QrBill {
    QrBill {
        account: f.account.clone(),
        creditor: from_json_address(&f.creditor),
        amount: f.amount,
        currency: Currency::from_code(&f.currency).unwrap(),
        debtor: f.debtor.as_ref().map(from_json_address),
        reference: match f.reference_type.as_str() {
            "QRR" => Reference::Qrr(f.reference.clone()),
            "SCOR" => Reference::Scor(f.reference.clone()),
            _ => Reference::Non,
        },
        message: f.message.clone(),
        billing_information: f.billing_information.clone(),
        alternative_schemes: f.alternative_schemes.clone(),
    }
}

fn separator(name: &str) -> Separator {
    match name {
        "CRLF" => Separator::CrLf,
        _ => Separator::Lf,
    }
}

// ---- builders -------------------------------------------------------------------------------

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

fn rutschmann() -> Address {
    Address {
        name: "Pia-Maria Rutschmann-Schnyder".into(),
        street: "Grosse Marktgasse".into(),
        building_number: "28".into(),
        postcode: "9400".into(),
        town: "Rorschach".into(),
        country: "CH".into(),
    }
}

fn six_qr_iban() -> QrBill {
    QrBill {
        account: "CH4431999123000889012".into(),
        creditor: schneider(),
        amount: Some(194_975),
        currency: Currency::Chf,
        debtor: Some(rutschmann()),
        reference: Reference::Qrr("210000000003139471430009017".into()),
        message: "Order dated 18.06.2020".into(),
        billing_information:
            "//S1/01/20170309/11/10201409/20/14000000/22/36958/30/CH106017086/40/1020/41/3010"
                .into(),
        alternative_schemes: vec!["UV;UltraPay005;12345".into(), "XY;XYService;54321".into()],
    }
}

fn six_scor() -> QrBill {
    QrBill {
        account: "CH5800791123000889012".into(),
        amount: Some(19_995),
        reference: Reference::Scor("RF18539007547034".into()),
        message: String::new(),
        billing_information: String::new(),
        alternative_schemes: vec![],
        ..six_qr_iban()
    }
}

fn geneva_seller() -> Address {
    Address {
        name: "Vergers de Jussy Sàrl".into(),
        street: "Route de Jussy".into(),
        building_number: "12".into(),
        postcode: "1254".into(),
        town: "Jussy".into(),
        country: "CH".into(),
    }
}

fn bill(name: &str, description: &str, b: QrBill, sep: &str) -> BillVector {
    let payload = b.payload_with(separator(sep)).unwrap();
    BillVector {
        name: name.into(),
        description: description.into(),
        fields: to_fields(&b),
        separator: sep.into(),
        payload,
    }
}

fn build_bills() -> Vec<BillVector> {
    vec![
        bill(
            "six-qr-iban-qrr",
            "SIX IG example: QR-IBAN with QR reference, debtor, Swico S1 billing information and two alternative schemes (manuelbl/SwissQRBill QR_CODE_TEXT_2)",
            six_qr_iban(),
            "LF",
        ),
        bill(
            "six-iban-scor",
            "SIX IG example: plain IBAN with the creditor reference RF18 5390 0754 7034, CHF 199.95",
            six_scor(),
            "LF",
        ),
        bill(
            "six-iban-scor-crlf",
            "The same bill with CR LF separators",
            six_scor(),
            "CRLF",
        ),
        bill(
            "open-amount-no-reference-eur",
            "No amount (the payer fills it in), no debtor, no reference, in euros",
            QrBill {
                account: "CH5800791123000889012".into(),
                creditor: geneva_seller(),
                amount: None,
                currency: Currency::Eur,
                debtor: None,
                reference: Reference::Non,
                message: "Don pour la fête du quartier".into(),
                billing_information: String::new(),
                alternative_schemes: vec![],
            },
            "LF",
        ),
        bill(
            "extended-latin",
            "Characters from Latin Extended-A, Ș/ț and the euro sign, allowed since SPS 2022 (IG 2.3)",
            QrBill {
                account: "CH5800791123000889012".into(),
                creditor: Address {
                    name: "Łukasz Ștefănescu".into(),
                    ..geneva_seller()
                },
                amount: Some(1),
                currency: Currency::Chf,
                debtor: None,
                reference: Reference::Non,
                message: "Œuvre n° 1, 12 € (ț)".into(),
                billing_information: String::new(),
                alternative_schemes: vec![],
            },
            "LF",
        ),
    ]
}

fn build_references() -> Vec<ReferenceVector> {
    let cases: [(&str, [u8; 16], &str); 4] = [
        ("order-id-7s", [7; 16], ""),
        ("order-id-max", [0xff; 16], ""),
        ("order-id-max-with-bank-prefix", [0xff; 16], "123456"),
        (
            "order-id-one",
            {
                let mut id = [0; 16];
                id[15] = 1;
                id
            },
            "",
        ),
    ];
    cases
        .into_iter()
        .map(|(name, id, prefix)| {
            let qrr = qrbill::qrr_from_order_id(&id, prefix).unwrap();
            let scor = qrbill::scor_from_order_id(&id);
            ReferenceVector {
                name: name.into(),
                order_id: hex::encode(id),
                qrr_prefix: prefix.into(),
                qrr_printed: format_qrr(&qrr),
                scor_printed: format_scor(&scor),
                qrr,
                scor,
            }
        })
        .collect()
}

fn refused(name: &str, b: QrBill) -> RefusedVector {
    let err = b.payload().unwrap_err();
    RefusedVector {
        name: name.into(),
        fields: to_fields(&b),
        error: err.code().into(),
        field: err.field().map(str::to_owned),
    }
}

fn build_refused() -> Vec<RefusedVector> {
    let with = |f: &dyn Fn(&mut QrBill)| {
        let mut b = six_scor();
        f(&mut b);
        b
    };
    vec![
        refused(
            "qr-iban-with-scor",
            with(&|b| b.account = "CH4431999123000889012".into()),
        ),
        refused(
            "iban-with-qrr",
            with(&|b| b.reference = Reference::Qrr("210000000003139471430009017".into())),
        ),
        refused(
            "qr-iban-without-reference",
            with(&|b| {
                b.account = "CH4431999123000889012".into();
                b.reference = Reference::Non;
            }),
        ),
        refused(
            "qrr-check-digit",
            with(&|b| {
                b.account = "CH4431999123000889012".into();
                b.reference = Reference::Qrr("210000000003139471430009018".into());
            }),
        ),
        refused(
            "scor-check-digits",
            with(&|b| b.reference = Reference::Scor("RF19539007547034".into())),
        ),
        refused(
            "foreign-iban",
            with(&|b| b.account = "DE89370400440532013000".into()),
        ),
        refused(
            "iban-checksum",
            with(&|b| b.account = "CH5800791123000889013".into()),
        ),
        refused("amount-zero", with(&|b| b.amount = Some(0))),
        refused(
            "amount-over-max",
            with(&|b| b.amount = Some(100_000_000_000)),
        ),
        refused(
            "creditor-name-missing",
            with(&|b| b.creditor.name = "  ".into()),
        ),
        refused(
            "creditor-town-too-long",
            with(&|b| b.creditor.town = "x".repeat(36)),
        ),
        refused(
            "debtor-street-charset",
            with(&|b| {
                if let Some(d) = b.debtor.as_mut() {
                    d.street = "Grosse Marktgasse ✓".into();
                }
            }),
        ),
        refused(
            "creditor-country-lowercase",
            with(&|b| b.creditor.country = "ch".into()),
        ),
        refused("message-too-long", with(&|b| b.message = "m".repeat(141))),
        refused(
            "message-and-billing-information-too-long",
            with(&|b| {
                b.message = "m".repeat(100);
                b.billing_information = "//S1/10/".to_owned() + &"1".repeat(33);
            }),
        ),
        refused(
            "three-alternative-schemes",
            with(&|b| b.alternative_schemes = vec!["A".into(), "B".into(), "C".into()]),
        ),
    ]
}

fn build_refused_payloads() -> Vec<RefusedPayload> {
    let good = six_scor().payload().unwrap();
    let cases = [
        ("wrong-header", good.replacen("SPC", "BCD", 1)),
        ("missing-trailer", good.replace("\nEPD", "\nXYZ")),
        ("too-few-elements", good.replacen("\n\n", "\n", 1)),
        (
            "combined-address",
            good.replacen("\nS\nRobert", "\nK\nRobert", 1),
        ),
        ("amount-with-comma", good.replace("199.95", "199,95")),
        ("bad-reference-after-reading", good.replace("RF18", "RF19")),
    ];
    cases
        .into_iter()
        .map(|(name, payload)| {
            let error = QrBill::parse(&payload).unwrap_err().code().into();
            RefusedPayload {
                name: name.into(),
                payload,
                error,
            }
        })
        .collect()
}

fn order_of(v: &OrderVector) -> Order {
    let id: [u8; 16] = hex::decode(&v.order_id).unwrap().try_into().unwrap();
    Order {
        order_id: OrderId(id),
        items: vec![],
        delivery: DeliveryChoice::Pickup,
        address: None,
        contact: Contact {
            name: "Alice".into(),
            phone: None,
            email: Some("alice@example.ch".into()),
        },
        payment: match v.local_share_pct {
            None => PaymentChoice::BankTransfer,
            Some(pct) => PaymentChoice::LocalCurrency {
                currency: "LEM".into(),
                share_pct: pct,
                rest: Some(Box::new(PaymentChoice::BankTransfer)),
            },
        },
        totals: v.totals.clone(),
        note: None,
        reply_to: RecipientKeys {
            author: SecretKey::from_bytes(&[47; 32]).public(),
            enc: EncryptionKey::from_seed(&[147; 32]).public(),
        },
        reply_node: None,
    }
}

fn order_payload(v: &OrderVector) -> String {
    let means = PaymentMeans::BankTransfer {
        iban: v.iban.clone(),
        holder: v.holder.clone(),
    };
    qrbill::order_bill(&order_of(v), &means, &v.profile_address, &v.qrr_prefix)
        .unwrap()
        .payload()
        .unwrap()
}

fn build_orders() -> Vec<OrderVector> {
    let jussy = kinds::Address {
        street: "Route de Jussy 12".into(),
        postcode: "1254".into(),
        locality: "Jussy".into(),
        country: "CH".into(),
    };
    let mut vectors = vec![
        OrderVector {
            name: "bank-transfer-iban".into(),
            description: "Whole CHF total by transfer to a plain IBAN: SCOR reference".into(),
            order_id: hex::encode([7u8; 16]),
            totals: BTreeMap::from([("CHF".into(), 3010)]),
            local_share_pct: None,
            iban: "CH5800791123000889012".into(),
            holder: "Vergers de Jussy Sàrl".into(),
            profile_address: jussy.clone(),
            qrr_prefix: String::new(),
            payload: String::new(),
        },
        OrderVector {
            name: "half-in-leman-qr-iban".into(),
            description: "50 % in Léman, the rest (with the odd centime) by transfer to a QR-IBAN: QRR reference; the LEM-priced total is not on the bill".into(),
            order_id: "00112233445566778899aabbccddeeff".into(),
            totals: BTreeMap::from([("CHF".into(), 3011), ("LEM".into(), 500)]),
            local_share_pct: Some(50),
            iban: "CH4431999123000889012".into(),
            holder: "Vergers de Jussy Sàrl".into(),
            profile_address: kinds::Address {
                street: "12, chemin des Princes".into(),
                ..jussy.clone()
            },
            qrr_prefix: String::new(),
            payload: String::new(),
        },
        OrderVector {
            name: "qr-iban-with-bank-prefix".into(),
            description: "A bank that wants its customer number at the start of QR references".into(),
            order_id: "ffeeddccbbaa99887766554433221100".into(),
            totals: BTreeMap::from([("CHF".into(), 12_345)]),
            local_share_pct: Some(30),
            iban: "CH4431999123000889012".into(),
            holder: "Vergers de Jussy Sàrl".into(),
            profile_address: jussy,
            qrr_prefix: "210000".into(),
            payload: String::new(),
        },
    ];
    for v in &mut vectors {
        v.payload = order_payload(v);
    }
    vectors
}

fn build() -> File {
    File {
        description: "Swiss QR-bill payloads (spec/qrbill.md): fields to payload and back, references derived from order ids, refused fields and payloads with their error codes, and orders mapped to bills.".into(),
        bills: build_bills(),
        references: build_references(),
        refused: build_refused(),
        refused_payloads: build_refused_payloads(),
        orders: build_orders(),
    }
}

#[test]
fn qrbill_vectors_match_and_hold_both_ways() {
    let stored = vector_file::stored_equals_built("qrbill.json", &build());

    for v in &stored.bills {
        let b = from_fields(&v.fields);
        assert_eq!(
            b.payload_with(separator(&v.separator)).unwrap(),
            v.payload,
            "{}",
            v.name
        );
        assert_eq!(
            to_fields(&QrBill::parse(&v.payload).unwrap()),
            v.fields,
            "{}",
            v.name
        );
    }
    for v in &stored.references {
        let id: [u8; 16] = hex::decode(&v.order_id).unwrap().try_into().unwrap();
        assert_eq!(
            qrbill::qrr_from_order_id(&id, &v.qrr_prefix).unwrap(),
            v.qrr
        );
        assert_eq!(qrbill::scor_from_order_id(&id), v.scor);
        qrbill::validate_qrr(&qrbill::normalize_reference(&v.qrr_printed)).unwrap();
        qrbill::validate_scor(&qrbill::normalize_reference(&v.scor_printed)).unwrap();
    }
    for v in &stored.refused {
        let err = from_fields(&v.fields).payload().unwrap_err();
        assert_eq!(err.code(), v.error, "{}", v.name);
        assert_eq!(err.field(), v.field.as_deref(), "{}", v.name);
    }
    for v in &stored.refused_payloads {
        assert_eq!(
            QrBill::parse(&v.payload).unwrap_err().code(),
            v.error,
            "{}",
            v.name
        );
    }
    for v in &stored.orders {
        assert_eq!(order_payload(v), v.payload, "{}", v.name);
        QrBill::parse(&v.payload).unwrap();
    }
}
