//! "Did you mean …": the closest known names to a misspelt one.
//!
//! Used by the compiler (unknown keys, dangling references) and by the runtime
//! (unknown model refs and auth choice ids), so both suggest the same way.

/// Up to three candidates closest to `input`, best first.
///
/// Comparison ignores ASCII case. When `input` has no `/` but the candidates are refs
/// (`provider/id`), the id part is compared too, so `qwen3.5-plus` finds
/// `qwen/qwen3.5-plus`.
pub fn closest<'a, I>(input: &str, candidates: I) -> Vec<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let needle = input.to_ascii_lowercase();
    let mut scored: Vec<(f64, &'a str)> = candidates
        .into_iter()
        .filter_map(|candidate| {
            let score = score(&needle, candidate);
            (score >= THRESHOLD).then_some((score, candidate))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}

/// Similarity below which a candidate is not worth suggesting.
const THRESHOLD: f64 = 0.7;

fn score(needle: &str, candidate: &str) -> f64 {
    let lower = candidate.to_ascii_lowercase();
    match (needle.split_once('/'), lower.split_once('/')) {
        // Both are refs: a shared namespace says little, so the id part weighs most.
        (Some((ns_a, id_a)), Some((ns_b, id_b))) => {
            0.25 * similarity(ns_a, ns_b) + 0.75 * similarity(id_a, id_b)
        }
        // A bare id against a ref: compare with the ref's id part too.
        (None, Some((_, id))) => similarity(needle, &lower).max(similarity(needle, id)),
        _ => similarity(needle, &lower),
    }
}

fn similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    strsim::normalized_damerau_levenshtein(a, b).max(strsim::jaro_winkler(a, b) - 0.15)
}

/// Formats suggestions as `did you mean `a`, `b` or `c`?`, or `None` when there are none.
pub fn did_you_mean(suggestions: &[&str]) -> Option<String> {
    let quoted: Vec<String> = suggestions.iter().map(|s| format!("`{s}`")).collect();
    match quoted.as_slice() {
        [] => None,
        [one] => Some(format!("did you mean {one}?")),
        [init @ .., last] => Some(format!("did you mean {} or {last}?", init.join(", "))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REFS: &[&str] = &[
        "qwen/qwen3.5-plus",
        "qwen/qwen3.6-plus",
        "qwen/glm-5",
        "qwen/MiniMax-M2.5",
    ];

    #[test]
    fn finds_a_typo() {
        assert_eq!(
            closest("qwen/qwen3.5-plsu", REFS.iter().copied())[0],
            "qwen/qwen3.5-plus"
        );
    }

    #[test]
    fn finds_a_bare_id_and_ignores_case() {
        assert_eq!(
            closest("qwen3.6-plus", REFS.iter().copied())[0],
            "qwen/qwen3.6-plus"
        );
        assert_eq!(
            closest("qwen/minimax-m2.5", REFS.iter().copied()),
            vec!["qwen/MiniMax-M2.5"]
        );
    }

    #[test]
    fn suggests_nothing_for_nonsense() {
        assert!(closest("zzzzzzzz", REFS.iter().copied()).is_empty());
    }

    #[test]
    fn formats_the_question() {
        assert_eq!(did_you_mean(&[]), None);
        assert_eq!(did_you_mean(&["a"]).unwrap(), "did you mean `a`?");
        assert_eq!(
            did_you_mean(&["a", "b", "c"]).unwrap(),
            "did you mean `a`, `b` or `c`?"
        );
    }
}
