//! Wire types and the rules of references: what names a source, and what
//! setting a source's assets did.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The longest `system`, in characters ("cms", "newsletter", "shop").
pub const MAX_SYSTEM_CHARS: usize = 64;
/// The longest source `id` and `title`, in characters.
pub const MAX_SOURCE_TEXT_CHARS: usize = 255;
/// The longest `url`, in bytes of its ASCII form.
pub const MAX_URL_CHARS: usize = 2048;

/// A place that uses assets, as the integration that owns it names it: a
/// CMS entry, a newsletter, a product page. Unknown fields are refused, so
/// a misspelt `title` is never dropped in silence.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Which integration owns the source, e.g. `cms`.
    #[schema(examples("cms"))]
    pub system: String,
    /// The source's own id in that system, e.g. `entry-42`.
    #[schema(examples("entry-42"))]
    pub id: String,
    /// What people call it, e.g. `Spring landing page`.
    #[schema(examples("Spring landing page"))]
    pub title: String,
    /// Where it can be seen: an `http` or `https` address, or absent.
    #[serde(default)]
    #[schema(examples("https://cms.example/entries/42"))]
    pub url: Option<String>,
}

/// What `PUT /api/references` did: the source as stored, how many assets it
/// uses now, and how many references the call added and removed (both 0
/// when the list was already the one sent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReferencesOutcome {
    pub source: Source,
    /// Assets the source uses now (0: the source is gone).
    pub count: u64,
    pub added: u64,
    pub removed: u64,
}

/// "Used in 1 place", "Used in 3 places": a row's "In use" badge's title.
pub fn used_in_label(n: i64) -> String {
    places("Used in", n)
}

/// "Still used in 2 places": a row in Trash whose asset is still referenced.
pub fn still_used_in_label(n: i64) -> String {
    places("Still used in", n)
}

fn places(lead: &str, n: i64) -> String {
    if n == 1 {
        format!("{lead} 1 place")
    } else {
        format!("{lead} {n} places")
    }
}

#[cfg(feature = "ssr")]
impl Source {
    /// The source as an integration sent it, checked and trimmed: `system`,
    /// `id` and `title` not empty, not too long, without control or
    /// [hidden](crate::domain::names::is_hidden) characters; `url` absent
    /// (or blank) or an `http(s)` address, so that a `javascript:` link is
    /// never stored, let alone drawn.
    pub fn validated(&self) -> Result<Self, String> {
        Ok(Self {
            system: text_field("system", &self.system, MAX_SYSTEM_CHARS)?,
            id: text_field("id", &self.id, MAX_SOURCE_TEXT_CHARS)?,
            title: text_field("title", &self.title, MAX_SOURCE_TEXT_CHARS)?,
            url: match self.url.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(url) => Some(web_address(url)?),
            },
        })
    }
}

/// A required text of a source, trimmed.
#[cfg(feature = "ssr")]
fn text_field(name: &str, value: &str, max: usize) -> Result<String, String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(format!("The source's `{name}` cannot be empty."));
    }
    if value.chars().count() > max {
        return Err(format!(
            "The source's `{name}` can have at most {max} characters."
        ));
    }
    if value.chars().any(crate::domain::names::is_hidden) {
        return Err(format!(
            "The source's `{name}` cannot contain control or invisible characters."
        ));
    }
    Ok(value.to_owned())
}

/// An absolute `http` or `https` address without credentials, as the URL
/// standard writes it.
#[cfg(feature = "ssr")]
fn web_address(text: &str) -> Result<String, String> {
    let refused = || "The source's `url` must be an http or https address.".to_owned();
    if text.chars().any(char::is_control) {
        return Err(refused());
    }
    let url = url::Url::parse(text).map_err(|_| refused())?;
    let plain = matches!(url.scheme(), "http" | "https")
        && url.host_str().is_some_and(|h| !h.is_empty())
        && url.username().is_empty()
        && url.password().is_none();
    if !plain {
        return Err(refused());
    }
    let url = String::from(url);
    if url.len() > MAX_URL_CHARS {
        return Err(format!(
            "The source's `url` can have at most {MAX_URL_CHARS} characters."
        ));
    }
    Ok(url)
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    fn source(system: &str, id: &str, title: &str, url: Option<&str>) -> Source {
        Source {
            system: system.into(),
            id: id.into(),
            title: title.into(),
            url: url.map(Into::into),
        }
    }

    #[test]
    fn sources_are_trimmed_and_checked() {
        let ok = source(
            " cms ",
            "entry-42",
            " Spring page ",
            Some(" https://cms.example/e/42 "),
        )
        .validated()
        .unwrap();
        assert_eq!(
            ok,
            source(
                "cms",
                "entry-42",
                "Spring page",
                Some("https://cms.example/e/42")
            )
        );
        let blank_url = source("cms", "1", "T", Some("  ")).validated().unwrap();
        assert_eq!(blank_url.url, None);
        let refusal = |s: Source| s.validated().unwrap_err();
        assert!(refusal(source(" ", "1", "T", None)).contains("`system` cannot be empty"));
        assert!(refusal(source("cms", "", "T", None)).contains("`id`"));
        assert!(refusal(source("cms", "1", "a\u{0007}b", None)).contains("control"));
        assert!(refusal(source("cms", "1", "a\u{202E}b", None)).contains("invisible"));
        assert!(refusal(source(&"x".repeat(65), "1", "T", None)).contains("at most 64"));
        assert!(source("cms", "1", &"é".repeat(255), None)
            .validated()
            .is_ok());
        assert!(refusal(source("cms", "1", &"é".repeat(256), None)).contains("at most 255"));
    }

    #[test]
    fn only_web_addresses_are_links() {
        let url = |u: &str| source("cms", "1", "T", Some(u)).validated().map(|s| s.url);
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,x",
            "ftp://host/x",
            "/relative/path",
            "https://user:pw@host/",
            "http://",
            "https://host/\u{0000}",
        ] {
            assert!(url(bad).is_err(), "{bad}");
        }
        assert_eq!(
            url("HTTPS://CMS.example/a b").unwrap().as_deref(),
            Some("https://cms.example/a%20b")
        );
        let long = format!("https://h.example/{}", "a".repeat(MAX_URL_CHARS));
        assert!(url(&long).unwrap_err().contains("at most"));
    }

    #[test]
    fn places_are_counted_in_words() {
        assert_eq!(used_in_label(1), "Used in 1 place");
        assert_eq!(used_in_label(3), "Used in 3 places");
        assert_eq!(still_used_in_label(1), "Still used in 1 place");
        assert_eq!(still_used_in_label(2), "Still used in 2 places");
    }
}
