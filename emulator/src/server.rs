//! The server thread: a current-thread tokio runtime accepting on `127.0.0.1:0`, one task
//! per connection, keep-alive, routing by the configured paths (DashScope chat, the video
//! task API, video files, the Anthropic and OpenAI surfaces) and request recording.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;

use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::chat::{self, After, Reply};
use crate::hostile::{self, Hostile};
use crate::http::{self, Conn, ReadError, Request, Response};
use crate::models::Plan;
use crate::profile::{Routes, Surface};
use crate::stream;
use crate::video::{self, Native};
use crate::{
    Recorded, Shared, anthropic, anthropic_stream, errors, files, openai, openai_stream, prefixed,
};

/// Binds, then serves on a new thread until the returned sender fires (or is dropped).
pub(crate) fn spawn(
    shared: Arc<Shared>,
) -> io::Result<(SocketAddr, oneshot::Sender<()>, JoinHandle<()>)> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let native = format!("http://{addr}{}", shared.config.public.profile.native_root);
    shared.lock().video.set_native(native, addr.port());
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
        .name(format!("provcat-emulator-{}", addr.port()))
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
        let route = route(&shared.config.routes, &request);
        record(&shared, &request, &body, route.surface());
        let request_id = shared.request_id();
        let close = request.close;
        let socket = &mut conn.stream;
        let after = match route {
            Route::Chat(plan) => match chat::reply(&shared, plan, &request, &body, &request_id) {
                Reply::Respond(response) => respond(socket, &response, close).await,
                Reply::Reset => Ok(After::Reset),
                Reply::Hostile(hostile) => hostile_answer(socket, hostile, close).await,
                Reply::Complete(job) => chat::complete(socket, job, &request_id, close).await,
                Reply::Stream(job) => stream::send_chat(socket, job, &request_id, close).await,
            },
            Route::Messages => match anthropic::reply(&shared, &request, &body, &request_id) {
                Reply::Respond(response) => respond(socket, &response, close).await,
                Reply::Reset => Ok(After::Reset),
                Reply::Hostile(hostile) => hostile_answer(socket, hostile, close).await,
                Reply::Complete(job) => anthropic_stream::complete(socket, job, close).await,
                Reply::Stream(job) => anthropic_stream::send(socket, job, close).await,
            },
            Route::Completions => match openai::reply(&shared, &request, &body, &request_id) {
                Reply::Respond(response) => respond(socket, &response, close).await,
                Reply::Reset => Ok(After::Reset),
                Reply::Hostile(hostile) => hostile_answer(socket, hostile, close).await,
                Reply::Complete(job) => openai_stream::complete(socket, job, close).await,
                Reply::Stream(job) => openai_stream::send(socket, job, close).await,
            },
            Route::Create => {
                let native = video::create(&shared, &request, &body, &request_id);
                native_answer(socket, native, close).await
            }
            Route::Poll(id) => {
                let native = video::poll(&shared, &request, &id, &request_id);
                native_answer(socket, native, close).await
            }
            Route::Cancel(id) => {
                let native = video::cancel(&shared, &request, &id, &request_id);
                native_answer(socket, native, close).await
            }
            Route::File(id) => {
                let native = video::file(&shared, &id, &request_id);
                native_answer(socket, native, close).await
            }
            Route::None(surface) => {
                let response = not_found(surface, &request, &request_id);
                respond(socket, &response, close).await
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

/// 404 in the shape of the surface whose base path the target is under.
fn not_found(surface: Surface, request: &Request, request_id: &str) -> Response {
    let message = format!("No route for {} {}.", request.method, request.target);
    let id = prefixed("req_", request_id);
    match surface {
        Surface::Anthropic => anthropic::error(404, "not_found_error", &message, &id),
        Surface::OpenAi => openai::Error::new(404, "invalid_request_error", message).response(&id),
        _ => errors::not_found(&request.method, &request.target, request_id),
    }
}

/// Sends a native API answer.
async fn native_answer(
    stream: &mut tokio::net::TcpStream,
    native: Native,
    close: bool,
) -> io::Result<After> {
    match native {
        Native::Respond(response) => respond(stream, &response, close).await,
        Native::Reset => Ok(After::Reset),
        Native::Cut(response) => {
            use tokio::io::AsyncWriteExt;

            let mut bytes = response.head(close);
            bytes.extend_from_slice(&response.body[..response.body.len() / 2]);
            stream.write_all(&bytes).await?;
            stream.flush().await?;
            Ok(After::Reset)
        }
        Native::Late(wait, response) => {
            tokio::time::sleep(wait).await;
            respond(stream, &response, close).await
        }
        Native::Download(file) => {
            files::send(stream, &file, close).await?;
            Ok(After::KeepAlive)
        }
        Native::Hostile(hostile) => hostile_answer(stream, hostile, close).await,
    }
}

/// Sends a huge body, or nothing until the emulator stops ([`hostile::send`]).
async fn hostile_answer(
    stream: &mut tokio::net::TcpStream,
    hostile: Hostile,
    close: bool,
) -> io::Result<After> {
    hostile::send(stream, hostile, close).await?;
    Ok(After::KeepAlive)
}

async fn respond(
    stream: &mut tokio::net::TcpStream,
    response: &Response,
    close: bool,
) -> io::Result<After> {
    response.write(stream, close).await?;
    Ok(After::KeepAlive)
}

/// What a request targets.
enum Route {
    /// The DashScope chat endpoint of a plan's host.
    Chat(Plan),
    /// The Anthropic Messages endpoint.
    Messages,
    /// The OpenAI Chat Completions endpoint.
    Completions,
    /// Video task creation.
    Create,
    /// A task poll, with the task id.
    Poll(String),
    /// A task cancel, with the task id.
    Cancel(String),
    /// A video file, with the task id.
    File(String),
    /// Nothing served here (under this surface's base path, or `Unrouted`).
    None(Surface),
}

impl Route {
    fn surface(&self) -> Surface {
        match self {
            Route::Chat(Plan::Standard) => Surface::Standard,
            Route::Chat(Plan::Coding) => Surface::Coding,
            Route::Messages => Surface::Anthropic,
            Route::Completions => Surface::OpenAi,
            Route::Create | Route::Poll(_) | Route::Cancel(_) | Route::File(_) => Surface::Native,
            Route::None(surface) => *surface,
        }
    }
}

/// Routes by method and path (the query is ignored).
fn route(routes: &Routes, request: &Request) -> Route {
    let path = request
        .target
        .split_once('?')
        .map_or(request.target.as_str(), |(path, _)| path);
    let segment = |s: &str| (!s.is_empty() && !s.contains('/')).then(|| s.to_owned());
    let task = path.strip_prefix(routes.tasks.as_str());
    let file = path
        .strip_prefix(routes.files.as_str())
        .and_then(|rest| rest.strip_suffix(".mp4"));
    let routed = match request.method.as_str() {
        "POST" if path == routes.standard_chat => Some(Route::Chat(Plan::Standard)),
        "POST" if path == routes.coding_chat => Some(Route::Chat(Plan::Coding)),
        "POST" if path == routes.anthropic_messages => Some(Route::Messages),
        "POST" if path == routes.openai_chat => Some(Route::Completions),
        "POST" if path == routes.video_synthesis => Some(Route::Create),
        "POST" => task
            .and_then(|rest| rest.strip_suffix("/cancel"))
            .and_then(segment)
            .map(Route::Cancel),
        "GET" => task
            .and_then(segment)
            .map(Route::Poll)
            .or_else(|| file.and_then(segment).map(Route::File)),
        _ => None,
    };
    routed.unwrap_or_else(|| Route::None(unrouted(routes, path)))
}

/// The surface an unserved path is under: the Anthropic or OpenAI base, or none.
fn unrouted(routes: &Routes, path: &str) -> Surface {
    let under = |base: &str| {
        path.strip_prefix(base)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    };
    if under(&routes.anthropic_base) {
        Surface::Anthropic
    } else if under(&routes.openai_base) {
        Surface::OpenAi
    } else {
        Surface::Unrouted
    }
}

/// Appends the request to the log.
fn record(shared: &Shared, request: &Request, body: &serde_json::Value, surface: Surface) {
    let recorded = Recorded {
        method: request.method.clone(),
        path: request.target.clone(),
        headers: request.headers.clone(),
        body: body.clone(),
        surface,
    };
    shared.lock().requests.push(recorded);
}
