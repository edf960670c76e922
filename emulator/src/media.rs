//! The Wan video models and the checks on a create body (`model`, `input`, `parameters`),
//! from `catalog/qwen/models/wan*.toml` and the wire facts.
//!
//! Checked in this order: body is an object; `model` is given and known (else "Model not
//! exist."); `input` is an object; `input.prompt` is a string when present and non-empty
//! for `wan2.6-t2v`; no media field of another mode; the model's own media field; then
//! `parameters` (an object when present; `duration` a positive integer, `resolution` `720P`
//! or `1080P`, `size` like `1280*720`, and for `wan2.7-r2v` `ratio` one of the five ratios).
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

/// Every video model with its media rule, sorted by id.
const MODELS: &[(&str, Media)] = &[
    ("wan2.6-i2v", Media::OneImage),
    ("wan2.6-r2v", Media::ReferenceUrls),
    ("wan2.6-r2v-flash", Media::ReferenceUrls),
    ("wan2.6-t2v", Media::None),
    ("wan2.7-r2v", Media::Typed),
];

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

/// The ratios `wan2.7-r2v` accepts.
const RATIOS: [&str; 5] = ["16:9", "9:16", "1:1", "4:3", "3:4"];

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
    let Some(&(_, media)) = MODELS.iter().find(|(id, _)| *id == model) else {
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
    parameters(body.get("parameters"), media == Media::Typed)
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

/// `parameters`: the few values whose shape the emulator checks.
fn parameters(value: Option<&Value>, ratios: bool) -> Result<Checked, String> {
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
        match duration.as_u64() {
            Some(d) if d > 0 => checked.duration = d,
            _ => return Err("parameters.duration must be a positive integer".into()),
        }
    }
    if let Some(resolution) = value.get("resolution") {
        match resolution.as_str() {
            Some("720P") => checked.sr = 720,
            Some("1080P") => checked.sr = 1080,
            _ => return Err("parameters.resolution must be 720P or 1080P".into()),
        }
    }
    if let Some(size) = value.get("size") {
        let parsed = size
            .as_str()
            .and_then(|s| s.split_once('*'))
            .and_then(|(w, h)| {
                Some((w.trim().parse::<u64>().ok()?, h.trim().parse::<u64>().ok()?))
            });
        match parsed {
            Some((w, h)) if w > 0 && h > 0 => checked.sr = w.min(h),
            _ => return Err("parameters.size must look like 1280*720".into()),
        }
    }
    if let Some(ratio) = value.get("ratio").filter(|_| ratios) {
        if !ratio.as_str().is_some_and(|r| RATIOS.contains(&r)) {
            return Err(format!(
                "parameters.ratio must be one of {}",
                RATIOS.join(", ")
            ));
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
    #[test]
    fn the_public_list_matches_the_rules() {
        let ids: Vec<&str> = super::MODELS.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, super::VIDEO_MODELS);
    }
}
