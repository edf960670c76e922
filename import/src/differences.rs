//! Family members that list one model with different facts (another price in China, a
//! lower output limit on a coding plan): provcat has one value per model, so the first
//! member's facts are kept and every difference of a later member becomes a report entry
//! naming the field and both values.

use crate::convert::Facts;
use crate::member::MemberModel;
use crate::report::{Entry, Kind, Report};
use crate::route::Route;

/// Reports every fact `other` (a later member) lists differently from `first`.
pub fn report(
    first_id: &str,
    first: &MemberModel,
    other_id: &str,
    other: &MemberModel,
    report: &mut Report,
) {
    let a = described(&first.facts);
    let b = described(&other.facts);
    for ((field, kept), (_, theirs)) in a.iter().zip(&b) {
        if kept != theirs {
            report.push(Entry {
                kind: Kind::Difference,
                provider: other_id.to_string(),
                model: Some(other.id.clone()),
                file: Some(other.file.clone()),
                line: None,
                column: None,
                field: Some(field.to_string()),
                message: format!("{other_id} says {theirs}; {first_id} says {kept}"),
                action: format!("kept {first_id}'s value: provcat has one value per model"),
            });
        }
    }
}

/// Each fact as (models.dev field, text), in a fixed order.
pub fn described(f: &Facts) -> Vec<(&'static str, String)> {
    let opt = |v: Option<f64>| v.map_or("none".to_string(), |v| v.to_string());
    let cost = f.cost.clone().unwrap_or_default();
    vec![
        ("name", f.name.clone()),
        ("family", format!("{:?}", f.family)),
        ("modalities.input", format!("{:?}", f.input)),
        ("modalities.output", format!("{:?}", f.output)),
        ("limit.context", f.context_window.to_string()),
        ("limit.output", f.max_output_tokens.to_string()),
        ("limit.input", format!("{:?}", f.input_limit)),
        ("cost.input", opt(cost.input)),
        ("cost.output", opt(cost.output)),
        ("cost.cache_read", opt(cost.cache_read)),
        ("cost.cache_write", opt(cost.cache_write)),
        ("cost.reasoning", opt(cost.reasoning)),
        ("cost.input_audio", opt(cost.input_audio)),
        ("cost.output_audio", opt(cost.output_audio)),
        ("cost.tiers", format!("{:?}", cost.tiers)),
        ("tool_call", format!("{:?}", f.tool_call)),
        ("structured_output", format!("{:?}", f.structured_output)),
        ("temperature", format!("{:?}", f.temperature)),
        ("attachment", format!("{:?}", f.attachment)),
        ("open_weights", format!("{:?}", f.open_weights)),
        ("knowledge", format!("{:?}", f.knowledge)),
        ("release_date", format!("{:?}", f.release_date)),
        ("last_updated", format!("{:?}", f.last_updated)),
        ("reasoning", f.reasoning.to_string()),
        ("reasoning_options", format!("{:?}", f.controls)),
        ("status", f.lifecycle.0.to_string()),
        (
            "provider",
            match &f.route {
                Route::Callable { dialect, .. } => format!("{dialect}"),
                Route::NotCallable(reason) => format!("not callable ({reason})"),
            },
        ),
    ]
}
