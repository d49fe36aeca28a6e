//! What an uploaded file is, decided from its first bytes (magic numbers),
//! not from its name; and the name it is shown under.

/// How many leading bytes [`sniff`] looks at.
pub const SNIFF_BYTES: usize = 8 * 1024;

pub use crate::domain::names::{is_hidden, validate_name, MAX_NAME_CHARS};

use unicode_normalization::UnicodeNormalization as _;

/// The MIME type of a file from its first bytes. The name only refines
/// plain text (CSV, Markdown, JSON), which has no magic number.
pub fn sniff(head: &[u8], name: &str) -> String {
    if looks_like_svg(head) {
        return "image/svg+xml".to_owned();
    }
    if let Some(kind) = infer::get(head) {
        return match kind.mime_type() {
            "audio/x-wav" => "audio/wav",
            "audio/x-flac" => "audio/flac",
            other => other,
        }
        .to_owned();
    }
    if !is_text(head) {
        return "application/octet-stream".to_owned();
    }
    let extension = name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase());
    match extension.as_deref() {
        Some("csv") => "text/csv",
        Some("md" | "markdown") => "text/markdown",
        Some("json") => "application/json",
        _ => "text/plain",
    }
    .to_owned()
}

/// Why a type is refused, or `None` when Trove keeps it: programs and web
/// pages (which could run in a browser that opened them) are not assets.
pub fn refusal(mime: &str) -> Option<&'static str> {
    match mime {
        "text/html" | "text/xml" | "application/xhtml+xml" => Some("web pages"),
        "text/x-shellscript" => Some("scripts"),
        "application/x-executable"
        | "application/x-msdownload"
        | "application/vnd.microsoft.portable-executable"
        | "application/x-mach-binary"
        | "application/vnd.android.dex"
        | "application/x-elf"
        | "application/x-sharedlib"
        | "application/java"
        | "application/java-archive"
        | "application/x-llvm"
        | "application/vnd.android.dey"
        | "application/wasm"
        | "application/x-msi" => Some("programs"),
        _ => None,
    }
}

fn looks_like_svg(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&head[..head.len().min(1024)]).to_ascii_lowercase();
    let text = text.trim_start_matches('\u{feff}').trim_start();
    (text.starts_with("<svg") || text.starts_with("<?xml") || text.starts_with("<!--"))
        && text.contains("<svg")
}

/// UTF-8 without NUL bytes (a character cut at the end of `head` is fine).
fn is_text(head: &[u8]) -> bool {
    !head.contains(&0)
        && match std::str::from_utf8(head) {
            Ok(_) => true,
            Err(error) => error.error_len().is_none(),
        }
}

/// The name a file is shown and downloaded under: the last part of what the
/// browser sent (never a path), without [hidden](is_hidden) characters, in
/// NFC, trimmed, at most [`MAX_NAME_CHARS`] characters; "untitled" when
/// nothing is left.
pub fn clean_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    // Hidden characters go before composing: one between a letter and its
    // accent would keep them apart.
    let cleaned: String = last.chars().filter(|c| !is_hidden(*c)).nfc().collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim();
    let name: String = trimmed.chars().take(MAX_NAME_CHARS).collect();
    if name.is_empty() {
        "untitled".to_owned()
    } else {
        name
    }
}

/// A new name typed by a person: the same rules, but a path or an empty
/// name is refused rather than cleaned, so nothing surprising is saved.
pub fn validate_rename(input: &str) -> Result<String, String> {
    validate_name(input, "asset")
}

/// `Content-Disposition` for a download under `name`: an ASCII fallback and
/// the exact UTF-8 name (RFC 6266 / RFC 8187 `filename*`).
pub fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c == ' ' || (c.is_ascii_graphic() && c != '"' && c != '\\') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = crate::domain::encoding::attr_chars(name);
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    #[test]
    fn the_content_decides_not_the_name() {
        assert_eq!(sniff(PNG, "report.pdf"), "image/png");
        assert_eq!(sniff(b"%PDF-1.7\n", "photo.png"), "application/pdf");
        assert_eq!(sniff(b"\xff\xd8\xff\xe0\0\x10JFIF", "x"), "image/jpeg");
        assert_eq!(sniff(b"GIF89a", "x"), "image/gif");
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 ", "x"), "image/webp");
        assert_eq!(sniff(b"RIFF\0\0\0\0WAVEfmt ", "x"), "audio/wav");
        assert_eq!(sniff(b"a,b\n1,2\n", "table.csv"), "text/csv");
        assert_eq!(sniff(b"# Title\n", "notes.md"), "text/markdown");
        assert_eq!(sniff(b"hello", "notes.exe"), "text/plain");
        assert_eq!(
            sniff(b"\0\x01\x02\xff", "x.txt"),
            "application/octet-stream"
        );
        assert_eq!(
            sniff(
                b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
                "a"
            ),
            "image/svg+xml"
        );
        assert_eq!(
            sniff(b"<html><script>alert(1)</script>", "cat.png"),
            "text/html"
        );
    }

    #[test]
    fn programs_and_web_pages_are_refused() {
        assert!(refusal(&sniff(b"<html><body>", "x.png")).is_some());
        assert!(refusal(&sniff(b"MZ\x90\0\x03\0\0\0", "setup.jpg")).is_some());
        let mut elf = b"\x7fELF\x02\x01\x01".to_vec();
        elf.resize(64, 0);
        assert!(refusal(&sniff(&elf, "x")).is_some());
        assert!(refusal(&sniff(b"#!/bin/sh\nrm -rf /", "x.txt")).is_some());
        assert_eq!(refusal("image/png"), None);
        assert_eq!(refusal("image/svg+xml"), None);
        assert_eq!(refusal("application/octet-stream"), None);
    }

    #[test]
    fn names_are_never_paths() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\Users\\me\\Beach day.png"), "Beach day.png");
        assert_eq!(clean_name("  report\u{0}\n.pdf "), "report.pdf");
        assert_eq!(clean_name(".."), "untitled");
        assert_eq!(clean_name(""), "untitled");
        assert_eq!(clean_name("Grüße 测试.png"), "Grüße 测试.png");
        assert_eq!(clean_name(&"a".repeat(300)).chars().count(), MAX_NAME_CHARS);
    }

    #[test]
    fn names_cannot_hide_or_reorder_their_text() {
        // Shown right to left after U+202E, this reads "invoiceexe.pdf".
        assert_eq!(clean_name("invoice\u{202E}fdp.exe"), "invoicefdp.exe");
        for hidden in [
            '\u{200B}',
            '\u{200E}',
            '\u{200F}',
            '\u{202A}',
            '\u{202B}',
            '\u{202C}',
            '\u{202D}',
            '\u{2066}',
            '\u{2067}',
            '\u{2068}',
            '\u{2069}',
            '\u{061C}',
            '\u{FEFF}',
            '\u{00AD}',
            '\u{E0041}',
            '\u{2028}',
            '\u{3164}',
        ] {
            let name = format!("report{hidden}.pdf");
            assert_eq!(clean_name(&name), "report.pdf", "{:?}", hidden);
            assert!(validate_rename(&name).is_err(), "{:?}", hidden);
        }
        // Persian needs the zero-width non-joiner; emoji need the joiner.
        assert_eq!(clean_name("می\u{200C}خواهم.txt"), "می\u{200C}خواهم.txt");
        assert_eq!(
            validate_rename("👩\u{200D}💻.png"),
            Ok("👩\u{200D}💻.png".into())
        );
    }

    /// One name, one form: an accented letter typed as a letter and a
    /// combining accent (NFD, as macOS writes file names) is kept composed
    /// (NFC), so it cannot pass for another name that looks the same.
    #[test]
    fn names_are_kept_in_nfc() {
        assert_eq!(clean_name("Cafe\u{301}.png"), "Caf\u{E9}.png");
        assert_eq!(
            validate_rename("Cafe\u{301}.png"),
            Ok("Caf\u{E9}.png".into())
        );
        assert_eq!(
            validate_name("Cre\u{300}me", "folder"),
            Ok("Cr\u{E8}me".into())
        );
        // A hidden character between a letter and its accent goes first.
        assert_eq!(clean_name("e\u{200B}\u{301}.txt"), "\u{E9}.txt");
        // The length is counted composed.
        assert!(validate_rename(&"e\u{301}".repeat(MAX_NAME_CHARS)).is_ok());
    }

    #[test]
    fn renames_are_checked() {
        assert_eq!(
            validate_rename("  Logo final.png "),
            Ok("Logo final.png".into())
        );
        assert!(validate_rename("   ").is_err());
        assert!(validate_rename("a/b.png").is_err());
        assert!(validate_rename(&"x".repeat(256)).is_err());
    }

    #[test]
    fn downloads_keep_their_exact_name() {
        assert_eq!(
            content_disposition("Grüße \"final\".txt"),
            "attachment; filename=\"Gr__e _final_.txt\"; filename*=UTF-8''Gr%C3%BC%C3%9Fe%20%22final%22.txt"
        );
    }
}
