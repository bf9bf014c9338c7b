//! One module of rules per binary. Each exposes its `TOOL` (name and usage), its `RULES` (the
//! reference entry of every rule id it reports), a flag handler and `run`, which loads what the
//! mode needs and calls plain check functions over that data.

pub mod changelog;
pub mod guard;
pub mod lint;
pub mod release;
pub mod tag;
pub mod versions;
