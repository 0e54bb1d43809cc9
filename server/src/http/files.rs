//! The page's files, from the web folder, through tower-http: precompressed `.br` and
//! `.gz` files (made by `web/build.sh`) are sent to a browser that accepts them; no
//! path leaves the folder. When the page is not built, `/` says how to build it.

use std::path::Path;

use axum::Router;
use axum::handler::HandlerWithoutStateExt as _;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use tower_http::services::ServeDir;

use crate::errors::ServerError;

/// The files of `web`, as the routes' fallback.
pub(crate) fn router<S: Clone + Send + Sync + 'static>(web: &Path) -> Router<S> {
    let files = ServeDir::new(web)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(missing.into_service());
    Router::new().fallback_service(files)
}

async fn missing(uri: Uri) -> Response {
    if matches!(uri.path(), "/" | "/index.html") {
        (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<!doctype html><title>enswitch-people</title><link rel=\"icon\" href=\"data:,\">\
             <p>The page is not built yet. Run <code>bash web/build.sh</code>, then reload.</p>",
        )
            .into_response()
    } else {
        let body = ServerError::UnknownPath.envelope().to_json();
        (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response()
    }
}
