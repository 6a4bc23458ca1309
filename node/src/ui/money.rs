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

#[cfg(test)]
mod tests {
    use super::format;

    #[test]
    fn francs_lead_with_the_code_and_local_currencies_follow_the_number() {
        assert_eq!(format(1250, "CHF", 2, false), "CHF 12.50");
        assert_eq!(format(5, "CHF", 2, false), "CHF 0.05");
        assert_eq!(format(123_456_789, "CHF", 2, false), "CHF 1'234'567.89");
        assert_eq!(format(1250, "LEM", 2, true), "12.50 LEM");
        assert_eq!(format(7, "XYZ", 0, false), "XYZ 7");
    }
}
