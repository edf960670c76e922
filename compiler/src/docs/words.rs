//! How catalog values read in the generated pages: numbers with thousands separators,
//! vocabulary in words, media rules as a phrase, table cells made safe for Markdown.

use crate::source::{MediaRules, VideoSpec};
use crate::vocab::{AvailabilityStatus, Dialect, LifecycleStatus, MediaField, Surface, VideoMode};

/// `1000000` as `1,000,000`.
pub fn thousands(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A price or an amount in US dollars: `$0.40`, `$0.0288`, `$3.00` — at least two
/// decimals, more where they carry digits (up to six); an amount that is not zero but
/// shows as zero at six decimals reads `<$0.000001`.
pub fn usd(amount: f64) -> String {
    let fixed = format!("{amount:.6}");
    let trimmed = fixed.trim_end_matches('0');
    let decimals = trimmed.split_once('.').map_or(0, |(_, d)| d.len());
    if amount > 0.0
        && trimmed
            .trim_end_matches('.')
            .chars()
            .all(|c| c == '0' || c == '.')
    {
        return "<$0.000001".to_string();
    }
    format!("${amount:.prec$}", prec = decimals.max(2))
}

/// Items joined with `, `.
pub fn join<S: AsRef<str>>(items: impl Iterator<Item = S>) -> String {
    items
        .map(|s| s.as_ref().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Text made safe for one Markdown table cell: no line breaks, pipes escaped.
pub fn cell(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

/// A wire dialect in words.
pub fn api_label(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::OpenAiCompletions => "OpenAI-compatible chat completions",
        Dialect::AnthropicMessages => "Anthropic Messages",
        Dialect::DashscopeVideo => "DashScope video tasks",
    }
}

/// An API surface in words.
pub fn surface(s: Surface) -> &'static str {
    match s {
        Surface::Chat => "chat",
        Surface::Video => "video generation (native API)",
    }
}

/// An availability status in words.
pub fn availability(s: AvailabilityStatus) -> &'static str {
    match s {
        AvailabilityStatus::Available => "Available",
        AvailabilityStatus::MayBeRejected => "May be rejected",
        AvailabilityStatus::Unavailable => "Unavailable",
    }
}

/// A lifecycle status in words.
pub fn lifecycle(s: LifecycleStatus) -> &'static str {
    match s {
        LifecycleStatus::Active => "Active",
        LifecycleStatus::Alpha => "Alpha",
        LifecycleStatus::Beta => "Beta",
        LifecycleStatus::Preview => "Preview",
        LifecycleStatus::Deprecated => "Deprecated",
        LifecycleStatus::Retired => "Retired",
    }
}

/// A video mode in words.
pub fn video_mode(m: VideoMode) -> &'static str {
    match m {
        VideoMode::T2v => "text to video",
        VideoMode::I2v => "image to video",
        VideoMode::R2v => "reference to video",
    }
}

/// A video model's reference-media rules as one phrase:
/// "exactly 1 image in `img_url`; remote http(s) URLs only".
pub fn media(r: &MediaRules) -> String {
    if r.field == MediaField::None {
        return "none (text prompt only)".to_string();
    }
    let count = match (r.min_items, r.max_items) {
        (min, Some(max)) if max == min => format!("exactly {max}"),
        (0, Some(max)) => format!("up to {max}"),
        (min, Some(max)) => format!("{min} to {max}"),
        (0, None) => "any number of".to_string(),
        (min, None) => format!("at least {min}"),
    };
    let one = r.max_items.unwrap_or(r.min_items) == 1;
    let what = match (r.max_images, r.max_videos) {
        (_, Some(0)) => plural(one, "image", "images"),
        (Some(0), _) => plural(one, "video", "videos"),
        _ => plural(one, "image or video", "images or videos"),
    };
    let mut parts = vec![format!("{count} {what} in `{}`", r.field)];
    if let Some(n) = r.max_videos.filter(|n| *n > 0 && Some(*n) != r.max_items) {
        parts.push(format!(
            "at most {n} video{}",
            if n == 1 { "" } else { "s" }
        ));
    }
    if let Some(n) = r.max_images.filter(|n| *n > 0 && Some(*n) != r.max_items) {
        parts.push(format!(
            "at most {n} image{}",
            if n == 1 { "" } else { "s" }
        ));
    }
    if r.remote_urls_only {
        parts.push("remote http(s) URLs only".to_string());
    }
    parts.join("; ")
}

/// A video model's parameters as one phrase: "size `1280*720`, `720*1280`; duration 5, 10
/// or 15 s" ("none" when it takes none).
pub fn video_parameters(v: &VideoSpec) -> String {
    let mut parts = Vec::new();
    for (name, values) in [
        ("size", &v.sizes),
        ("resolution", &v.resolutions),
        ("ratio", &v.ratios),
    ] {
        if !values.is_empty() {
            parts.push(format!(
                "{name} {}",
                join(values.iter().map(|x| format!("`{x}`")))
            ));
        }
    }
    if let Some(r) = v.duration_range {
        parts.push(format!("duration {} to {} s", r.min, r.max));
    } else if !v.durations.is_empty() {
        parts.push(format!(
            "duration {} s",
            join(v.durations.iter().map(u32::to_string))
        ));
    }
    if parts.is_empty() {
        "none".to_string()
    } else {
        parts.join("; ")
    }
}

fn plural(one: bool, singular: &'static str, plural: &'static str) -> &'static str {
    if one { singular } else { plural }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_in_dollars() {
        assert_eq!(usd(0.4), "$0.40");
        assert_eq!(usd(3.0), "$3.00");
        assert_eq!(usd(0.0288), "$0.0288");
        assert_eq!(usd(0.0), "$0.00");
        assert_eq!(usd(0.000_000_4), "<$0.000001");
        assert_eq!(usd(12.345_678_9), "$12.345679");
    }

    fn rules(field: MediaField, min: u32, max: Option<u32>) -> MediaRules {
        MediaRules {
            field,
            min_items: min,
            max_items: max,
            max_images: None,
            max_videos: None,
            remote_urls_only: true,
        }
    }

    #[test]
    fn media_rules_in_words() {
        let mut i2v = rules(MediaField::ImgUrl, 1, Some(1));
        i2v.max_images = Some(1);
        i2v.max_videos = Some(0);
        assert_eq!(
            media(&i2v),
            "exactly 1 image in `img_url`; remote http(s) URLs only"
        );
        let mut r2v = rules(MediaField::ReferenceUrls, 1, Some(5));
        r2v.max_videos = Some(3);
        assert_eq!(
            media(&r2v),
            "1 to 5 images or videos in `reference_urls`; at most 3 videos; remote http(s) URLs only"
        );
        assert_eq!(
            media(&rules(MediaField::Media, 1, None)),
            "at least 1 image or video in `media`; remote http(s) URLs only"
        );
        // A minimum of 0 is no minimum: never "at least 0".
        assert_eq!(
            media(&rules(MediaField::Media, 0, None)),
            "any number of images or videos in `media`; remote http(s) URLs only"
        );
        assert_eq!(
            media(&rules(MediaField::Media, 0, Some(4))),
            "up to 4 images or videos in `media`; remote http(s) URLs only"
        );
        assert_eq!(
            media(&rules(MediaField::None, 0, None)),
            "none (text prompt only)"
        );
    }

    #[test]
    fn cells_stay_on_one_line() {
        assert_eq!(cell("a |\n b"), "a \\| b");
        assert_eq!(thousands(202_752), "202,752");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(thousands(999), "999");
    }
}
