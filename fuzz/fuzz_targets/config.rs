//! relgate.toml on arbitrary UTF-8: a config or an error naming the file, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Err(e) = relgate::config::parse(text, "relgate.toml") {
        assert!(e.to_string().contains("relgate.toml"), "{e}");
    }
    // The position helper every TOML error goes through, at every offset kind.
    for off in [0, text.len() / 2, text.len(), text.len() + 1] {
        let (line, col) = relgate::config::line_col(text, off);
        assert!(line >= 1 && col >= 1);
    }
});
