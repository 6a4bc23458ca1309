//! Amounts between minor units (what records carry: integers, never floats) and what people
//! read and type: `CHF 12.50` for francs (the Swiss way, code first, two decimals, apostrophes
//! between thousands), `12.50 LEM` for a local currency, `12.50` in a form field or a CSV
//! cell. The one place amounts are read and written, so a price typed in the listing form, in
//! a CSV import or in a delivery offer is read by the same rules.

/// The most decimals a currency may have here (a market config with more is read as 4).
const MAX_DIGITS: u8 = 4;

/// `amount` minor units of `currency` with `digits` decimals, written for display.
pub fn format(amount: u64, currency: &str, digits: u8, local: bool) -> String {
    let digits = digits.min(MAX_DIGITS);
    let scale = 10u64.pow(u32::from(digits));
    let (major, minor) = (amount / scale, amount % scale);
    let mut grouped = String::new();
    let major = major.to_string();
    for (i, c) in major.chars().enumerate() {
        if i > 0 && (major.len() - i) % 3 == 0 {
            grouped.push('\'');
        }
        grouped.push(c);
    }
    let number = if digits == 0 {
        grouped
    } else {
        format!("{grouped}.{minor:0width$}", width = usize::from(digits))
    };
    if local {
        format!("{number} {currency}")
    } else {
        format!("{currency} {number}")
    }
}

/// `amount` minor units with `digits` decimals as a form field or a CSV cell holds them
/// (`12.50`, no grouping, no currency), so that [`parse`] reads it back to the same amount.
pub fn plain(amount: u64, digits: u8) -> String {
    let digits = digits.min(MAX_DIGITS);
    if digits == 0 {
        return amount.to_string();
    }
    let scale = 10u64.pow(u32::from(digits));
    format!(
        "{}.{:0width$}",
        amount / scale,
        amount % scale,
        width = usize::from(digits)
    )
}

/// Minor units of an amount typed by a person with `digits` decimals: `8`, `8.5`, `8,50` and
/// `1'200.00` are read; a negative amount, more decimals than the currency has, or an amount
/// too large for the record's integer is not.
pub fn parse(text: &str, digits: u8) -> Option<u64> {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, '\'' | ' ' | '\u{2019}'))
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    let (major, minor) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    let digits = usize::from(digits.min(MAX_DIGITS));
    let all_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if major.is_empty() || !all_digits(major) || !all_digits(minor) || minor.len() > digits {
        return None;
    }
    let scale = 10u64.pow(digits as u32);
    let minor = format!("{minor:0<digits$}");
    let minor: u64 = if digits == 0 { 0 } else { minor.parse().ok()? };
    major
        .parse::<u64>()
        .ok()?
        .checked_mul(scale)?
        .checked_add(minor)
}

#[cfg(test)]
mod tests {
    use super::{format, parse, plain};

    #[test]
    fn typed_amounts_become_minor_units() {
        assert_eq!(parse("8", 2), Some(800));
        assert_eq!(parse("8.5", 2), Some(850));
        assert_eq!(parse(" 8,05 ", 2), Some(805));
        assert_eq!(parse("1'200.00", 2), Some(120_000));
        assert_eq!(parse("7", 0), Some(7));
        assert_eq!(parse("8.505", 2), None);
        assert_eq!(parse("-1", 2), None);
        assert_eq!(parse("", 2), None);
        assert_eq!(parse("huit", 2), None);
        assert_eq!(parse("12,5", 2), Some(1250));
        assert_eq!(parse("1\u{2019}200", 2), Some(120_000));
        assert_eq!(parse("99999999999999999999", 2), None);
        assert_eq!(parse("1.2.3", 2), None);
    }

    #[test]
    fn a_plain_amount_reads_back_to_itself() {
        assert_eq!(plain(1250, 2), "12.50");
        assert_eq!(plain(5, 2), "0.05");
        assert_eq!(plain(7, 0), "7");
        assert_eq!(plain(123_456, 3), "123.456");
        for (amount, digits) in [
            (0, 2),
            (1, 2),
            (1250, 2),
            (120_000, 2),
            (7, 0),
            (u64::MAX, 2),
        ] {
            assert_eq!(parse(&plain(amount, digits), digits), Some(amount));
        }
    }

    #[test]
    fn francs_lead_with_the_code_and_local_currencies_follow_the_number() {
        assert_eq!(format(1250, "CHF", 2, false), "CHF 12.50");
        assert_eq!(format(5, "CHF", 2, false), "CHF 0.05");
        assert_eq!(format(123_456_789, "CHF", 2, false), "CHF 1'234'567.89");
        assert_eq!(format(1250, "LEM", 2, true), "12.50 LEM");
        assert_eq!(format(7, "XYZ", 0, false), "XYZ 7");
    }
}
