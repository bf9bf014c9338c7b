//! git's reference-transaction stdin: never a panic, and every accepted line is well formed.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(updates) = relgate::hook::parse_reference_transaction(data) {
        for u in &updates {
            assert!(!u.name.is_empty() && !u.name.contains(&b' '));
            for id in [&u.old, &u.new].into_iter().flatten() {
                assert!(matches!(id.0.len(), 40 | 64));
            }
            let _ = u.is_create();
        }
    }
});
