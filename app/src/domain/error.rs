//! The one error type of Trove. It crosses the wire as JSON, maps to an HTTP
//! status, and never carries internal detail: internal causes are logged on
//! the server and answered with a generic message.

use http::StatusCode;
use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

use crate::domain::ids::{AssetId, FolderId};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(into = "WireError", from = "WireError")]
pub enum AppError {
    #[error("Please sign in to continue.")]
    Unauthorized,
    /// A failed sign-in: the same words whether the email or the password was wrong.
    #[error("Invalid email or password")]
    InvalidCredentials,
    /// An `Authorization: Bearer` token that is not a live token of a
    /// member (unknown, revoked, or its maker left the space).
    #[error("The API token is not valid: it may have been revoked.")]
    InvalidToken,
    #[error("You do not have permission to do that.")]
    Forbidden,
    #[error("Not found.")]
    NotFound,
    /// Some ids of a bulk request are not in the space (or not in the
    /// state the change needs): `assets` and `folders` list them for
    /// programs, the message names them for people.
    #[error("{message}")]
    UnknownItems {
        assets: Vec<AssetId>,
        folders: Vec<FolderId>,
        message: String,
    },
    /// The request itself is wrong; the message says how, in words for people.
    #[error("{0}")]
    Validation(String),
    #[error("{0}")]
    Conflict(String),
    /// A change to "all matching" whose matching set is no longer the
    /// confirmed size: nothing changed; `count` is how many match now.
    #[error("{message}")]
    CountChanged { count: u64, message: String },
    /// An `Idempotency-Key` sent again with a different request.
    #[error("{0}")]
    KeyReused(String),
    /// Too many attempts (sign-in); the message says when to try again.
    #[error("{0}")]
    RateLimited(String),
    /// An upload over the size limit; the message names the file and limit.
    #[error("{0}")]
    TooLarge(String),
    /// A file whose content is of a type Trove does not accept.
    #[error("{0}")]
    UnsupportedType(String),
    #[error("Storage is full. Ask an administrator to free some space.")]
    StorageFull,
    /// An upload that would take the space past its quota (bytes of live
    /// and trashed files together): refused before anything is kept. The
    /// message says the quota, what the space holds, and that Trash counts;
    /// see [`AppError::space_full`].
    #[error("{0}")]
    SpaceFull(String),
    /// The request's Host is not the name this server answers to.
    #[error("This server does not answer for that host name.")]
    WrongHost,
    /// Overloaded, or the request took too long: try again shortly.
    #[error("Trove is busy right now. Please try again in a moment.")]
    Unavailable,
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    /// A change the database refused by one of its constraints. Internal
    /// to the client (`internal`, 500, the same generic message), kept
    /// apart so that the server can match on the kind of constraint.
    #[error("Something went wrong on our side. Please try again.")]
    ConstraintViolated(Constraint),
    /// Seen only by the client: the server could not be reached or answered
    /// with something that was not Trove's.
    #[error("Could not reach Trove. Check your connection and try again.")]
    Network,
}

/// The JSON form: `{"error": "not_found", "message": "Not found."}`, a
/// stable code for programs and a sentence for people, for every variant;
/// `ids` and `folder_ids` too where the error names assets and folders.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
struct WireError {
    /// A stable code for programs: `unauthorized`, `forbidden`,
    /// `not_found`, `validation`, `conflict`, `count_changed`,
    /// `idempotency_key_reused`, `rate_limited`, `too_large`, …
    #[schema(examples("not_found"))]
    error: String,
    /// A sentence for people.
    #[serde(default)]
    message: String,
    /// The unknown asset ids (`unknown_assets`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    ids: Vec<AssetId>,
    /// The unknown folder ids (`unknown_assets`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    folder_ids: Vec<FolderId>,
    /// How many match now (`count_changed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    count: Option<u64>,
}

/// In the OpenAPI document an error is its JSON form, named `Error`.
impl utoipa::PartialSchema for AppError {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        <WireError as utoipa::PartialSchema>::schema()
    }
}

impl utoipa::ToSchema for AppError {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("Error")
    }
}

impl From<AppError> for WireError {
    fn from(error: AppError) -> Self {
        let code = error.code();
        let message = error.to_string();
        let count = match &error {
            AppError::CountChanged { count, .. } => Some(*count),
            _ => None,
        };
        let (ids, folder_ids) = match error {
            AppError::UnknownItems {
                assets, folders, ..
            } => (assets, folders),
            _ => (Vec::new(), Vec::new()),
        };
        Self {
            error: code.to_owned(),
            message,
            count,
            ids,
            folder_ids,
        }
    }
}

impl From<WireError> for AppError {
    fn from(wire: WireError) -> Self {
        match wire.error.as_str() {
            "unauthorized" => Self::Unauthorized,
            "invalid_credentials" => Self::InvalidCredentials,
            "invalid_token" => Self::InvalidToken,
            "forbidden" => Self::Forbidden,
            "not_found" => Self::NotFound,
            "unknown_assets" => Self::UnknownItems {
                assets: wire.ids,
                folders: wire.folder_ids,
                message: wire.message,
            },
            "validation" => Self::Validation(wire.message),
            "conflict" => Self::Conflict(wire.message),
            "count_changed" => Self::CountChanged {
                count: wire.count.unwrap_or_default(),
                message: wire.message,
            },
            "idempotency_key_reused" => Self::KeyReused(wire.message),
            "rate_limited" => Self::RateLimited(wire.message),
            "too_large" => Self::TooLarge(wire.message),
            "unsupported_type" => Self::UnsupportedType(wire.message),
            "storage_full" => Self::StorageFull,
            "space_full" => Self::SpaceFull(wire.message),
            "wrong_host" => Self::WrongHost,
            "unavailable" => Self::Unavailable,
            "network" => Self::Network,
            _ => Self::Internal,
        }
    }
}

impl AppError {
    pub fn validation(message: impl Into<String>) -> Self {
        Self::Validation(message.into())
    }

    /// The refusal of an upload past a space's quota of `quota_bytes`,
    /// which holds `used_bytes` now (Trash included, as in Google Drive).
    pub fn space_full(quota_bytes: u64, used_bytes: u64) -> Self {
        use crate::domain::format::format_size;
        let size = |bytes: u64| format_size(i64::try_from(bytes).unwrap_or(i64::MAX));
        Self::SpaceFull(format!(
            "This space is full: its quota is {} and it holds {}, Trash included. \
             Empty Trash or delete permanently to make room.",
            size(quota_bytes),
            size(used_bytes)
        ))
    }

    /// The stable code programs read (`error` in the JSON form).
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthorized => "unauthorized",
            AppError::InvalidCredentials => "invalid_credentials",
            AppError::InvalidToken => "invalid_token",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::UnknownItems { .. } => "unknown_assets",
            AppError::Validation(_) => "validation",
            AppError::Conflict(_) => "conflict",
            AppError::CountChanged { .. } => "count_changed",
            AppError::KeyReused(_) => "idempotency_key_reused",
            AppError::RateLimited(_) => "rate_limited",
            AppError::TooLarge(_) => "too_large",
            AppError::UnsupportedType(_) => "unsupported_type",
            AppError::StorageFull => "storage_full",
            AppError::SpaceFull(_) => "space_full",
            AppError::WrongHost => "wrong_host",
            AppError::Unavailable => "unavailable",
            AppError::Internal => "internal",
            AppError::ConstraintViolated(_) => "internal",
            AppError::Network => "network",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::Unauthorized | Self::InvalidCredentials | Self::InvalidToken => {
                StatusCode::UNAUTHORIZED
            }
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound | Self::UnknownItems { .. } => StatusCode::NOT_FOUND,
            Self::Validation(_) => StatusCode::BAD_REQUEST,
            Self::Conflict(_) | Self::CountChanged { .. } => StatusCode::CONFLICT,
            Self::KeyReused(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::StorageFull | Self::SpaceFull(_) => StatusCode::INSUFFICIENT_STORAGE,
            Self::WrongHost => StatusCode::MISDIRECTED_REQUEST,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Self::ConstraintViolated(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Network => StatusCode::BAD_GATEWAY,
        }
    }

    /// Logs this error as the answer to a request, at [`log_level`] for its
    /// status. Every server function's and handler's error passes here once
    /// (so `#[instrument]` takes no `err`: it logs every `Err`, a 404 too,
    /// at ERROR).
    #[cfg(feature = "ssr")]
    pub fn log_answer(&self) {
        let (status, error) = (self.status().as_u16(), self.code());
        // A full space is the space's limit, not the server's failure.
        let level = if matches!(self, Self::SpaceFull(_)) {
            tracing::Level::DEBUG
        } else {
            log_level(self.status())
        };
        if level == tracing::Level::ERROR {
            tracing::error!(status, error, "answered with an error");
        } else if level == tracing::Level::WARN {
            tracing::warn!(status, error, "answered with an error");
        } else {
            tracing::debug!(status, error, message = %self, "answered with an error");
        }
    }

    /// Logs the real cause on the server and returns the generic error.
    #[cfg(feature = "ssr")]
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        #[cfg(test)]
        eprintln!("internal error: {cause}");
        Self::Internal
    }
}

/// How loudly an answer with `status` is logged. A client's mistake (4xx:
/// an Undo of a batch already restored, an unknown id, a Viewer's click) is
/// routine, not an incident: debug. The server's own failures (5xx) are
/// errors, except 503: busy (overload, the time limit, a lock wait) is not
/// broken, the client is told to retry, and one line per refused request at
/// error would flood the log just when the server is short of time.
#[cfg(feature = "ssr")]
pub fn log_level(status: StatusCode) -> tracing::Level {
    if status == StatusCode::SERVICE_UNAVAILABLE {
        tracing::Level::WARN
    } else if status.is_server_error() {
        tracing::Level::ERROR
    } else {
        tracing::Level::DEBUG
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// On the server, the error's HTTP status goes with its body: server
    /// functions would otherwise answer every error with 500. (A plain form
    /// post keeps Leptos's redirect back to the form.)
    #[cfg(feature = "ssr")]
    fn ser(&self) -> leptos::server_fn::Bytes {
        use leptos::prelude::use_context;
        self.log_answer();
        let plain_form_post = use_context::<http::request::Parts>().is_some_and(|parts| {
            parts
                .headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|accept| accept.contains("text/html"))
        });
        if !plain_form_post {
            if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(self.status());
            }
        }
        leptos::server_fn::Bytes::from(serde_json::to_vec(self).unwrap_or_default())
    }

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The request could not be decoded: that is the caller's fault, and
            // serde's message names the field, which helps API clients.
            ServerFnErrorErr::Args(message) => {
                Self::Validation(format!("The request is malformed: {}", clip(&message)))
            }
            ServerFnErrorErr::MissingArg(message) => {
                Self::Validation(format!("The request is missing {}", clip(&message)))
            }
            ServerFnErrorErr::UnsupportedRequestMethod(method) => {
                Self::Validation(format!("This endpoint does not accept {method} requests."))
            }
            // On the server a body that does not decode is the caller's
            // mistake; in the browser it means the response was not Trove's.
            ServerFnErrorErr::Deserialization(message) if cfg!(feature = "ssr") => {
                Self::Validation(format!("The request is malformed: {}", clip(&message)))
            }
            ServerFnErrorErr::Request(_)
            | ServerFnErrorErr::Response(_)
            | ServerFnErrorErr::Deserialization(_) => Self::Network,
            _ => Self::Internal,
        }
    }
}

/// A decoder's message, cut short: serde quotes the offending input, and a
/// 100,000-character value must not come back in the error (or make it too
/// big to handle).
pub fn clip(message: &str) -> String {
    const MAX_CHARS: usize = 200;
    match message.char_indices().nth(MAX_CHARS) {
        Some((end, _)) => format!("{}…", &message[..end]),
        None => message.to_owned(),
    }
}

/// The kind of database constraint a change broke
/// ([`AppError::ConstraintViolated`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Constraint {
    Unique,
    ForeignKey,
    Check,
    NotNull,
}

#[cfg(feature = "ssr")]
impl Constraint {
    /// The constraint `error` reports broken, on SQLite or PostgreSQL.
    pub fn broken_by(error: &sqlx::Error) -> Option<Self> {
        use sqlx::error::ErrorKind;
        match error.as_database_error()?.kind() {
            ErrorKind::UniqueViolation => Some(Self::Unique),
            ErrorKind::ForeignKeyViolation => Some(Self::ForeignKey),
            ErrorKind::CheckViolation => Some(Self::Check),
            ErrorKind::NotNullViolation => Some(Self::NotNull),
            _ => None,
        }
    }
}

/// Database failures are internal. A row that must exist and does not
/// (`RowNotFound`) is a bug, not a 404: lookups that may find nothing use
/// `fetch_optional` and say `NotFound` themselves. A broken constraint is
/// internal too, but keeps its kind for the server to match.
#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        // Waited too long for a lock (PostgreSQL's `lock_timeout`, SQLite's
        // busy timeout): the server is busy, not broken.
        let timed_out = error
            .as_database_error()
            .and_then(|e| e.code())
            .is_some_and(|code| code == "55P03" || code == "5");
        if timed_out {
            tracing::warn!(%error, "gave up waiting for a database lock");
            return Self::Unavailable;
        }
        match Constraint::broken_by(&error) {
            Some(constraint) => {
                // Logged as every internal error is.
                let _ = Self::internal(error);
                Self::ConstraintViolated(constraint)
            }
            None => Self::internal(error),
        }
    }
}

/// Every axum handler answers errors the same way: the status, and the JSON
/// body server functions send.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        self.log_answer();
        self.into_quiet_response()
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// The answer without the log line, for callers that log it themselves
    /// with more to say (the guards name the host or origin refused).
    pub fn into_quiet_response(self) -> axum::response::Response {
        use axum::response::IntoResponse as _;
        (self.status(), axum::Json(self)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_with_a_stable_tag() {
        let json = serde_json::to_string(&AppError::validation("Too many ids")).unwrap();
        assert_eq!(json, r#"{"error":"validation","message":"Too many ids"}"#);
        let json = serde_json::to_string(&AppError::NotFound).unwrap();
        assert_eq!(json, r#"{"error":"not_found","message":"Not found."}"#);
        for error in [
            AppError::InvalidCredentials,
            AppError::InvalidToken,
            AppError::RateLimited("wait".into()),
            AppError::KeyReused("another request".into()),
            AppError::space_full(10, 12),
            AppError::Internal,
        ] {
            let json = serde_json::to_string(&error).unwrap();
            assert_eq!(serde_json::from_str::<AppError>(&json).unwrap(), error);
        }
    }

    #[test]
    fn internal_errors_say_nothing_about_their_cause() {
        assert_eq!(
            AppError::Internal.to_string(),
            "Something went wrong on our side. Please try again."
        );
    }

    #[test]
    fn decoder_messages_are_clipped() {
        let long = format!("invalid type: string \"{}\"", "x".repeat(100_000));
        let AppError::Validation(message) =
            AppError::from_server_fn_error(ServerFnErrorErr::Args(long))
        else {
            panic!("not a validation error");
        };
        assert!(message.chars().count() < 300, "{} chars", message.len());
        assert!(message.ends_with('…'));
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn only_the_server_s_own_failures_are_logged_as_errors() {
        use tracing::Level;
        for error in [
            AppError::NotFound,
            AppError::Forbidden,
            AppError::Unauthorized,
            AppError::validation("x"),
            AppError::Conflict("x".into()),
            AppError::KeyReused("x".into()),
            AppError::RateLimited("x".into()),
        ] {
            assert_eq!(log_level(error.status()), Level::DEBUG, "{error:?}");
        }
        assert_eq!(log_level(AppError::Internal.status()), Level::ERROR);
        assert_eq!(log_level(AppError::StorageFull.status()), Level::ERROR);
        assert_eq!(log_level(AppError::Unavailable.status()), Level::WARN);
    }

    /// The client sees a broken constraint as any internal error; the
    /// server matches its kind.
    #[cfg(feature = "ssr")]
    #[tokio::test]
    async fn a_broken_constraint_keeps_its_kind_and_says_internal() {
        let (pool, _dir) = crate::platform::db::test_pool().await;
        let insert = "INSERT INTO spaces (name, slug, created_at) VALUES ('A', 'a', 0)";
        sqlx::query(insert).execute(&pool).await.unwrap();
        let again = sqlx::query(insert).execute(&pool).await.unwrap_err();
        let error = AppError::from(again);
        assert_eq!(error, AppError::ConstraintViolated(Constraint::Unique));
        let no_date = sqlx::query("INSERT INTO spaces (name, slug) VALUES ('B', 'b')")
            .execute(&pool)
            .await
            .unwrap_err();
        assert_eq!(
            AppError::from(no_date),
            AppError::ConstraintViolated(Constraint::NotNull)
        );
        assert_eq!(error.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let json = serde_json::to_string(&error).unwrap();
        assert_eq!(
            json,
            serde_json::to_string(&AppError::Internal).unwrap(),
            "the wire form is the generic internal error"
        );
        assert_eq!(
            serde_json::from_str::<AppError>(&json).unwrap(),
            AppError::Internal
        );
    }

    #[test]
    fn a_full_space_says_so_and_that_trash_counts() {
        let error = AppError::space_full(50 * 1024 * 1024, 49 * 1024 * 1024 + 512 * 1024);
        assert_eq!(error.status(), StatusCode::INSUFFICIENT_STORAGE);
        assert_eq!(error.code(), "space_full");
        assert_eq!(
            error.to_string(),
            "This space is full: its quota is 50.0 MB and it holds 49.5 MB, Trash included. \
             Empty Trash or delete permanently to make room."
        );
    }

    #[test]
    fn client_mistakes_are_4xx() {
        assert!(AppError::validation("x").status().is_client_error());
        assert!(AppError::NotFound.status().is_client_error());
        assert!(AppError::Forbidden.status().is_client_error());
        assert!(AppError::Internal.status().is_server_error());
    }
}
