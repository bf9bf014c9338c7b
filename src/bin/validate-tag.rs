//! validate-tag: release tags that are valid, annotated, on a release branch, increasing and match the files.
use relgate::checks::tag;

fn main() -> std::process::ExitCode {
    relgate::cli::main(&tag::TOOL, tag::flag, tag::run)
}
