//! Writing TOML values the way the catalog's hand-written files do: strings escaped as
//! TOML basic strings, bare keys where TOML allows them, thousands separated by `_`,
//! prices with a decimal point. The output depends only on the values (no map order, no
//! float noise), so the same catalog gives the same bytes.

use std::fmt::Write;

/// A TOML basic string.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A key: bare when TOML allows it, else quoted.
pub fn key(k: &str) -> String {
    let bare = !k.is_empty()
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if bare { k.to_string() } else { string(k) }
}

/// An integer, with `_` between thousands from 10,000 up (`131_072`).
pub fn int(n: u32) -> String {
    let digits = n.to_string();
    if n < 10_000 {
        return digits;
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('_');
        }
        out.push(c);
    }
    out
}

/// A float that reads back as the same value, always with a decimal point.
pub fn float(f: f64) -> String {
    let text = format!("{f}");
    if text.contains(['.', 'e', 'E', 'i', 'N']) {
        text
    } else {
        format!("{text}.0")
    }
}

/// A list of strings on one line.
pub fn strings<S: AsRef<str>>(items: &[S]) -> String {
    let items: Vec<String> = items.iter().map(|s| string(s.as_ref())).collect();
    format!("[{}]", items.join(", "))
}

/// A `# …` comment line, with any line break in `text` turned into a space.
pub fn comment(text: &str) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    format!("# {one_line}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_back_unchanged() {
        assert_eq!(string("a\"b\\c\n\u{1b}é"), "\"a\\\"b\\\\c\\n\\u001Bé\"");
        assert_eq!(key("qwen3.5-plus"), "\"qwen3.5-plus\"");
        assert_eq!(key("standard"), "standard");
        assert_eq!(int(9_999), "9999");
        assert_eq!(int(131_072), "131_072");
        assert_eq!(int(1_000_000), "1_000_000");
        assert_eq!(float(2.0), "2.0");
        assert_eq!(float(0.275), "0.275");
        assert_eq!(float(0.0000001), "0.0000001");
        for f in [0.1 + 0.2, 1e-7, 123456.789, 3.0] {
            let text = format!("x = {}", float(f));
            let parsed: toml::Table = toml::from_str(&text).unwrap();
            assert_eq!(parsed["x"].as_float(), Some(f), "{text}");
        }
        let text = format!(
            "x = {}\ny = {}",
            string("\u{7f}\u{0}tab\t"),
            int(4_294_967_295)
        );
        let parsed: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(parsed["x"].as_str(), Some("\u{7f}\u{0}tab\t"));
        assert_eq!(parsed["y"].as_integer(), Some(4_294_967_295));
        assert_eq!(comment("a\nb"), "# a b\n");
    }
}
