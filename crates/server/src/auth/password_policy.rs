//! What a new password must be: at least 10 characters, not one of the
//! passwords attackers try first, and not the account's email.

use crate::error::AppError;

pub const MIN_CHARS: usize = 10;
pub const MAX_CHARS: usize = 256;

/// Common passwords of 10 or more characters (shorter ones fail the length
/// rule anyway), from public breach-frequency lists.
const COMMON: &str = include_str!("common_passwords.txt");

pub fn check(password: &str, email: &str) -> Result<(), AppError> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(AppError::invalid(
            "password",
            format!("password must have at least {MIN_CHARS} characters"),
        ));
    }
    if chars > MAX_CHARS {
        return Err(AppError::invalid(
            "password",
            format!("password must have at most {MAX_CHARS} characters"),
        ));
    }
    let lower = password.to_lowercase();
    if COMMON.lines().any(|common| common == lower) {
        return Err(AppError::invalid(
            "password",
            "password is one of the most common passwords; choose another",
        ));
    }
    if lower == email.to_lowercase() {
        return Err(AppError::invalid(
            "password",
            "password must not be your email",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_passwords_are_refused() {
        assert!(check("short", "a@x.com").is_err());
        assert!(check("1234567890", "a@x.com").is_err());
        assert!(check("Password123", "a@x.com").is_err());
        assert!(check("ann@example.com", "ann@example.com").is_err());
        assert!(check("purple-otter-lamp", "a@x.com").is_ok());
    }
}
