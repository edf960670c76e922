//! `dashscope-video`: DashScope's asynchronous video task API (Wan models), below the
//! native API root the target's base URL names.
//!
//! | step | request |
//! |---|---|
//! | create | `POST {root}/api/v1/services/aigc/video-generation/video-synthesis`, `X-DashScope-Async: enable`, Bearer key; answers `output.task_id` |
//! | poll | `GET {root}/api/v1/tasks/{id}`; answers `output.task_status` and, once `SUCCEEDED`, `output.video_url` (or `output.results[].video_url`) |
//! | cancel | `POST {root}/api/v1/tasks/{id}/cancel` (only while `PENDING`) |
//!
//! The task body is `{model, input, parameters}`: `input.prompt` (and
//! `negative_prompt`), and the reference media in the field the model's media rules name
//! (`img_url`: one image; `reference_urls`: a list; `media`: `{type, url}` items,
//! `reference_image` or `reference_video` by the URL's extension); `parameters` holds
//! `size`, `resolution`, `ratio`, `duration` and `seed` when given. Errors come in the
//! flat shape (`{code, message, request_id}`), rate limits in the envelope; a `FAILED`
//! task carries `output.code` and `output.message`.

use reqwest::Method;
use serde_json::{Map, Value, json};

use crate::catalog::{ErrorKind, MediaField};
use crate::client::ClientError;
use crate::client::video::TaskStatus;
use crate::resolve::Target;
use crate::video::{VideoRequest, is_video_url};

use super::TaskCall;

/// The create path below the root.
const CREATE: &str = "/api/v1/services/aigc/video-generation/video-synthesis";
/// The task paths below the root.
const TASKS: &str = "/api/v1/tasks";
/// The header that makes a create asynchronous.
const ASYNC: (&str, &str) = ("x-dashscope-async", "enable");

fn root(target: &Target) -> &str {
    target.base_url.trim_end_matches('/')
}

/// The create request for `request` (already validated against the model's media rules).
pub fn create(target: &Target, request: &VideoRequest) -> Result<TaskCall, ClientError> {
    let field = target
        .model
        .and_then(|m| m.video.as_ref())
        .map(|v| v.media.field)
        .ok_or_else(|| {
            ClientError::Invalid(format!(
                "{} is not a catalog video model; video tasks need one",
                target.canonical_ref
            ))
        })?;
    Ok(TaskCall {
        method: Method::POST,
        url: format!("{}{CREATE}", root(target)),
        body: Some(body(&target.wire_id, field, request)),
        headers: &[ASYNC],
    })
}

/// The poll request of task `id` (a checked path segment).
pub fn poll(target: &Target, id: &str) -> TaskCall {
    TaskCall {
        method: Method::GET,
        url: format!("{}{TASKS}/{id}", root(target)),
        body: None,
        headers: &[],
    }
}

/// The cancel request of task `id` (a checked path segment).
pub fn cancel(target: &Target, id: &str) -> TaskCall {
    TaskCall {
        method: Method::POST,
        url: format!("{}{TASKS}/{id}/cancel", root(target)),
        body: None,
        headers: &[],
    }
}

/// The task body for `request` to the model `wire_id` whose media go in `field`.
pub fn body(wire_id: &str, field: MediaField, request: &VideoRequest) -> Value {
    let mut input = Map::new();
    input.insert("prompt".into(), json!(request.prompt));
    if let Some(negative) = &request.negative_prompt {
        input.insert("negative_prompt".into(), json!(negative));
    }
    match field {
        MediaField::ImgUrl => {
            input.insert("img_url".into(), json!(request.image));
        }
        MediaField::ReferenceUrls => {
            input.insert("reference_urls".into(), json!(request.references));
        }
        MediaField::Media => {
            let items: Vec<Value> = request
                .references
                .iter()
                .map(|url| {
                    let kind = if is_video_url(url) {
                        "reference_video"
                    } else {
                        "reference_image"
                    };
                    json!({ "type": kind, "url": url })
                })
                .collect();
            input.insert("media".into(), Value::Array(items));
        }
        MediaField::None => {}
    }
    let mut parameters = Map::new();
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(v) = value {
            parameters.insert(key.into(), v);
        }
    };
    put("size", request.size.as_ref().map(|v| json!(v)));
    put("resolution", request.resolution.as_ref().map(|v| json!(v)));
    put("ratio", request.ratio.as_ref().map(|v| json!(v)));
    put("duration", request.duration.map(|v| json!(v)));
    put("seed", request.seed.map(|v| json!(v)));
    json!({ "model": wire_id, "input": input, "parameters": parameters })
}

/// The id of the task a create answered.
pub fn created(json: &Value) -> Result<String, ClientError> {
    json["output"]["task_id"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| {
            ClientError::Protocol(format!(
                "no task id in the answer: {}",
                crate::client::error::quote(&json.to_string())
            ))
        })
}

/// The state a poll answered about task `id`.
pub fn status(id: &str, json: &Value) -> TaskStatus {
    let output = &json["output"];
    let text = |v: &Value| v.as_str().map(str::to_string);
    let video_url = text(&output["video_url"])
        .or_else(|| text(&output["results"][0]["video_url"]))
        .or_else(|| text(&output["results"]["video_url"]));
    TaskStatus {
        task_id: text(&output["task_id"]).unwrap_or_else(|| id.to_string()),
        status: text(&output["task_status"]).unwrap_or_else(|| "UNKNOWN".to_string()),
        video_url,
        usage: json.get("usage").filter(|u| !u.is_null()).cloned(),
        code: text(&output["code"]),
        message: text(&output["message"]),
    }
}

/// The native API's own error codes.
pub fn classify(code: Option<&str>) -> Option<ErrorKind> {
    Some(match code? {
        "InvalidApiKey" => ErrorKind::BadKey,
        "Throttling" | "Throttling.RateQuota" => ErrorKind::RateLimit,
        "Throttling.AllocationQuota" => ErrorKind::Quota,
        "Arrearage" => ErrorKind::Billing,
        "DataInspectionFailed" => ErrorKind::Moderation,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_video_url_is_read_from_either_place_and_failures_keep_their_code() {
        let flat = json!({"output": {"task_id": "t1", "task_status": "SUCCEEDED", "video_url": "https://v/1.mp4"}, "usage": {"duration": 5}});
        let s = status("t0", &flat);
        assert_eq!((s.task_id.as_str(), s.status.as_str()), ("t1", "SUCCEEDED"));
        assert_eq!(s.video_url.as_deref(), Some("https://v/1.mp4"));
        assert_eq!(s.usage, Some(json!({"duration": 5})));
        let listed = json!({"output": {"task_status": "SUCCEEDED", "results": [{"video_url": "https://v/2.mp4"}]}});
        let s = status("t2", &listed);
        assert_eq!(
            (s.task_id.as_str(), s.video_url.as_deref()),
            ("t2", Some("https://v/2.mp4"))
        );
        let failed = json!({"output": {"task_status": "FAILED", "code": "InvalidParameter", "message": "bad"}, "usage": null});
        let s = status("t3", &failed);
        assert_eq!(
            (s.code.as_deref(), s.message.as_deref(), s.usage),
            (Some("InvalidParameter"), Some("bad"), None)
        );
        assert_eq!(status("t4", &json!({})).status, "UNKNOWN");
        assert!(created(&json!({"output": {}})).is_err());
        assert_eq!(
            created(&json!({"output": {"task_id": "t5"}})).unwrap(),
            "t5"
        );
    }

    #[test]
    fn media_go_in_the_field_the_model_names() {
        let request = VideoRequest {
            prompt: "p".into(),
            references: vec!["https://a/x.png".into(), "https://a/y.MP4?sig=1".into()],
            duration: Some(5),
            ..VideoRequest::default()
        };
        let b = body("wan-x", MediaField::Media, &request);
        assert_eq!(b["model"], "wan-x");
        assert_eq!(b["input"]["media"][0]["type"], "reference_image");
        assert_eq!(b["input"]["media"][1]["type"], "reference_video");
        assert_eq!(b["parameters"], json!({"duration": 5}));
        let b = body("wan-y", MediaField::ReferenceUrls, &request);
        assert_eq!(b["input"]["reference_urls"][1], "https://a/y.MP4?sig=1");
        assert!(
            body("wan-z", MediaField::None, &request)["input"]
                .get("media")
                .is_none()
        );
    }
}
