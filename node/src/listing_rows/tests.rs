//! Rows checked into listings and back, and CSV files read line by line, against the Geneva
//! example market.

use super::*;

fn geneva() -> Market {
    Market::from_toml(include_str!("../../../examples/geneva/market.toml"))
        .expect("the Geneva market parses")
}

fn row() -> ListingRow {
    ListingRow {
        key: "tomme-1".into(),
        title_fr: "Tomme fraîche".into(),
        category: "food.dairy".into(),
        price: "8,50".into(),
        unit: "piece".into(),
        pickup_place: "Fromagerie".into(),
        pickup_postcode: "1213".into(),
        ..ListingRow::default()
    }
}

#[test]
fn a_row_becomes_a_listing_and_back() {
    let market = geneva();
    let (key, listing) = row().to_listing(&market, None).expect("valid");
    assert_eq!(key, "tomme-1");
    assert_eq!(listing.price.amount, 850);
    assert_eq!(listing.price.currency, "CHF");
    let back = ListingRow::of(&key, &listing, &market);
    assert_eq!(back.price, "8.50");
    assert_eq!(back.pickup_postcode, "1213");
    assert_eq!(back.to_listing(&market, Some(&listing)), Ok((key, listing)));
}

#[test]
fn every_wrong_field_is_named() {
    let bad = ListingRow {
        category: "food.nonsense".into(),
        price: "douze".into(),
        unit: "barrel".into(),
        stock: "-1".into(),
        pickup_postcode: String::new(),
        ..row()
    };
    let errors = bad.to_listing(&geneva(), None).unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
    assert_eq!(
        fields,
        ["category", "price", "unit", "stock", "pickup_postcode"]
    );
}

#[test]
fn the_protocol_s_rules_reach_the_row() {
    let no_way = ListingRow {
        pickup_place: String::new(),
        pickup_postcode: String::new(),
        ..row()
    };
    let errors = no_way.to_listing(&geneva(), None).unwrap_err();
    assert!(
        matches!(errors[0].problem, Problem::Protocol(_)),
        "{errors:?}"
    );
}

#[test]
fn a_csv_file_is_checked_line_by_line() {
    let csv = "key;title_fr;category;price;unit;stock;courier\n\
               a;Pain;food.bakery;4.20;piece;10;oui\n\
               b;;food.bakery;4.20;piece;;\n\
               a;Pain encore;food.bakery;4.20;piece;;oui\n\
               c;Tresse;food.bakery;6;piece;;oui\n";
    let lines = read_csv(csv.as_bytes(), &geneva()).expect("readable");
    let numbers: Vec<(usize, bool)> = lines
        .iter()
        .map(|l| (l.number, matches!(l.outcome, Line::Ready { .. })))
        .collect();
    assert_eq!(numbers, [(2, true), (3, false), (4, false), (5, true)]);
}

#[test]
fn a_file_that_is_not_a_catalogue_is_refused_whole() {
    let market = geneva();
    assert_eq!(
        read_csv(b"name,price\nx,1\n", &market),
        Err(CsvError::UnknownColumn("name".into()))
    );
    assert_eq!(
        read_csv(b"key,title_fr,price\nx,y,1\n", &market),
        Err(CsvError::MissingColumn("category"))
    );
    assert_eq!(
        read_csv(b"key,title_fr,category,price\n", &market),
        Err(CsvError::Empty)
    );
    assert!(matches!(
        read_csv(b"key,title_fr,category,price\nx,\"y,food,1\n", &market),
        Err(CsvError::Unreadable { .. })
    ));
}
