//! The language of an answer: the catalogue the request's `Accept-Language` names first
//! among those the crate has.

use axum::http::{HeaderMap, header};
use enswitch_people::{Catalogue, English, German};

/// A `q` value in thousandths (RFC 9110 §12.4.2: `0`, `0.` and up to three digits, or
/// `1` with zeros); anything else is 0, never chosen.
fn weight(q: &str) -> u16 {
    let q = q.trim();
    match q.split_once('.') {
        _ if q == "1" => 1000,
        None if q == "0" => 0,
        Some(("1", zeros)) if zeros.len() <= 3 && zeros.bytes().all(|b| b == b'0') => 1000,
        Some(("0", digits)) if digits.len() <= 3 && digits.bytes().all(|b| b.is_ascii_digit()) => {
            let padded = format!("{digits:0<3}");
            padded.parse().unwrap_or(0)
        }
        _ => 0,
    }
}

/// The catalogue the request's `Accept-Language` names first (by weight) among those the
/// crate has: English when it names none of them, so that an API client keeps
/// Enswitch's own messages.
pub(crate) fn language(headers: &HeaderMap) -> &'static (dyn Catalogue + Sync) {
    let Some(accepted) = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
    else {
        return &English;
    };
    let mut best: Option<(u16, &'static (dyn Catalogue + Sync))> = None;
    // A header is bounded by hyper's head limit; at most 32 ranges are read.
    for range in accepted.split(',').take(32) {
        let mut parts = range.split(';');
        let tag = parts.next().unwrap_or_default().trim();
        let weight = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .map_or(1000, weight);
        let primary = tag.split('-').next().unwrap_or_default();
        let catalogue: &'static (dyn Catalogue + Sync) = if primary.eq_ignore_ascii_case("de") {
            &German
        } else if primary.eq_ignore_ascii_case("en") {
            &English
        } else {
            continue;
        };
        if weight > 0 && best.is_none_or(|(most, _)| weight > most) {
            best = Some((weight, catalogue));
        }
    }
    best.map_or(&English, |(_, catalogue)| catalogue)
}

#[cfg(test)]
mod tests {
    use super::*;
    use enswitch_people::Field;

    #[test]
    fn the_answers_language_is_the_first_accepted_the_crate_has() {
        let rows = [
            (None, "en"),
            (Some("de-DE,de;q=0.9,en;q=0.8"), "de"),
            (Some("fr-FR, en;q=0.5, de;q=0.4"), "en"),
            (Some("en;q=0.2, de;q=0.7"), "de"),
            (Some("fr, it"), "en"),
            (Some("de;q=0"), "en"),
            (Some("DE"), "de"),
            (Some("de;q=x, en;q=0.001"), "en"),
        ];
        for (header, expected) in rows {
            let mut headers = HeaderMap::new();
            if let Some(value) = header {
                headers.insert(header::ACCEPT_LANGUAGE, value.parse().unwrap());
            }
            let label = language(&headers).label(Field::Password);
            let found = if label == "Neues Passwort" {
                "de"
            } else {
                "en"
            };
            assert_eq!(found, expected, "{header:?}");
        }
    }

    #[test]
    fn weights_are_read_in_thousandths() {
        let rows = [
            ("1", 1000),
            ("1.000", 1000),
            ("0", 0),
            ("0.5", 500),
            ("0.25", 250),
            ("0.001", 1),
            ("1.5", 0),
            ("0.1234", 0),
            ("x", 0),
        ];
        for (q, expected) in rows {
            assert_eq!(weight(q), expected, "{q}");
        }
    }
}
