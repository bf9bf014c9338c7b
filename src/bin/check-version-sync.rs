//! check-version-sync: every version source in the repository agrees.
use relgate::checks::versions;

fn main() -> std::process::ExitCode {
    relgate::cli::main(&versions::TOOL, versions::flag, versions::run)
}
