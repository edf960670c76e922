//! The text edits of onboarding: the TOML config (with `toml_edit`, so everything else
//! stays byte for byte, comments included), the JSON snippet for a JSON config, the
//! `#:schema` line, and one variable of a `.env` file.

use toml_edit::{DocumentMut, Item, Table, value};

/// `text` with `models.providers.<entry>.authChoice` and, if given, the default model set;
/// everything else is kept byte for byte.
pub(super) fn edit_toml(
    text: &str,
    entry: &str,
    choice: &str,
    default_model: Option<&str>,
) -> Option<String> {
    let mut doc: DocumentMut = text.parse().ok()?;
    let models = implicit_table(doc.as_table_mut(), "models")?;
    let providers = implicit_table(models, "providers")?;
    let provider = table(providers, entry)?;
    if provider.get("authChoice").and_then(Item::as_str) != Some(choice) {
        set_keeping_decor(provider, "authChoice", choice);
    }
    if let Some(model) = default_model {
        let agents = implicit_table(doc.as_table_mut(), "agents")?;
        let defaults = implicit_table(agents, "defaults")?;
        table(defaults, "model")?["primary"] = value(model);
    }
    let out = doc.to_string();
    Some(if out.is_empty() || out.ends_with('\n') {
        out
    } else {
        out + "\n"
    })
}

/// `text` (a TOML config) with a `#:schema` line first pointing at `schema_file` (a name
/// beside the config); unchanged when its leading comments already hold a `#:schema` line
/// (the user's, wherever it points).
pub(super) fn with_schema_line(text: &str, schema_file: &str) -> String {
    let has_one = text
        .lines()
        .take_while(|l| {
            let l = l.trim();
            l.is_empty() || l.starts_with('#')
        })
        .any(|l| l.trim_start().starts_with("#:schema"));
    if has_one {
        text.to_string()
    } else {
        format!("#:schema ./{schema_file}\n{text}")
    }
}

/// Sets `key` of `table` to `text`; a value already there keeps its decor (the spaces
/// around it and the comment at the end of its line).
fn set_keeping_decor(table: &mut Table, key: &str, text: &str) {
    match table.get_mut(key).and_then(Item::as_value_mut) {
        Some(old) => {
            let decor = old.decor().clone();
            *old = toml_edit::Value::from(text);
            *old.decor_mut() = decor;
        }
        None => table[key] = value(text),
    }
}

/// The table at `key` of `parent`, created as an implicit table (no `[header]` of its own
/// unless it gets direct keys). An inline table (`models = { … }`) becomes a standard one
/// so it can grow; `None` if `key` holds something other than a table.
fn implicit_table<'t>(parent: &'t mut Table, key: &str) -> Option<&'t mut Table> {
    let item = parent.entry(key).or_insert_with(|| {
        let mut t = Table::new();
        t.set_implicit(true);
        Item::Table(t)
    });
    if let Some(inline) = item.as_inline_table() {
        *item = Item::Table(inline.clone().into_table());
    }
    item.as_table_mut()
}

fn table<'t>(parent: &'t mut Table, key: &str) -> Option<&'t mut Table> {
    let t = implicit_table(parent, key)?;
    t.set_implicit(false);
    Some(t)
}

/// The JSON to merge into a JSON config; with `schema_file`, a `"$schema"` pointing at it
/// (a name beside the config).
pub(super) fn json_snippet(
    entry: &str,
    choice: &str,
    default_model: Option<&str>,
    schema_file: Option<&str>,
) -> String {
    let mut root =
        serde_json::json!({ "models": { "providers": { entry: { "authChoice": choice } } } });
    if let Some(file) = schema_file {
        root["$schema"] = serde_json::Value::String(format!("./{file}"));
    }
    if let Some(model) = default_model {
        root["agents"] = serde_json::json!({ "defaults": { "model": { "primary": model } } });
    }
    serde_json::to_string_pretty(&root).unwrap_or_default()
}

/// `text` (a `.env` file) with `var` set to `value`: an existing `var=` line is replaced
/// in place, otherwise a line is appended; other lines are kept as they are.
pub(super) fn set_dotenv_var(text: &str, var: &str, value: &str) -> String {
    let line = format!("{var}={}", quote(value));
    let mut replaced = false;
    let mut out: Vec<String> = text
        .lines()
        .filter_map(|l| {
            let name = l
                .trim_start()
                .trim_start_matches("export ")
                .split('=')
                .next()
                .unwrap_or("")
                .trim();
            if name == var {
                if replaced {
                    return None;
                }
                replaced = true;
                return Some(line.clone());
            }
            Some(l.to_string())
        })
        .collect();
    if !replaced {
        out.push(line);
    }
    let mut joined = out.join("\n");
    joined.push('\n');
    joined
}

fn quote(value: &str) -> String {
    if value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        value.to_string()
    } else {
        format!("'{value}'")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_comments_and_other_content() {
        let text = "# my config\n[agents.defaults.model]\nprimary = \"qwen/glm-5\" # GLM\n\n[models.providers.other]\napi = \"openai-completions\"\nbaseUrl = \"https://x.example/v1\"\n";
        let out = edit_toml(text, "qwen", "qwen-api-key", None).unwrap();
        assert!(out.starts_with(text), "{out}");
        assert!(
            out.contains("[models.providers.qwen]\nauthChoice = \"qwen-api-key\"\n"),
            "{out}"
        );
        assert_eq!(edit_toml(&out, "qwen", "qwen-api-key", None).unwrap(), out);
    }

    #[test]
    fn keeps_the_comment_at_the_end_of_the_line_it_rewrites() {
        let text = "[models.providers.qwen]\nauthChoice = \"qwen-api-key\"   # the Coding Plan\nheaders = { X = \"1\" } # team\n";
        let out = edit_toml(text, "qwen", "qwen-standard-api-key", None).unwrap();
        assert_eq!(
            out,
            "[models.providers.qwen]\nauthChoice = \"qwen-standard-api-key\"   # the Coding Plan\nheaders = { X = \"1\" } # team\n"
        );
    }

    #[test]
    fn puts_a_schema_line_first_unless_there_is_one() {
        assert_eq!(
            with_schema_line("# mine\n[env]\n", "config.schema.json"),
            "#:schema ./config.schema.json\n# mine\n[env]\n"
        );
        assert_eq!(
            with_schema_line("", "config.schema.json"),
            "#:schema ./config.schema.json\n"
        );
        let own = "# mine\n#:schema /elsewhere/s.json\n[env]\n";
        assert_eq!(with_schema_line(own, "config.schema.json"), own);
        // A `#:schema` after the first table is not a directive.
        let late = "[env]\n#:schema ./x.json\n";
        assert!(with_schema_line(late, "config.schema.json").starts_with("#:schema ./config"));
    }

    #[test]
    fn writes_a_fresh_config_with_the_default_model() {
        let out = edit_toml(
            "",
            "qwen",
            "qwen-standard-api-key",
            Some("qwen/qwen3.5-plus"),
        )
        .unwrap();
        assert_eq!(
            out,
            "[models.providers.qwen]\nauthChoice = \"qwen-standard-api-key\"\n\n[agents.defaults.model]\nprimary = \"qwen/qwen3.5-plus\"\n"
        );
    }

    #[test]
    fn replaces_one_dotenv_line_and_keeps_the_rest() {
        let text = "# keys\nOTHER=1\nexport QWEN_API_KEY=old\n";
        assert_eq!(
            set_dotenv_var(text, "QWEN_API_KEY", "sk-new"),
            "# keys\nOTHER=1\nQWEN_API_KEY=sk-new\n"
        );
        assert_eq!(
            set_dotenv_var("", "QWEN_API_KEY", "sk-new"),
            "QWEN_API_KEY=sk-new\n"
        );
    }
}
