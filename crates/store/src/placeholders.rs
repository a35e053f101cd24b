//! Numbered placeholders for statements whose size depends on the input
//! (multi-row inserts, `IN` lists), in the `$n` form both backends take.
//! Only placeholders are formatted into SQL; values are always bound.

use std::ops::Range;

/// Rows in one multi-row statement at most; see [`runs`].
pub const MAX_ROWS: usize = 64;

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

/// Splits `n` rows into runs for multi-row statements: [`MAX_ROWS`] at a
/// time, then the remainder in powers of two (100 rows: 64, 32, 4).
///
/// Two costs grow with the square of a statement's bound parameters in
/// SQLite: compiling it (each `$n` is looked up among those before it) and
/// binding it (each parameter's name is found by a walk of the list).
/// Batches of any size each made one statement of their own shape, which
/// missed the statement cache and cost milliseconds to compile at a few
/// hundred rows. Capped runs of a few lengths stay cached and cheap.
pub fn runs(n: usize) -> impl Iterator<Item = Range<usize>> {
    let mut start = 0;
    std::iter::from_fn(move || {
        let left = n - start;
        if left == 0 {
            return None;
        }
        let len = if left >= MAX_ROWS {
            MAX_ROWS
        } else {
            1 << left.ilog2()
        };
        start += len;
        Some(start - len..start)
    })
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

    #[test]
    fn rows_split_into_capped_power_of_two_runs() {
        let lengths = |n| super::runs(n).map(|r| r.len()).collect::<Vec<_>>();
        assert_eq!(lengths(0), Vec::<usize>::new());
        assert_eq!(lengths(1), [1]);
        assert_eq!(lengths(100), [64, 32, 4]);
        assert_eq!(lengths(200), [64, 64, 64, 8]);
        let ranges: Vec<_> = super::runs(7).collect();
        assert_eq!(ranges, [0..4, 4..6, 6..7], "consecutive, covering all");
    }
}
