//! What a new password must be, wherever one is set (sign-up, `flowhq admin
//! create`, the bootstrap admin): at least 10 visible characters, no
//! control characters, and hard to guess.
//!
//! "Hard to guess" is zxcvbn's estimate (Dropbox's estimator): it knows the
//! passwords attackers try first, names, English words, keyboard walks,
//! repeats, sequences and dates, and the account's own email, and it must
//! put the password at score 3 ("safely unguessable", about 10^10
//! guesses) or above. Its advice goes into the refusal.

use flowhq_domain::values::{has_visible, is_invisible};
use zxcvbn::Score;

use crate::error::AppError;

pub const MIN_CHARS: usize = 10;
pub const MAX_CHARS: usize = 256;
/// The lowest zxcvbn score accepted.
pub const MIN_SCORE: Score = Score::Three;

fn refuse(message: impl Into<String>) -> AppError {
    AppError::invalid("password", message)
}

/// Checks a new password for the account with `email`; the refusal is a
/// 422 on `password` that says why.
pub fn check(password: &str, email: &str) -> Result<(), AppError> {
    if password.chars().any(char::is_control) {
        return Err(refuse(
            "password must not contain control characters (such as NUL, tabs or line breaks)",
        ));
    }
    if !has_visible(password) {
        return Err(refuse(
            "password must contain visible characters; spaces and invisible characters alone do not count",
        ));
    }
    // Invisible characters neither lengthen a password nor make it harder
    // to guess: they are left out of both measures.
    let visible: String = password.chars().filter(|c| !is_invisible(*c)).collect();
    let chars = visible.chars().count();
    if chars < MIN_CHARS {
        return Err(refuse(format!(
            "password must have at least {MIN_CHARS} characters"
        )));
    }
    if password.chars().count() > MAX_CHARS {
        return Err(refuse(format!(
            "password must have at most {MAX_CHARS} characters"
        )));
    }
    let email = email.trim().to_lowercase();
    if visible.to_lowercase() == email {
        return Err(refuse("password must not be your email"));
    }
    let local_part = email.split('@').next().unwrap_or_default();
    let estimate = zxcvbn::zxcvbn(&visible, &[&email, local_part]);
    if estimate.score() < MIN_SCORE {
        let mut message = "password is too easy to guess".to_owned();
        if let Some(feedback) = estimate.feedback() {
            let advice: Vec<String> = feedback
                .warning()
                .map(|w| w.to_string())
                .into_iter()
                .chain(feedback.suggestions().iter().map(ToString::to_string))
                .collect();
            if !advice.is_empty() {
                message.push_str(": ");
                message.push_str(&advice.join(" "));
            }
        }
        return Err(refuse(message));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(password: &str) -> String {
        match check(password, "ann@example.com") {
            Err(AppError::Invalid { field, message }) => {
                assert_eq!(field, "password");
                message
            }
            other => panic!("{password:?} was not refused: {other:?}"),
        }
    }

    #[test]
    fn weak_passwords_are_refused_with_the_reason() {
        assert!(refusal("short").contains("at least 10"));
        assert!(refusal("1234567890").contains("too easy to guess"));
        assert!(refusal("Password123").contains("too easy to guess"));
        assert!(refusal("aaaaaaaaaa").contains("too easy to guess"));
        assert!(refusal("qwertyuiop").contains("too easy to guess"));
        assert!(refusal("ann@example.com").contains("your email"));
        assert!(refusal("ann12345678").contains("too easy to guess"));
    }

    #[test]
    fn blank_and_control_characters_are_refused() {
        assert!(refusal("          ").contains("visible"));
        assert!(refusal(&"\u{200B}".repeat(10)).contains("visible"));
        assert!(refusal("\u{FEFF}\u{2060}\u{00A0}   \u{3000}").contains("visible"));
        assert!(refusal("purple\0otter-lamp").contains("control"));
        assert!(refusal("purple-otter\nlamp").contains("control"));
        // Zero-width padding does not make a short password long enough.
        assert!(refusal(&format!("x7#{}", "\u{200B}".repeat(20))).contains("at least 10"));
    }

    #[test]
    fn zxcvbn_advice_is_in_the_message() {
        let message = refusal("password1234");
        assert!(
            message.len() > "password is too easy to guess: ".len(),
            "{message}"
        );
    }

    #[test]
    fn strong_passwords_pass() {
        for strong in [
            "purple-otter-lamp-93",
            "tulip-harbour-42-kite",
            "correct horse battery staple",
            "Zx8#qL2!vR9m",
            "caña-ñandú-pingüino",
        ] {
            assert!(check(strong, "ann@example.com").is_ok(), "{strong:?}");
        }
        assert!(check(&"q7Lz!".repeat(60), "ann@example.com").is_err());
    }
}
