//! lint-changelog: a Keep a Changelog linter with exact line:column findings.
use relgate::checks::lint;

fn main() -> std::process::ExitCode {
    relgate::cli::main(&lint::TOOL, lint::flag, lint::run)
}
