//! `provcat completions SHELL`: a completion script generated from the clap definitions,
//! so it covers every command and flag there is.

use clap::Args;
use clap_complete::Shell;

use super::Outcome;
use super::output::print_stdout;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: Shell,
}

pub fn run(args: CompletionsArgs, mut command: clap::Command) -> Outcome {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "provcat", &mut script);
    print_stdout(&String::from_utf8_lossy(&script))
}
