//! Checks of model files: placement, kind-specific fields, limits, availability and
//! video media rules.

use std::collections::HashSet;

use super::{Parsed, Unchecked, report_duplicates};
use crate::diagnostic::{Report, Rule};
use crate::source::{ModelFile, ProviderFile, VideoSpec};
use crate::suggest;
use crate::vocab::{AvailabilityStatus, MediaField, ModelKind, Surface, VideoMode};

/// Checks every model against its provider.
pub fn check_all(
    providers: &[Parsed<ProviderFile>],
    models: &[Parsed<ModelFile>],
    unchecked: &Unchecked,
    report: &mut Report,
) {
    for m in models {
        if m.stem != m.value.id {
            report.push(
                m.error(
                    Rule::Layout,
                    "/id",
                    format!(
                        "model id `{}` does not match its file `models/{}.toml`",
                        m.value.id, m.stem
                    ),
                )
                .label("must equal the path under `models/` without `.toml`")
                .help(format!(
                    "rename the file to `{}.toml` or set `id = \"{}\"`",
                    m.value.id, m.stem
                )),
            );
        }
        match providers.iter().find(|p| p.folder == m.folder) {
            Some(p) => check_one(&p.value, m, unchecked.unlisted_plans.get(&m.file), report),
            // The provider file exists but is broken; its own errors say so.
            None if unchecked.providers.contains(&m.folder) => {}
            None => report.push(
                m.error(
                    Rule::Layout,
                    "",
                    format!("model file in `{}/`, which has no provider.toml", m.folder),
                )
                .help(format!(
                    "add `{}/provider.toml` or move the model into a provider folder",
                    m.folder
                )),
            ),
        }
    }
    for p in providers {
        let own: Vec<&Parsed<ModelFile>> = models.iter().filter(|m| m.folder == p.folder).collect();
        report_duplicates(
            own.iter()
                .map(|m| (m.value.id.as_str(), *m, "/id".to_string())),
            "model id",
            report,
        );
        check_wire_ids(&own, report);
    }
}

/// Two models of one provider must not send the same id on the wire (models sharing an id
/// are already reported as duplicates).
fn check_wire_ids(models: &[&Parsed<ModelFile>], report: &mut Report) {
    let mut first: std::collections::HashMap<&str, &Parsed<ModelFile>> = Default::default();
    for m in models {
        let v = &m.value;
        let wire = v.wire_id.as_deref().unwrap_or(&v.id);
        let pointer = |m: &Parsed<ModelFile>| {
            if m.value.wire_id.is_some() {
                "/wire_id"
            } else {
                "/id"
            }
        };
        match first.get(wire) {
            Some(other) if other.value.id != v.id => report.push(
                m.error(
                    Rule::DuplicateId,
                    pointer(m),
                    format!(
                        "wire id `{wire}` is also sent for `{}/{}`",
                        other.folder, other.value.id
                    ),
                )
                .label("two models would send the same `model`")
                .related(
                    &other.file,
                    other.span(pointer(other)),
                    "first defined here",
                )
                .help("give each model its own `wire_id`, or remove the duplicate model"),
            ),
            Some(_) => {}
            None => {
                first.insert(wire, m);
            }
        }
    }
}

fn check_one(
    provider: &ProviderFile,
    m: &Parsed<ModelFile>,
    unlisted: Option<&HashSet<String>>,
    report: &mut Report,
) {
    let v = &m.value;
    check_kind_fields(m, report);
    if let (Some(context), Some(output)) = (v.context_window, v.max_output_tokens)
        && output > context
    {
        report.push(
            m.error(
                Rule::OutputExceedsContext,
                "/max_output_tokens",
                format!("max_output_tokens ({output}) is larger than context_window ({context})"),
            )
            .label("cannot exceed the context window")
            .help("the output shares the context window with the prompt; lower max_output_tokens"),
        );
    }
    if v.thinking_by_default && !v.reasoning {
        report.push(
            m.error(
                Rule::InconsistentFlags,
                "/thinking_by_default",
                "a model that thinks by default must have `reasoning = true`",
            )
            .help("set `reasoning = true` or remove `thinking_by_default`"),
        );
    }
    for (i, alias) in v.aliases.iter().enumerate() {
        if !alias
            .split_once('/')
            .is_some_and(|(ns, id)| !ns.is_empty() && !id.is_empty())
        {
            report.push(
                m.error(
                    Rule::InvalidValue,
                    &format!("/aliases/{i}"),
                    format!("alias `{alias}` is not a `<namespace>/<id>` ref"),
                )
                .help(format!("write it as a ref, e.g. `{}/{alias}`", provider.id)),
            );
        }
    }
    for (i, dialect) in v.dialects.iter().enumerate() {
        if dialect.surface() != Surface::Chat || v.kind != ModelKind::Chat {
            report.push(
                m.error(
                    Rule::KindFields,
                    &format!("/dialects/{i}"),
                    format!("`{dialect}` is not a chat dialect, or this is not a chat model"),
                )
                .help("`dialects` lists the chat dialects a chat model can be called with (`openai-completions`, `anthropic-messages`)"),
            );
        }
    }
    check_availability(provider, m, unlisted, report);
    super::facts::check(provider, m, report);
    if let Some(video) = &v.video {
        check_media(m, video, report);
        check_parameters(m, video, report);
    }
}

fn check_kind_fields(m: &Parsed<ModelFile>, report: &mut Report) {
    let v = &m.value;
    let mut need = |present: bool, key: &str, why: &str| {
        if !present {
            report.push(
                m.error(
                    Rule::KindFields,
                    "/kind",
                    format!("a {} model needs `{key}`", v.kind),
                )
                .label(format!("kind is `{}`", v.kind))
                .help(format!("add `{key}`: {why}")),
            );
        }
    };
    match v.kind {
        ModelKind::Chat => {
            need(
                v.context_window.is_some(),
                "context_window",
                "the context window in tokens",
            );
            need(
                v.max_output_tokens.is_some(),
                "max_output_tokens",
                "the largest output per request",
            );
        }
        ModelKind::Video => need(
            v.video.is_some(),
            "video",
            "a `[video]` table with `mode` and `[video.media]`",
        ),
    }
    let forbid = |present: bool, key: &str| (present).then(|| key.to_string());
    let extra: Vec<String> = match v.kind {
        ModelKind::Chat => [forbid(v.video.is_some(), "video")]
            .into_iter()
            .flatten()
            .collect(),
        ModelKind::Video => [
            forbid(v.context_window.is_some(), "context_window"),
            forbid(v.max_output_tokens.is_some(), "max_output_tokens"),
            forbid(v.reasoning, "reasoning"),
            forbid(v.thinking_by_default, "thinking_by_default"),
        ]
        .into_iter()
        .flatten()
        .collect(),
    };
    for key in extra {
        report.push(
            m.key_error(
                Rule::KindFields,
                &format!("/{key}"),
                format!("`{key}` does not apply to a {} model", v.kind),
            )
            .label(format!("kind is `{}`", v.kind))
            .help(format!("remove `{key}`")),
        );
    }
}

fn check_availability(
    provider: &ProviderFile,
    m: &Parsed<ModelFile>,
    unlisted: Option<&HashSet<String>>,
    report: &mut Report,
) {
    let v = &m.value;
    let mut plans: Vec<&str> = provider.plans.iter().map(|p| p.id.as_str()).collect();
    plans.dedup();
    let surface = match v.kind {
        ModelKind::Chat => Surface::Chat,
        ModelKind::Video => Surface::Video,
    };
    // A model provcat cannot call is listed as its provider serves it: no endpoint needed.
    // A provider without endpoints is reported already (unless it is not callable).
    let callable = provider.not_callable.is_none()
        && v.not_callable.is_none()
        && !provider.endpoints.is_empty();
    for (plan, availability) in &v.availability {
        let pointer = crate::tree::push_token("/availability", plan);
        if !plans.contains(&plan.as_str()) {
            let help = suggest::did_you_mean(&suggest::closest(plan, plans.iter().copied()))
                .unwrap_or_else(|| format!("the plans of `{}` are {}", provider.id, quote(&plans)));
            report.push(
                m.key_error(
                    Rule::DanglingReference,
                    &pointer,
                    format!("unknown plan `{plan}`"),
                )
                .label("no plan with this id")
                .help(help),
            );
            continue;
        }
        if availability.status != AvailabilityStatus::Available && availability.reason.is_none() {
            report.push(
                m.error(
                    Rule::Availability,
                    &format!("{pointer}/status"),
                    format!(
                        "`{}` on plan `{plan}` needs a `reason`",
                        availability.status
                    ),
                )
                .help("add `reason = \"…\"` telling users why and what to use instead"),
            );
        }
        let serves = provider.endpoints.iter().any(|e| {
            e.plan == *plan
                && e.surfaces.iter().any(|s| {
                    s.kind == surface && (v.dialects.is_empty() || v.dialects.contains(&s.dialect))
                })
        });
        if availability.status != AvailabilityStatus::Unavailable
            && !serves
            && callable
            && super::providers::endpoints_sound(provider)
        {
            let needs = if v.dialects.is_empty() {
                format!("`{surface}`")
            } else {
                format!(
                    "`{surface}` in {}",
                    quote(&v.dialects.iter().map(|d| d.as_str()).collect::<Vec<_>>())
                )
            };
            report.push(
                m.error(
                    Rule::PlanCannotServe,
                    &format!("{pointer}/status"),
                    format!("plan `{plan}` has no endpoint serving {needs}, so it cannot serve this model"),
                )
                .help("mark it `unavailable` with a reason, or add such a surface to the plan's endpoints"),
            );
        }
    }
    let missing: Vec<&str> = plans
        .iter()
        .copied()
        .filter(|p| !v.availability.contains_key(*p))
        .filter(|p| unlisted.is_none_or(|u| !u.contains(*p)))
        .collect();
    if !missing.is_empty() {
        report.push(
            m.key_error(
                Rule::Availability,
                "/availability",
                format!(
                    "availability does not say whether plan(s) {} serve this model",
                    quote(&missing)
                ),
            )
            .help(format!(
                "add `[availability.{}]` with a `status`",
                missing[0]
            )),
        );
    }
}

fn check_media(m: &Parsed<ModelFile>, video: &VideoSpec, report: &mut Report) {
    let r = &video.media;
    let mut problem = |pointer: &str, message: String, help: &str| {
        report.push(
            m.error(Rule::MediaRules, pointer, message)
                .help(help.to_string()),
        );
    };
    let expected_field = match video.mode {
        VideoMode::T2v => &[MediaField::None][..],
        VideoMode::I2v => &[MediaField::ImgUrl][..],
        VideoMode::R2v => &[MediaField::ReferenceUrls, MediaField::Media][..],
    };
    if !expected_field.contains(&r.field) {
        problem(
            "/video/media/field",
            format!(
                "a `{}` model cannot carry media in `{}`",
                video.mode, r.field
            ),
            &format!(
                "use {}",
                quote(
                    &expected_field
                        .iter()
                        .map(|f| f.as_str())
                        .collect::<Vec<_>>()
                )
            ),
        );
    }
    match video.mode {
        VideoMode::T2v if r.min_items > 0 || r.max_items.is_some_and(|m| m > 0) => problem(
            "/video/media",
            "a text-to-video model takes no reference media".to_string(),
            "set `min_items = 0` and remove `max_items`",
        ),
        VideoMode::I2v if r.min_items != 1 || r.max_items != Some(1) => problem(
            "/video/media",
            "an image-to-video model takes exactly one image".to_string(),
            "set `min_items = 1` and `max_items = 1`",
        ),
        VideoMode::R2v if r.min_items == 0 => problem(
            "/video/media/min_items",
            "a reference-to-video model needs at least one reference".to_string(),
            "set `min_items = 1`",
        ),
        _ => {}
    }
    if let Some(max) = r.max_items {
        if r.min_items > max {
            problem(
                "/video/media/min_items",
                format!(
                    "min_items ({}) is larger than max_items ({max})",
                    r.min_items
                ),
                "lower min_items or raise max_items",
            );
        }
        for (key, limit) in [("max_images", r.max_images), ("max_videos", r.max_videos)] {
            if let Some(limit) = limit.filter(|l| *l > max) {
                problem(
                    &format!("/video/media/{key}"),
                    format!("{key} ({limit}) is larger than max_items ({max})"),
                    "a per-type limit cannot exceed the total",
                );
            }
        }
    }
}

/// The parameter lists of a video model: one way to state its durations, a range that is
/// one, and no value listed twice.
fn check_parameters(m: &Parsed<ModelFile>, video: &VideoSpec, report: &mut Report) {
    if !video.durations.is_empty() && video.duration_range.is_some() {
        report.push(
            m.error(
                Rule::InconsistentFlags,
                "/video/duration_range",
                "`durations` and `duration_range` both state the accepted durations".to_string(),
            )
            .help("keep one: a list of the accepted seconds, or a range"),
        );
    }
    if let Some(range) = video.duration_range
        && range.min > range.max
    {
        report.push(
            m.error(
                Rule::InvalidValue,
                "/video/duration_range",
                format!(
                    "`duration_range` goes from {} down to {}",
                    range.min, range.max
                ),
            )
            .help("`min` must not be larger than `max`"),
        );
    }
    let durations: Vec<String> = video.durations.iter().map(u32::to_string).collect();
    for (key, values) in [
        ("sizes", &video.sizes),
        ("resolutions", &video.resolutions),
        ("ratios", &video.ratios),
        ("durations", &durations),
    ] {
        for (i, value) in values.iter().enumerate() {
            if values[..i].contains(value) {
                report.push(
                    m.error(
                        Rule::DuplicateId,
                        &format!("/video/{key}/{i}"),
                        format!("`{value}` is listed twice in `{key}`"),
                    )
                    .help("remove the second one"),
                );
            }
        }
    }
}

fn quote(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
