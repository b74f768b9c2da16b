//! Addresses the page writes: a component of a URL percent-encoded, for the routes
//! (a download's file name), the guard (the address without its token) and the
//! listing (an entry's edit link) alike.

/// A component of a URL, percent-encoded (unreserved characters stay).
pub(crate) fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
