//! check-release-ready: the whole pre-release checklist in one read-only command.
use relgate::checks::release;

fn main() -> std::process::ExitCode {
    relgate::cli::main(&release::TOOL, release::flag, release::run)
}
