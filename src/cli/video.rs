//! `provcat video generate|status|cancel`: Wan video tasks that are never lost.
//!
//! The task id is printed (stderr, and in `--json`) the moment the task exists, before any
//! polling; `video status ID --wait` resumes a task from any earlier run; Ctrl-C or SIGTERM
//! stops waiting and says how to resume, without cancelling, and stops a download without
//! leaving its temporary file ([`super::signals`]). `--output` is checked before any
//! request (its folder exists and takes files, it is not a folder, an existing file is
//! replaced only with `--force`). `--timeout` bounds the wait for a running task, a poll in
//! flight included; polls that cannot connect at all give up sooner, after 30 seconds
//! without a connection ([`super::video_poll`]), naming the URL that failed. Exit codes:
//! 0 succeeded (or created, with `--no-wait`); 1 network or server failure (polls that
//! could not connect included), or a failed download; 2 a request that cannot work (media rules, a local file, a
//! plan that does not serve video, an unusable `--output`); 3 refused key or billing; 4
//! still rate-limited; 5 the task FAILED; 6 CANCELED; 7 UNKNOWN (expired or unknown id);
//! 8 still running (or a poll still unanswered) when `--timeout` ran out; 130 interrupted
//! (Ctrl-C); 143 terminated (SIGTERM).

use std::process::ExitCode;
use std::time::{Duration, Instant};

use provcat::atomic::{FileError, check_target};
use provcat::catalog::{self, AvailabilityStatus, ModelKind};
use provcat::client::{Client, ClientError, TaskStatus, advice::advice};
use provcat::escape;
use provcat::resolve::{self, Request, Target};
use provcat::video::{self, VideoRequest};

use super::context::Context;
use super::json_error::ErrorJson;
use super::output::{exit_code, print_json, print_stdout};
use super::progress::Progress;
use super::signals::{Signals, Stop};
pub use super::video_args::VideoCommand;
use super::video_args::{Common, Download, GenerateArgs, StatusArgs};
use super::video_json::{TaskJson, stop_code, task_error};
use super::video_poll::{self, Pace, Waited};
use super::{Failure, Outcome};

/// The fastest polling allowed: DashScope allows 20 task requests per second.
const MIN_POLL: Duration = Duration::from_millis(50);

/// `--poll-interval`, at most an hour, and never faster than `polls_per_second` (the
/// endpoint's documented rate; [`MIN_POLL`] when the catalog states none).
fn poll_interval(secs: f64, polls_per_second: Option<u32>) -> Result<Duration, Failure> {
    let floor = polls_per_second
        .filter(|r| *r > 0)
        .map_or(MIN_POLL, |r| Duration::from_secs(1) / r);
    match Duration::try_from_secs_f64(secs) {
        Ok(d) if d <= Duration::from_secs(3600) => Ok(d.max(floor)),
        _ => Err(Failure::input(format!(
            "--poll-interval {secs}: give a number of seconds from {} to 3600",
            floor.as_secs_f64()
        ))),
    }
}

pub fn run(command: VideoCommand, context: &Context) -> Outcome {
    let common = command.common();
    let json = command.json();
    let params = match &command {
        VideoCommand::Generate(args) => Some(video_request(args)),
        _ => None,
    };
    let target = target(common, json, context, params.as_ref())?;
    let (poll, timeout, unreachable) = match command.polling() {
        Some(p) => (
            poll_interval(p.poll_interval, target.polls_per_second)?,
            Duration::from_secs(p.timeout),
            video_poll::window(p.unreachable_window).ok_or_else(|| {
                Failure::input("--unreachable-window: give a number of seconds up to 3600")
            })?,
        ),
        None => (MIN_POLL, Duration::ZERO, video_poll::UNREACHABLE_WINDOW),
    };
    let client = Client::new(common.requests.client_options())
        .map_err(|e| Failure::runtime(e.to_string()))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::runtime(format!("cannot start the async runtime: {e}")))?;
    let mut signals = Signals::install(&runtime)
        .map_err(|e| Failure::runtime(format!("cannot handle Ctrl-C and SIGTERM: {e}")))?;
    let session = Session {
        client,
        target,
        runtime,
        json,
        poll,
        timeout,
        unreachable,
    };
    match command {
        VideoCommand::Generate(args) => session.generate(&args, &mut signals),
        VideoCommand::Status(args) => session.status(&args, &mut signals),
        VideoCommand::Cancel(args) => session.cancel(&args.task_id, &mut signals),
    }
}

/// Refuses an `--output` that cannot be written (exit 2): checked before any request, so a
/// paid task never ends with nowhere to put its video.
fn check_output(download: &Download) -> Result<(), Failure> {
    let Some(path) = &download.output else {
        return Ok(());
    };
    check_target(path, download.force).map_err(|e| {
        Failure::input(match e {
            FileError::Exists { .. } => {
                format!("--output: {e}; pass --force to replace it, or choose another name")
            }
            e => format!("--output: {e}"),
        })
    })
}

/// The parameters of `video generate` as a request.
fn video_request(args: &GenerateArgs) -> VideoRequest {
    VideoRequest {
        prompt: args.prompt.clone(),
        negative_prompt: args.negative_prompt.clone(),
        image: args.image.clone(),
        references: args.references.clone(),
        size: args.size.clone(),
        resolution: args.resolution.clone(),
        ratio: args.ratio.clone(),
        duration: args.duration,
        seed: args.seed,
    }
}

/// Resolves the video model and refuses what cannot make video: an auth choice whose plan
/// does not serve it (resolution already says so) or a key of such a plan (by its prefix).
/// When the model resolves no further than the catalog (no auth choice yet), `params` are
/// still checked against it first: a wrong `--duration` is what the user just typed.
fn target(
    common: &Common,
    json: bool,
    context: &Context,
    params: Option<&VideoRequest>,
) -> Result<Target, Failure> {
    let config = context.load_config()?;
    let request = Request {
        reference: common.model.as_deref(),
        kind: Some(ModelKind::Video),
        api_key: None,
    };
    let target = resolve::resolve(&request, &config, &context.env).map_err(|report| {
        let partial = resolve::partial(&request, &config, &context.env);
        let model = partial
            .canonical_ref
            .as_deref()
            .and_then(catalog::find_model)
            .map(|m| m.model)
            .filter(|m| m.kind == ModelKind::Video);
        match (model, params) {
            (Some(model), Some(params)) => match video::validate(model, params) {
                Err(invalid) => Failure::input(invalid.0),
                Ok(()) => Failure::report(&report),
            },
            _ => Failure::report(&report),
        }
    })?;
    if let (Some(found), Some(provider), Some(model)) =
        (&target.key.found, target.provider, target.model)
        && let Some(key_plan) = resolve::plan_of_key(provider, &found.key)
        && model
            .availability_on(key_plan.id)
            .is_some_and(|a| a.status == AvailabilityStatus::Unavailable)
    {
        // Keys of several plans live side by side: the advice stores a key of a plan that
        // serves the model without giving up this one (kept in its plan's own variable).
        let keep = key_plan
            .key_env
            .first()
            .map(|var| format!("; keep the {} key as {var}, which its plan reads first, rather than replacing it", key_plan.name))
            .unwrap_or_default();
        return Err(Failure::input(format!(
            "the key {} from {} is a {} key (`{}`), and that plan does not serve {}. Store a key of a plan that does, in the same region, with {}{keep}",
            found.key.masked(),
            found.source,
            key_plan.name,
            key_plan.key_prefix.unwrap_or_default(),
            model.canonical_ref,
            serving_choice(&target)
        )));
    }
    if !json {
        for w in target
            .warnings
            .iter()
            .filter(|w| !matches!(w, provcat::warning::Warning::KeyShape(_)))
        {
            eprintln!("warning: {w}");
        }
    }
    Ok(target)
}

/// The auth choice that serves the video model in the target's region.
fn serving_choice(target: &Target) -> String {
    target
        .provider
        .zip(target.model)
        .and_then(|(p, m)| p.auth_choice_serving(m, target.region.map(|r| r.id), None))
        .map(|c| format!("`provcat onboard --auth-choice {}`", c.id))
        .unwrap_or_else(|| "see `provcat auth-choices`".to_string())
}

/// The provider's console, where tasks and billing show ("the provider's console" when the
/// catalog has no link).
fn console(target: &Target) -> String {
    target
        .provider
        .map(|p| {
            format!(
                "{}'s console ({})",
                p.name,
                p.links.console.unwrap_or(p.links.api_keys)
            )
        })
        .unwrap_or_else(|| "the provider's console".to_string())
}

struct Session {
    client: Client,
    target: Target,
    runtime: tokio::runtime::Runtime,
    json: bool,
    poll: Duration,
    timeout: Duration,
    /// How long polls may fail to connect before giving up.
    unreachable: Duration,
}

impl Session {
    fn generate(&self, args: &GenerateArgs, signals: &mut Signals) -> Outcome {
        let Some(model) = self.target.model else {
            return Err(Failure::input(
                "video generation needs a catalog video model",
            ));
        };
        let request = video_request(args);
        video::validate(model, &request).map_err(|e| Failure::input(e.0))?;
        check_output(&args.download)?;
        let mut note = retry_note;
        let created =
            self.runtime
                .block_on(signals.or_stop(self.client.create_video_task(
                    &self.target,
                    &request,
                    &mut note,
                )));
        let task_id = match created {
            Ok(Ok(id)) => id,
            Err(stop) => {
                let what = format!(
                    "while creating the task; it may have been created (and billed): check {} before trying again",
                    console(&self.target)
                );
                return self.stopped(stop, None, &what);
            }
            Ok(Err(e)) => {
                if matches!(
                    e,
                    ClientError::Network(_)
                        | ClientError::IdleTimeout(_)
                        | ClientError::Protocol(_)
                        | ClientError::TooLarge { .. }
                ) {
                    eprintln!(
                        "note: the request was sent but its answer was lost, so the task may have been created (and billed); check {} before trying again",
                        console(&self.target)
                    );
                }
                return self.fail(&e, None);
            }
        };
        // Before anything else can go wrong: the id of a task that is being paid for.
        eprintln!(
            "task {task_id} created ({}); resume with `provcat video status {task_id} --wait`",
            model.canonical_ref
        );
        if args.no_wait {
            let pending = TaskStatus {
                task_id: task_id.clone(),
                status: "PENDING".to_string(),
                video_url: None,
                usage: None,
                code: None,
                message: None,
            };
            return self.finish(&pending, None);
        }
        self.wait(&task_id, &args.download, signals)
    }

    fn status(&self, args: &StatusArgs, signals: &mut Signals) -> Outcome {
        let task_id = args.task_id.as_str();
        if args.wait {
            check_output(&args.download)?;
            return self.wait(task_id, &args.download, signals);
        }
        if args.download.output.is_some() {
            return Err(Failure::input(
                "--output downloads the video when the task ends: add --wait",
            ));
        }
        // `--timeout` bounds this poll too: a server that never answers is given up on.
        // (The timer is made inside the runtime: tokio's timers need one.)
        let polled = self.runtime.block_on(async {
            let mut note = retry_note;
            let poll = self.client.video_task(&self.target, task_id, &mut note);
            signals
                .or_stop(tokio::time::timeout(self.timeout, poll))
                .await
        });
        match polled {
            Ok(Ok(Ok(status))) => self.finish(&status, None),
            Ok(Ok(Err(e))) => self.fail(&e, Some(task_id)),
            Ok(Err(_)) => self.unanswered(task_id),
            Err(stop) => self.stopped(stop, Some(task_id), "before the answer came"),
        }
    }

    /// `--timeout` ran out while a poll was still waiting for its answer (exit 8).
    fn unanswered(&self, task_id: &str) -> Outcome {
        let message = format!(
            "no answer about task {task_id} within {}s (--timeout): the server did not answer a poll in time, and the task may still be running",
            self.timeout.as_secs()
        );
        self.still_running(task_id, "no-answer", &message)
    }

    /// `--timeout` ran out with the task not ended (exit 8): `code` says how.
    fn still_running(&self, task_id: &str, code: &str, message: &str) -> Outcome {
        let help = format!("resume with `provcat video status {task_id} --wait`");
        if self.json {
            let error = ErrorJson::new(code, message, 8).with_help(Some(help.clone()));
            print_json(&TaskJson::error(
                &self.target.canonical_ref,
                Some(task_id),
                error,
            ))?;
        }
        eprintln!("error: {message}; {help}");
        Ok(ExitCode::from(8))
    }

    fn cancel(&self, task_id: &str, signals: &mut Signals) -> Outcome {
        match self.runtime.block_on(signals.or_stop(self.client.cancel_video_task(
            &self.target,
            task_id,
            &mut retry_note,
        ))) {
            Err(stop) => self.stopped(
                stop,
                Some(task_id),
                "before the answer came; the task may or may not be canceled: check with `provcat video status`",
            ),
            Ok(Ok(())) => {
                eprintln!("task {task_id} canceled");
                if self.json {
                    print_json(&serde_json::json!({
                        "model": self.target.canonical_ref,
                        "task_id": task_id,
                        "status": "CANCELED",
                    }))?;
                }
                Ok(ExitCode::SUCCESS)
            }
            Ok(Err(e)) => self.fail(&e, Some(task_id)),
        }
    }

    /// Polls until the task ends, `--timeout`, Ctrl-C or SIGTERM; downloads on success.
    fn wait(&self, task_id: &str, download: &Download, signals: &mut Signals) -> Outcome {
        let progress = Progress::new(!self.json);
        let started = Instant::now();
        let result = self.runtime.block_on(async {
            let polling = video_poll::follow(
                &self.client,
                &self.target,
                task_id,
                Pace {
                    poll: self.poll,
                    unreachable: self.unreachable,
                    timeout: self.timeout,
                    started,
                },
                &progress,
            );
            // The deadline cuts a poll in flight (and its retries) too, not only the waits
            // between polls.
            let deadline = tokio::time::Instant::from_std(started) + self.timeout;
            signals
                .or_stop(async {
                    tokio::time::timeout_at(deadline, polling)
                        .await
                        .unwrap_or(Ok(Waited::Cut))
                })
                .await
        });
        progress.clear();
        let status = match result {
            Ok(Ok(Waited::Ended(status))) => status,
            Err(stop) => {
                if self.json {
                    let error = ErrorJson::new(
                        stop_code(stop),
                        format!("{stop}: stopped waiting; task {task_id} keeps running"),
                        stop.exit_code(),
                    )
                    .with_help(Some(format!(
                        "resume with `provcat video status {task_id} --wait` (or cancel it with `provcat video cancel {task_id}`)"
                    )));
                    print_json(&TaskJson::error(
                        &self.target.canonical_ref,
                        Some(task_id),
                        error,
                    ))?;
                }
                eprintln!(
                    "{stop}: stopped waiting; task {task_id} keeps running. Resume with `provcat video status {task_id} --wait` (or cancel it with `provcat video cancel {task_id}`)"
                );
                return Ok(ExitCode::from(stop.exit_code()));
            }
            Ok(Ok(Waited::TimedOut)) => {
                let message = format!(
                    "task {task_id} is still running after {}s",
                    self.timeout.as_secs()
                );
                return self.still_running(task_id, "timeout", &message);
            }
            Ok(Ok(Waited::Cut)) => return self.unanswered(task_id),
            Ok(Ok(Waited::Unreachable(e, after))) => {
                eprintln!(
                    "error: no poll of task {task_id} could connect for {}s, so polling stopped; the task may still be running: resume with `provcat video status {task_id} --wait`",
                    after.as_secs()
                );
                return match e {
                    Some(e) => self.fail(&e, Some(task_id)),
                    None => Ok(ExitCode::from(1)),
                };
            }
            Ok(Err(e)) => return self.fail(&e, Some(task_id)),
        };
        let mut saved = None;
        if let (Some(path), Some(url)) = (&download.output, status.video_url.as_deref())
            && status.status == "SUCCEEDED"
        {
            let bar = Progress::new(!self.json);
            let mut on_bytes = |done, total| bar.bytes(done, total);
            let downloaded = self.runtime.block_on(signals.or_stop(self.client.download(
                url,
                path,
                download.max_download_mb.saturating_mul(1024 * 1024),
                download.force,
                &mut on_bytes,
            )));
            bar.clear();
            let (error, code) = match downloaded {
                Ok(Ok(bytes)) => {
                    eprintln!("saved {} ({bytes} bytes)", path.display());
                    saved = Some(path.as_path());
                    (None, 0)
                }
                Ok(Err(e)) => (Some(e.to_string()), 1),
                Err(stop) => (
                    Some(format!(
                        "{stop} during the download; nothing was written to {}",
                        path.display()
                    )),
                    stop.exit_code(),
                ),
            };
            if let Some(error) = error {
                let note = format!("the video is still at {url} for 24 hours");
                if self.json {
                    let code_name = if code == 1 { "download" } else { "interrupted" };
                    let json = ErrorJson::new(code_name, error.clone(), code)
                        .with_help(Some(note.clone()));
                    print_json(&TaskJson {
                        error: Some(json),
                        ..self.task_json(&status, None)
                    })?;
                }
                eprintln!("error: {error}");
                eprintln!("  = note: {note}");
                return Ok(ExitCode::from(code));
            }
        }
        self.finish(&status, saved)
    }

    /// Reports work stopped by a signal `what` (after `{stop} `) and picks the exit code.
    fn stopped(&self, stop: Stop, task_id: Option<&str>, what: &str) -> Outcome {
        let message = format!("{stop} {what}");
        if self.json {
            let error = ErrorJson::new(stop_code(stop), message.clone(), stop.exit_code());
            print_json(&TaskJson::error(&self.target.canonical_ref, task_id, error))?;
        }
        eprintln!("error: {message}");
        Ok(ExitCode::from(stop.exit_code()))
    }

    /// A task's state as `--json` prints it, without `error`.
    fn task_json<'a>(
        &'a self,
        status: &'a TaskStatus,
        saved: Option<&'a std::path::Path>,
    ) -> TaskJson<'a> {
        TaskJson {
            model: &self.target.canonical_ref,
            task_id: &status.task_id,
            status: &status.status,
            video_url: status.video_url.as_deref(),
            usage: status.usage.as_ref(),
            output: saved,
            code: status.code.as_deref(),
            message: status.message.as_deref(),
            error: None,
        }
    }

    /// Prints a task's final (or current) state and picks the exit code.
    fn finish(&self, status: &TaskStatus, saved: Option<&std::path::Path>) -> Outcome {
        if self.json {
            print_json(&TaskJson {
                error: task_error(status),
                ..self.task_json(status, saved)
            })?;
        } else {
            match status.status.as_str() {
                "SUCCEEDED" => match &status.video_url {
                    Some(url) => _ = print_stdout(&format!("{}\n", escape::one_line(url)))?,
                    None => eprintln!("warning: the task succeeded but named no video URL"),
                },
                "PENDING" | "RUNNING" => {
                    print_stdout(&format!("{} {}\n", status.task_id, status.status))?;
                }
                _ => {}
            }
        }
        // A task that ended without its video: the same words as the `--json` error.
        let code = match task_error(status) {
            Some(error) => {
                eprintln!("error: {}", error.message);
                error.exit_code
            }
            None => 0,
        };
        Ok(ExitCode::from(code))
    }

    fn fail(&self, error: &ClientError, task_id: Option<&str>) -> Outcome {
        let help = advice(error, &self.target);
        if self.json {
            print_json(&TaskJson::error(
                &self.target.canonical_ref,
                task_id,
                ErrorJson::of_client(error, &self.target),
            ))?;
        }
        eprintln!("error: {error}");
        if let Some(help) = help {
            eprintln!("  = help: {help}");
        }
        let code = exit_code(error);
        Ok(ExitCode::from(code))
    }
}

/// Says that a request is retried, and after how long (silenced by `--quiet`).
pub(super) fn retry_note(e: &ClientError, delay: Duration) {
    super::say::progress(&format!("retrying in {:.1}s: {e}", delay.as_secs_f64()));
}
