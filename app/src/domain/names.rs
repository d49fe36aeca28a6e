//! The rules every name in Trove keeps, an asset's or a folder's: how
//! long it may be and which characters it may not carry.

/// The longest name, in characters.
pub const MAX_NAME_CHARS: usize = 255;

/// Characters a name may not carry: control characters, and invisible
/// format characters that reorder or hide text, so that
/// `invoice\u{202E}fdp.exe` cannot pass for `invoiceexe.pdf`. These are
/// the bidirectional controls (embeddings, overrides, isolates and marks),
/// zero-width spaces and joiners of words, the byte-order mark, soft
/// hyphens, line and paragraph separators, interlinear annotations, tag
/// characters and the Hangul fillers (letters that draw nothing). The zero-width
/// (non-)joiners U+200C and U+200D stay: scripts such as Persian and emoji
/// sequences need them, and they cannot reorder anything.
#[cfg(feature = "ssr")]
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{180E}'
                | '\u{200B}'
                | '\u{200E}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{2028}'..='\u{2029}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{E0000}'..='\u{E007F}'
                // Hangul fillers: letters that draw nothing.
                | '\u{115F}'..='\u{1160}'
                | '\u{3164}'
                | '\u{FFA0}'
        )
}

/// A name typed for a `thing` ("asset", "folder"): not empty, at most
/// [`MAX_NAME_CHARS`], no slashes, control or [hidden](is_hidden)
/// characters; answered in NFC: one form per name, so that names
/// that look the same are the same text.
#[cfg(feature = "ssr")]
pub fn validate_name(input: &str, thing: &str) -> Result<String, String> {
    use unicode_normalization::UnicodeNormalization as _;
    let composed: String = input.trim().nfc().collect();
    let name = composed.as_str();
    if name.is_empty() {
        return Err(format!("Give the {thing} a name."));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(format!(
            "A name can have at most {MAX_NAME_CHARS} characters."
        ));
    }
    if name.contains(['/', '\\']) || name.chars().any(char::is_control) {
        return Err("A name cannot contain slashes or control characters.".to_owned());
    }
    if name.chars().any(is_hidden) {
        return Err(
            "A name cannot contain invisible characters that change how it reads (such as right-to-left marks)."
                .to_owned(),
        );
    }
    Ok(name.to_owned())
}
