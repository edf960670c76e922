//! The server thread: a current-thread tokio runtime accepting on `127.0.0.1:0`, one task
//! per connection, keep-alive, routing (chat, the video task API, video files) and request
//! recording.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;

use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::chat::{self, After, Reply};
use crate::http::{self, Conn, ReadError, Request, Response};
use crate::models::Plan;
use crate::video::{self, Native};
use crate::{Recorded, Shared, errors, faults, files, stream};

/// The chat path of a Standard host.
const STANDARD_CHAT: &str = "/compatible-mode/v1/chat/completions";
/// The chat path of a Coding Plan host.
const CODING_CHAT: &str = "/v1/chat/completions";
/// The video task create path (native API).
const VIDEO_SYNTHESIS: &str = "/api/v1/services/aigc/video-generation/video-synthesis";
/// Task polls and cancels live under this.
const TASKS: &str = "/api/v1/tasks/";
/// Video files live under this, as `{task_id}.mp4`.
const FILES: &str = "/files/";

/// Binds, then serves on a new thread until the returned sender fires (or is dropped).
pub(crate) fn spawn(
    shared: Arc<Shared>,
) -> io::Result<(SocketAddr, oneshot::Sender<()>, JoinHandle<()>)> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    shared.lock().video.set_addr(addr);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()?;
    let listener = {
        let _entered = runtime.enter();
        TcpListener::from_std(listener)?
    };
    let (stop, stopped) = oneshot::channel();
    let thread = std::thread::Builder::new()
        .name(format!("dashscope-emulator-{}", addr.port()))
        .spawn(move || {
            runtime.block_on(async move {
                tokio::select! {
                    _ = stopped => {}
                    () = accept(listener, shared) => {}
                }
            });
            // Dropping the runtime cancels every connection task.
        })?;
    Ok((addr, stop, thread))
}

/// Accepts connections forever.
async fn accept(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                // Small frames must leave at once, as separate writes.
                let _ = stream.set_nodelay(true);
                tokio::spawn(serve(Conn::new(stream), Arc::clone(&shared)));
            }
            // Out of descriptors and the like: wait a little rather than spin.
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(10)).await,
        }
    }
}

/// Serves the requests of one connection.
async fn serve(mut conn: Conn, shared: Arc<Shared>) {
    loop {
        let request = match conn.read_request().await {
            Ok(request) => request,
            Err(ReadError::Gone) => return,
            Err(ReadError::Reject(status, message)) => {
                let request_id = shared.request_id();
                let response = errors::flat(status, "InvalidRequest", message, &request_id);
                let _ = response.write(&mut conn.stream, true).await;
                return;
            }
        };
        let body = serde_json::from_slice(&request.body).unwrap_or(serde_json::Value::Null);
        record(&shared, &request, &body);
        let request_id = shared.request_id();
        let close = request.close;
        let after = match route(&request) {
            Route::Chat(plan) => {
                let reply = chat::reply(&shared, plan, &request, &body, &request_id);
                answer(&mut conn, reply, &request_id, close).await
            }
            Route::Create => {
                let native = video::create(&shared, &request, &body, &request_id);
                native_answer(&mut conn, native, close).await
            }
            Route::Poll(id) => {
                let native = video::poll(&shared, &request, &id, &request_id);
                native_answer(&mut conn, native, close).await
            }
            Route::Cancel(id) => {
                let native = video::cancel(&shared, &request, &id, &request_id);
                native_answer(&mut conn, native, close).await
            }
            Route::File(id) => {
                let native = video::file(&shared, &id, &request_id);
                native_answer(&mut conn, native, close).await
            }
            Route::None => {
                let response = errors::not_found(&request.method, &request.target, &request_id);
                response
                    .write(&mut conn.stream, close)
                    .await
                    .map(|()| After::KeepAlive)
            }
        };
        match after {
            Ok(After::KeepAlive) if !close => {}
            Ok(After::KeepAlive) | Err(_) => return,
            Ok(After::Reset) => {
                http::reset(conn.stream);
                return;
            }
        }
    }
}

/// Sends a chat reply.
async fn answer(conn: &mut Conn, reply: Reply, request_id: &str, close: bool) -> io::Result<After> {
    match reply {
        Reply::Respond(response) => respond(conn, &response, close).await,
        Reply::Reset => Ok(After::Reset),
        Reply::Complete(job) => chat::complete(&mut conn.stream, job, request_id, close).await,
        Reply::Stream(job) => stream::send(&mut conn.stream, job, request_id, close).await,
        Reply::Huge { bytes, chunked } => huge(conn, bytes, chunked, close).await,
        Reply::Silent => silent().await,
    }
}

/// Sends a huge body ([`faults::send_huge`]).
async fn huge(conn: &mut Conn, bytes: u64, chunked: bool, close: bool) -> io::Result<After> {
    faults::send_huge(&mut conn.stream, bytes, chunked, close).await?;
    Ok(After::KeepAlive)
}

/// Answers nothing: the connection stays open until the client leaves or the emulator
/// stops (dropping its runtime cancels this).
async fn silent() -> io::Result<After> {
    std::future::pending().await
}

/// Sends a native API answer.
async fn native_answer(conn: &mut Conn, native: Native, close: bool) -> io::Result<After> {
    match native {
        Native::Respond(response) => respond(conn, &response, close).await,
        Native::Reset => Ok(After::Reset),
        Native::Cut(response) => {
            use tokio::io::AsyncWriteExt;

            let mut bytes = response.head(close);
            bytes.extend_from_slice(&response.body[..response.body.len() / 2]);
            conn.stream.write_all(&bytes).await?;
            conn.stream.flush().await?;
            Ok(After::Reset)
        }
        Native::Late(wait, response) => {
            tokio::time::sleep(wait).await;
            respond(conn, &response, close).await
        }
        Native::Download(file) => {
            files::send(&mut conn.stream, &file, close).await?;
            Ok(After::KeepAlive)
        }
        Native::Huge { bytes, chunked } => huge(conn, bytes, chunked, close).await,
        Native::Silent => silent().await,
    }
}

async fn respond(conn: &mut Conn, response: &Response, close: bool) -> io::Result<After> {
    response.write(&mut conn.stream, close).await?;
    Ok(After::KeepAlive)
}

/// What a request targets.
enum Route {
    /// The chat endpoint of a plan's host.
    Chat(Plan),
    /// Video task creation.
    Create,
    /// A task poll, with the task id.
    Poll(String),
    /// A task cancel, with the task id.
    Cancel(String),
    /// A video file, with the task id.
    File(String),
    /// Nothing served here.
    None,
}

/// Routes by method and path (the query is ignored).
fn route(request: &Request) -> Route {
    let path = request
        .target
        .split_once('?')
        .map_or(request.target.as_str(), |(path, _)| path);
    let segment = |s: &str| (!s.is_empty() && !s.contains('/')).then(|| s.to_owned());
    let task = path.strip_prefix(TASKS);
    let file = path
        .strip_prefix(FILES)
        .and_then(|rest| rest.strip_suffix(".mp4"));
    let routed = match request.method.as_str() {
        "POST" => match path {
            STANDARD_CHAT => Some(Route::Chat(Plan::Standard)),
            CODING_CHAT => Some(Route::Chat(Plan::Coding)),
            VIDEO_SYNTHESIS => Some(Route::Create),
            _ => task
                .and_then(|rest| rest.strip_suffix("/cancel"))
                .and_then(segment)
                .map(Route::Cancel),
        },
        "GET" => task
            .and_then(segment)
            .map(Route::Poll)
            .or_else(|| file.and_then(segment).map(Route::File)),
        _ => None,
    };
    routed.unwrap_or(Route::None)
}

/// Appends the request to the log.
fn record(shared: &Shared, request: &Request, body: &serde_json::Value) {
    let recorded = Recorded {
        method: request.method.clone(),
        path: request.target.clone(),
        headers: request.headers.clone(),
        body: body.clone(),
    };
    shared.lock().requests.push(recorded);
}
