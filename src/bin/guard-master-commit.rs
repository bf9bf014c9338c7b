//! guard-master-commit: refuse commits, pushes and deletions on protected branches.
use relgate::checks::guard;

fn main() -> std::process::ExitCode {
    relgate::cli::main(&guard::TOOL, guard::flag, guard::run)
}
