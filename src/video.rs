//! Video requests: what the user asked for, checked against the model's mode and media
//! rules from the catalog (how many references, images and videos; remote URLs only or
//! not) and its parameters (the sizes, resolutions, ratios and durations it accepts; a
//! parameter the catalog lists no values for is one the model does not take) before
//! anything is uploaded or sent. The task body itself is
//! the dialect's ([`crate::dialect`]).

use crate::catalog::{MediaField, Model, or_list};

/// What to generate.
#[derive(Clone, Debug, Default)]
pub struct VideoRequest {
    /// The prompt (r2v prompts refer to references as `character1`, `character2`, …).
    pub prompt: String,
    /// What to avoid.
    pub negative_prompt: Option<String>,
    /// The image of an i2v request.
    pub image: Option<String>,
    /// The references of an r2v request, in order.
    pub references: Vec<String>,
    /// `W*H` (t2v).
    pub size: Option<String>,
    /// `720P` / `1080P`.
    pub resolution: Option<String>,
    /// Aspect ratio (`16:9`, …).
    pub ratio: Option<String>,
    /// Seconds of video.
    pub duration: Option<u32>,
    /// Random seed.
    pub seed: Option<u64>,
}

/// Why a request cannot be sent; every one is found before any request.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

/// The file extensions taken for videos among references.
const VIDEO_EXTENSIONS: &[&str] = &[".mp4", ".mov", ".webm", ".avi", ".mkv"];

/// Whether `url` names a video (by its path's extension).
pub fn is_video_url(url: &str) -> bool {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .to_ascii_lowercase();
    VIDEO_EXTENSIONS.iter().any(|e| path.ends_with(e))
}

/// Checks `request` against `model`'s mode and media rules.
pub fn validate(model: &Model, request: &VideoRequest) -> Result<(), Invalid> {
    let Some(spec) = &model.video else {
        return Err(Invalid(format!(
            "{} is not a video model",
            model.canonical_ref
        )));
    };
    let fail = |m: String| Err(Invalid(m));
    if request.prompt.trim().is_empty() {
        return fail("the prompt is empty: pass --prompt TEXT".to_string());
    }
    let media: Vec<&str> = request
        .image
        .iter()
        .chain(request.references.iter())
        .map(String::as_str)
        .collect();
    let rules = &spec.media;
    for url in &media {
        let remote = url.starts_with("https://") || url.starts_with("http://");
        if rules.remote_urls_only && !remote {
            return fail(format!(
                "`{url}` is not a remote http(s) URL. {} requires remote http(s) URLs for images and videos: local files are rejected before upload because its endpoint does not accept local-buffer reference assets. Upload the file somewhere reachable (object storage, a web server) and pass its URL",
                model.canonical_ref
            ));
        }
        if !remote && !url.starts_with("data:") {
            return fail(format!(
                "`{url}` is not a URL; {} takes media as http(s) or data: URLs",
                model.canonical_ref
            ));
        }
    }
    match rules.field {
        MediaField::None if !media.is_empty() => {
            return fail(format!(
                "{} ({}) takes no image or reference; use an i2v or r2v model",
                model.canonical_ref, spec.mode
            ));
        }
        MediaField::ImgUrl => {
            if request.image.is_none() || !request.references.is_empty() {
                return fail(format!(
                    "{} (image-to-video) takes exactly one image: pass --image URL (and no --reference)",
                    model.canonical_ref
                ));
            }
        }
        MediaField::ReferenceUrls | MediaField::Media => {
            if request.image.is_some() {
                return fail(format!(
                    "{} (reference-to-video) takes references: pass --reference URL (1 or more), not --image",
                    model.canonical_ref
                ));
            }
            let n = request.references.len() as u32;
            if n < rules.min_items || rules.max_items.is_some_and(|max| n > max) {
                let range = match rules.max_items {
                    Some(max) => format!("{} to {max}", rules.min_items),
                    None => format!("at least {}", rules.min_items),
                };
                return fail(format!(
                    "{} takes {range} references (--reference URL); {n} given",
                    model.canonical_ref
                ));
            }
            let videos = request
                .references
                .iter()
                .filter(|u| is_video_url(u))
                .count() as u32;
            let images = n - videos;
            for (what, count, max) in [
                ("video", videos, rules.max_videos),
                ("image", images, rules.max_images),
            ] {
                if let Some(max) = max
                    && count > max
                {
                    return fail(format!(
                        "{} takes at most {max} {what} references; {count} given",
                        model.canonical_ref
                    ));
                }
            }
        }
        MediaField::None => {}
    }
    let name = model.canonical_ref;
    for (flag, given, accepted, other) in [
        ("--size", &request.size, spec.sizes, "--resolution"),
        (
            "--resolution",
            &request.resolution,
            spec.resolutions,
            "--size",
        ),
        ("--ratio", &request.ratio, spec.ratios, ""),
    ] {
        let Some(given) = given else { continue };
        if accepted.is_empty() {
            let instead = match other {
                "--resolution" if !spec.resolutions.is_empty() => {
                    format!("; it takes --resolution {}", choices(spec.resolutions))
                }
                "--size" if !spec.sizes.is_empty() => {
                    format!("; it takes --size {}", choices(spec.sizes))
                }
                _ => String::new(),
            };
            return fail(format!("{name} takes no {flag}{instead}"));
        }
        if !accepted.contains(&given.as_str()) {
            return fail(format!(
                "{name} accepts {flag} {}; `{given}` is not one of them",
                choices(accepted)
            ));
        }
    }
    if let Some(seconds) = request.duration {
        if !spec.takes_duration() {
            return fail(format!("{name} takes no --duration"));
        }
        if !spec.accepts_duration(seconds) {
            return fail(format!(
                "{name} accepts {} (--duration); {seconds} is not one of them",
                spec.durations_text()
            ));
        }
    }
    Ok(())
}

/// The accepted values of a parameter in words: "720P or 1080P".
fn choices(values: &[&str]) -> String {
    or_list(&values.iter().map(|v| v.to_string()).collect::<Vec<_>>())
}
