//! A refused field's message on a page, in the page's language. The checks
//! (domain values, the password policy) speak the API's English, which
//! stays the API's; the pages recognise the usual refusals and say them in
//! the person's language, and show anything else as the check put it.

use super::Tr;

/// What a page says under `field` for the check's `message` (which starts
/// with the field's name, as the API sends it).
pub fn refusal(tr: Tr, field: &str, message: &str) -> String {
    let reason = message
        .strip_prefix(field)
        .map_or(message, str::trim_start)
        .trim_end_matches('.');
    let number = || {
        reason
            .split(|c: char| !c.is_ascii_digit())
            .find(|part| !part.is_empty())
            .unwrap_or_default()
            .to_owned()
    };
    let key = match reason {
        r if r.starts_with("must not be empty")
            || r.starts_with("must contain visible characters")
            || r == "is required" =>
        {
            "field-required"
        }
        r if r.starts_with("must not contain control characters") => "field-control-characters",
        r if r.starts_with("must be at most") || r.starts_with("must have at most") => {
            return tr.t1("field-too-long", "n", number());
        }
        r if r.starts_with("must be in international format") => "field-phone-format",
        "may contain only digits after the +" => "field-phone-digits",
        "must have 8 to 15 digits" => "field-phone-length",
        "country codes do not start with 0" => "field-phone-zero",
        "must look like name@example.com" | "must not contain spaces" => "field-email-invalid",
        r if r.starts_with("must have at least") => "field-password-short",
        r if r.starts_with("is too easy to guess") || r == "must not be your email" => {
            "field-password-weak"
        }
        r if r.contains("already") && field == "email" => "field-email-taken",
        _ => return crate::pages::auth::sentence(message),
    };
    tr.t(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowhq_domain::Language;

    #[test]
    fn the_usual_refusals_read_in_the_pages_language() {
        let pt = Tr::new(Language::Pt);
        assert_eq!(
            refusal(pt, "name", "name must not be empty"),
            "Este campo é obrigatório."
        );
        assert_eq!(
            refusal(
                pt,
                "business_name",
                "business_name must be at most 120 characters"
            ),
            "Deve ter no máximo 120 caracteres."
        );
        assert_eq!(
            refusal(
                Tr::new(Language::Es),
                "phone",
                "phone must have 8 to 15 digits"
            ),
            "Un número de teléfono tiene de 8 a 15 dígitos."
        );
        // Anything else keeps the check's words, as a sentence.
        assert_eq!(refusal(pt, "x", "x is odd"), "X is odd.");
    }
}
