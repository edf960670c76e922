//! The command line of `provcat video`: its subcommands and their flags (the behaviour is
//! in [`super::video`]). Each subcommand takes only the flags that act on it: every one
//! makes requests (`--retries`, timeouts, as `chat`), only `generate` and `status` poll.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::flags::{ConfigFlags, QuietFlag, RequestFlags};

#[derive(Debug, Subcommand)]
pub enum VideoCommand {
    /// Create a video task and (by default) wait for the video.
    Generate(GenerateArgs),
    /// Show a task's state; with --wait, keep polling until it ends.
    Status(StatusArgs),
    /// Cancel a task that is still PENDING.
    Cancel(CancelArgs),
}

impl VideoCommand {
    /// The options every video command takes.
    pub fn common(&self) -> &Common {
        match self {
            VideoCommand::Generate(a) => &a.common,
            VideoCommand::Status(a) => &a.common,
            VideoCommand::Cancel(a) => &a.common,
        }
    }

    /// How the task is followed (`None` for `cancel`, which does not poll).
    pub fn polling(&self) -> Option<&Polling> {
        match self {
            VideoCommand::Generate(a) => Some(&a.polling),
            VideoCommand::Status(a) => Some(&a.polling),
            VideoCommand::Cancel(_) => None,
        }
    }

    /// Whether `--json` was given.
    pub fn json(&self) -> bool {
        match self {
            VideoCommand::Generate(a) => a.polling.json,
            VideoCommand::Status(a) => a.polling.json,
            VideoCommand::Cancel(a) => a.json,
        }
    }

    /// `--config`, `--catalog` and `-v` as given after the subcommand.
    pub fn globals(&self) -> &ConfigFlags {
        &self.common().globals
    }

    /// Whether `--quiet` was given after the subcommand.
    pub fn quiet(&self) -> bool {
        self.common().quiet.quiet
    }
}

/// Options shared by every video command.
#[derive(Debug, Args)]
pub struct Common {
    /// The video model ref (default: `agents.defaults.videoGenerationModel.primary`, else
    /// the catalog's default video model); for status and cancel it only selects the
    /// endpoint and key.
    #[arg(short, long, value_name = "REF")]
    pub model: Option<String>,
    #[command(flatten)]
    pub requests: RequestFlags,
    #[command(flatten)]
    pub quiet: QuietFlag,
    #[command(flatten)]
    pub globals: ConfigFlags,
}

/// How a task is followed (generate, status).
#[derive(Debug, Args)]
pub struct Polling {
    /// Print JSON (`{model, task_id, status, video_url, usage}`; on failure with an `error`
    /// object: `{code, message, help, exit_code}`) instead of text.
    #[arg(long)]
    pub json: bool,
    /// Seconds between polls (never faster than the endpoint's documented poll rate).
    #[arg(long, value_name = "SECS", default_value_t = 5.0)]
    pub poll_interval: f64,
    /// Give up waiting for a running task after this many seconds, cutting a poll in
    /// flight (the task keeps running). Polls that cannot connect at all give up sooner,
    /// after 30 seconds without a connection (exit 1).
    #[arg(long, value_name = "SECS", default_value_t = 900)]
    pub timeout: u64,
    /// Seconds of polls that cannot connect before giving up (tests shorten it).
    #[arg(long, value_name = "SECS", default_value_t = super::video_poll::UNREACHABLE_WINDOW.as_secs_f64(), hide = true)]
    pub unreachable_window: f64,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub polling: Polling,
    /// What to generate (r2v prompts refer to references as character1, character2, …).
    #[arg(long, value_name = "TEXT")]
    pub prompt: String,
    /// What to avoid.
    #[arg(long, value_name = "TEXT")]
    pub negative_prompt: Option<String>,
    /// The image of an image-to-video model (a remote http(s) URL).
    #[arg(long, value_name = "URL")]
    pub image: Option<String>,
    /// A reference image or video of a reference-to-video model (remote http(s) URL); repeatable.
    #[arg(long = "reference", value_name = "URL")]
    pub references: Vec<String>,
    /// Size of a text-to-video result, `W*H` (e.g. 1280*720).
    #[arg(long, value_name = "W*H", conflicts_with = "resolution")]
    pub size: Option<String>,
    /// Resolution: 720P or 1080P.
    #[arg(long, value_name = "720P|1080P")]
    pub resolution: Option<String>,
    /// Aspect ratio (16:9, 9:16, 1:1, 4:3, 3:4) for models that take one.
    #[arg(long, value_name = "R")]
    pub ratio: Option<String>,
    /// Seconds of video.
    #[arg(long, value_name = "S")]
    pub duration: Option<u32>,
    /// Random seed.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Create the task and return; follow it with `provcat video status ID --wait`.
    #[arg(long, conflicts_with = "output")]
    pub no_wait: bool,
    #[command(flatten)]
    pub download: Download,
}

/// Where the finished video goes.
#[derive(Debug, Args)]
pub struct Download {
    /// Download the video to FILE when it is ready (checked before any request: its folder
    /// must exist).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace FILE if it already exists.
    #[arg(long, requires = "output")]
    pub force: bool,
    /// The largest download accepted, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 1024)]
    pub max_download_mb: u64,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub polling: Polling,
    /// The task id printed when the task was created.
    #[arg(value_name = "TASK_ID")]
    pub task_id: String,
    /// Keep polling until the task ends.
    #[arg(long)]
    pub wait: bool,
    #[command(flatten)]
    pub download: Download,
}

#[derive(Debug, Args)]
pub struct CancelArgs {
    #[command(flatten)]
    pub common: Common,
    /// Print JSON (`{model, task_id, status}`; on failure with an `error` object) instead
    /// of text.
    #[arg(long)]
    pub json: bool,
    /// The task id.
    #[arg(value_name = "TASK_ID")]
    pub task_id: String,
}
