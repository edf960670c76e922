//! Diagnostics: what went wrong, where, which rule it broke and what to do.
//!
//! Every problem the compiler finds becomes a [`Diagnostic`] naming a file, a byte span
//! and a [`Rule`]. A [`Report`] holds them with the file texts they point into and
//! renders them the way rustc does (via `annotate-snippets`), so `cargo build` and
//! `provcat catalog check` print the same text.
//!
//! Rendering costs the same per diagnostic however large its file is: each file's lines
//! are indexed once ([`LineIndex`]), and the renderer is given only the lines a
//! diagnostic points at ([`lines::excerpt`]), never the whole file.

mod lines;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use annotate_snippets::{Annotation, AnnotationKind, Group, Level, Origin, Renderer, Snippet};

pub use lines::LineIndex;
use lines::{Excerpt, floor_char_boundary};

/// A rule of the catalog format. The code appears in brackets after `error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// A file or folder could not be read.
    Io,
    /// The catalog folder's layout is not `<provider>/provider.toml` + `<provider>/models/<id>.toml`.
    Layout,
    /// The file is not valid TOML.
    TomlSyntax,
    /// The file is not valid JSON (user config files may be JSON).
    JsonSyntax,
    /// A key the schema does not define.
    UnknownKey,
    /// A value of the wrong type.
    WrongType,
    /// A required key is absent.
    MissingKey,
    /// A catalog provider is used without an auth choice (the config's
    /// `models.providers.<id>.authChoice`, written by `provcat onboard`).
    MissingAuthChoice,
    /// A value the schema does not allow (enum, pattern, range, length).
    InvalidValue,
    /// Two things share an id that must be unique.
    DuplicateId,
    /// A reference to a plan, region, model or ref that does not exist.
    DanglingReference,
    /// An alias that is also a canonical ref, another alias, or a provider namespace.
    AliasShadows,
    /// An alias whose target is itself an alias.
    AliasChain,
    /// Aliases or replacements that lead back to where they started.
    AliasCycle,
    /// `max_output_tokens` larger than `context_window`.
    OutputExceedsContext,
    /// An endpoint URL that is not `https://`.
    InsecureEndpoint,
    /// An auth choice for a (plan, region) pair that has no endpoint.
    AuthChoiceWithoutEndpoint,
    /// The provider's default model does not exist or is not a chat model.
    UnknownDefaultModel,
    /// An auth choice's default model (its own, else the provider's) is one its plan does
    /// not serve in its region.
    DefaultNotServed,
    /// A field that the model's kind requires or forbids.
    KindFields,
    /// A model's availability does not cover every plan, or lacks a reason.
    Availability,
    /// A model is available on a plan whose endpoints do not serve its surface.
    PlanCannotServe,
    /// Video media rules that contradict the mode or each other.
    MediaRules,
    /// Flags that contradict each other.
    InconsistentFlags,
    /// Two endpoints on one host with different capabilities.
    HostConflict,
    /// `override = true` on a model that has no model of the same ref below it.
    Override,
}

impl Rule {
    /// The rule's code, shown as `error[code]`.
    pub const fn code(self) -> &'static str {
        match self {
            Rule::Io => "io",
            Rule::Layout => "layout",
            Rule::TomlSyntax => "toml-syntax",
            Rule::JsonSyntax => "json-syntax",
            Rule::UnknownKey => "unknown-key",
            Rule::WrongType => "wrong-type",
            Rule::MissingKey => "missing-key",
            Rule::MissingAuthChoice => "missing-auth-choice",
            Rule::InvalidValue => "invalid-value",
            Rule::DuplicateId => "duplicate-id",
            Rule::DanglingReference => "dangling-reference",
            Rule::AliasShadows => "alias-shadows",
            Rule::AliasChain => "alias-chain",
            Rule::AliasCycle => "alias-cycle",
            Rule::OutputExceedsContext => "output-exceeds-context",
            Rule::InsecureEndpoint => "insecure-endpoint",
            Rule::AuthChoiceWithoutEndpoint => "auth-choice-without-endpoint",
            Rule::UnknownDefaultModel => "unknown-default-model",
            Rule::DefaultNotServed => "default-not-served",
            Rule::KindFields => "kind-fields",
            Rule::Availability => "availability",
            Rule::PlanCannotServe => "plan-cannot-serve",
            Rule::MediaRules => "media-rules",
            Rule::InconsistentFlags => "inconsistent-flags",
            Rule::HostConflict => "host-conflict",
            Rule::Override => "override",
        }
    }
}

/// One problem found in the catalog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule that was broken.
    pub rule: Rule,
    /// One line saying what is wrong.
    pub message: String,
    /// The file, as displayed (relative to where the compiler was pointed).
    pub file: Option<String>,
    /// Byte span in the file.
    pub span: Option<Range<usize>>,
    /// A short label under the offending text.
    pub label: Option<String>,
    /// What to do about it.
    pub help: Option<String>,
    /// Other places that take part in the problem ("first defined here"), shown after the
    /// primary span.
    pub related: Vec<Related>,
}

/// A secondary place of a diagnostic: the other side of a duplicate or a clash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    /// The file, as displayed.
    pub file: String,
    /// Byte span in the file.
    pub span: Option<Range<usize>>,
    /// What this place is ("first defined here").
    pub label: String,
}

impl Diagnostic {
    /// A diagnostic for `rule` with `message`, not yet located.
    pub fn new(rule: Rule, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            message: message.into(),
            file: None,
            span: None,
            label: None,
            help: None,
            related: Vec::new(),
        }
    }

    /// Places the diagnostic in `file` at `span`.
    pub fn at(mut self, file: &str, span: Option<Range<usize>>) -> Self {
        self.file = Some(file.to_string());
        self.span = span;
        self
    }

    /// Sets the label shown under the span.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Sets the help line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a secondary place, labelled `label` (e.g. "first defined here").
    pub fn related(
        mut self,
        file: &str,
        span: Option<Range<usize>>,
        label: impl Into<String>,
    ) -> Self {
        self.related.push(Related {
            file: file.to_string(),
            span,
            label: label.into(),
        });
        self
    }

    /// Sets the help line when there is one.
    pub fn maybe_help(mut self, help: Option<String>) -> Self {
        if help.is_some() {
            self.help = help;
        }
        self
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`. For many offsets
/// in one text, build a [`LineIndex`] once instead.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// A file's text and, once a diagnostic needs it, the index of its lines.
#[derive(Clone, Debug)]
struct Source {
    text: Arc<str>,
    lines: OnceLock<LineIndex>,
}

impl Source {
    fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    fn line_col(&self, offset: usize) -> (usize, usize) {
        self.lines().line_col(&self.text, offset)
    }
}

/// What a diagnostic says, as it is rendered: the one place the rendered texts come from.
struct Texts<'a> {
    message: Cow<'a, str>,
    label: Option<Cow<'a, str>>,
    help: Option<Cow<'a, str>>,
}

impl<'a> Texts<'a> {
    fn of(d: &'a Diagnostic) -> Self {
        Texts {
            message: Cow::Borrowed(&d.message),
            label: d.label.as_deref().map(Cow::Borrowed),
            help: d.help.as_deref().map(Cow::Borrowed),
        }
    }
}

/// Diagnostics together with the texts of the files they point into.
#[derive(Clone, Debug, Default)]
pub struct Report {
    diagnostics: Vec<Diagnostic>,
    sources: BTreeMap<String, Source>,
}

impl Report {
    /// Remembers the text of `file` so diagnostics in it can show the offending line.
    pub fn add_source(&mut self, file: &str, text: Arc<str>) {
        let source = Source {
            text,
            lines: OnceLock::new(),
        };
        self.sources.insert(file.to_string(), source);
    }

    /// Adds a diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Rewrites the text of every diagnostic (message, label and help) with `f`: the
    /// hook through which a caller redacts secrets (and escapes what the diagnostics
    /// quote) before the report is rendered or serialized. File names, spans and the
    /// quoted source texts are left as they are (a source text is redacted by whoever
    /// adds it, keeping its byte offsets).
    pub fn map_text(&mut self, f: impl Fn(&str) -> String) {
        for d in &mut self.diagnostics {
            d.message = f(&d.message);
            d.label = d.label.as_deref().map(&f);
            d.help = d.help.as_deref().map(&f);
        }
    }

    /// Removes and returns the diagnostics added after the first `start` (in the order
    /// they were added), so a caller can look at one stage's diagnostics before keeping
    /// them.
    pub fn take_from(&mut self, start: usize) -> Vec<Diagnostic> {
        self.diagnostics
            .split_off(start.min(self.diagnostics.len()))
    }

    /// How many diagnostics were reported.
    pub fn len(&self) -> usize {
        self.diagnostics.len()
    }

    /// True when nothing was reported.
    pub fn is_empty(&self) -> bool {
        self.diagnostics.is_empty()
    }

    /// The diagnostics, sorted by file, then position, then rule.
    pub fn diagnostics(&self) -> Vec<&Diagnostic> {
        let mut sorted: Vec<&Diagnostic> = self.diagnostics.iter().collect();
        sorted.sort_by(|a, b| {
            (
                &a.file,
                a.span.as_ref().map(|s| s.start),
                a.rule,
                &a.message,
            )
                .cmp(&(
                    &b.file,
                    b.span.as_ref().map(|s| s.start),
                    b.rule,
                    &b.message,
                ))
        });
        sorted.dedup();
        sorted
    }

    /// Diagnostics whose location is not valid, described: a span without a known file,
    /// or outside its file's text, reversed, or not on character boundaries. Empty for
    /// every report the compiler makes; the property test and the fuzz target assert it.
    pub fn span_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for d in &self.diagnostics {
            let Some(span) = &d.span else { continue };
            let text = d
                .file
                .as_ref()
                .and_then(|f| self.sources.get(f))
                .map(|s| &s.text);
            let valid = text.is_some_and(|text| {
                span.start <= span.end
                    && span.end <= text.len()
                    && text.is_char_boundary(span.start)
                    && text.is_char_boundary(span.end)
            });
            if !valid {
                problems.push(format!(
                    "[{}] {}: span {span:?} in {:?} ({} bytes)",
                    d.rule.code(),
                    d.message,
                    d.file,
                    text.map_or(0, |t| t.len())
                ));
            }
        }
        problems
    }

    /// The 1-based line of byte `offset` in `file`, when its text is known.
    pub fn line_of(&self, file: &str, offset: usize) -> Option<usize> {
        self.sources.get(file).map(|s| s.line_col(offset).0)
    }

    /// `file:line:col` of a diagnostic, when it has a location.
    pub fn location(&self, diagnostic: &Diagnostic) -> Option<String> {
        let file = diagnostic.file.as_deref()?;
        match (&diagnostic.span, self.sources.get(file)) {
            (Some(span), Some(source)) => {
                let (line, col) = source.line_col(span.start);
                Some(format!("{file}:{line}:{col}"))
            }
            _ => Some(file.to_string()),
        }
    }

    /// Renders every diagnostic the way rustc does, followed by a summary line.
    /// `styled` adds ANSI colours.
    pub fn render(&self, styled: bool) -> String {
        let diagnostics = self.diagnostics();
        let mut out = self.render_each(&diagnostics, styled);
        let n = diagnostics.len();
        out.push_str(&format!(
            "error: the catalog has {n} error{}; nothing was generated\n",
            if n == 1 { "" } else { "s" }
        ));
        out
    }

    /// Renders every diagnostic, each followed by a blank line, without a summary (for
    /// problems outside a catalog, such as a user's config file).
    pub fn render_diagnostics(&self, styled: bool) -> String {
        self.render_each(&self.diagnostics(), styled)
    }

    fn render_each(&self, diagnostics: &[&Diagnostic], styled: bool) -> String {
        let renderer = if styled {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let mut out = String::new();
        for d in diagnostics {
            self.render_one(&renderer, d, &mut out);
            out.push_str("\n\n");
        }
        out
    }

    /// Renders one diagnostic: its title, where it is (with the lines it points at, when
    /// its file's text is known) and its help.
    fn render_one(&self, renderer: &Renderer, d: &Diagnostic, out: &mut String) {
        let texts = Texts::of(d);
        let title = Level::ERROR
            .primary_title(texts.message.as_ref())
            .id(d.rule.code());
        let help = texts.help.as_deref().map(|h| Level::HELP.message(h));
        let excerpt = match (&d.file, &d.span) {
            (Some(file), Some(span)) => self.sources.get(file).map(|source| {
                let span = clamp(&source.text, span.clone());
                (file, lines::excerpt(&source.text, source.lines(), span))
            }),
            _ => None,
        };
        let label = texts.label.as_deref();
        // The other places of the problem ("first defined here"), each with its own lines.
        let related: Vec<(&Related, Option<Excerpt<'_>>)> = d
            .related
            .iter()
            .map(|r| {
                let excerpt = r.span.as_ref().and_then(|span| {
                    let source = self.sources.get(&r.file)?;
                    let span = clamp(&source.text, span.clone());
                    Some(lines::excerpt(&source.text, source.lines(), span))
                });
                (r, excerpt)
            })
            .collect();
        let notes: Vec<String> = related
            .iter()
            .filter(|(_, e)| e.is_none())
            .map(|(r, _)| format!("{}: {}", r.label, r.file))
            .collect();
        match &excerpt {
            Some((
                file,
                excerpt @ Excerpt {
                    cut: Some((line, col)),
                    ..
                },
            )) => {
                let (line, col) = (*line, *col);
                // The renderer would count the column in the excerpt: give it the place
                // (as a title group of its own) and the excerpt without a path, then
                // indent the place's line to the gutter of the excerpt's line numbers.
                let head = Group::with_title(title)
                    .element(Origin::path(file.as_str()).line(line).char_column(col));
                let mut body = with_related(
                    Group::with_level(Level::ERROR).element(snippet(excerpt, label)),
                    &related,
                    &notes,
                );
                if let Some(help) = help {
                    body = body.element(help);
                }
                let head = renderer.render(&[head]);
                let at = head.rfind('\n').map_or(0, |i| i + 1);
                out.push_str(&head[..at]);
                out.push_str(&" ".repeat(line.to_string().len().saturating_sub(1)));
                out.push_str(&head[at..]);
                out.push('\n');
                out.push_str(&renderer.render(&[body]));
            }
            _ => {
                let mut group = Group::with_title(title);
                match (&d.file, &excerpt) {
                    (_, Some((file, excerpt))) => {
                        group = group.element(snippet(excerpt, label).path(file.as_str()));
                    }
                    (Some(file), None) => group = group.element(Origin::path(file.as_str())),
                    (None, None) => {}
                }
                group = with_related(group, &related, &notes);
                if let Some(help) = help {
                    group = group.element(help);
                }
                out.push_str(&renderer.render(&[group]));
            }
        }
    }
}

/// The excerpt as the renderer's snippet, its span marked with `label`.
fn snippet<'a>(excerpt: &'a Excerpt<'_>, label: Option<&'a str>) -> Snippet<'a, Annotation<'a>> {
    let mut annotation = AnnotationKind::Primary.span(excerpt.span.clone());
    if let Some(label) = label {
        annotation = annotation.label(label);
    }
    Snippet::source(excerpt.source.as_ref())
        .line_start(excerpt.first_line)
        .annotation(annotation)
}

/// `group` with the related places after its own: an excerpt for each that can show its
/// lines, a note for the others.
fn with_related<'b>(
    mut group: Group<'b>,
    related: &'b [(&'b Related, Option<Excerpt<'b>>)],
    notes: &'b [String],
) -> Group<'b> {
    for (r, excerpt) in related {
        if let Some(excerpt) = excerpt {
            group = group.element(context_snippet(excerpt, &r.label).path(r.file.as_str()));
        }
    }
    for note in notes {
        group = group.element(Level::NOTE.message(note.as_str()));
    }
    group
}

/// A related place's excerpt as a snippet, its span marked as context with `label`.
fn context_snippet<'a>(excerpt: &'a Excerpt<'_>, label: &'a str) -> Snippet<'a, Annotation<'a>> {
    Snippet::source(excerpt.source.as_ref())
        .line_start(excerpt.first_line)
        .annotation(
            AnnotationKind::Context
                .span(excerpt.span.clone())
                .label(label),
        )
}

/// Keeps a span inside the text and on character boundaries.
fn clamp(text: &str, span: Range<usize>) -> Range<usize> {
    let start = floor_char_boundary(text, span.start.min(text.len()));
    let end = floor_char_boundary(text, span.end.min(text.len())).max(start);
    start..end
}

#[cfg(test)]
mod excerpt_tests;

#[cfg(test)]
mod tests;
