//! The Wan video models and the checks on a create body (`model`, `input`, `parameters`),
//! from `catalog/qwen/models/wan*.toml` and the wire facts.
//!
//! Checked in this order: body is an object; `model` is given and known (else "Model not
//! exist."); `input` is an object; `input.prompt` is a string when present and non-empty
//! for `wan2.6-t2v`; no media field of another mode; the model's own media field; then
//! `parameters` (an object when present; `duration`, `resolution`, `size` and `ratio` each
//! refused when the model does not take it, and each value one the model accepts: the
//! [`Parameters`] of its catalog file, which `tests/it` holds equal to the catalog).
//! Every URL must be remote http(s); a URL whose path ends in `.mp4`, `.mov` or `.webm`
//! counts as a video.

use serde_json::Value;

/// Where a model takes its media.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Media {
    /// t2v: no media at all.
    None,
    /// i2v: `input.img_url`, one image URL string.
    OneImage,
    /// 2.6 r2v: `input.reference_urls`, 1–5 URLs, at most 3 of them videos.
    ReferenceUrls,
    /// 2.7 r2v: `input.media`, ≥ 1 `{"type": "reference_image"|"reference_video", "url"}`.
    Typed,
}

/// What one video model takes in `parameters` (from its catalog file): a list left empty
/// is a parameter the model does not take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parameters {
    /// Accepted `size` values (`W*H`).
    pub sizes: &'static [&'static str],
    /// Accepted `resolution` values.
    pub resolutions: &'static [&'static str],
    /// Accepted `ratio` values.
    pub ratios: &'static [&'static str],
    /// Accepted `duration` values, when only these are.
    pub durations: &'static [u32],
    /// Accepted `duration` values as an inclusive range.
    pub duration_range: Option<(u32, u32)>,
}

/// The sizes of the 720P and 1080P tiers.
const SIZES: &[&str] = &[
    "1280*720",
    "720*1280",
    "960*960",
    "1088*832",
    "832*1088",
    "1920*1080",
    "1080*1920",
    "1440*1440",
    "1632*1248",
    "1248*1632",
];
const RESOLUTIONS: &[&str] = &["720P", "1080P"];
const NONE: &[&str] = &[];

/// Every video model with its media rule and parameters, sorted by id.
const MODELS: &[(&str, Media, Parameters)] = &[
    (
        "wan2.6-i2v",
        Media::OneImage,
        Parameters {
            sizes: NONE,
            resolutions: RESOLUTIONS,
            ratios: NONE,
            durations: &[5, 10, 15],
            duration_range: None,
        },
    ),
    (
        "wan2.6-r2v",
        Media::ReferenceUrls,
        Parameters {
            sizes: SIZES,
            resolutions: NONE,
            ratios: NONE,
            durations: &[5, 10],
            duration_range: None,
        },
    ),
    (
        "wan2.6-r2v-flash",
        Media::ReferenceUrls,
        Parameters {
            sizes: SIZES,
            resolutions: NONE,
            ratios: NONE,
            durations: &[5, 10],
            duration_range: None,
        },
    ),
    (
        "wan2.6-t2v",
        Media::None,
        Parameters {
            sizes: SIZES,
            resolutions: NONE,
            ratios: NONE,
            durations: &[5, 10, 15],
            duration_range: None,
        },
    ),
    (
        "wan2.7-r2v",
        Media::Typed,
        Parameters {
            sizes: NONE,
            resolutions: RESOLUTIONS,
            ratios: &["16:9", "9:16", "1:1", "4:3", "3:4"],
            durations: &[],
            duration_range: Some((2, 15)),
        },
    ),
];

/// The parameters video model `id` accepts, if the emulator serves it.
pub fn parameters_of(id: &str) -> Option<Parameters> {
    MODELS.iter().find(|(m, _, _)| *m == id).map(|(_, _, p)| *p)
}

/// The ids of the Wan video models the emulator serves, sorted.
pub const VIDEO_MODELS: &[&str] = &[
    "wan2.6-i2v",
    "wan2.6-r2v",
    "wan2.6-r2v-flash",
    "wan2.6-t2v",
    "wan2.7-r2v",
];

/// The media fields, with the rule that owns each.
const FIELDS: [(&str, Media); 3] = [
    ("img_url", Media::OneImage),
    ("reference_urls", Media::ReferenceUrls),
    ("media", Media::Typed),
];

/// At most this many `reference_urls`, and at most this many of them videos.
const MAX_REFERENCES: usize = 5;
const MAX_REFERENCE_VIDEOS: usize = 3;

/// What a valid create body asks for (used by the task's `usage`).
pub(crate) struct Checked {
    /// `parameters.duration`, or 5.
    pub duration: u64,
    /// The short side of the video: 1080 for `1080P`, `min(w, h)` of `size`, else 720.
    pub sr: u64,
}

/// Checks a create body; `Err` holds the `InvalidParameter` message.
pub(crate) fn check(body: &Value) -> Result<Checked, String> {
    if !body.is_object() {
        return Err("The request body must be a JSON object.".into());
    }
    let Some(model) = body.get("model").and_then(Value::as_str) else {
        return Err("Field required: model".into());
    };
    let Some(&(_, media, accepted)) = MODELS.iter().find(|(id, _, _)| *id == model) else {
        return Err("Model not exist.".into());
    };
    let Some(input) = body.get("input").filter(|i| i.is_object()) else {
        return Err("Field required: input (an object)".into());
    };
    match input.get("prompt") {
        Some(Value::String(p)) if !p.trim().is_empty() => {}
        None | Some(Value::String(_)) if media != Media::None => {}
        Some(Value::String(_)) | None => return Err("Field required: input.prompt".into()),
        Some(_) => return Err("input.prompt must be a string".into()),
    }
    for (field, owner) in FIELDS {
        if owner != media && input.get(field).is_some() {
            return Err(format!(
                "input.{field} is not supported by the model {model}"
            ));
        }
    }
    match media {
        Media::None => {}
        Media::OneImage => one_image(input.get("img_url"))?,
        Media::ReferenceUrls => reference_urls(input.get("reference_urls"))?,
        Media::Typed => typed(input.get("media"))?,
    }
    parameters(body.get("parameters"), model, &accepted)
}

/// `input.img_url`: exactly one image URL, as a string.
fn one_image(value: Option<&Value>) -> Result<(), String> {
    let url = match value {
        None => return Err("Field required: input.img_url".into()),
        Some(Value::String(url)) => url,
        Some(_) => return Err("input.img_url must be one image URL (a string)".into()),
    };
    remote("input.img_url", url)?;
    if is_video(url) {
        return Err("input.img_url must be an image, not a video".into());
    }
    Ok(())
}

/// `input.reference_urls`: 1–5 URL strings, at most 3 of them videos.
fn reference_urls(value: Option<&Value>) -> Result<(), String> {
    let Some(value) = value else {
        return Err("Field required: input.reference_urls".into());
    };
    let Some(urls) = value.as_array() else {
        return Err("input.reference_urls must be an array of URLs".into());
    };
    if urls.is_empty() || urls.len() > MAX_REFERENCES {
        return Err(format!(
            "input.reference_urls takes 1 to {MAX_REFERENCES} URLs, got {}",
            urls.len()
        ));
    }
    let mut videos = 0;
    for (i, url) in urls.iter().enumerate() {
        let Some(url) = url.as_str() else {
            return Err(format!("input.reference_urls[{i}] must be a URL string"));
        };
        remote(&format!("input.reference_urls[{i}]"), url)?;
        videos += usize::from(is_video(url));
    }
    if videos > MAX_REFERENCE_VIDEOS {
        return Err(format!(
            "input.reference_urls holds {videos} videos; at most {MAX_REFERENCE_VIDEOS} are allowed"
        ));
    }
    Ok(())
}

/// `input.media`: ≥ 1 typed references.
fn typed(value: Option<&Value>) -> Result<(), String> {
    let Some(value) = value else {
        return Err("Field required: input.media".into());
    };
    let items = match value.as_array() {
        Some(items) if !items.is_empty() => items,
        _ => return Err("input.media must be a non-empty array".into()),
    };
    for (i, item) in items.iter().enumerate() {
        match item.get("type").and_then(Value::as_str) {
            Some("reference_image" | "reference_video") => {}
            _ => {
                return Err(format!(
                    "input.media[{i}].type must be reference_image or reference_video"
                ));
            }
        }
        let Some(url) = item.get("url").and_then(Value::as_str) else {
            return Err(format!("Field required: input.media[{i}].url (a string)"));
        };
        remote(&format!("input.media[{i}].url"), url)?;
    }
    Ok(())
}

/// `parameters`: each of `size`, `resolution`, `ratio` and `duration` must be one the model
/// takes, with a value it accepts (as the real service answers 400 `InvalidParameter`).
fn parameters(
    value: Option<&Value>,
    model: &str,
    accepted: &Parameters,
) -> Result<Checked, String> {
    let mut checked = Checked {
        duration: 5,
        sr: 720,
    };
    let Some(value) = value else {
        return Ok(checked);
    };
    if !value.is_object() {
        return Err("parameters must be an object".into());
    }
    if let Some(duration) = value.get("duration") {
        let takes = !accepted.durations.is_empty() || accepted.duration_range.is_some();
        if !takes {
            return Err(format!(
                "parameters.duration is not supported by the model {model}"
            ));
        }
        let ok = |d: u64| {
            u32::try_from(d).is_ok_and(|d| {
                accepted.durations.contains(&d)
                    || accepted
                        .duration_range
                        .is_some_and(|(min, max)| (min..=max).contains(&d))
            })
        };
        match duration.as_u64() {
            Some(d) if ok(d) => checked.duration = d,
            _ => {
                return Err(format!(
                    "parameters.duration {duration} is not supported by the model {model}"
                ));
            }
        }
    }
    for (name, values) in [
        ("resolution", accepted.resolutions),
        ("size", accepted.sizes),
        ("ratio", accepted.ratios),
    ] {
        let Some(given) = value.get(name) else {
            continue;
        };
        if values.is_empty() {
            return Err(format!(
                "parameters.{name} is not supported by the model {model}"
            ));
        }
        let Some(given) = given.as_str().filter(|g| values.contains(g)) else {
            return Err(format!(
                "parameters.{name} must be one of {}",
                values.join(", ")
            ));
        };
        match name {
            "resolution" => checked.sr = if given == "1080P" { 1080 } else { 720 },
            "size" => {
                checked.sr = given
                    .split_once('*')
                    .and_then(|(w, h)| Some(w.parse::<u64>().ok()?.min(h.parse().ok()?)))
                    .unwrap_or(720);
            }
            _ => {}
        }
    }
    Ok(checked)
}

/// `Err` unless `url` is a remote http(s) URL.
fn remote(field: &str, url: &str) -> Result<(), String> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        ""
    };
    if rest.is_empty() {
        let shown: String = url.chars().take(60).collect();
        let more = if shown.len() < url.len() { "…" } else { "" };
        return Err(format!(
            "{field} must be a remote http(s) URL, not `{shown}{more}`"
        ));
    }
    Ok(())
}

/// The URL's path ends in a video extension.
fn is_video(url: &str) -> bool {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .to_ascii_lowercase();
    [".mp4", ".mov", ".webm"]
        .iter()
        .any(|ext| path.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn parameters_outside_the_model_s_lists_are_invalid() {
        let t2v = |parameters| json!({"model": "wan2.6-t2v", "input": {"prompt": "p"}, "parameters": parameters});
        assert!(super::check(&t2v(json!({"size": "1920*1080", "duration": 10}))).is_ok());
        for (parameters, message) in [
            (
                json!({"duration": 100}),
                "parameters.duration 100 is not supported",
            ),
            (
                json!({"size": "99999*1"}),
                "parameters.size must be one of 1280*720",
            ),
            (
                json!({"resolution": "720P"}),
                "parameters.resolution is not supported by the model wan2.6-t2v",
            ),
            (
                json!({"ratio": "16:9"}),
                "parameters.ratio is not supported",
            ),
        ] {
            let error = super::check(&t2v(parameters.clone()))
                .err()
                .unwrap_or_default();
            assert!(error.contains(message), "{parameters}: {error}");
        }
        let r27 = |parameters| json!({"model": "wan2.7-r2v", "input": {"prompt": "p", "media": [{"type": "reference_image", "url": "https://x.example/a.png"}]}, "parameters": parameters});
        assert!(
            super::check(&r27(
                json!({"duration": 2, "resolution": "1080P", "ratio": "1:1"})
            ))
            .is_ok()
        );
        assert!(super::check(&r27(json!({"duration": 16}))).is_err());
        assert!(super::check(&r27(json!({"size": "1280*720"}))).is_err());
    }

    #[test]
    fn the_public_list_matches_the_rules() {
        let ids: Vec<&str> = super::MODELS.iter().map(|(id, _, _)| *id).collect();
        assert_eq!(ids, super::VIDEO_MODELS);
    }
}
