//! `provcat models list`: the filters, the sort orders and the table. A filter or sort
//! that needs a fact leaves out (or puts last) the models whose catalog entry lacks it.
//!
//! On a terminal the table fits its width: the least wanted columns are left out (notes
//! first, then plans, tools, reasoning, input, max output, price, kind, context; the ref
//! always stays, whole) and a line says which. Piped, every column is printed, so the
//! output does not depend on the terminal.

use std::cmp::Ordering;
use std::process::ExitCode;

use provcat::catalog::{self, AvailabilityStatus, Model};
use provcat::compiler::docs::words::usd;
use provcat::compiler::suggest;

use super::json::to_json;
use super::{ConfigView, ListArgs, SortArg};
use crate::cli::output::{Fit, print_fitted_table, print_json, table, thousands};
use crate::cli::{Failure, Outcome};

/// Parses a token count: `128000`, `128_000`, `128k`, `1m` (`k` = 1,000, `m` = 1,000,000).
pub fn parse_tokens(text: &str) -> Result<u32, String> {
    let clean: String = text
        .trim()
        .chars()
        .filter(|c| *c != '_' && *c != ',')
        .collect::<String>()
        .to_ascii_lowercase();
    let (digits, scale) = match clean.strip_suffix('k') {
        Some(d) => (d, 1_000u64),
        None => match clean.strip_suffix('m') {
            Some(d) => (d, 1_000_000),
            None => (clean.as_str(), 1),
        },
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a token count (e.g. 128000, 128k, 1m)"))?;
    n.checked_mul(scale)
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| format!("`{text}` is more tokens than any model has"))
}

/// Parses a price in US dollars per million tokens: `0.5`, `$2`.
pub fn parse_price(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .trim()
        .trim_start_matches('$')
        .parse()
        .map_err(|_| format!("`{text}` is not a price in USD per million tokens (e.g. 0.5)"))?;
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(format!("`{text}` is not a price: it must be zero or more"))
    }
}

/// The models `args` keeps, in the order it asks for.
fn select(args: &ListArgs) -> Result<Vec<&'static Model>, Failure> {
    let provider = match &args.provider {
        Some(id) => Some(catalog::provider(id).ok_or_else(|| {
            let names = catalog::providers()
                .iter()
                .flat_map(|p| std::iter::once(p.id).chain(p.namespace_aliases.iter().copied()));
            let hint = suggest::did_you_mean(&suggest::closest(id, names)).unwrap_or_else(|| {
                let ids: Vec<&str> = catalog::providers().iter().map(|p| p.id).collect();
                format!("known providers: {}", ids.join(", "))
            });
            Failure::input(format!("unknown provider `{id}`; {hint}")).coded("dangling-reference")
        })?),
        None => None,
    };
    let inputs: Vec<_> = args.inputs.iter().map(|i| i.modality()).collect();
    let mut models: Vec<&'static Model> = catalog::models()
        .iter()
        .filter(|m| provider.is_none_or(|p| m.provider == p.id))
        .filter(|m| args.kind.is_none_or(|k| m.kind == k.kind()))
        .filter(|m| inputs.iter().all(|i| m.input.contains(i)))
        .filter(|m| !args.reasoning || m.reasoning)
        .filter(|m| !args.tools || m.tool_call == Some(true))
        .filter(|m| {
            args.min_context
                .is_none_or(|n| m.context_window.is_some_and(|c| c >= n))
        })
        .filter(|m| {
            args.max_input_cost
                .is_none_or(|x| input_price(m).is_some_and(|p| p <= x))
        })
        .collect();
    if let Some(key) = args.sort {
        models.sort_by(|a, b| order(key, a, b).then_with(|| a.canonical_ref.cmp(b.canonical_ref)));
    }
    Ok(models)
}

/// The base input price (USD per million tokens).
fn input_price(m: &Model) -> Option<f64> {
    m.cost.as_ref().and_then(|c| c.input)
}

/// `a` before `b` for `key`; a model without the fact comes after one with it.
fn order(key: SortArg, a: &Model, b: &Model) -> Ordering {
    fn known_first<T>(a: Option<T>, b: Option<T>, cmp: impl Fn(T, T) -> Ordering) -> Ordering {
        match (a, b) {
            (Some(a), Some(b)) => cmp(a, b),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
    }
    match key {
        SortArg::Context => known_first(a.context_window, b.context_window, |a, b| b.cmp(&a)),
        SortArg::InputCost => known_first(input_price(a), input_price(b), |a, b| a.total_cmp(&b)),
        // `YYYY-MM-DD` and `YYYY-MM` order as text.
        SortArg::Released => known_first(a.release_date, b.release_date, |a, b| b.cmp(a)),
    }
}

/// The table's columns.
const COLUMNS: [&str; 10] = [
    "REF",
    "KIND",
    "INPUT",
    "CONTEXT",
    "MAX OUTPUT",
    "REASONING",
    "TOOLS",
    "USD/M IN/OUT",
    "PLANS",
    "NOTES",
];

/// How the table fits a terminal (indexes into [`COLUMNS`]): notes, plans, tools,
/// reasoning, input, max output, price, kind and context are left out in this order; the
/// ref is never wrapped.
const FIT: Fit<'static> = Fit {
    drop_order: &[9, 8, 6, 5, 2, 4, 7, 1, 3],
    whole: &[0],
};

pub fn run(args: ListArgs, view: &ConfigView) -> Outcome {
    let models = select(&args)?;
    if args.json {
        return print_json(&models.iter().map(|m| to_json(m, view)).collect::<Vec<_>>());
    }
    let mut t = table(COLUMNS);
    let mut marked = false;
    for m in &models {
        let mark = if view.default_of(m).is_some() {
            marked = true;
            " *"
        } else {
            ""
        };
        t.add_row([
            format!("{}{mark}", m.canonical_ref),
            m.kind.to_string(),
            join(m.input.iter().map(|i| i.as_str())),
            m.context_window
                .map(thousands)
                .unwrap_or_else(|| "-".into()),
            m.max_output_tokens
                .map(thousands)
                .unwrap_or_else(|| "-".into()),
            if m.reasoning { "yes" } else { "no" }.to_string(),
            yes_no(m.tool_call).to_string(),
            price_pair(m),
            plans_summary(m),
            m.notes.unwrap_or_default().to_string(),
        ]);
    }
    let fitted = print_fitted_table(t, FIT)?;
    if marked && let Some(path) = &view.path {
        fitted.print_paragraph(&format!("* the configured default ({path})"))?;
    }
    fitted.print_note("`models show REF` and `--json` have every fact")?;
    Ok(ExitCode::SUCCESS)
}

/// `yes`, `no`, or `-` when the catalog does not say.
pub fn yes_no(fact: Option<bool>) -> &'static str {
    match fact {
        Some(true) => "yes",
        Some(false) => "no",
        None => "-",
    }
}

/// `$0.40 / $2.40`: the base input and output prices, `-` for an unknown one.
fn price_pair(m: &Model) -> String {
    let Some(cost) = &m.cost else {
        return "-".into();
    };
    let one = |p: Option<f64>| p.map_or_else(|| "-".to_string(), usd);
    let tiered = if cost.tiers.is_empty() { "" } else { " +tiers" };
    format!("{} / {}{tiered}", one(cost.input), one(cost.output))
}

/// `standard, coding (may be rejected)`: the plans that serve the model, with the regions
/// where a plan serves it in only some.
fn plans_summary(m: &Model) -> String {
    join(m.availability.iter().filter_map(|a| {
        let regions = if a.regions.is_empty() {
            String::new()
        } else {
            format!(" in {}", a.regions.join("+"))
        };
        match a.status {
            AvailabilityStatus::Available => Some(format!("{}{regions}", a.plan)),
            AvailabilityStatus::MayBeRejected => {
                Some(format!("{}{regions} (may be rejected)", a.plan))
            }
            AvailabilityStatus::Unavailable => None,
        }
    }))
}

/// Items joined with `, `.
pub fn join<S: AsRef<str>>(items: impl Iterator<Item = S>) -> String {
    items
        .map(|s| s.as_ref().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_counts_take_suffixes_and_separators() {
        assert_eq!(parse_tokens("128000"), Ok(128_000));
        assert_eq!(parse_tokens("128_000"), Ok(128_000));
        assert_eq!(parse_tokens("128k"), Ok(128_000));
        assert_eq!(parse_tokens("1M"), Ok(1_000_000));
        assert!(parse_tokens("lots").is_err());
        assert!(parse_tokens("9999999m").is_err());
    }

    #[test]
    fn prices_are_non_negative_dollars() {
        assert_eq!(parse_price("$0.5"), Ok(0.5));
        assert_eq!(parse_price("2"), Ok(2.0));
        assert!(parse_price("-1").is_err());
        assert!(parse_price("cheap").is_err());
        assert!(parse_price("NaN").is_err());
    }
}
