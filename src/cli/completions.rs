//! `provcat completions SHELL`: a completion script generated from the clap definitions,
//! so it covers every command and flag there is, with the catalog's values embedded in it
//! (the script never calls back into the binary):
//!
//! - an argument whose value name is `REF` (`-m/--model`, `explain REF`, `models show
//!   REF`) completes to the model refs: chat models' under `chat`, video models' under
//!   `video`, every model's elsewhere;
//! - `--auth-choice` completes to every auth choice id, described by provider, plan and
//!   region;
//! - `--provider` completes to every provider id.
//!
//! The values are added to a copy of the command used only to write the script, so the
//! command line itself still takes any value (a custom provider's `my-proxy/any-model`).
//! They come from the catalog in use: the built-in one, with `--catalog` folders over it.

use clap::Args;
use clap::builder::{PossibleValue, PossibleValuesParser};
use clap_complete::Shell;
use provcat::catalog::{self, ModelKind};

use super::Outcome;
use super::output::print_stdout;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: Shell,
}

pub fn run(args: CompletionsArgs, command: clap::Command) -> Outcome {
    let mut command = offer_catalog_values(command, &[]);
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "provcat", &mut script);
    print_stdout(&String::from_utf8_lossy(&script))
}

/// What an argument completes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Offer {
    /// Model refs, of one kind or all.
    Refs(Option<ModelKind>),
    /// Auth choice ids.
    AuthChoices,
    /// Provider ids.
    Providers,
}

/// What `arg` of the command at `path` (subcommand names from the top) completes to.
fn offer_for(path: &[String], arg: &clap::Arg) -> Option<Offer> {
    let value_names = arg.get_value_names().unwrap_or_default();
    if value_names.iter().any(|n| n.as_str() == "REF") {
        let kind = match path.first().map(String::as_str) {
            Some("chat") => Some(ModelKind::Chat),
            Some("video") => Some(ModelKind::Video),
            _ => None,
        };
        return Some(Offer::Refs(kind));
    }
    match arg.get_long() {
        Some("auth-choice") => Some(Offer::AuthChoices),
        Some("provider") => Some(Offer::Providers),
        _ => None,
    }
}

/// The values of `offer`, from the catalog in use, each with a one-line description.
fn values(offer: Offer) -> Vec<PossibleValue> {
    match offer {
        Offer::Refs(kind) => catalog::models()
            .iter()
            .filter(|m| kind.is_none_or(|k| m.kind == k))
            .map(|m| PossibleValue::new(m.canonical_ref).help(m.name))
            .collect(),
        Offer::AuthChoices => catalog::auth_choices()
            .map(|c| {
                let provider = catalog::provider(c.provider);
                let plan = provider
                    .and_then(|p| p.plans.iter().find(|x| x.id == c.plan))
                    .map_or(c.plan, |x| x.name);
                let region = provider
                    .and_then(|p| p.regions.iter().find(|x| x.id == c.region))
                    .map_or(c.region, |x| x.name);
                let name = provider.map_or(c.provider, |p| p.name);
                PossibleValue::new(c.id).help(format!("{name}: {plan}, {region}"))
            })
            .collect(),
        Offer::Providers => catalog::providers()
            .iter()
            .map(|p| PossibleValue::new(p.id).help(p.name))
            .collect(),
    }
}

/// `command` (at `path`) and its subcommands with the catalog's values as the possible
/// values of the arguments [`offer_for`] names.
fn offer_catalog_values(mut command: clap::Command, path: &[String]) -> clap::Command {
    let offers: Vec<(clap::Id, Offer)> = command
        .get_arguments()
        .filter_map(|a| offer_for(path, a).map(|o| (a.get_id().clone(), o)))
        .collect();
    for (id, offer) in offers {
        command = command.mut_arg(id, |a| {
            a.value_parser(PossibleValuesParser::new(values(offer)))
                .hide_possible_values(true)
        });
    }
    let names: Vec<String> = command
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        let mut sub_path = path.to_vec();
        sub_path.push(name.clone());
        command = command.mut_subcommand(name, |s| offer_catalog_values(s, &sub_path));
    }
    command
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (path, offer) of every argument that gets the catalog's values.
    fn offered(command: &clap::Command, path: &mut Vec<String>, out: &mut Vec<(String, Offer)>) {
        for arg in command.get_arguments() {
            if let Some(offer) = offer_for(path, arg) {
                out.push((format!("{} {}", path.join(" "), arg.get_id()), offer));
            }
        }
        for sub in command.get_subcommands() {
            path.push(sub.get_name().to_string());
            offered(sub, path, out);
            path.pop();
        }
    }

    #[test]
    fn the_model_auth_choice_and_provider_arguments_get_catalog_values() {
        use clap::CommandFactory;
        let mut found = Vec::new();
        offered(&crate::cli::Cli::command(), &mut Vec::new(), &mut found);
        for expected in [
            ("chat model", Offer::Refs(Some(ModelKind::Chat))),
            ("video generate model", Offer::Refs(Some(ModelKind::Video))),
            ("models show reference", Offer::Refs(None)),
            ("explain reference", Offer::Refs(None)),
            ("onboard auth_choice", Offer::AuthChoices),
            ("models list provider", Offer::Providers),
        ] {
            assert!(
                found
                    .iter()
                    .any(|(p, o)| p == expected.0 && *o == expected.1),
                "{expected:?} not in {found:?}"
            );
        }
    }

    #[test]
    fn values_come_from_the_catalog() {
        let chat = values(Offer::Refs(Some(ModelKind::Chat)));
        assert!(chat.iter().any(|v| v.get_name() == "qwen/qwen3.5-plus"));
        assert!(chat.iter().all(|v| !v.get_name().contains("wan")));
        let choices = values(Offer::AuthChoices);
        let coding = choices
            .iter()
            .find(|v| v.get_name() == "qwen-api-key")
            .unwrap();
        let help = coding.get_help().unwrap().to_string();
        assert!(help.contains("Coding Plan"), "{help}");
    }
}
