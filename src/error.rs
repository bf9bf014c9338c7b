//! The one error type: "relgate could not do its job" (exit 2).
//!
//! Findings are never errors (they are [`crate::diag::Diagnostic`]s). An [`Error`] carries a
//! message that names the file, ref or value at fault and what was expected, plus the chain of
//! causes printed as `caused by:` lines. No dependency's error type leaks through it: callers
//! convert at the boundary with [`Error::new`] and [`Error::caused_by`].

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    message: String,
    causes: Vec<String>,
    /// No repository was found at all (as opposed to one found that cannot be read): the
    /// documented name-only and file-only uses may go on without one (DESIGN §1).
    no_repository: bool,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(message: impl Into<String>) -> Self {
        Error {
            message: message.into(),
            causes: Vec::new(),
            no_repository: false,
        }
    }

    /// "Not a git repository": nothing was found to open.
    pub fn no_repository(message: impl Into<String>) -> Self {
        Error {
            no_repository: true,
            ..Error::new(message)
        }
    }

    pub fn is_no_repository(&self) -> bool {
        self.no_repository
    }

    /// Adds the underlying reason, usually a dependency's error rendered with `{e}`.
    pub fn caused_by(self, cause: impl fmt::Display) -> Self {
        // One copy of the splitting for every type of cause (five in each binary).
        self.caused_by_text(&cause.to_string())
    }

    fn caused_by_text(mut self, text: &str) -> Self {
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            self.causes.push(line.trim_end().to_string());
        }
        self
    }

    /// The same error, said of `context` (`tag v1.2.0: cannot read Cargo.toml:3:18: ...`).
    pub fn within(mut self, context: &str) -> Self {
        self.message = format!("{context}: {}", self.message);
        self
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn causes(&self) -> &[String] {
        &self.causes
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        for c in &self.causes {
            write!(f, "\n  caused by: {c}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// `Err(Error::new(format!(...)))` in one line.
#[macro_export]
macro_rules! bail {
    ($($arg:tt)*) => {
        return Err($crate::error::Error::new(format!($($arg)*)))
    };
}
