//! Amounts as people read them: `CHF 12.50` for francs (the Swiss way, code first, two
//! decimals, apostrophes between thousands), `12.50 LEM` for a local currency.

/// `amount` minor units of `currency` with `digits` decimals, written for display.
pub fn format(amount: u64, currency: &str, digits: u8, local: bool) -> String {
    let scale = 10u64.pow(u32::from(digits.min(4)));
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

/// Minor units of an amount typed by a person with `digits` decimals: `8`, `8.5`, `8,50` and
/// `1'200.00` are read; a negative amount or more decimals than the currency has is not.
pub fn parse(text: &str, digits: u8) -> Option<u64> {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, '\'' | ' ' | '\u{2019}'))
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    let (major, minor) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    let digits = usize::from(digits.min(4));
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
    use super::{format, parse};

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
