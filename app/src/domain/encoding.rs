//! Percent-encoding, through the `percent-encoding` crate (the one `url`
//! uses), with the character sets Trove needs named once.

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS, NON_ALPHANUMERIC};

/// A query value or path segment: everything but RFC 3986's unreserved
/// characters.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// RFC 8187 `attr-char`, for `filename*=` in `Content-Disposition`.
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// What a `Location` header cannot carry as is: controls, space, and
/// (always, in this crate) every byte outside ASCII.
const HEADER: &AsciiSet = &CONTROLS.add(b' ');

/// `a b/ü` → `a%20b%2F%C3%BC`: for query values and path segments.
pub fn component(value: &str) -> String {
    utf8_percent_encode(value, COMPONENT).to_string()
}

/// The exact UTF-8 form of a file name for `filename*=UTF-8''…`.
pub fn attr_chars(value: &str) -> String {
    utf8_percent_encode(value, ATTR_CHAR).to_string()
}

/// A path made safe to send in a header, its meaning unchanged.
pub fn header_safe(value: &str) -> String {
    utf8_percent_encode(value, HEADER).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_set_keeps_what_it_may() {
        assert_eq!(component("a b/ü-_.~?&="), "a%20b%2F%C3%BC-_.~%3F%26%3D");
        assert_eq!(
            attr_chars("Grüße \"final\".txt"),
            "Gr%C3%BC%C3%9Fe%20%22final%22.txt"
        );
        assert_eq!(attr_chars("a!#$&+^`|~.b"), "a!#$&+^`|~.b");
        assert_eq!(
            header_safe("/x?q=Grüße 1&a=b"),
            "/x?q=Gr%C3%BC%C3%9Fe%201&a=b"
        );
    }
}
