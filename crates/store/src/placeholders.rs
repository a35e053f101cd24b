//! Numbered placeholders for statements whose size depends on the input
//! (multi-row inserts, `IN` lists), in the `$n` form both backends take.
//! Only placeholders are formatted into SQL; values are always bound.

/// `$first, $first+1, …`: `n` placeholders.
pub fn list(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `($first, …), (…)`: `rows` tuples of `columns` placeholders each.
pub fn rows(first: usize, rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|r| format!("({})", list(first + r * columns, columns)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `LIMIT n`, written into the statement rather than bound. SQLite (3.51)
/// plans with the value of a bound LIMIT, so it recompiles the statement
/// every time the value is bound again, which is every run: a literal
/// keeps one compiled statement per limit in the statement cache.
pub fn limit(n: u32) -> String {
    format!("LIMIT {n}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_are_numbered_from_first() {
        assert_eq!(super::list(3, 2), "$3, $4");
        assert_eq!(super::rows(1, 2, 2), "($1, $2), ($3, $4)");
        assert_eq!(super::list(1, 0), "");
    }
}
