use std::fmt;

use subtle::ConstantTimeEq;

/// A secret string (token, password, key). Its `Debug` never shows the
/// value, so it cannot reach a log by accident, and it compares in constant
/// time.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Constant-time comparison with what a client sent.
    pub fn matches(&self, candidate: &str) -> bool {
        self.0.as_bytes().ct_eq(candidate.as_bytes()).into()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_hide_in_debug_and_compare_exactly() {
        let secret = Secret::new("hunter2-hunter2");
        assert_eq!(format!("{secret:?}"), "Secret(***)");
        assert!(secret.matches("hunter2-hunter2"));
        assert!(!secret.matches("hunter2-hunter3"));
        assert!(!secret.matches("hunter2"));
        assert!(!secret.matches(""));
    }
}
