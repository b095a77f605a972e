//! The checker: responses against an OpenAPI 3.1 document (whose schemas are JSON Schema
//! 2020-12): `docs/openapi/sync-v1.yaml` here, `local-api-v1.yaml` for crates/local-api,
//! which includes this file (`#[path]`); the including module names it as `OPENAPI_DOC`. The YAML is read and every response schema compiled once per
//! test binary. The document is registered as one JSON Schema resource, so the
//! `#/components/schemas/...` references inside it resolve locally; nothing is fetched.

use reqwest::header::{HeaderMap, CONTENT_LENGTH, CONTENT_TYPE};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Where the document lives (the including module says).
pub use super::OPENAPI_DOC as PATH;
/// The base URI the document is registered under (a name only: nothing is retrieved).
const BASE: &str = "urn:studydesk:openapi:document";
const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

pub struct Operation {
    pub id: String,
    pub method: String,
    pub path: String,
    /// By status key as written: "200", "4XX", "default".
    pub responses: BTreeMap<String, Response>,
}

pub struct Response {
    /// Media type -> the body's schema (its name, for messages, and its validator); `None`
    /// for a media type given without one (`application/octet-stream: {}`: any bytes).
    content: BTreeMap<String, Option<Schema>>,
    headers: BTreeMap<String, Header>,
}

struct Header {
    required: bool,
    schema: Option<Schema>,
}

struct Schema {
    name: String,
    validator: jsonschema::Validator,
}

pub struct Document {
    pub operations: Vec<Operation>,
}

/// The document, loaded and compiled on first use.
pub fn document() -> &'static Document {
    static DOC: OnceLock<Document> = OnceLock::new();
    DOC.get_or_init(|| {
        let text = std::fs::read_to_string(PATH).unwrap_or_else(|e| panic!("{PATH}: {e}"));
        let doc: Value = serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{PATH} is not YAML: {e}"));
        Document::compile(doc).unwrap_or_else(|e| panic!("{PATH}: {e}"))
    })
}

/// `~` and `/` escaped for a JSON pointer segment.
fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Follows a local `$ref` chain from `pointer`: the object it ends at and its pointer.
fn resolve(doc: &Value, mut pointer: String) -> Result<(&Value, String), String> {
    for _ in 0..16 {
        let value = doc.pointer(&pointer).ok_or_else(|| format!("nothing at #{pointer}"))?;
        match value.get("$ref").and_then(Value::as_str) {
            Some(target) => {
                pointer = target.strip_prefix('#').ok_or_else(|| format!("#{pointer}: only local $refs are supported, not {target}"))?.to_string();
            }
            None => return Ok((value, pointer)),
        }
    }
    Err(format!("#{pointer}: a $ref cycle"))
}

impl Document {
    fn compile(doc: Value) -> Result<Document, String> {
        let registry = jsonschema::Registry::new()
            .draft(jsonschema::Draft::Draft202012)
            .add(BASE, doc.clone())
            .and_then(|r| r.prepare())
            .map_err(|e| format!("cannot register the document as a schema resource: {e}"))?;
        let schema = |pointer: &str| -> Result<Schema, String> {
            let (_, target) = resolve(&doc, pointer.to_string())?;
            let validator = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .with_registry(&registry)
                .should_validate_formats(true)
                .offline()
                .build(&json!({ "$ref": format!("{BASE}#{target}") }))
                .map_err(|e| format!("the schema at #{target} does not compile: {e}"))?;
            let name = target.strip_prefix("/components/schemas/").map_or_else(|| format!("#{target}"), str::to_string);
            Ok(Schema { name, validator })
        };
        let paths = doc.get("paths").and_then(Value::as_object).ok_or("no paths")?;
        let mut operations = vec![];
        for (path, item) in paths {
            for method in METHODS.iter().filter(|m| item.get(**m).is_some()) {
                let at = format!("/paths/{}/{method}", escape(path));
                let (op, _) = resolve(&doc, at.clone())?;
                let id = op.get("operationId").and_then(Value::as_str).ok_or_else(|| format!("#{at}: no operationId"))?;
                let mut responses = BTreeMap::new();
                for status in op.get("responses").and_then(Value::as_object).ok_or_else(|| format!("#{at}: no responses"))?.keys() {
                    let (response, at) = resolve(&doc, format!("{at}/responses/{}", escape(status)))?;
                    let mut content = BTreeMap::new();
                    for (media, item) in response.get("content").and_then(Value::as_object).into_iter().flatten() {
                        let body_schema = item.get("schema").map(|_| schema(&format!("{at}/content/{}/schema", escape(media)))).transpose()?;
                        if body_schema.is_none() && is_json(media) {
                            return Err(format!("#{at}/content/{media}: a JSON body needs a schema"));
                        }
                        content.insert(media.to_ascii_lowercase(), body_schema);
                    }
                    let mut headers = BTreeMap::new();
                    for name in response.get("headers").and_then(Value::as_object).into_iter().flat_map(|h| h.keys()) {
                        let (header, header_at) = resolve(&doc, format!("{at}/headers/{}", escape(name)))?;
                        let schema = header.get("schema").map(|_| schema(&format!("{header_at}/schema"))).transpose()?;
                        let required = header.get("required") == Some(&Value::Bool(true));
                        headers.insert(name.to_ascii_lowercase(), Header { required, schema });
                    }
                    responses.insert(status.clone(), Response { content, headers });
                }
                operations.push(Operation { id: id.to_string(), method: method.to_ascii_uppercase(), path: path.clone(), responses });
            }
        }
        Ok(Document { operations })
    }

    /// The operation for a request path (`{name}` segments of a template match any
    /// segment).
    pub fn operation(&self, method: &str, path: &str) -> Option<&Operation> {
        let segments: Vec<&str> = path.split('/').collect();
        self.operations.iter().find(|op| {
            let template: Vec<&str> = op.path.split('/').collect();
            op.method.eq_ignore_ascii_case(method)
                && template.len() == segments.len()
                && template.iter().zip(&segments).all(|(t, s)| t == s || (t.starts_with('{') && t.ends_with('}') && !s.is_empty()))
        })
    }
}

impl Operation {
    /// The response entry for a status: the code itself, its range (`4XX`), or `default`.
    pub fn response(&self, status: u16) -> Option<(&str, &Response)> {
        let range = format!("{}XX", status / 100);
        [status.to_string(), range, "default".to_string()]
            .into_iter()
            .find_map(|key| self.responses.get_key_value(&key).map(|(k, r)| (k.as_str(), r)))
    }
}

/// JSON media types: `application/json` and any `+json` suffix. A body of any other
/// media type (`application/octet-stream`) is bytes, not parsed.
fn is_json(media: &str) -> bool {
    let media = media.to_ascii_lowercase();
    media == "application/json" || media.ends_with("+json")
}

/// Checks one answer: the status is listed for the operation (or covered by a range or
/// `default`), each documented header present matches its schema (and a required one is
/// present), and then the body:
/// - for HEAD there is none (whatever the document says); the Content-Type, when the
///   document gives content for the answer, is one it gives, and Content-Length (the size
///   the GET would send) is only checked against its documented schema;
/// - else the Content-Type is one the document gives for the answer (none when it has no
///   content), a Content-Length header is the body's length, and the body is valid against
///   the media type's schema: parsed as JSON for a JSON media type, taken as bytes for any
///   other (`application/octet-stream`).
///
/// Answers the operationId, or what does not match, naming the operation, status and schema.
pub fn check(method: &str, path: &str, status: u16, headers: &HeaderMap, body: &[u8]) -> Result<String, String> {
    let doc = document();
    let what = format!("{method} {path} -> {status}");
    let op = doc.operation(method, path).ok_or_else(|| format!("{what}: the OpenAPI document has no operation {method} {path}"))?;
    let what = format!("{what} ({})", op.id);
    let (_, response) = op.response(status).ok_or_else(|| {
        let listed: Vec<&str> = op.responses.keys().map(String::as_str).collect();
        format!("{what}: status {status} is not in the OpenAPI document, which lists {}", listed.join(", "))
    })?;
    for (name, header) in &response.headers {
        let Some(value) = headers.get(name.as_str()) else {
            if header.required {
                return Err(format!("{what}: the required header {name} is missing"));
            }
            continue;
        };
        let text = value.to_str().map_err(|_| format!("{what}: header {name} is not text"))?;
        // A header is text; as JSON when it reads as a number or boolean, as its schema expects.
        let instance = serde_json::from_str::<Value>(text).ok().filter(|v| v.is_number() || v.is_boolean()).unwrap_or_else(|| Value::from(text));
        if let Some(schema) = &header.schema {
            if let Err(e) = schema.validator.validate(&instance) {
                return Err(format!("{what}: header {name}: {text:?} does not match {}: {e}", schema.name));
            }
        }
    }
    let head = method.eq_ignore_ascii_case("HEAD");
    if head && !body.is_empty() {
        return Err(format!("{what}: an answer to HEAD has a body ({} bytes)", body.len()));
    }
    if !head {
        if let Some(length) = headers.get(CONTENT_LENGTH) {
            let declared = length.to_str().ok().and_then(|t| t.parse::<usize>().ok());
            if declared != Some(body.len()) {
                return Err(format!("{what}: Content-Length is {length:?} but the body has {} bytes", body.len()));
            }
        }
    }
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
    if response.content.is_empty() {
        return match (content_type, body.is_empty()) {
            (_, true) => Ok(op.id.clone()),
            (ct, false) => Err(format!("{what}: the document gives this answer no body, but it has {} bytes ({})", body.len(), ct.unwrap_or("no Content-Type"))),
        };
    }
    let media = content_type.and_then(|ct| ct.split(';').next()).map(|m| m.trim().to_ascii_lowercase());
    let (media, schema) = media
        .as_deref()
        .and_then(|m| {
            let any_subtype = m.split('/').next().map(|t| format!("{t}/*"));
            response
                .content
                .get_key_value(m)
                .or_else(|| any_subtype.and_then(|a| response.content.get_key_value(&a)))
                .or_else(|| response.content.get_key_value("*/*"))
                .map(|(_, schema)| (m, schema))
        })
        .ok_or_else(|| {
            let listed: Vec<&str> = response.content.keys().map(String::as_str).collect();
            format!("{what}: Content-Type {:?} is not one the document gives ({})", content_type.unwrap_or("none"), listed.join(", "))
        })?;
    if head || !is_json(media) {
        // No body to read (HEAD), or bytes: the media type and the length were what to check.
        return Ok(op.id.clone());
    }
    let instance: Value = serde_json::from_slice(body)
        .map_err(|e| format!("{what}: the body is not JSON ({e}): {:?}", String::from_utf8_lossy(&body[..body.len().min(200)])))?;
    let Some(schema) = schema else { return Ok(op.id.clone()) };
    let errors: Vec<String> = schema
        .validator
        .iter_errors(&instance)
        .map(|e| format!("at {:?}: {e}", e.instance_path().as_str()))
        .collect();
    if errors.is_empty() {
        Ok(op.id.clone())
    } else {
        let shown: String = instance.to_string().chars().take(2000).collect();
        Err(format!("{what}: the body does not match {}:\n  {}\n  body: {shown}", schema.name, errors.join("\n  ")))
    }
}
