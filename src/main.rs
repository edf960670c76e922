//! The `provcat` command line: see `provcat --help` and the README.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
