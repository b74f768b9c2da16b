//! Exact decimal amounts. A figure that declares `decimals: 1` (救助金8.5万元) keeps
//! each value as a whole number of tenths, so sums, the largest value and 同比 are
//! integer arithmetic and print exactly as written; never a float. A figure without
//! `decimals` is a whole number, scaled by one, exactly as before.

use serde::{Serialize, Serializer};
use std::fmt;

/// Most decimal places a figure may declare: 万元 to the yuan.
pub const MAX_DECIMALS: u8 = 4;

/// A value of a figure with its declared precision: `scaled` units of
/// 10^-`decimals` (8.5 with one decimal is 85).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Amount {
    /// The value in units of the last declared place.
    pub scaled: u64,
    /// Declared decimal places.
    pub decimals: u8,
}

impl Amount {
    /// `scaled` units of 10^-`decimals`.
    pub fn new(scaled: u64, decimals: u8) -> Self {
        Self { scaled, decimals }
    }

    /// The value in units of 10^-`decimals` for `decimals` at least this precision
    /// (none when fewer places would lose digits or the value overflows).
    pub fn rescaled(self, decimals: u8) -> Option<u64> {
        let extra = decimals.checked_sub(self.decimals)?;
        self.scaled
            .checked_mul(10u64.checked_pow(u32::from(extra))?)
    }

    /// The nearest binary float, for a spreadsheet cell or a JSON number (both are
    /// floats by nature). Every value below [`crate::limits::MAX_FIGURE`] units has at
    /// most 12 significant digits, so the float prints back as the same decimal.
    pub fn to_f64(self) -> f64 {
        self.to_string()
            .parse()
            .expect("a decimal printed by Display parses as a float")
    }

    /// The spreadsheet number format that shows the declared places: `0`, `0.0` ….
    pub fn number_format(decimals: u8) -> String {
        if decimals == 0 {
            "0".to_owned()
        } else {
            format!("0.{}", "0".repeat(usize::from(decimals)))
        }
    }
}

impl fmt::Display for Amount {
    /// With exactly the declared places: 8.5, 0.4, 12.0 for one decimal; 12 for none.
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        if self.decimals == 0 {
            return write!(f, "{}", self.scaled);
        }
        let unit = 10u64.pow(u32::from(self.decimals));
        let places = usize::from(self.decimals);
        write!(f, "{}.{:0places$}", self.scaled / unit, self.scaled % unit)
    }
}

impl Serialize for Amount {
    /// A whole number stays an integer (the JSON of a ledger without decimals is
    /// unchanged); a decimal amount is a JSON number with its places.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.decimals == 0 {
            s.serialize_u64(self.scaled)
        } else {
            s.serialize_f64(self.to_f64())
        }
    }
}

/// What a written number is for a figure of a given precision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    /// A value within the precision, in units of its last place.
    Value(u64),
    /// A negative number.
    Negative,
    /// A number with more places than declared (the places it has, trailing zeros
    /// not counted).
    TooManyPlaces(u8),
    /// A number too long for any figure.
    TooLarge,
    /// Not a plain number (digits with at most one decimal point).
    NotANumber,
}

/// Reads `text` (ASCII digits, an optional `.` and places, an optional leading `-`)
/// as a value of a figure with `decimals` places. `8.50` is 8.5: trailing zeros add
/// no precision.
pub fn read(text: &str, decimals: u8) -> Reading {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let plain = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !plain(whole) || !plain(fraction) || digits.ends_with('.') {
        return Reading::NotANumber;
    }
    let fraction = fraction.trim_end_matches('0');
    if negative && (whole.chars().any(|c| c != '0') || !fraction.is_empty()) {
        return Reading::Negative;
    }
    let places = u8::try_from(fraction.len()).unwrap_or(u8::MAX);
    if places > decimals {
        return Reading::TooManyPlaces(places);
    }
    let padded = format!(
        "{whole}{fraction}{}",
        "0".repeat(usize::from(decimals - places))
    );
    padded
        .parse::<u64>()
        .map_or(Reading::TooLarge, Reading::Value)
}

/// A figure written with a unit its figure does not count in (`60人次` for a figure
/// counted in 人).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
pub struct UnitMismatch {
    /// The number without the unit, as written.
    pub number: String,
    /// The unit written after it.
    pub written: String,
    /// The figure's label.
    pub label: String,
    /// The figure's declared unit (possibly empty).
    pub unit: String,
}

impl UnitMismatch {
    fn message(&self) -> String {
        let Self {
            number,
            written,
            label,
            unit,
        } = self;
        if unit.is_empty() {
            format!(
                "“{number}{written}” 的单位 “{written}” 不是 “{label}” 的单位（它没有声明单位）：只写数字 {number}"
            )
        } else {
            format!(
                "“{number}{written}” 的单位 “{written}” 不是 “{label}” 的单位 “{unit}”：写 {number} 或 {number}{unit}"
            )
        }
    }
}

/// Words after a number that make it an approximation, not a unit.
const APPROXIMATIONS: [&str; 5] = ["余", "多", "左右", "以上", "来"];

/// The number of a figure written with its unit, as a clerk copies it from a sheet or
/// a notebook (`50人`, `90 小时`): the number alone when the unit is the figure's
/// declared one or one its label ends with (`人次` for 培训人次); an error naming the
/// declared unit for another. Text that is not a number followed by a unit (`十`,
/// `1e3`, `8.5.1`) comes back as it is, for the reading that says what is wrong.
pub fn without_unit<'a>(typed: &'a str, unit: &str, label: &str) -> Result<&'a str, UnitMismatch> {
    let typed = typed.trim();
    let numeric =
        |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c) || ".．-－".contains(c);
    let split = typed.find(|c: char| !numeric(c)).unwrap_or(typed.len());
    let (number, written) = (&typed[..split], typed[split..].trim_start());
    // A unit is words (人, 小时, 人次), never digits or Latin letters; 10余 and 30多人
    // are approximations, which the figure's own reading explains.
    let is_unit = !written.is_empty()
        && !APPROXIMATIONS.iter().any(|word| written.starts_with(word))
        && written
            .chars()
            .all(|c| !c.is_ascii() && !c.is_numeric() && !c.is_whitespace());
    if number.is_empty() || !is_unit {
        return Ok(typed);
    }
    if written == unit || label.ends_with(written) {
        return Ok(number);
    }
    Err(UnitMismatch {
        number: number.to_owned(),
        written: written.to_owned(),
        label: label.to_owned(),
        unit: unit.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_the_declared_places() {
        assert_eq!(Amount::new(85, 1).to_string(), "8.5");
        assert_eq!(Amount::new(4, 1).to_string(), "0.4");
        assert_eq!(Amount::new(120, 1).to_string(), "12.0");
        assert_eq!(Amount::new(5, 2).to_string(), "0.05");
        assert_eq!(Amount::new(12, 0).to_string(), "12");
        assert_eq!(Amount::new(85, 1).to_f64(), 8.5);
    }

    #[test]
    fn reads_within_the_precision() {
        assert_eq!(read("8.5", 1), Reading::Value(85));
        assert_eq!(read("8.50", 1), Reading::Value(85));
        assert_eq!(read("8", 1), Reading::Value(80));
        assert_eq!(read("8.5", 2), Reading::Value(850));
        assert_eq!(read("3.0", 0), Reading::Value(3));
        assert_eq!(read("8.55", 1), Reading::TooManyPlaces(2));
        assert_eq!(read("1.5", 0), Reading::TooManyPlaces(1));
        assert_eq!(read("-2", 0), Reading::Negative);
        assert_eq!(read("-0", 0), Reading::Value(0));
        for text in ["", ".5", "8.", "8.5.1", "十", "1e3", "+3"] {
            assert_eq!(read(text, 1), Reading::NotANumber, "{text}");
        }
        assert_eq!(read(&"9".repeat(30), 0), Reading::TooLarge);
    }

    #[test]
    fn a_unit_after_the_number_is_the_figures_own_or_an_error() {
        assert_eq!(without_unit("50人", "人", "参训妇女"), Ok("50"));
        assert_eq!(without_unit(" 90 小时 ", "小时", "培训时长"), Ok("90"));
        assert_eq!(without_unit("60人次", "", "培训人次"), Ok("60"));
        assert_eq!(without_unit("８.５小时", "小时", "时长"), Ok("８.５"));
        for plain in [
            "50", "十", "1e3", "8.5.1", "", "5 5", "10余", "30多人", "20左右",
        ] {
            assert_eq!(
                without_unit(plain, "人", "参训"),
                Ok(plain.trim()),
                "{plain}"
            );
        }
        let wrong = without_unit("60人次", "人", "参训妇女").unwrap_err();
        assert_eq!(
            wrong.to_string(),
            "“60人次” 的单位 “人次” 不是 “参训妇女” 的单位 “人”：写 60 或 60人"
        );
    }

    #[test]
    fn rescales_to_more_places_only() {
        assert_eq!(Amount::new(85, 1).rescaled(2), Some(850));
        assert_eq!(Amount::new(85, 1).rescaled(0), None);
        assert_eq!(Amount::number_format(2), "0.00");
    }
}
