//! The OpenAPI 3.1 document of the JSON API, served at `/api/openapi.json`.
//!
//! Nothing about a server function's endpoint is written here by hand: its
//! path, method and encodings come from its `ServerFn` impl (the protocol
//! the `#[server]` attribute chose), its arguments from the `ToSchema` of
//! the struct the macro generates for them (`input_derive`), its answer
//! from the `ToSchema` of its output type, its description from its doc
//! comment. The schemas are utoipa's derives on the same serde types the
//! server sends, so the document cannot drift from the code; a test checks
//! that every registered server function is described. Only the upload
//! (a plain axum route with a streamed body) is described by hand.

mod schemas;

use http::Method;
use leptos::server_fn::{codec::Encoding, ContentType, Http, ServerFn};
use utoipa::openapi::schema::Object;
use utoipa::openapi::{
    header::HeaderBuilder,
    path::{Operation, OperationBuilder, ParameterBuilder, ParameterIn},
    request_body::RequestBodyBuilder,
    security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme},
    ComponentsBuilder, Content, HttpMethod, InfoBuilder, ObjectBuilder, OpenApi, OpenApiBuilder,
    Paths, Ref, RefOr, Required, ResponseBuilder, Schema, SecurityRequirement, Type,
};
use utoipa::ToSchema;

use schemas::{body, clean_doc, summary, without_null, Schemas};

use crate::assets::api::{
    CountMatchingAssets, GetAsset, ListAssets, MoveToFolder, RenameAsset, UploadLimit,
};
use crate::assets::folders::api::{CreateFolder, ListFolders, RenameFolder};
use crate::assets::model::Asset;
use crate::assets::usage::api::{AssetUsage, PutReferences};
use crate::auth::api::{CurrentUser, ListSpaces, SignIn, SignOut};
use crate::domain::error::AppError;
use crate::settings::retention::api::PutSpaceSettings;
use crate::settings::storage::api::SpaceUsage;
use crate::tokens::api::{CreateToken, ListTokens, RevokeToken};
use crate::trash::api::{
    CountTrash, DeletePermanently, EmptyTrash, ListTrash, MoveToTrash, RestoreBatch,
    RestoreFromTrash, UsageOfSelection,
};

/// The security schemes' names in the document.
const SESSION: &str = "session";
const BEARER: &str = "bearer";
const JSON: &str = "application/json";

const ABOUT: &str = "The JSON API of Trove, a self-hosted asset library.\n\n\
Every operation but `sign_in` works on the session that `POST /api/sign_in` \
starts: its cookie `trove_session` (HttpOnly) goes with every later request.\n\n\
Changes (every POST and PUT) must carry an `Origin` header naming this site (or, \
without one, a `Referer` on it); others are refused with 403.\n\n\
Other systems use an API token instead (Space Settings → API tokens, or \
`trove token create`): `Authorization: Bearer trove_pat_…` on any `/api/` \
operation but signing in and out and managing tokens. A token acts as the \
person who made it, in its space only (any other answers 404), with at most \
the role chosen for it; it needs no cookie and no `Origin`. A wrong or \
revoked token is 401 `invalid_token`, and repeated failures from one \
address are 429 `rate_limited`.\n\n\
POSTs other than signing in accept an `Idempotency-Key` header: a retry \
with the same key and the same request (an upload: the same target and file) \
within 24 hours gets the first answer again (marked `Idempotent-Replayed: \
true`) instead of acting twice; the same key with another request is 422 \
`idempotency_key_reused`, and a retry while the first is still running is \
409. Only answers of requests that acted (2xx) are kept: a refusal is not, \
and a retry is judged afresh by who the user is then.\n\n\
Every error is JSON (`Error`): a stable `error` code for programs and a \
`message` for people, with the HTTP status that fits.";

/// What a server function's protocol says about its requests and answers.
trait Wire {
    const METHOD: Method;
    const REQUEST: &'static str;
    const RESPONSE: &'static str;
}

impl<I: Encoding, O: ContentType> Wire for Http<I, O> {
    const METHOD: Method = I::METHOD;
    const REQUEST: &'static str = I::CONTENT_TYPE;
    const RESPONSE: &'static str = O::CONTENT_TYPE;
}

/// The whole document. Built once by the server (it is not small).
pub fn document() -> OpenApi {
    let (paths, schemas) = parts();
    let session = ApiKeyValue::with_description(
        "trove_session",
        "The session cookie `POST /api/sign_in` sets.",
    );
    let components = ComponentsBuilder::new()
        .schemas_from_iter(schemas)
        .security_scheme(SESSION, SecurityScheme::ApiKey(ApiKey::Cookie(session)))
        .security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("trove_pat_…")
                    .description(Some(
                        "An API token of one space, made in Space Settings → API tokens.",
                    ))
                    .build(),
            ),
        )
        .build();
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Trove API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(ABOUT))
                .build(),
        )
        .paths(paths)
        .components(Some(components))
        // Either one.
        .security(Some(vec![
            SecurityRequirement::new(SESSION, Vec::<String>::new()),
            SecurityRequirement::new(BEARER, Vec::<String>::new()),
        ]))
        .build()
}

/// Every operation, and the named schemas they use (a name may come more
/// than once: a type used in several places).
fn parts() -> (Paths, Schemas) {
    let mut schemas = Schemas::new();
    let s = &mut schemas;
    let operations = [
        endpoint::<SignIn>(s),
        endpoint::<SignOut>(s),
        endpoint::<CurrentUser>(s),
        endpoint::<ListSpaces>(s),
        endpoint::<ListAssets>(s),
        endpoint::<CountMatchingAssets>(s),
        endpoint::<GetAsset>(s),
        endpoint::<RenameAsset>(s),
        endpoint::<UploadLimit>(s),
        endpoint::<CreateFolder>(s),
        endpoint::<RenameFolder>(s),
        endpoint::<MoveToFolder>(s),
        endpoint::<ListFolders>(s),
        endpoint::<PutReferences>(s),
        endpoint::<AssetUsage>(s),
        endpoint::<MoveToTrash>(s),
        endpoint::<UsageOfSelection>(s),
        endpoint::<RestoreBatch>(s),
        endpoint::<ListTrash>(s),
        endpoint::<CountTrash>(s),
        endpoint::<DeletePermanently>(s),
        endpoint::<EmptyTrash>(s),
        endpoint::<RestoreFromTrash>(s),
        endpoint::<SpaceUsage>(s),
        endpoint::<ListTokens>(s),
        endpoint::<CreateToken>(s),
        endpoint::<RevokeToken>(s),
        endpoint::<PutSpaceSettings>(s),
        ("/api/upload", HttpMethod::Post, upload(s)),
        ("/api/openapi.json", HttpMethod::Get, this_document()),
    ];
    let mut paths = Paths::new();
    for (path, method, operation) in operations {
        paths.add_path_operation(path, vec![method], operation);
    }
    (paths, schemas)
}

/// One server function's operation, all of it read from its types.
fn endpoint<F>(schemas: &mut Schemas) -> (&'static str, HttpMethod, Operation)
where
    F: ServerFn + ToSchema,
    F::Protocol: Wire,
    F::Output: ToSchema,
    F::Error: ToSchema,
{
    let name = F::PATH.rsplit('/').next().unwrap_or(F::PATH);
    let mut arguments = match F::schema() {
        RefOr::T(Schema::Object(object)) => object,
        _ => Object::new(),
    };
    F::schemas(schemas);
    let doc = arguments
        .description
        .take()
        .map(|d| clean_doc(&d))
        .unwrap_or_default();
    // The module after the crate: `app::trash::api::MoveToTrash` is `trash`.
    let tag = std::any::type_name::<F>()
        .split("::")
        .nth(1)
        .unwrap_or("api");
    let mut ok = ResponseBuilder::new().description("Done.").content(
        <F::Protocol as Wire>::RESPONSE,
        Content::new(Some(body::<F::Output>(schemas))),
    );
    let mut operation = OperationBuilder::new()
        .operation_id(Some(name))
        .tag(tag)
        .summary(Some(summary(&doc)))
        .description(Some(doc));
    // Tokens are managed by people, signed in: never with a token.
    if [ListTokens::PATH, CreateToken::PATH, RevokeToken::PATH].contains(&F::PATH) {
        operation = operation.securities(Some([SecurityRequirement::new(
            SESSION,
            Vec::<String>::new(),
        )]));
    }
    let method = match <F::Protocol as Wire>::METHOD {
        Method::GET => HttpMethod::Get,
        Method::PUT => HttpMethod::Put,
        _ => HttpMethod::Post,
    };
    if method == HttpMethod::Get {
        for (name, schema) in &arguments.properties {
            let required = arguments.required.contains(name);
            operation = operation.parameter(query(name, without_null(schema.clone()), required));
        }
    } else {
        operation = operation.parameter(origin());
        // Signing in is public, and starts the session a key would belong to;
        // a PUT is idempotent itself (the same request twice leaves the same
        // state), so it takes no key.
        if F::PATH == <SignIn as ServerFn>::PATH {
            operation = operation.securities(Some([SecurityRequirement::default()]));
        } else if method == HttpMethod::Post {
            operation = operation.parameter(idempotency_key());
            ok = replayable(ok);
        }
        if !arguments.properties.is_empty() {
            let content = Content::new(Some(Ref::from_schema_name(F::name())));
            let request = RequestBodyBuilder::new()
                .required(Some(Required::True))
                .content(<F::Protocol as Wire>::REQUEST, content);
            operation = operation.request_body(Some(request.build()));
            schemas.push((F::name().into_owned(), Schema::Object(arguments).into()));
        }
    }
    let operation = with_answers::<F::Error>(operation, "200", ok, schemas);
    (F::PATH, method, operation)
}

/// The operation with its answer (`status`, `ok`) and its errors (`E`).
fn with_answers<E: ToSchema>(
    operation: OperationBuilder,
    status: &str,
    ok: ResponseBuilder,
    schemas: &mut Schemas,
) -> Operation {
    let error = Content::new(Some(body::<E>(schemas)));
    operation
        .response(status, ok.build())
        .response(
            "4XX",
            ResponseBuilder::new()
                .description(
                    "Refused; the status and `error` say why: 400 `validation`, 401 \
                     `unauthorized` (sign in), 403 `forbidden` (no permission, or a change \
                     from another site), 404 `not_found`, 409 `conflict` or `count_changed`, \
                     413 `too_large`, 422 `idempotency_key_reused`, 429 `rate_limited`.",
                )
                .content(JSON, error.clone()),
        )
        .response(
            "5XX",
            ResponseBuilder::new()
                .description(
                    "Trove could not answer: 503 `unavailable` (busy: try again), 507 \
                     `space_full` (an upload past the space's quota, Trash included) or \
                     `storage_full`, 500.",
                )
                .content(JSON, error),
        )
        .build()
}

/// `POST /api/upload`: a plain axum route (the body streams to storage),
/// so its parameters are written out; its answer is still the type's.
fn upload(schemas: &mut Schemas) -> Operation {
    let binary = || {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .content_media_type("application/octet-stream")
            .build()
    };
    let multipart = ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("file", binary())
        .required("file");
    let text = || ObjectBuilder::new().schema_type(Type::String).build();
    let request = RequestBodyBuilder::new()
        .required(Some(Required::True))
        .content("application/octet-stream", Content::new(Some(binary())))
        .content("multipart/form-data", Content::new(Some(multipart.build())));
    let operation = OperationBuilder::new()
        .operation_id(Some("upload"))
        .tag("assets")
        .summary(Some("Uploads one file into a space"))
        .description(Some(
            "One file per request: the request body itself with its name in `name` (what the \
             browser sends), or the multipart field `file` (what HTML forms and most API \
             clients send). The type comes from the file's content, not its name; programs \
             and web pages are refused. Answers 201 with the new asset. Needs the upload \
             permission.",
        ))
        .parameter(query("space", text(), true))
        .parameter(query("name", text(), false))
        .parameter(origin())
        .parameter(idempotency_key())
        .request_body(Some(request.build()));
    let created = ResponseBuilder::new()
        .description("Stored.")
        .content(JSON, Content::new(Some(body::<Asset>(schemas))));
    let created = replayable(created);
    with_answers::<AppError>(operation, "201", created, schemas)
}

/// `GET /api/openapi.json` itself: public.
fn this_document() -> Operation {
    let any = ObjectBuilder::new().schema_type(Type::Object).build();
    OperationBuilder::new()
        .operation_id(Some("openapi"))
        .summary(Some("This document"))
        .securities(Some([SecurityRequirement::default()]))
        .response(
            "200",
            ResponseBuilder::new()
                .description("The OpenAPI 3.1 document of this API.")
                .content(JSON, Content::new(Some(any))),
        )
        .build()
}

fn query(name: &str, schema: impl Into<RefOr<Schema>>, required: bool) -> ParameterBuilder {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(yes_or_no(required))
        .schema(Some(schema))
}

fn header(name: &str, required: bool, description: &str) -> ParameterBuilder {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Header)
        .required(yes_or_no(required))
        .description(Some(description))
        .schema(Some(ObjectBuilder::new().schema_type(Type::String).build()))
}

fn yes_or_no(required: bool) -> Required {
    if required {
        Required::True
    } else {
        Required::False
    }
}

fn origin() -> ParameterBuilder {
    header(
        "Origin",
        true,
        "This site's origin, e.g. `http://127.0.0.1:3000` (browsers send it); without it \
         (or a `Referer` on this site) a change is refused with 403.",
    )
}

fn idempotency_key() -> ParameterBuilder {
    header(
        "Idempotency-Key",
        false,
        "1 to 255 visible ASCII characters. A retry with the same key and request within \
         24 hours gets the first answer again (`Idempotent-Replayed: true`) without acting \
         twice; the same key with another request is 422 `idempotency_key_reused`; a retry \
         while the first runs is 409.",
    )
}

fn replayable(ok: ResponseBuilder) -> ResponseBuilder {
    let flag = HeaderBuilder::new()
        .schema(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(["true"])),
        )
        .description(Some(
            "Present when this is the stored answer to an earlier request with the same \
             `Idempotency-Key`.",
        ))
        .build();
    ok.header("Idempotent-Replayed", flag)
}

#[cfg(test)]
mod tests;
