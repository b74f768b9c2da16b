//! An entry written as YAML: every text a double-quoted scalar that reads back as
//! exactly what was typed, so nothing a clerk writes can change the log's structure.

use super::NewEntry;
use crate::text::is_identifier;

/// A YAML scalar that reads back as exactly `s`: a JSON string is a valid YAML
/// double-quoted scalar.
fn yaml_string(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialise")
}

/// Identifiers stay plain, as a clerk would type them; anything else is quoted (and
/// then refused by the check with a clear message).
fn yaml_key(s: &str) -> String {
    if is_identifier(s) {
        s.to_owned()
    } else {
        yaml_string(s)
    }
}

/// A figure as typed: digits stay a number, anything else becomes a string the check
/// refuses with the usual message.
fn yaml_value(s: &str) -> String {
    let digits = |part: &str| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit());
    let unsigned = s.trim_start_matches('-');
    let number = match unsigned.split_once('.') {
        Some((whole, places)) => digits(whole) && digits(places),
        None => digits(unsigned),
    };
    if number { s.to_owned() } else { yaml_string(s) }
}

/// The entry as YAML list item.
pub fn entry_yaml(entry: &NewEntry) -> String {
    let mut out = match entry.id.as_deref().filter(|id| !id.trim().is_empty()) {
        Some(id) => format!("- id: {}\n  date: ", yaml_string(id.trim())),
        None => "- date: ".to_owned(),
    };
    out.push_str(&format!(
        "{}\n  item: {}\n",
        entry.date.trim(),
        yaml_key(entry.item.trim())
    ));
    if let Some(name) = entry.name.as_deref().filter(|n| !n.trim().is_empty()) {
        out.push_str(&format!("  name: {}\n", yaml_string(name.trim())));
    }
    if !entry.text.trim().is_empty() {
        out.push_str(&format!("  text: {}\n", yaml_string(entry.text.trim())));
    }
    if !entry.figures.is_empty() {
        let pairs: Vec<String> = entry
            .figures
            .iter()
            .map(|(k, v)| format!("{}: {}", yaml_key(k), yaml_value(v.trim())))
            .collect();
        out.push_str(&format!("  figures: {{ {} }}\n", pairs.join(", ")));
    }
    if let Some(place) = entry.place.as_deref().filter(|p| !p.trim().is_empty()) {
        out.push_str(&format!("  place: {}\n", yaml_string(place.trim())));
    }
    if !entry.villages.is_empty() {
        let villages: Vec<String> = entry.villages.iter().map(|v| yaml_string(v)).collect();
        out.push_str(&format!("  villages: [{}]\n", villages.join(", ")));
    }
    if let Some(n) = entry
        .participants
        .as_deref()
        .filter(|p| !p.trim().is_empty())
    {
        out.push_str(&format!("  participants: {}\n", yaml_value(n.trim())));
    }
    out
}

/// Every line of `yaml` moved right by `indent` spaces (an entry of a sequence that is
/// itself indented).
pub(super) fn indented(yaml: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    yaml.split_inclusive('\n')
        .map(|line| format!("{pad}{line}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::model::ActivitySpec;

    #[test]
    fn entries_are_yaml_that_reads_back() {
        let entry = NewEntry {
            date: "2023-03-08".into(),
            item: "legal-rights".into(),
            text: "开展了\"普法\"宣传: #1 - 见 [附件]".into(),
            figures: vec![("visits".into(), "2".into())],
            place: Some("镇文化广场".into()),
            id: Some("sheet-1".into()),
            participants: Some("30".into()),
            villages: vec!["新河村".into(), "东湖社区".into()],
            ..NewEntry::default()
        };
        let yaml = entry_yaml(&entry);
        let parsed: Vec<ActivitySpec> = serde_saphyr::from_str(&yaml).unwrap();
        assert_eq!(parsed[0].text.as_ref().unwrap().value, entry.text);
        assert_eq!(parsed[0].item.value, "legal-rights");
        assert_eq!(parsed[0].id.as_ref().unwrap().value, "sheet-1");
        let villages: Vec<&str> = parsed[0]
            .villages
            .iter()
            .map(|v| v.value.as_str())
            .collect();
        assert_eq!(villages, ["新河村", "东湖社区"]);
        assert_eq!(
            parsed[0].participants.as_ref().unwrap().value,
            crate::ledger::model::FigureValue::Integer(30)
        );
    }
}
