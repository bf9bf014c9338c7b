//! Integration tests: the built binaries against real git repositories.
//!
//! One test binary (as ripgrep does) with a module per relgate binary and shared helpers in
//! `util`. Hook behaviour is tested through git itself: a binary is installed into `.git/hooks`
//! and git runs it.

mod bounded;
mod bypass;
mod changelog;
mod common;
mod conventions;
mod docs;
mod field;
mod field_changelog;
mod field_sources;
mod framework;
mod guard;
mod hostile;
mod install;
mod release;
mod scaling;
mod sources;
mod tag_hooks;
mod tag_rules;
mod util;
mod versions;
mod workspaces;
