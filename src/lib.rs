//! relgate: read-only release gates for git repositories.
//!
//! Five binaries share this library: `validate-tag`, `check-version-sync`, `lint-changelog`,
//! `guard-master-commit` and `check-release-ready`. Each one runs unchanged as a pre-commit
//! framework hook, as a raw `.git/hooks` symlink or script, and in CI, and each follows one exit
//! status contract:
//!
//! | code | meaning |
//! | --- | --- |
//! | 0 | every check passed (warnings allowed) |
//! | 1 | at least one finding of severity `error` (or any, with `--deny-warnings`) |
//! | 2 | relgate could not do its job: usage, config, repository, file or hook input error |
//!
//! Nothing in relgate writes to the repository it checks.
//!
//! Modules, from the outside in: [`cli`] (flags and the main loop), [`checks`] (one module of
//! rules per binary), [`diag`] (findings and their rendering), [`config`], [`git`] (the only door
//! to gix), [`hook`] (git hook protocols), [`changelog`] (the changelog model), [`version`] (SemVer, PEP 440, tag grammars),
//! [`sources`] (where versions live), [`tree`] (work tree, index or commit), [`glob`],
//! [`rules`] (the rule registry) and [`error`].

pub mod changelog;
pub mod checks;
pub mod cli;
pub mod config;
pub mod conventions;
pub mod diag;
pub mod error;
pub mod git;
pub mod glob;
pub mod hook;
pub mod packages;
pub mod parallel;
pub mod releases;
pub mod rules;
pub mod sources;
pub mod toml_once;
pub mod tree;
pub mod version;
