//! Video requests: what the user asked for, checked against the model's mode and media
//! rules from the catalog (how many references, images and videos; remote URLs only or
//! not; resolutions, ratios) before anything is uploaded or sent. The task body itself is
//! the dialect's ([`crate::dialect`]).

use crate::catalog::{MediaField, Model, VideoMode};

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
    if request.size.is_some() && spec.mode != VideoMode::T2v {
        return fail(format!(
            "--size is for text-to-video; {} takes --resolution",
            model.canonical_ref
        ));
    }
    if let Some(size) = &request.size {
        let ok = size
            .split_once('*')
            .is_some_and(|(w, h)| w.parse::<u32>().is_ok() && h.parse::<u32>().is_ok());
        if !ok {
            return fail(format!(
                "--size `{size}` is not WIDTH*HEIGHT (e.g. 1280*720)"
            ));
        }
    }
    if let Some(resolution) = &request.resolution {
        if spec.mode == VideoMode::T2v {
            return fail("--resolution is not for text-to-video; use --size W*H".to_string());
        }
        if !spec.resolutions.is_empty() && !spec.resolutions.contains(&resolution.as_str()) {
            return fail(format!(
                "--resolution `{resolution}` is not one of {}",
                spec.resolutions.join(", ")
            ));
        }
    }
    if let Some(ratio) = &request.ratio
        && !spec.ratios.contains(&ratio.as_str())
    {
        return fail(if spec.ratios.is_empty() {
            format!("{} takes no --ratio", model.canonical_ref)
        } else {
            format!("--ratio `{ratio}` is not one of {}", spec.ratios.join(", "))
        });
    }
    if request.duration == Some(0) {
        return fail("--duration must be at least 1 second".to_string());
    }
    Ok(())
}
